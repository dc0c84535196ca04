/** The transport's tunables: defaults merged and each value checked once, before any I/O. */
import { Pool } from "undici";
import { CLIENT_USER_AGENT } from "../constants";
import { EcsError } from "../errors";
import { resolveRetryPolicy } from "../retryPolicy";
import type { RetryPolicy } from "../retryPolicy";
import { sleep as defaultSleep } from "../sleep";

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
