/**
 * The shapes of the credential chain (provider/credentials/), in the style of the AWS SDK's credential
 * providers: each source either finds credentials or says what it tried and why nothing came of it,
 * so that the chain's error can list every source and what to fix.
 */
import type { Credentials } from "../publicTypes";

export type { Credentials } from "../publicTypes";

/** Credentials a source found: where from (never a secret in it), and when they expire, if they do. */
export interface FoundCredentials {
  readonly credentials: Credentials;
  /** e.g. `stack config (huaweicloud:accessKey)`, `the ECS metadata service`. */
  readonly source: string;
  /** Epoch ms; absent for a permanent key. */
  readonly expiresAtMs?: number;
}

/** What a source came to: credentials, or what it tried (named in the chain's error) and why nothing. */
export type SourceOutcome =
  | { readonly found: FoundCredentials }
  | { readonly found?: undefined; readonly tried: string; readonly problem?: "misconfigured" };

/** One link of the chain. `load` never throws for "nothing here": it says so in `tried`. */
export interface CredentialSource {
  readonly load: () => Promise<SourceOutcome>;
}

/**
 * What the transport signs with: the credentials of the next attempt (renewed ahead of expiry), and,
 * after a 401, fresh ones when the refused ones were temporary and others can be had.
 */
export interface CredentialSupply {
  current(): Promise<Credentials>;
  renewAfterRefusal(used: Credentials): Promise<Credentials | undefined>;
}

/** An agency to assume with the credentials found (`huaweicloud:assumeRole`, HW_ASSUME_ROLE_*). */
export interface AgencyToAssume {
  readonly agencyName: string;
  readonly domainName: string;
  readonly durationSeconds: number;
}
