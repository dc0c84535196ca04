/**
 * One refreshing holder per credential setup, kept on the provider's state for the life of the
 * provider process (reset by `configure`): every resource and every call of an operation shares the
 * same temporary credentials and their renewals. Keyed by a digest of the settings the chain reads,
 * so no key or token is ever a map key in clear.
 */
import { createHash } from "node:crypto";
import { ENV_KEYS } from "../settings";
import { loadCredentials, type ChainInput } from "./chain";
import { METADATA_URL_VARIABLE } from "./fromInstanceMetadata";
import { refreshingCredentials, type CredentialHolder } from "./refreshing";

export type CredentialHolders = Record<string, CredentialHolder>;

const CHAIN_VARIABLES = [
  ...ENV_KEYS.accessKey,
  ...ENV_KEYS.secretKey,
  ...ENV_KEYS.securityToken,
  ...ENV_KEYS.sharedConfigFile,
  ...ENV_KEYS.profile,
  ...ENV_KEYS.assumeRoleAgencyName,
  ...ENV_KEYS.assumeRoleDomainName,
  ...ENV_KEYS.assumeRoleDuration,
  METADATA_URL_VARIABLE,
];

function digest(input: ChainInput): string {
  const { accessKey, secretKey, securityToken, sharedConfigFile, profile, assumeRole } = input.config;
  const vars = CHAIN_VARIABLES.map((name) => input.env[name] ?? null);
  const text = JSON.stringify([
    accessKey,
    secretKey,
    securityToken,
    sharedConfigFile,
    profile,
    assumeRole,
    vars,
    input.iamEndpoint,
  ]);
  return createHash("sha256").update(text).digest("hex");
}

export function credentialsFor(holders: CredentialHolders, input: ChainInput): CredentialHolder {
  const key = digest(input);
  holders[key] ??= refreshingCredentials(() => loadCredentials(input));
  return holders[key];
}
