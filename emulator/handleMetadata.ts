/**
 * The ECS metadata service of the server the provider runs on (unsigned, as the real one at
 * 169.254.169.254): `PUT /meta-data/latest/api/token` (header `X-Metadata-Token-Ttl-Seconds`) answers a
 * token, `GET /openstack/latest/securitykey` the agency's temporary credentials
 * `{ "credential": { "access", "secret", "securitytoken", "expires_at" } }` (the official Go SDK's
 * core/auth/internal/metadata_accessor.go reads both; reference §10). Credentials live an hour and are
 * renewed 10 minutes ahead (a sixth of their life when `temporaryCredentialSeconds` is shorter); until
 * then the same ones are answered.
 *
 * `metadata` (an option): `token-optional` (both protocols; the default, what the Java SDK's
 * MetadataAccessor is written for), `token-required` (a GET without a valid token: 401), `plain` (no
 * handshake: the PUT answers 404, as the Go SDK expects of services without one), `no-agency` (the
 * server has no agency: 404 "Please configure Cloud Service Agency first", the Go SDK's ConfigAgencyError).
 */
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ApiAnswer } from "./errorBodies";
import type { EmulatorState } from "./EmulatorState";
import { formatExpiresAt, type IssuedCredentials } from "./TemporaryCredentials";

export const METADATA_TOKEN_PATH = "/meta-data/latest/api/token";
export const METADATA_SECURITY_KEY_PATH = "/openstack/latest/securitykey";
const METADATA_CREDENTIAL_SECONDS = 3600;
const RENEW_AHEAD_SECONDS = 600;

export function isMetadataPath(pathname: string): boolean {
  return pathname === METADATA_TOKEN_PATH || pathname === METADATA_SECURITY_KEY_PATH;
}

export interface MetadataState {
  current?: IssuedCredentials;
  readonly tokens: Map<string, number>;
}

export function handleMetadata(
  state: EmulatorState,
  method: string,
  pathname: string,
  headers: IncomingHttpHeaders,
): ApiAnswer {
  const mode = state.options.metadata;
  const nowMs = state.nowMs();
  state.stats.countRequest(method, `metadata ${pathname}`);
  if (pathname === METADATA_TOKEN_PATH) {
    if (method !== "PUT" || mode === "plain") return text(404, "404 Not Found");
    const ttl = Number(headers["x-metadata-token-ttl-seconds"]);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600)
      return text(400, "X-Metadata-Token-Ttl-Seconds must be 1 to 21600");
    const token = randomBytes(24).toString("base64url");
    state.metadata.tokens.set(token, nowMs + ttl * 1000);
    return text(200, token);
  }
  if (method !== "GET") return text(405, "405 Method Not Allowed");
  const sent = headers["x-metadata-token"];
  const tokenValid = typeof sent === "string" && (state.metadata.tokens.get(sent) ?? 0) > nowMs;
  if ((mode === "token-required" && !tokenValid) || (sent !== undefined && !tokenValid && mode !== "plain")) {
    return text(401, "401 Unauthorized: invalid or expired metadata token");
  }
  if (mode === "no-agency") return text(404, "Please configure Cloud Service Agency first");
  const lifetime = state.options.temporaryCredentialSeconds ?? METADATA_CREDENTIAL_SECONDS;
  const renewAheadMs = Math.min(RENEW_AHEAD_SECONDS, lifetime / 6) * 1000;
  const current = state.metadata.current;
  if (current === undefined || current.expiresAtMs - nowMs <= renewAheadMs) {
    state.metadata.current = state.temporaryCredentials.issue("metadata", nowMs, lifetime);
  }
  const issued = state.metadata.current!;
  return {
    status: 200,
    body: {
      credential: {
        access: issued.accessKey,
        secret: issued.secretKey,
        securitytoken: issued.securityToken,
        expires_at: formatExpiresAt(issued.expiresAtMs),
      },
    },
  };
}

function text(status: number, body: string): ApiAnswer {
  return { status, body: undefined, rawBody: body, headers: { "Content-Type": "text/plain" } };
}
