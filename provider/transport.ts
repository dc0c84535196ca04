/**
 * One signed request with retries: sign (fresh X-Sdk-Date per attempt), send over undici, read
 * the whole body, classify the outcome with the retry policy, wait, repeat; or raise one EcsError
 * carrying Huawei's code, message and request id.
 */
import { Pool, request } from "undici";
import type { Dispatcher } from "undici";
import {
  CLIENT_USER_AGENT,
  HEADER_AUTHORIZATION,
  HEADER_CONTENT_TYPE,
  HEADER_REQUEST_ID,
  HEADER_RETRY_AFTER,
  MAX_CLOCK_SKEW_MS,
} from "./constants";
import { EcsError, errorCodeForResponse, hintFor, redactSecrets } from "./errors";
import type { EcsErrorCode, EcsErrorInit } from "./errors";
import { classifyAttempt, resolveRetryPolicy } from "./retryPolicy";
import type { AttemptOutcome, AttemptVerdict, RetryPolicy } from "./retryPolicy";
import { actionResponseSchema, errorBodySchema, validateBody } from "./schemas";
import { percentEncode, signRequest } from "./signer";
import type { Credentials } from "./signer";
import { sleep as defaultSleep } from "./sleep";

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

/** Tunables shared by the ECS client and the project-id lookup. */
export interface TransportOptions {
  /** TCP + TLS connect timeout of the pool the client owns (ignored with an injected dispatcher). */
  readonly connectTimeoutMs?: number;
  /** Time allowed for the response headers to arrive. */
  readonly headersTimeoutMs?: number;
  /** Longest pause allowed between two chunks of the response body. */
  readonly bodyTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly userAgent?: string;
  /** Clock used for X-Sdk-Date, Retry-After dates and pacing. */
  readonly now?: () => Date;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1): the jitter of retry delays. */
  readonly random?: () => number;
  /** Clients sharing a gate stop sending with an access key the gateway refused (see AuthGate); none without one. */
  readonly authGate?: AuthGate;
}

/**
 * The access keys the gateway refused (401) in this process. Five failed authentications in a row
 * lock a key for five minutes, so after one refusal no client sharing the gate sends another call
 * with that key: N resources with a wrong key make one failed call, not N, and do not lock it.
 */
export interface AuthGate {
  refused: { readonly accessKey: string; readonly error: EcsError }[];
}

export interface TransportSettings {
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly policy: RetryPolicy;
  readonly userAgent: string;
  readonly now: () => Date;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly authGate?: AuthGate;
}

/** Defaults merged, each value checked once before any I/O; errors name the setting and the rule. */
export function resolveTransportOptions(options: TransportOptions): TransportSettings {
  return {
    connectTimeoutMs: positiveNumberSetting("connectTimeoutMs", options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
    headersTimeoutMs: positiveNumberSetting("headersTimeoutMs", options.headersTimeoutMs, DEFAULT_HEADERS_TIMEOUT_MS),
    bodyTimeoutMs: positiveNumberSetting("bodyTimeoutMs", options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS),
    policy: resolveRetryPolicy(options.retry),
    userAgent: options.userAgent ?? CLIENT_USER_AGENT,
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    ...(options.authGate ? { authGate: options.authGate } : {}),
  };
}

/** `value ?? fallback`, which must be a finite number > 0 (an integer when `integer`). */
export function positiveNumberSetting(
  name: string,
  value: number | undefined,
  fallback: number,
  integer = false,
): number {
  const resolved = value ?? fallback;
  if (
    typeof resolved !== "number" ||
    !Number.isFinite(resolved) ||
    resolved <= 0 ||
    (integer && !Number.isInteger(resolved))
  ) {
    throw new EcsError({
      code: "ECS_INVALID_ARGUMENT",
      operation: "checking the client options",
      reason: `${name} [${String(resolved)}] must be ${integer ? "a positive integer" : "a positive number"}`,
    });
  }
  return resolved;
}

/** A keep-alive pool to one origin, owned (and closed) by whoever creates it. */
export function createPool(origin: string, connectTimeoutMs: number, connections: number): Pool {
  return new Pool(origin, { connect: { timeout: connectTimeoutMs }, connections });
}

export interface TransportTarget {
  readonly origin: string;
  readonly dispatcher: Dispatcher;
  readonly credentials: Credentials;
  /** Sent (and signed) as X-Project-Id; absent on account-level calls such as IAM projects. */
  readonly projectId?: string;
}

export interface SignedCall {
  readonly method: "GET" | "POST";
  /** The path as sent, each segment already percent-encoded. */
  readonly path: string;
  readonly query?: readonly (readonly [string, string])[];
  /** JSON text; POST only. */
  readonly body?: string;
  /** The route template for errors, e.g. `GET /v1/{project_id}/jobs/{job_id}`. */
  readonly route: string;
  /** What is being done, for error messages, e.g. `reading job ff80…`. */
  readonly operation: string;
  readonly serverIds?: readonly string[];
  /** Named in the hint of a 403. */
  readonly iamAction?: string;
  /** The call is a batch action: accepted only when the answer has a string job_id. */
  readonly expectJobId?: boolean;
  /**
   * Cancels the waits between attempts, and the request itself for GETs. An action POST in flight
   * is never cut off: its answer may hold a job id, which must not be lost.
   */
  readonly signal?: AbortSignal;
}

export interface SignedResponse {
  readonly statusCode: number;
  /** The body parsed as JSON; undefined when empty. */
  readonly body: unknown;
  readonly requestId?: string;
  readonly attempts: number;
  /** Scrubs the credentials and the signature out of text quoted from this answer. */
  readonly redact: (text: string) => string;
}

/** What came back, before any decision. */
interface RawAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: { readonly ok: true; readonly value: unknown } | { readonly ok: false };
}

/** Sends `call` with retries as the policy says; resolves with a successful answer or throws EcsError. */
export async function sendSigned(
  target: TransportTarget,
  settings: TransportSettings,
  call: SignedCall,
): Promise<SignedResponse> {
  const url = buildUrl(target.origin, call.path, call.query);
  const refusal = settings.authGate?.refused.find((r) => r.accessKey === target.credentials.accessKey);
  if (refusal) throw refusedEarlier(call, refusal.error);
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(call, attempt);
    const signedAt = settings.now();
    const signed = signRequest(
      {
        method: call.method,
        url,
        headers: { [HEADER_CONTENT_TYPE]: "application/json" },
        body: call.body,
        projectId: target.projectId,
      },
      target.credentials,
      signedAt,
    );
    // Whatever an error quotes back from the server is scrubbed of the keys and of this
    // attempt's signature, in case the server echoes them.
    const secrets = [
      target.credentials.secretKey,
      target.credentials.securityToken,
      target.credentials.accessKey,
      signatureOf(signed[HEADER_AUTHORIZATION]),
    ];
    let answer: RawAnswer;
    try {
      answer = await exchange(target, settings, call, url, signed);
    } catch (error) {
      // A POST is never cut off in flight, so its failure is its own (possibly ambiguous), not the abort.
      if (call.method === "GET" && call.signal?.aborted) throw abortedError(call, attempt, error);
      const errorCode = networkErrorCode(error);
      const verdict = classifyAttempt(call.method, { kind: "network", errorCode }, context(settings, attempt));
      if (verdict.retry) {
        await pause(settings, call, attempt, verdict);
        continue;
      }
      throw networkError(target, settings, call, attempt, errorCode, verdict, error, secrets);
    }

    const outcome = outcomeOf(answer, call);
    const verdict = classifyAttempt(call.method, outcome, context(settings, attempt));
    if (verdict.reason === "success") {
      if (!answer.json.ok && call.method === "GET") {
        // A body that does not parse is most likely cut short on the way: a read is retried as
        // after a truncated transfer. (A POST's garbled answer stays ambiguous: never re-sent.)
        const garbled = classifyAttempt(
          call.method,
          { kind: "network", errorCode: "UND_ERR_RES_CONTENT_LENGTH_MISMATCH" },
          context(settings, attempt),
        );
        if (garbled.retry) {
          await pause(settings, call, attempt, garbled);
          continue;
        }
      }
      if (!answer.json.ok) {
        throw new EcsError({
          ...answerFields(answer, call, attempt, secrets),
          code: "ECS_BAD_RESPONSE",
          reason: `the answer is not JSON: ${snippet(answer.text, secrets)}`,
          hint: hintFor("ECS_BAD_RESPONSE"),
        });
      }
      return {
        statusCode: answer.statusCode,
        body: answer.json.value,
        requestId: optionalRedacted(requestIdOf(answer), secrets),
        attempts: attempt + 1,
        redact: (text: string) => redactSecrets(text, secrets),
      };
    }
    if (verdict.retry) {
      await pause(settings, call, attempt, verdict);
      continue;
    }
    const error = responseError(target, settings, call, attempt, answer, verdict, secrets);
    if (error.code === "ECS_AUTH_FAILED")
      settings.authGate?.refused.push({ accessKey: target.credentials.accessKey, error });
    throw error;
  }
}

/** The gateway's refusal of this key, again, for a call that was not sent because of it. */
function refusedEarlier(call: SignedCall, earlier: EcsError): EcsError {
  return new EcsError({
    code: "ECS_AUTH_FAILED",
    operation: call.operation,
    huaweiCode: earlier.huaweiCode,
    huaweiMessage: `not sent: an earlier call with this access key in this run was refused: ${earlier.huaweiMessage ?? earlier.reason ?? "authentication failed"}`,
    requestId: earlier.requestId,
    route: call.route,
    serverIds: call.serverIds,
    attempts: 0,
    hint: earlier.hint,
  });
}

/**
 * Throws EcsError `ECS_BAD_RESPONSE` naming the wrong field (`entities.sub_jobs[2].status: expected
 * string, received number (5)`) when `body` does not match; the parsed value otherwise.
 */
export function parseAnswer<T>(
  result: { readonly success: true; readonly data: T } | { readonly success: false; readonly problem: string },
  response: SignedResponse,
  call: SignedCall,
): T {
  if (result.success) return result.data;
  throw new EcsError({
    code: "ECS_BAD_RESPONSE",
    operation: call.operation,
    reason: response.redact(`unexpected answer: ${result.problem}`),
    statusCode: response.statusCode,
    requestId: response.requestId,
    route: call.route,
    serverIds: call.serverIds,
    attempts: response.attempts,
    hint: hintFor("ECS_BAD_RESPONSE"),
  });
}

/**
 * Query pairs encoded as the signer canonicalises them, except that commas stay literal in values
 * as the official SDK sends them (`server_id=a,b`); both decode to the same value.
 */
export function buildUrl(origin: string, path: string, query?: readonly (readonly [string, string])[]): string {
  if (!query || query.length === 0) return `${origin}${path}`;
  const pairs = query.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value).replace(/%2C/g, ",")}`);
  return `${origin}${path}?${pairs.join("&")}`;
}

async function exchange(
  target: TransportTarget,
  settings: TransportSettings,
  call: SignedCall,
  url: string,
  signed: Record<string, string>,
): Promise<RawAnswer> {
  const response = await request(url, {
    dispatcher: target.dispatcher,
    method: call.method,
    headers: {
      [HEADER_CONTENT_TYPE]: "application/json",
      ...signed,
      "User-Agent": settings.userAgent,
      Accept: "application/json",
    },
    body: call.body,
    headersTimeout: settings.headersTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
    signal: call.method === "GET" ? call.signal : undefined,
  });
  const text = await response.body.text();
  let json: RawAnswer["json"];
  if (text.trim() === "") {
    json = { ok: true, value: undefined };
  } else {
    try {
      json = { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      json = { ok: false };
    }
  }
  return { statusCode: response.statusCode, headers: response.headers, text, json };
}

function outcomeOf(answer: RawAnswer, call: SignedCall): AttemptOutcome {
  const body = answer.json.ok ? answer.json.value : undefined;
  const huawei = huaweiErrorOf(body);
  const jobId = isRecord(body) ? body.job_id : undefined;
  // A job's own `error_code` (a FAILed job) is data, not an error of this call: a 2xx body with a
  // job id never carries a call error code (the 202 flow-limit answer has no job id).
  const is2xx = answer.statusCode >= 200 && answer.statusCode < 300;
  const hasJobId = typeof jobId === "string" && jobId.length > 0;
  return {
    kind: "response",
    statusCode: answer.statusCode,
    huaweiCode: is2xx && hasJobId ? undefined : huawei.code,
    hasJobId: call.expectJobId === true && hasJobId,
    retryAfter: headerOf(answer.headers, HEADER_RETRY_AFTER),
  };
}

/** `error.code ?? error_code` and `error.message ?? error_msg`, as the official SDK reads them. */
export function huaweiErrorOf(body: unknown): { code?: string; message?: string; requestId?: string } {
  if (!isRecord(body)) return {};
  const parsed = errorBodySchema().safeParse(body);
  if (!parsed.success) return {};
  const { error, error_code, error_msg, request_id } = parsed.data;
  return {
    code: error?.code ?? error_code ?? undefined,
    message: error?.message ?? error_msg ?? undefined,
    requestId: request_id ?? undefined,
  };
}

function requestIdOf(answer: RawAnswer): string | undefined {
  return (
    headerOf(answer.headers, HEADER_REQUEST_ID) ??
    huaweiErrorOf(answer.json.ok ? answer.json.value : undefined).requestId
  );
}

function answerFields(answer: RawAnswer, call: SignedCall, attempt: number, secrets: readonly (string | undefined)[]) {
  const huawei = huaweiErrorOf(answer.json.ok ? answer.json.value : undefined);
  const requestId = requestIdOf(answer);
  return {
    operation: call.operation,
    statusCode: answer.statusCode,
    huaweiCode: optionalRedacted(huawei.code, secrets),
    huaweiMessage: optionalRedacted(huawei.message, secrets),
    requestId: optionalRedacted(requestId, secrets),
    route: call.route,
    serverIds: call.serverIds,
    attempts: attempt + 1,
  } satisfies Partial<EcsErrorInit>;
}

function responseError(
  target: TransportTarget,
  settings: TransportSettings,
  call: SignedCall,
  attempt: number,
  answer: RawAnswer,
  verdict: AttemptVerdict,
  secrets: readonly (string | undefined)[],
): EcsError {
  const fields = answerFields(answer, call, attempt, secrets);
  const code: EcsErrorCode =
    verdict.reason === "ambiguous"
      ? "ECS_AMBIGUOUS_SUBMIT"
      : verdict.reason === "throttled"
        ? "ECS_THROTTLED"
        : verdict.reason === "busy"
          ? "ECS_BUSY"
          : errorCodeForResponse(answer.statusCode, fields.huaweiCode);
  let reason: string | undefined;
  if (!answer.json.ok) {
    reason = `non-JSON answer: ${snippet(answer.text, secrets)}`;
  } else if (code === "ECS_AMBIGUOUS_SUBMIT" && answer.statusCode >= 200 && answer.statusCode < 300) {
    const check = validateBody(actionResponseSchema(), answer.json.value);
    reason = `the answer has no usable job id (${check.success ? "job_id missing" : check.problem})`;
  } else if (code === "ECS_AMBIGUOUS_SUBMIT") {
    reason = "the server failed after receiving the request";
  }
  return new EcsError({
    ...fields,
    code,
    reason,
    hint: hintFor(code, {
      iamAction: call.iamAction,
      endpoint: target.origin,
      clockSkewMinutes: code === "ECS_AUTH_FAILED" ? clockSkewMinutes(answer, settings) : undefined,
    }),
  });
}

function networkError(
  target: TransportTarget,
  settings: TransportSettings,
  call: SignedCall,
  attempt: number,
  errorCode: string,
  verdict: AttemptVerdict,
  cause: unknown,
  secrets: readonly (string | undefined)[],
): EcsError {
  const isTimeout = /TIMEOUT|ETIMEDOUT/.test(errorCode);
  const code: EcsErrorCode =
    verdict.reason === "ambiguous" ? "ECS_AMBIGUOUS_SUBMIT" : isTimeout ? "ECS_TIMEOUT" : "ECS_NETWORK";
  let reason = describeNetworkError(errorCode, settings);
  if (code === "ECS_AMBIGUOUS_SUBMIT") reason += " after the request may have been sent";
  return new EcsError({
    code,
    operation: call.operation,
    reason: redactSecrets(reason, secrets),
    route: call.route,
    serverIds: call.serverIds,
    attempts: attempt + 1,
    hint: hintFor(code, { endpoint: target.origin }),
    cause,
  });
}

function abortedError(call: SignedCall, attempt: number, cause: unknown): EcsError {
  return new EcsError({
    code: "ECS_ABORTED",
    operation: call.operation,
    reason: "cancelled",
    route: call.route,
    serverIds: call.serverIds,
    attempts: attempt,
    hint: hintFor("ECS_ABORTED"),
    cause,
  });
}

function throwIfAborted(call: SignedCall, attempt: number): void {
  if (call.signal?.aborted) throw abortedError(call, attempt, call.signal.reason);
}

async function pause(
  settings: TransportSettings,
  call: SignedCall,
  attempt: number,
  verdict: AttemptVerdict,
): Promise<void> {
  try {
    await settings.sleep(verdict.delayMs ?? 0, call.signal);
  } catch (error) {
    throw abortedError(call, attempt + 1, error);
  }
}

function context(settings: TransportSettings, attempt: number) {
  return { attempt, policy: settings.policy, random: settings.random, nowMs: settings.now().getTime() };
}

/** The error code of an undici / node:net failure, looking through `cause` chains. */
export function networkErrorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && isRecord(current); depth++) {
    if (typeof current.code === "string" && current.code !== "") return current.code;
    // Node's happy-eyeballs connect fails with an AggregateError of one error per address.
    current = current.cause ?? (Array.isArray(current.errors) ? current.errors[0] : undefined);
  }
  return "UNKNOWN";
}

function describeNetworkError(errorCode: string, settings: TransportSettings): string {
  const what: Record<string, string> = {
    ECONNRESET: "connection reset",
    ECONNREFUSED: "connection refused",
    EPIPE: "connection closed while sending",
    ENOTFOUND: "host name not found",
    EAI_AGAIN: "host name lookup failed",
    ETIMEDOUT: "connection timed out",
    UND_ERR_SOCKET: "connection closed by the other side",
    UND_ERR_CONNECT_TIMEOUT: `no connection within ${settings.connectTimeoutMs} ms`,
    UND_ERR_HEADERS_TIMEOUT: `no response headers within ${settings.headersTimeoutMs} ms`,
    UND_ERR_BODY_TIMEOUT: `response body stalled for ${settings.bodyTimeoutMs} ms`,
  };
  return `${what[errorCode] ?? "network error"} (${errorCode})`;
}

/** Minutes between our clock and the server's `Date`, when beyond the gateway's 15-minute tolerance. */
function clockSkewMinutes(answer: RawAnswer, settings: TransportSettings): number | undefined {
  const serverDate = headerOf(answer.headers, "date");
  if (serverDate === undefined) return undefined;
  const serverMs = Date.parse(serverDate);
  if (Number.isNaN(serverMs)) return undefined;
  const skewMs = Math.abs(serverMs - settings.now().getTime());
  return skewMs > MAX_CLOCK_SKEW_MS ? Math.round(skewMs / 60_000) : undefined;
}

function signatureOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : /Signature=([0-9a-f]+)/.exec(authorization)?.[1];
}

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** At most 120 characters of a body, on one line, secrets scrubbed: enough to recognise an HTML error page. */
function snippet(text: string, secrets: readonly (string | undefined)[]): string {
  const line = redactSecrets(text, secrets).replace(/\s+/g, " ").trim();
  if (line === "") return "(empty)";
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}

function optionalRedacted(text: string | undefined, secrets: readonly (string | undefined)[]): string | undefined {
  return text === undefined ? undefined : redactSecrets(text, secrets);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
