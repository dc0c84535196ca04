/**
 * Temporary credentials the emulator issues, from its metadata service (a server's agency) and from
 * IAM's securitytokens (an agency assumed): each an access key, a secret, a security token and an
 * expiry. Every issued key stays valid until its own expiry, so old and new overlap while the
 * metadata service renews ahead (reference §10). Refusals follow Huawei's gateway wording
 * ("Incorrect IAM authentication information: ..." with APIGW.0301): a token that does not belong to
 * the key is "decrypt token fail" (APIG FAQ "Common Errors Related to IAM Authentication
 * Information"); an expired key is "calc ak sk signature fail:signature expired", which Huawei's SIS
 * FAQ says "indicates that the AK or SK has expired".
 */
import { randomBytes } from "node:crypto";

export interface IssuedCredentials {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly securityToken: string;
  readonly expiresAtMs: number;
  /** `metadata` or `agency:<domain>/<name>`. */
  readonly origin: string;
}

export const EXPIRED_KEY_MESSAGE =
  "Incorrect IAM authentication information: calc ak sk signature fail:signature expired";
export const BAD_TOKEN_MESSAGE = "Incorrect IAM authentication information: decrypt token fail";

/** `2024-01-01T08:00:00.000000Z`: IAM's expires_at (microseconds; the Node SDK strips the extra `000`). */
export function formatExpiresAt(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000Z");
}

export class TemporaryCredentials {
  private readonly issued = new Map<string, IssuedCredentials>();

  issue(origin: string, nowMs: number, lifetimeSeconds: number): IssuedCredentials {
    const credentials: IssuedCredentials = {
      accessKey: `TMP${randomBytes(8).toString("hex").toUpperCase()}`,
      secretKey: randomBytes(20).toString("hex"),
      securityToken: `gQpjbi1ub3J0aC00${randomBytes(48).toString("base64url")}`,
      expiresAtMs: nowMs + lifetimeSeconds * 1000,
      origin,
    };
    this.issued.set(credentials.accessKey, credentials);
    return credentials;
  }

  find(accessKey: string): IssuedCredentials | undefined {
    return this.issued.get(accessKey);
  }

  /** Why the gateway refuses this temporary key with this token at `nowMs`; undefined when it accepts them. */
  refusal(credentials: IssuedCredentials, securityToken: string | undefined, nowMs: number): string | undefined {
    if (securityToken !== credentials.securityToken) return BAD_TOKEN_MESSAGE;
    if (nowMs >= credentials.expiresAtMs) return EXPIRED_KEY_MESSAGE;
    return undefined;
  }

  clear(): void {
    this.issued.clear();
  }
}
