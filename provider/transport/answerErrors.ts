/**
 * What an answer (or a failure to get one) says, and the one EcsError it becomes: Huawei's code,
 * message and request id, our code, the route, the servers, and a hint; secrets scrubbed from
 * anything quoted back.
 */
import { HEADER_REQUEST_ID, HEADER_RETRY_AFTER, MAX_CLOCK_SKEW_MS } from "../constants";
import { EcsError, errorCodeForResponse, hintFor, redactSecrets } from "../errors";
import type { EcsErrorCode, EcsErrorInit } from "../errors";
import type { AttemptOutcome, AttemptVerdict } from "../retryPolicy";
import { actionResponseSchema, errorBodySchema, validateBody } from "../schemas";
import type { TransportSettings } from "./options";
import type { SignedCall, SignedResponse, TransportTarget } from "./send";

/** What came back, before any decision. */
export interface RawAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: { readonly ok: true; readonly value: unknown } | { readonly ok: false };
}

/** Values to scrub from anything quoted back: the keys and this attempt's signature. */
export type Secrets = readonly (string | undefined)[];

/** The answer as the retry policy sees it: a garbled 2xx is its own kind, not a network failure. */
export function outcomeOf(answer: RawAnswer, call: SignedCall): AttemptOutcome {
  const is2xx = answer.statusCode >= 200 && answer.statusCode < 300;
  if (is2xx && !answer.json.ok) return { kind: "garbled" };
  const body = answer.json.ok ? answer.json.value : undefined;
  const huawei = huaweiErrorOf(body);
  const jobId = isRecord(body) ? body.job_id : undefined;
  // A job's own `error_code` (a FAILed job) is data, not an error of this call: a 2xx body with a
  // job id never carries a call error code (the 202 flow-limit answer has no job id).
  const hasJobId = typeof jobId === "string" && jobId.length > 0;
  return {
    kind: "response",
    statusCode: answer.statusCode,
    huaweiCode: is2xx && hasJobId ? undefined : huawei.code,
    hasJobId: call.expectJobId === true && hasJobId,
    retryAfter: headerOf(answer.headers, HEADER_RETRY_AFTER),
  };
}

/**
 * `error.code ?? error_code ?? code` and `error.message ?? error_msg ?? message ?? error_message`: the
 * nested shape and the flat one as the official Node SDK reads them, the top-level one as the Go SDK's
 * does, and the gateway's `{"error_message": "...", "status_code": 429}` (Huawei's APIG FAQ fci_00001),
 * which has no code: its `status_code` is kept as `statusCode`.
 */
export function huaweiErrorOf(body: unknown): {
  code?: string;
  message?: string;
  requestId?: string;
  statusCode?: number;
} {
  if (!isRecord(body)) return {};
  const parsed = errorBodySchema().safeParse(body);
  if (!parsed.success) return {};
  const { error, error_code, error_msg, request_id, code, message } = parsed.data;
  const gateway = gatewayMessageOf(body);
  return {
    code: error?.code ?? error_code ?? code ?? undefined,
    message: error?.message ?? error_msg ?? message ?? gateway.message,
    requestId: request_id ?? undefined,
    ...(gateway.statusCode === undefined ? {} : { statusCode: gateway.statusCode }),
  };
}

/** `{"error_message": "...", "status_code": 429}` (APIG FAQ fci_00001): its text and status, where well-formed. */
function gatewayMessageOf(body: Record<string, unknown>): { message?: string; statusCode?: number } {
  const message = typeof body.error_message === "string" && body.error_message !== "" ? body.error_message : undefined;
  const statusCode =
    typeof body.status_code === "number" && Number.isInteger(body.status_code) ? body.status_code : undefined;
  return { message, statusCode };
}

export function requestIdOf(answer: RawAnswer): string | undefined {
  return (
    headerOf(answer.headers, HEADER_REQUEST_ID) ??
    huaweiErrorOf(answer.json.ok ? answer.json.value : undefined).requestId
  );
}

function answerFields(answer: RawAnswer, call: SignedCall, attempt: number, secrets: Secrets) {
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

/** A 2xx read whose body is not JSON, once the policy stopped retrying it. */
export function notJsonError(answer: RawAnswer, call: SignedCall, attempt: number, secrets: Secrets): EcsError {
  return new EcsError({
    ...answerFields(answer, call, attempt, secrets),
    code: "ECS_BAD_RESPONSE",
    reason: `the answer is not JSON: ${snippet(answer.text, secrets)}`,
    hint: hintFor("ECS_BAD_RESPONSE"),
  });
}

/** An answer the policy refused for good (or stopped retrying). */
export function responseError(
  target: TransportTarget,
  settings: TransportSettings,
  call: SignedCall,
  attempt: number,
  answer: RawAnswer,
  verdict: AttemptVerdict,
  secrets: Secrets,
): EcsError {
  const fields = answerFields(answer, call, attempt, secrets);
  const code = responseErrorCode(verdict, answer.statusCode, fields.huaweiCode);
  return new EcsError({
    ...fields,
    code,
    reason: responseReason(code, answer, secrets),
    hint: hintFor(code, {
      iamAction: call.iamAction,
      endpoint: target.origin,
      clockSkewMinutes: code === "ECS_AUTH_FAILED" ? clockSkewMinutes(answer, settings) : undefined,
      huaweiCode: fields.huaweiCode,
    }),
  });
}

function responseErrorCode(verdict: AttemptVerdict, statusCode: number, huaweiCode: string | undefined): EcsErrorCode {
  if (verdict.reason === "ambiguous") return "ECS_AMBIGUOUS_SUBMIT";
  if (verdict.reason === "throttled") return "ECS_THROTTLED";
  if (verdict.reason === "busy") return "ECS_BUSY";
  return errorCodeForResponse(statusCode, huaweiCode);
}

function responseReason(code: EcsErrorCode, answer: RawAnswer, secrets: Secrets): string | undefined {
  if (!answer.json.ok) return `non-JSON answer: ${snippet(answer.text, secrets)}`;
  if (code !== "ECS_AMBIGUOUS_SUBMIT") return undefined;
  if (answer.statusCode >= 200 && answer.statusCode < 300) {
    const check = validateBody(actionResponseSchema(), answer.json.value);
    return `the answer has no usable job id (${check.success ? "job_id missing" : check.problem})`;
  }
  return "the server failed after receiving the request";
}

/** A failure with no answer: refused, reset, timed out; ambiguous for a POST that may have been sent. */
export function networkError(
  target: TransportTarget,
  settings: TransportSettings,
  call: SignedCall,
  attempt: number,
  errorCode: string,
  verdict: AttemptVerdict,
  cause: unknown,
  secrets: Secrets,
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

/** A call cut off while throttled: the gateway's last refusal, and how long the throttling had lasted. */
export interface ThrottledCutOff {
  readonly huaweiCode?: string;
  readonly huaweiMessage?: string;
  readonly throttledForMs: number;
}

/**
 * The call's signal ended it (the operation's deadline, or a cancellation). Cut off while throttled,
 * the error keeps the gateway's code and message, so the servers' record says why nothing was done.
 */
export function abortedError(call: SignedCall, attempt: number, cause: unknown, throttled?: ThrottledCutOff): EcsError {
  const throttledFor = throttled ? `${Math.round(throttled.throttledForMs / 1000)} s` : "";
  return new EcsError({
    code: "ECS_ABORTED",
    operation: call.operation,
    reason: throttled ? `cut off after the API gateway had throttled this call for ${throttledFor}` : "cancelled",
    ...(throttled?.huaweiCode ? { huaweiCode: throttled.huaweiCode } : {}),
    ...(throttled?.huaweiMessage
      ? { huaweiMessage: `${throttled.huaweiMessage} (throttled for ${throttledFor})` }
      : {}),
    route: call.route,
    serverIds: call.serverIds,
    attempts: attempt,
    hint: hintFor(throttled ? "ECS_THROTTLED" : "ECS_ABORTED"),
    cause,
  });
}

/** The gateway's refusal of this key, again, for a call that was not sent because of it. */
export function refusedEarlier(call: SignedCall, earlier: EcsError): EcsError {
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

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** At most 120 characters of a body, on one line, secrets scrubbed: enough to recognise an HTML error page. */
function snippet(text: string, secrets: Secrets): string {
  const line = redactSecrets(text, secrets).replace(/\s+/g, " ").trim();
  if (line === "") return "(empty)";
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}

export function optionalRedacted(text: string | undefined, secrets: Secrets): string | undefined {
  return text === undefined ? undefined : redactSecrets(text, secrets);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
