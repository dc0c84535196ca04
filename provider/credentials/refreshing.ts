/**
 * A holder of credentials that renews temporary ones ahead of expiry, shared by every call of a
 * provider process (the AWS SDK's memoized credential providers; Terraform reloads the metadata key
 * `keyExpiresDuration` = 600 s before it expires, huaweicloud/config/auth.go, and the metadata service
 * itself renews its key 10 minutes ahead, reference §10).
 *
 * Renewed when less than REFRESH_AHEAD_MS is left, or less than half the lifetime for short-lived
 * ones (a 20-second key is renewed after 10 s); one renewal at a time, every caller waiting on it.
 * If a renewal fails while the key in hand is still valid, that key is used and the renewal tried
 * again shortly; once it has expired, the renewal's error is thrown. Permanent keys are loaded once.
 * Plain closures, no class: Pulumi's closure serializer rewrites classes.
 */
import type { Credentials, CredentialSupply, FoundCredentials } from "./types";

export const REFRESH_AHEAD_MS = 10 * 60 * 1000;
/** After a failed renewal with a key still valid, the next try waits at most this long. */
export const RETRY_RENEWAL_MS = 5000;

export interface CredentialHolder extends CredentialSupply {
  /** The credentials found, with their source (for messages) and expiry. */
  found(): Promise<FoundCredentials>;
}

export function refreshingCredentials(
  load: () => Promise<FoundCredentials>,
  now: () => number = Date.now,
): CredentialHolder {
  let held: FoundCredentials | undefined;
  let renewAtMs = 0;
  let renewing: Promise<FoundCredentials> | undefined;

  const renew = (): Promise<FoundCredentials> => {
    renewing ??= (async () => {
      const loadedAt = now();
      try {
        const fresh = await load();
        const lifetime = fresh.expiresAtMs === undefined ? Infinity : fresh.expiresAtMs - loadedAt;
        const unchanged = held !== undefined && sameCredentials(held.credentials, fresh.credentials);
        held = fresh;
        renewAtMs =
          fresh.expiresAtMs === undefined
            ? Infinity
            : unchanged
              ? Math.min(fresh.expiresAtMs, now() + RETRY_RENEWAL_MS)
              : fresh.expiresAtMs - Math.min(REFRESH_AHEAD_MS, lifetime / 2);
        return fresh;
      } catch (error) {
        if (held?.expiresAtMs !== undefined && now() < held.expiresAtMs) {
          renewAtMs = Math.min(held.expiresAtMs, now() + RETRY_RENEWAL_MS);
          return held;
        }
        throw error;
      } finally {
        renewing = undefined;
      }
    })();
    return renewing;
  };

  const found = async (): Promise<FoundCredentials> => (held !== undefined && now() < renewAtMs ? held : renew());

  return {
    found,
    current: async () => (await found()).credentials,
    async renewAfterRefusal(used: Credentials): Promise<Credentials | undefined> {
      if (held === undefined || held.expiresAtMs === undefined) return undefined;
      // Another call may have renewed them meanwhile.
      if (!sameCredentials(held.credentials, used)) return held.credentials;
      renewAtMs = 0;
      return (await renew()).credentials;
    },
  };
}

export function sameCredentials(a: Credentials, b: Credentials): boolean {
  return a.accessKey === b.accessKey && a.secretKey === b.secretKey && a.securityToken === b.securityToken;
}
