/**
 * One signed request with retries: sign (fresh X-Sdk-Date per attempt), send over undici, read
 * the whole body, classify the outcome with the retry policy, wait, repeat; or raise one EcsError
 * carrying Huawei's code, message and request id.
 */
import { request } from "undici";
import type { Dispatcher } from "undici";
import { HEADER_AUTHORIZATION, HEADER_CONTENT_TYPE } from "../constants";
import { redactSecrets } from "../errors";
import { classifyAttempt } from "../retryPolicy";
import type { AttemptContext } from "../retryPolicy";
import { percentEncode, signRequest } from "../signer";
import type { Credentials } from "../signer";
import { sameCredentials } from "../credentials/refreshing";
import type { CredentialSupply } from "../credentials/types";
import type { ThrottleNotice } from "../publicTypes";
import { waitOrAbort } from "../sleep";
import {
  abortedError,
  huaweiErrorOf,
  networkError,
  networkErrorCode,
  notJsonError,
  optionalRedacted,
  outcomeOf,
  refusedEarlier,
  requestIdOf,
  responseError,
} from "./answerErrors";
import type { RawAnswer, Secrets, ThrottledCutOff } from "./answerErrors";
import type { TransportSettings } from "./options";

export interface TransportTarget {
  readonly origin: string;
  readonly dispatcher: Dispatcher;
  readonly credentials: Credentials;
  /**
   * Where each attempt's credentials come from when they are temporary (provider/credentials/):
   * renewed ahead of expiry, and once after a 401 that proves the call was refused. `credentials`
   * is then only the first of them.
   */
  readonly supply?: CredentialSupply;
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
   * A POST that may safely be sent twice (IAM's securitytokens: a second answer is just other
   * temporary credentials): retried and judged as a read is, never as an action.
   */
  readonly idempotent?: boolean;
  /**
   * Cancels the waits between attempts, and the request itself for GETs. An action POST in flight
   * is never cut off: its answer may hold a job id, which must not be lost. A call with a signal is
   * bounded by it: a throttled call is retried until it fires, past the policy's maxAttempts.
   */
  readonly signal?: AbortSignal;
  /** Told before each wait while throttled, so the operation can say so in its progress lines. */
  readonly onThrottled?: (notice: ThrottleNotice) => void;
}

export type { ThrottleNotice } from "../publicTypes";

/** The throttling a call is going through: when it started and what the last refusal said. */
interface Throttling {
  readonly sinceMs: number;
  readonly huaweiCode?: string;
  readonly huaweiMessage?: string;
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

/** What one attempt led to: an answer to return, or a wait before the next attempt. */
type Step =
  | { readonly done: true; readonly response: SignedResponse }
  | {
      readonly done: false;
      readonly delayMs: number;
      /** Set when the attempt was throttled (refused, nothing done). */
      readonly throttled?: { readonly huaweiCode?: string; readonly huaweiMessage?: string };
    };

/** Sends `call` with retries as the policy says; resolves with a successful answer or throws EcsError. */
export async function sendSigned(
  target: TransportTarget,
  settings: TransportSettings,
  call: SignedCall,
): Promise<SignedResponse> {
  const url = buildUrl(target.origin, call.path, call.query);
  let throttling: Throttling | undefined;
  let renewed = false;
  for (let attempt = 0; ; attempt++) {
    if (call.signal?.aborted) throw abortedError(call, attempt, call.signal.reason, throttleAt(settings, throttling));
    const credentials = target.supply ? await target.supply.current() : target.credentials;
    const refusal = settings.authGate?.refused.find((r) => r.accessKey === credentials.accessKey);
    if (refusal) throw refusedEarlier(call, refusal.error);
    let step: Step;
    try {
      // A read cut off in flight while the gateway throttles it keeps the throttling as its reason.
      const cutOff = (): ThrottledCutOff | undefined => throttleAt(settings, throttling);
      step = await attemptOnce({ ...target, credentials }, settings, call, url, attempt, cutOff);
    } catch (error) {
      // Temporary credentials refused (expired, or revoked early): renewed once, and the call sent
      // again only when the refusal proves it was not accepted (refusedBeforeAccepted).
      if (renewed || !target.supply || !refusedBeforeAccepted(error, call)) throw error;
      renewed = true;
      const fresh = await target.supply.renewAfterRefusal(credentials);
      if (fresh === undefined || sameCredentials(fresh, credentials)) throw error;
      continue;
    }
    if (step.done) return step.response;
    throttling = step.throttled ? throttlingAfter(settings, throttling, step.throttled) : undefined;
    if (throttling) notifyThrottled(settings, call, throttling, step.delayMs, attempt + 1);
    const cutOff = throttleAt(settings, throttling);
    await waitOrAbort(settings.sleep, step.delayMs, call.signal, (cause) =>
      abortedError(call, attempt + 1, cause, cutOff),
    );
  }
}

function throttlingAfter(
  settings: TransportSettings,
  before: Throttling | undefined,
  refusal: { readonly huaweiCode?: string; readonly huaweiMessage?: string },
): Throttling {
  return { sinceMs: before?.sinceMs ?? settings.now().getTime(), ...refusal };
}

function notifyThrottled(
  settings: TransportSettings,
  call: SignedCall,
  throttling: Throttling,
  delayMs: number,
  attempts: number,
): void {
  call.onThrottled?.({
    operation: call.operation,
    ...(throttling.huaweiCode ? { huaweiCode: throttling.huaweiCode } : {}),
    throttledForMs: settings.now().getTime() - throttling.sinceMs,
    nextAttemptInMs: delayMs,
    attempts,
  });
}

/** What a call cut off while throttled says of it: the last refusal and for how long it lasted. */
function throttleAt(settings: TransportSettings, throttling: Throttling | undefined): ThrottledCutOff | undefined {
  if (!throttling) return undefined;
  return {
    huaweiCode: throttling.huaweiCode,
    huaweiMessage: throttling.huaweiMessage,
    throttledForMs: settings.now().getTime() - throttling.sinceMs,
  };
}

/**
 * Query pairs encoded as the signer canonicalises them (RFC 3986: commas as `%2C`), which is also what
 * the official SDKs put on the wire: the Node SDK's `querystring.stringify` and the Go SDK's
 * `url.Values.Encode` both send `server_id=a%2Cb`.
 */
export function buildUrl(origin: string, path: string, query?: readonly (readonly [string, string])[]): string {
  if (!query || query.length === 0) return `${origin}${path}`;
  const pairs = query.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`);
  return `${origin}${path}?${pairs.join("&")}`;
}

async function attemptOnce(
  target: TransportTarget,
  settings: TransportSettings,
  call: SignedCall,
  url: string,
  attempt: number,
  cutOff: () => ThrottledCutOff | undefined,
): Promise<Step> {
  const signed = signRequest(
    {
      method: call.method,
      url,
      headers: { [HEADER_CONTENT_TYPE]: "application/json" },
      body: call.body,
      projectId: target.projectId,
    },
    target.credentials,
    settings.now(),
  );
  // Whatever an error quotes back from the server is scrubbed of the keys and of this
  // attempt's signature, in case the server echoes them.
  const { secretKey, securityToken, accessKey } = target.credentials;
  const secrets = [secretKey, securityToken, accessKey, signatureOf(signed[HEADER_AUTHORIZATION])];
  let answer: RawAnswer;
  try {
    answer = await exchange(target, settings, call, url, signed);
  } catch (error) {
    return afterNetworkFailure(target, settings, call, attempt, error, secrets, cutOff);
  }
  return afterAnswer(target, settings, call, attempt, answer, secrets);
}

function afterNetworkFailure(
  target: TransportTarget,
  settings: TransportSettings,
  call: SignedCall,
  attempt: number,
  error: unknown,
  secrets: Secrets,
  cutOff: () => ThrottledCutOff | undefined,
): Step {
  // A POST is never cut off in flight, so its failure is its own (possibly ambiguous), not the abort.
  if (call.method === "GET" && call.signal?.aborted) throw abortedError(call, attempt, error, cutOff());
  const errorCode = networkErrorCode(error);
  const verdict = classifyAttempt(policyMethod(call), { kind: "network", errorCode }, context(settings, call, attempt));
  if (verdict.retry) return { done: false, delayMs: verdict.delayMs ?? 0 };
  throw networkError(target, settings, call, attempt, errorCode, verdict, error, secrets);
}

function afterAnswer(
  target: TransportTarget,
  settings: TransportSettings,
  call: SignedCall,
  attempt: number,
  answer: RawAnswer,
  secrets: Secrets,
): Step {
  const verdict = classifyAttempt(policyMethod(call), outcomeOf(answer, call), context(settings, call, attempt));
  if (verdict.retry && verdict.reason === "throttled") {
    const { code, message } = huaweiErrorOf(answer.json.ok ? answer.json.value : undefined);
    const said = { huaweiCode: optionalRedacted(code, secrets), huaweiMessage: optionalRedacted(message, secrets) };
    return { done: false, delayMs: verdict.delayMs ?? 0, throttled: said };
  }
  if (verdict.retry) return { done: false, delayMs: verdict.delayMs ?? 0 };
  if (verdict.reason === "garbled") throw notJsonError(answer, call, attempt, secrets);
  if (verdict.reason === "success") return { done: true, response: responseOf(answer, attempt, secrets) };
  const error = responseError(target, settings, call, attempt, answer, verdict, secrets);
  if (error.code === "ECS_AUTH_FAILED")
    settings.authGate?.refused.push({ accessKey: target.credentials.accessKey, error });
  throw error;
}

/** A success: a 2xx whose body parsed (a garbled one is the policy's `garbled`, never a success). */
function responseOf(answer: RawAnswer, attempt: number, secrets: Secrets): SignedResponse {
  return {
    statusCode: answer.statusCode,
    body: answer.json.ok ? answer.json.value : undefined,
    requestId: optionalRedacted(requestIdOf(answer), secrets),
    attempts: attempt + 1,
    redact: (text: string) => redactSecrets(text, secrets),
  };
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
  return { statusCode: response.statusCode, headers: response.headers, text, json: parseJson(text) };
}

/** An empty body is `undefined`; text that does not parse is `{ ok: false }`. */
function parseJson(text: string): RawAnswer["json"] {
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * A 401 refused the call before it was accepted: for a read, any 401; for an action, only the API
 * gateway's own refusal (an `APIGW.`/`APIG.` code: the gateway authenticates before ECS sees the
 * request, Huawei's APIG error codes), never an answer that could hide a job.
 */
export function refusedBeforeAccepted(error: unknown, call: SignedCall): boolean {
  const e = error as { code?: string; statusCode?: number; huaweiCode?: string };
  if (e.code !== "ECS_AUTH_FAILED" || e.statusCode !== 401) return false;
  if (call.method === "GET" || call.idempotent) return true;
  return e.huaweiCode !== undefined && /^APIGW?\./.test(e.huaweiCode);
}

/** How the retry policy judges the call: an idempotent POST as a read. */
function policyMethod(call: SignedCall): string {
  return call.idempotent ? "GET" : call.method;
}

function context(settings: TransportSettings, call: SignedCall, attempt: number): AttemptContext {
  return {
    attempt,
    policy: settings.policy,
    random: settings.random,
    nowMs: settings.now().getTime(),
    patient: call.signal !== undefined,
  };
}

function signatureOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : /Signature=([0-9a-f]+)/.exec(authorization)?.[1];
}
