/** The credential chain: what the provider imports (one source per file; README "Credentials", docs/credentials.md). */
export { loadCredentials, credentialSettingsProblems, sharedConfigLocation } from "./chain";
export type { ChainInput } from "./chain";
export { refreshingCredentials, REFRESH_AHEAD_MS } from "./refreshing";
export type { CredentialHolder } from "./refreshing";
export { credentialsFor } from "./credentialsFor";
export type { CredentialHolders } from "./credentialsFor";
export type { AgencyToAssume, CredentialSupply, FoundCredentials } from "./types";
