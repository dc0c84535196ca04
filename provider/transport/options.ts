/** The transport's tunables: defaults merged and each value checked once, before any I/O. */
import { Pool } from "undici";
import { CLIENT_USER_AGENT } from "../constants";
import { EcsError } from "../errors";
import type { AuthGate, TransportOptions } from "../publicTypes";
import { resolveRetryPolicy } from "../retryPolicy";
import type { RetryPolicy } from "../retryPolicy";
import { sleep as defaultSleep } from "../sleep";

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

export type { AuthGate, TransportOptions } from "../publicTypes";

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
