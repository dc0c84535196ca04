/**
 * Verifies an APIG `SDK-HMAC-SHA256` signature the way the gateway does: the canonical request
 * is rebuilt from the headers the client listed in SignedHeaders (values as received, `host`
 * from the Host header), the query and path as sent, and the raw body bytes. Messages follow
 * the gateway's "Incorrect IAM authentication information: ..." wording and say what failed.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { MAX_CLOCK_SKEW_MS, SIGNING_ALGORITHM } from "../provider/constants";
import { canonicalize, formatSdkDate, hmacSha256Hex, parseSdkDate } from "../provider/signer";

export interface SignatureInput {
  readonly method: string;
  /** The request target as received (`/v1/...?...`). */
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly nowMs: number;
}

export type SignatureVerdict =
  | { readonly ok: true; readonly securityToken?: string }
  | { readonly ok: false; readonly reason: SignatureFailure; readonly message: string };

export type SignatureFailure =
  | "missing-authorization"
  | "malformed-authorization"
  | "unknown-access-key"
  | "missing-date"
  | "malformed-date"
  | "date-expired"
  | "missing-signed-header"
  | "unsigned-security-token"
  | "signature-mismatch";

const PREFIX = "Incorrect IAM authentication information";

function fail(reason: SignatureFailure, detail: string): SignatureVerdict {
  return { ok: false, reason, message: `${PREFIX}: ${detail}` };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

export function verifySignature(input: SignatureInput): SignatureVerdict {
  const authorization = headerValue(input.headers, "authorization");
  if (authorization === undefined) return fail("missing-authorization", "x-auth-token not found");
  const match = new RegExp(
    `^${SIGNING_ALGORITHM}\\s+Access=([^,\\s]+),\\s*SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-fA-F]+)$`,
  ).exec(authorization.trim());
  if (!match) {
    return fail(
      "malformed-authorization",
      `unsupported Authorization header, expected "${SIGNING_ALGORITHM} Access=..., SignedHeaders=..., Signature=..."`,
    );
  }
  const [, accessKey, signedHeaderList, signature] = match;
  if (accessKey !== input.accessKey) {
    return fail("unknown-access-key", `Get secretKey failed,ak:${accessKey},err:ak not exist`);
  }

  const sdkDate = headerValue(input.headers, "x-sdk-date");
  if (sdkDate === undefined) return fail("missing-date", "verify aksk signature fail, x-sdk-date not found");
  const date = parseSdkDate(sdkDate);
  if (!date) {
    return fail(
      "malformed-date",
      `verify aksk signature fail, x-sdk-date [${sdkDate}] is not of the form YYYYMMDDTHHMMSSZ`,
    );
  }
  if (Math.abs(date.getTime() - input.nowMs) > MAX_CLOCK_SKEW_MS) {
    return fail(
      "date-expired",
      `x-sdk-date expired, signature time:${sdkDate},server time:${formatSdkDate(new Date(input.nowMs))}`,
    );
  }

  const signedNames = signedHeaderList.split(";");
  for (const required of ["host", "x-sdk-date"]) {
    if (!signedNames.includes(required)) {
      return fail("missing-signed-header", `verify aksk signature fail, SignedHeaders must include ${required}`);
    }
  }
  const securityToken = headerValue(input.headers, "x-security-token");
  if (securityToken !== undefined && !signedNames.includes("x-security-token")) {
    return fail("unsigned-security-token", "verify aksk signature fail, x-security-token is present but not signed");
  }
  const signedValues: Record<string, string> = {};
  for (const name of signedNames) {
    const value = headerValue(input.headers, name);
    if (value === undefined) {
      return fail(
        "missing-signed-header",
        `verify aksk signature fail, signed header ${name} not found in the request`,
      );
    }
    signedValues[name] = value;
  }

  const url = new URL(input.rawUrl, "http://signature.invalid");
  const { stringToSign } = canonicalize(input.method, url, signedValues, input.body, sdkDate);
  const expected = Buffer.from(hmacSha256Hex(input.secretKey, stringToSign), "hex");
  const received = Buffer.from(signature.toLowerCase(), "hex");
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return fail("signature-mismatch", "verify aksk signature fail");
  }
  return securityToken === undefined ? { ok: true } : { ok: true, securityToken };
}
