/**
 * APIG AK/SK request signing, `SDK-HMAC-SHA256`, as the official Huawei Cloud SDKs do it.
 *
 * A pure function of (request, credentials, date): nothing is read from the clock or the
 * environment, and the request is never mutated. Spec: Huawei Cloud "API signing guide"
 * (APIG AK/SK authentication); the canonicalisation mirrors `AKSKSigner` of
 * `@huaweicloud/huaweicloud-sdk-core`, which the tests use as an oracle.
 */
import { createHash, createHmac } from "node:crypto";
import {
  EMPTY_BODY_SHA256,
  HEADER_AUTHORIZATION,
  HEADER_PROJECT_ID,
  HEADER_SDK_DATE,
  HEADER_SECURITY_TOKEN,
  SIGNING_ALGORITHM,
} from "./constants";
import type { Credentials } from "./publicTypes";

export type { Credentials } from "./publicTypes";

/** One request as `signRequest` signs it: method, URL, the headers to sign, the exact body bytes and the project id. */
export interface SignableRequest {
  readonly method: string;
  readonly url: string | URL;
  /** Headers to sign as given (normally just Content-Type). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The exact bytes that will be sent; absent or empty for no body. */
  readonly body?: string | Uint8Array;
  /** Sent as X-Project-Id (and signed) on project-level calls. */
  readonly projectId?: string;
}

/** `20240115T083000Z`: the X-Sdk-Date format (UTC, no separators). */
export function formatSdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

/** Parses an X-Sdk-Date value; undefined when it is not of the form `YYYYMMDDTHHMMSSZ`. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** RFC 3986 percent-encoding: only `A-Z a-z 0-9 - _ . ~` stay, hex in upper case, space = `%20`. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Each path segment (as sent) encoded once more, as the SDK does; always ends in `/` for signing (the URL sent has no trailing slash). */
export function canonicalUri(pathname: string): string {
  const encoded = pathname
    .split("/")
    .map((segment) => percentEncode(segment))
    .join("/");
  return encoded.endsWith("/") ? encoded : `${encoded}/`;
}

/**
 * `key=value` pairs, both encoded, sorted by (decoded) key as the SDK does; values of a
 * repeated key sorted too. Empty string when there is no query.
 */
export function canonicalQuery(searchParams: URLSearchParams): string {
  const grouped: Record<string, string[]> = {};
  for (const [key, value] of searchParams) {
    (grouped[key] ??= []).push(value);
  }
  const pairs: string[] = [];
  for (const key of Object.keys(grouped).sort()) {
    for (const value of grouped[key].sort()) {
      pairs.push(`${percentEncode(key)}=${percentEncode(value)}`);
    }
  }
  return pairs.join("&");
}

/** `name:value\n` for each header, names lower-cased and sorted; plus the `;`-joined name list. */
export function canonicalHeaders(headers: Readonly<Record<string, string>>): {
  canonical: string;
  signedHeaders: string;
} {
  const entries = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    canonical: entries.map(([name, value]) => `${name}:${value}\n`).join(""),
    signedHeaders: entries.map(([name]) => name).join(";"),
  };
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface CanonicalParts {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signedHeaders: string;
}

/**
 * The canonical request and string to sign for a request whose headers to sign are exactly
 * `signedHeaderValues` (host and X-Sdk-Date included). Shared by the signer and the emulator's verifier.
 */
export function canonicalize(
  method: string,
  url: URL,
  signedHeaderValues: Readonly<Record<string, string>>,
  body: string | Uint8Array | undefined,
  sdkDate: string,
): CanonicalParts {
  const { canonical, signedHeaders } = canonicalHeaders(signedHeaderValues);
  const payloadHash = body === undefined || body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(body);
  const canonicalRequest = [
    method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams),
    canonical,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const stringToSign = [SIGNING_ALGORITHM, sdkDate, sha256Hex(canonicalRequest)].join("\n");
  return { canonicalRequest, stringToSign, signedHeaders };
}

export function hmacSha256Hex(key: string, data: string): string {
  return createHmac("sha256", key).update(data).digest("hex");
}

/**
 * Signs a request. Returns the headers to add to it: X-Sdk-Date, Authorization, and
 * X-Project-Id / X-Security-Token when they apply. Host is signed but not returned: the HTTP
 * client sends it from the URL.
 */
export function signRequest(request: SignableRequest, credentials: Credentials, date: Date): Record<string, string> {
  const url = typeof request.url === "string" ? new URL(request.url) : request.url;
  const sdkDate = formatSdkDate(date);
  const added: Record<string, string> = { [HEADER_SDK_DATE]: sdkDate };
  if (request.projectId !== undefined) added[HEADER_PROJECT_ID] = request.projectId;
  if (credentials.securityToken) added[HEADER_SECURITY_TOKEN] = credentials.securityToken;
  const toSign = { ...request.headers, ...added, host: url.host };
  const { stringToSign, signedHeaders } = canonicalize(request.method, url, toSign, request.body, sdkDate);
  const signature = hmacSha256Hex(credentials.secretKey, stringToSign);
  return {
    ...added,
    [HEADER_AUTHORIZATION]: `${SIGNING_ALGORITHM} Access=${credentials.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
