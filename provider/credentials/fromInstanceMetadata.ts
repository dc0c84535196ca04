/**
 * The ECS metadata service as a credential source, for a provider running on an ECS server that has
 * an agency: `GET http://169.254.169.254/openstack/latest/securitykey` answers
 * `{ "credential": { "access", "secret", "securitytoken", "expires_at" } }`. As the official Go SDK's
 * `MetadataAccessor` (core/auth/internal/metadata_accessor.go) does it: first the token handshake,
 * `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds: 21600`; a 200 gives the token
 * sent as `X-Metadata-Token`, a 404 or 405 means the service has no handshake (plain GET); a 401 on the
 * GET (other than "Please configure Cloud Service Agency first") asks for a new token once.
 *
 * Short timeouts, so a laptop or a CI runner off ECS does not wait on it: connecting 1 s, an answer 3 s
 * (the Go SDK's client timeout). The base URL can be changed for tests only, to a loopback one
 * (METADATA_URL_VARIABLE); "off" disables the source.
 */
import { Agent, request } from "undici";
import { isLoopbackEndpoint } from "../endpoint";
import type { Environment } from "../settings";
import type { SourceOutcome } from "./types";

export const DEFAULT_METADATA_URL = "http://169.254.169.254";
export const METADATA_TOKEN_PATH = "/meta-data/latest/api/token";
export const METADATA_SECURITY_KEY_PATH = "/openstack/latest/securitykey";
/** The Go SDK's DefaultTokenTTLSeconds (6 h). */
export const METADATA_TOKEN_TTL_SECONDS = 21600;
/** The metadata service's answer when the server has no agency (the Go SDK's ConfigAgencyError). */
export const NO_AGENCY_MESSAGE = "Please configure Cloud Service Agency first";
export const METADATA_CONNECT_TIMEOUT_MS = 1000;
export const METADATA_ANSWER_TIMEOUT_MS = 3000;
/** Tests only: a loopback base URL for the metadata service, or "off". */
export const METADATA_URL_VARIABLE = "HUAWEICLOUD_ECS_POWER_METADATA_URL";

/** The metadata base URL to use, undefined when disabled; a non-loopback override is refused. */
export function metadataUrl(env: Environment): { url?: string; problem?: string } {
  const override = env[METADATA_URL_VARIABLE];
  if (override === undefined || override === "") return { url: DEFAULT_METADATA_URL };
  if (override === "off") return {};
  if (!isLoopbackEndpoint(override)) {
    return {
      problem: `${METADATA_URL_VARIABLE} "${override}" is invalid: it is for tests only and must be a loopback URL (or off)`,
    };
  }
  return { url: override.replace(/\/+$/, "") };
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

/** `2024-01-01T08:00:00.000000Z` (microseconds, as IAM writes it) → epoch ms; NaN when unreadable. */
export function parseExpiresAt(value: string): number {
  return Date.parse(value.replace(/(\.\d{3})\d+/, "$1"));
}

export async function fromInstanceMetadata(env: Environment): Promise<SourceOutcome> {
  const { url, problem } = metadataUrl(env);
  if (problem !== undefined) return { tried: problem, problem: "misconfigured" };
  if (url === undefined) return { tried: `the ECS metadata service (disabled by ${METADATA_URL_VARIABLE}=off)` };
  const where = `the ECS metadata service at ${url}`;
  const dispatcher = new Agent({ connect: { timeout: METADATA_CONNECT_TIMEOUT_MS }, connections: 1 });
  const send = async (method: "PUT" | "GET", path: string, headers: Record<string, string>): Promise<Answer> => {
    const response = await request(`${url}${path}`, {
      dispatcher,
      method,
      headers,
      headersTimeout: METADATA_ANSWER_TIMEOUT_MS,
      bodyTimeout: METADATA_ANSWER_TIMEOUT_MS,
    });
    return { status: response.statusCode, text: await response.body.text() };
  };
  try {
    const handshake = async (): Promise<string | undefined> => {
      const answer = await send("PUT", METADATA_TOKEN_PATH, {
        "X-Metadata-Token-Ttl-Seconds": String(METADATA_TOKEN_TTL_SECONDS),
      });
      if (answer.status === 200) return answer.text.trim();
      if (answer.status === 404 || answer.status === 405) return undefined;
      throw new Error(`the token handshake answered ${answer.status}`);
    };
    let token = await handshake();
    const getKey = () => send("GET", METADATA_SECURITY_KEY_PATH, token ? { "X-Metadata-Token": token } : {});
    let answer = await getKey();
    if (answer.status === 401 && !answer.text.includes(NO_AGENCY_MESSAGE)) {
      token = await handshake();
      answer = await getKey();
    }
    if (answer.status !== 200) {
      const said = answer.text.includes(NO_AGENCY_MESSAGE) ? `: ${NO_AGENCY_MESSAGE} (the server has no agency)` : "";
      return { tried: `${where} (answered ${answer.status}${said})` };
    }
    return readSecurityKey(answer.text, where);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === "UND_ERR_CONNECT_TIMEOUT"
        ? `not reachable in ${METADATA_CONNECT_TIMEOUT_MS / 1000} s`
        : (code ?? (error as Error).message);
    return { tried: `${where} (${why})` };
  } finally {
    await dispatcher.close();
  }
}

function readSecurityKey(text: string, where: string): SourceOutcome {
  let credential: Record<string, unknown> | undefined;
  try {
    credential = (JSON.parse(text) as { credential?: Record<string, unknown> }).credential;
  } catch {
    credential = undefined;
  }
  const field = (name: string) => (typeof credential?.[name] === "string" ? (credential[name] as string) : undefined);
  const [accessKey, secretKey, securityToken, expiresAt] = ["access", "secret", "securitytoken", "expires_at"].map(
    field,
  );
  const expiresAtMs = expiresAt === undefined ? NaN : parseExpiresAt(expiresAt);
  if (!accessKey || !secretKey || !securityToken || Number.isNaN(expiresAtMs)) {
    return { tried: `${where} (answered without credential.access, secret, securitytoken and expires_at)` };
  }
  return {
    found: { credentials: { accessKey, secretKey, securityToken }, source: "the ECS metadata service", expiresAtMs },
  };
}
