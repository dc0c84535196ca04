/**
 * When to retry a request, as data plus one pure decision function.
 *
 * Reads (GET) are idempotent: retried on network errors, throttling and 5xx. The batch action POST
 * is not idempotent (a second `os-stop` would be a second job, and a `reboot` a second reboot), so
 * it is retried only when the API provably did not accept it: throttled (429, or a 2xx flow-limit
 * answer without job id), the connection never opened, or Ecs.0603 "other commands executing"
 * after a long wait. A reset after sending, a timeout or a 5xx may hide an accepted job: never
 * retried, reported as ambiguous instead.
 *
 * A throttled call (429, APIGW.0308, Common.0024, ...) and an action refused for the per-minute
 * limit (Ecs.0118) did nothing, so a patient call (one bounded by the operation's deadline) retries
 * them past maxAttempts, until that deadline: real APIG throttling comes without `Retry-After` and
 * lasts as long as its window ("limit:200,time:5 minute"), far beyond five quick attempts.
 */
import { equalJitterMs, fullJitterMs } from "./backoff";
import { EcsError } from "./errors";
import type { RetryPolicy } from "./publicTypes";

export type { RetryPolicy } from "./publicTypes";

/** undici's code for a body shorter than its Content-Length: what a garbled 2xx read is treated as. */
const TRUNCATED_BODY = "UND_ERR_RES_CONTENT_LENGTH_MISMATCH";

/** A fresh default policy (a function, not a module-level object: the provider is serialized). */
export function defaultRetryPolicy(): RetryPolicy {
  return {
    maxAttempts: 5,
    baseDelayMs: 500,
    maxDelayMs: 20_000,
    busyDelayMs: 60_000,
    maxRetryAfterMs: 60_000,
    // Huawei's FAQ for throttling: "wait 2-5 s and resend"; then doubling, capped at 30 s.
    throttleBaseDelayMs: 2_000,
    maxThrottleDelayMs: 30_000,
    pacedDelayMs: 60_000,
    retryableStatuses: [408, 429, 500, 502, 503, 504],
    throttleHuaweiCodes: ["Common.0024", "APIGW.0308", "Common.1503"],
    busyHuaweiCodes: ["Ecs.0603"],
    pacedHuaweiCodes: ["Ecs.0118"],
    retryableNetworkErrors: [
      "ECONNRESET",
      "ECONNREFUSED",
      "ECONNABORTED",
      "EPIPE",
      "ETIMEDOUT",
      "EAI_AGAIN",
      "ENETUNREACH",
      "EHOSTUNREACH",
      "UND_ERR_SOCKET",
      "UND_ERR_CONNECT_TIMEOUT",
      "UND_ERR_HEADERS_TIMEOUT",
      "UND_ERR_BODY_TIMEOUT",
      "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
    ],
    // Each of these fails before a byte of the request is written: connect refused, connect
    // timed out, name lookup temporarily failed.
    unsentNetworkErrors: ["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "EAI_AGAIN"],
  };
}

/** Defaults overlaid with `overrides`, each numeric setting checked once, before any I/O. */
export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy: RetryPolicy = { ...defaultRetryPolicy(), ...stripUndefined(overrides) };
  const problems: string[] = [];
  const check = (name: keyof RetryPolicy, min: number, integer: boolean): void => {
    const value = policy[name] as unknown;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      problems.push(`retry.${name} [${String(value)}] must be ${integer ? "an integer" : "a number"} >= ${min}`);
    }
  };
  check("maxAttempts", 1, true);
  check("baseDelayMs", 0, false);
  check("maxDelayMs", 0, false);
  check("busyDelayMs", 0, false);
  check("maxRetryAfterMs", 0, false);
  check("throttleBaseDelayMs", 0, false);
  check("maxThrottleDelayMs", 0, false);
  check("pacedDelayMs", 0, false);
  if (problems.length === 0 && policy.maxDelayMs < policy.baseDelayMs) {
    problems.push(`retry.maxDelayMs [${policy.maxDelayMs}] must be >= retry.baseDelayMs [${policy.baseDelayMs}]`);
  }
  if (problems.length === 0 && policy.maxThrottleDelayMs < policy.throttleBaseDelayMs) {
    problems.push(
      `retry.maxThrottleDelayMs [${policy.maxThrottleDelayMs}] must be >= retry.throttleBaseDelayMs [${policy.throttleBaseDelayMs}]`,
    );
  }
  if (problems.length > 0) {
    throw new EcsError({
      code: "ECS_INVALID_ARGUMENT",
      operation: "checking the retry policy",
      reason: problems.join("; "),
    });
  }
  return policy;
}

/** What one attempt produced, as the transport saw it. */
export type AttemptOutcome =
  | {
      readonly kind: "response";
      readonly statusCode: number;
      /** `error.code ?? error_code` of the body, when there is one. */
      readonly huaweiCode?: string;
      /** The body has a string `job_id` (what makes an action POST accepted). */
      readonly hasJobId?: boolean;
      /** The raw `Retry-After` header. */
      readonly retryAfter?: string;
    }
  | {
      readonly kind: "network";
      /** `ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`, ... */
      readonly errorCode: string;
    }
  | {
      /** A 2xx whose body does not parse as JSON. */
      readonly kind: "garbled";
    };

export type AttemptReason =
  "success" | "throttled" | "busy" | "server-error" | "network" | "garbled" | "not-sent" | "ambiguous" | "rejected";

export interface AttemptVerdict {
  readonly retry: boolean;
  /** Set when `retry`: how long to wait first. */
  readonly delayMs?: number;
  readonly reason: AttemptReason;
  /** The failure was retryable but maxAttempts is reached. */
  readonly exhausted?: boolean;
}

export interface AttemptContext {
  /** 0-based index of the attempt that produced the outcome. */
  readonly attempt: number;
  readonly policy: RetryPolicy;
  readonly random: () => number;
  /** For `Retry-After` given as an HTTP date. */
  readonly nowMs: number;
  /**
   * The call is bounded by the operation's deadline (its signal): throttled and paced refusals are
   * retried past maxAttempts, until that signal ends the waits.
   */
  readonly patient?: boolean;
}

/** Decides whether to retry after one attempt, and after how long. Pure. */
export function classifyAttempt(method: string, outcome: AttemptOutcome, context: AttemptContext): AttemptVerdict {
  const { policy } = context;
  const isPost = method.toUpperCase() !== "GET";
  const verdict = (reason: AttemptReason, retryable: boolean, delayMs?: number): AttemptVerdict => {
    if (!retryable) return { retry: false, reason };
    const unbounded = reason === "throttled" && context.patient === true;
    if (!unbounded && context.attempt + 1 >= policy.maxAttempts) return { retry: false, reason, exhausted: true };
    return { retry: true, reason, delayMs: delayMs ?? backoffMs(context) };
  };

  if (outcome.kind === "network") {
    if (policy.unsentNetworkErrors.includes(outcome.errorCode)) return verdict("not-sent", true);
    if (isPost) return verdict("ambiguous", false);
    return verdict("network", policy.retryableNetworkErrors.includes(outcome.errorCode));
  }
  if (outcome.kind === "garbled") {
    // Most likely cut short on the way: a read is retried as after a truncated transfer. An action
    // POST's garbled answer may hide an accepted job: ambiguous, never re-sent.
    if (isPost) return verdict("ambiguous", false);
    return verdict("garbled", policy.retryableNetworkErrors.includes(TRUNCATED_BODY));
  }

  const { statusCode, huaweiCode } = outcome;
  const is2xx = statusCode >= 200 && statusCode < 300;
  const isThrottleCode = huaweiCode !== undefined && policy.throttleHuaweiCodes.includes(huaweiCode);
  // A 2xx with a job id is an accepted action whatever else the body says.
  if (is2xx && (isPost ? outcome.hasJobId === true : !isThrottleCode)) return { retry: false, reason: "success" };
  // Hard-wired, whatever the policy lists: 5 authentication failures in a row lock the access key.
  if (statusCode === 401) return { retry: false, reason: "rejected" };
  if (huaweiCode !== undefined && policy.busyHuaweiCodes.includes(huaweiCode)) {
    return verdict("busy", true, policy.busyDelayMs);
  }
  if (statusCode === 429 || isThrottleCode) {
    return verdict("throttled", true, retryAfterDelayMs(outcome.retryAfter, context) ?? throttleBackoffMs(context));
  }
  if (isPost && huaweiCode !== undefined && policy.pacedHuaweiCodes.includes(huaweiCode)) {
    return verdict("throttled", true, retryAfterDelayMs(outcome.retryAfter, context) ?? policy.pacedDelayMs);
  }
  if (isPost) return verdict(is2xx || statusCode >= 500 ? "ambiguous" : "rejected", false);
  const retryable = policy.retryableStatuses.includes(statusCode);
  return verdict(
    statusCode >= 500 || retryable ? "server-error" : "rejected",
    retryable,
    retryAfterDelayMs(outcome.retryAfter, context),
  );
}

/**
 * `Retry-After` in milliseconds from `nowMs`: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Date.parse accepts far more than HTTP dates; require a weekday/month form with a GMT zone.
  if (!/GMT$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function retryAfterDelayMs(retryAfter: string | undefined, context: AttemptContext): number | undefined {
  const ms = parseRetryAfterMs(retryAfter, context.nowMs);
  return ms === undefined ? undefined : Math.min(ms, context.policy.maxRetryAfterMs);
}

function throttleBackoffMs(context: AttemptContext): number {
  const { throttleBaseDelayMs, maxThrottleDelayMs } = context.policy;
  return equalJitterMs(context.attempt, throttleBaseDelayMs, maxThrottleDelayMs, context.random);
}

function backoffMs(context: AttemptContext): number {
  return fullJitterMs(context.attempt, context.policy.baseDelayMs, context.policy.maxDelayMs, context.random);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) (out as Record<string, unknown>)[key] = v;
  }
  return out;
}
