/**
 * A generic poller with outcomes as values (after smithy-typescript's util-waiter): each poll says
 * SUCCESS, FAILURE or RETRY; the waiter adds TIMEOUT and ABORTED. Time, sleep and randomness are
 * injected so the schedule can be asserted exactly.
 */
import { flooredJitterMs } from "./backoff";
import { sleep as realSleep } from "./sleep";

export type WaiterState = "SUCCESS" | "FAILURE" | "RETRY" | "TIMEOUT" | "ABORTED";

export interface PollResult<T> {
  readonly state: "SUCCESS" | "FAILURE" | "RETRY";
  readonly value?: T;
  readonly reason?: string;
}

export interface WaiterResult<T> {
  readonly state: WaiterState;
  /** The last value a poll returned. */
  readonly value?: T;
  readonly reason?: string;
  readonly attempts: number;
  readonly elapsedMs: number;
}

export interface WaiterOptions {
  /** Shortest pause between polls; also the lag after completion for short waits. */
  readonly minDelayMs: number;
  /** Longest pause between polls. */
  readonly maxDelayMs: number;
  /**
   * A pause never exceeds this fraction of the time waited so far (above minDelayMs), so the lag
   * between completion and the poll that sees it stays a small fraction of the wait.
   */
  readonly maxDelayFraction: number;
  /** Total budget from the first poll. */
  readonly maxWaitMs: number;
  /** How long before the deadline the last poll is made. */
  readonly lastPollLeadMs: number;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /**
   * How long what is awaited has been awaited, for the `maxDelayFraction` cap; undefined (or absent)
   * means since the first poll. A caller whose work started later than the wait (a job submitted
   * after minutes of pacing) says so here, so that the pause stays a fraction of that work's age.
   */
  readonly waitedMs?: () => number | undefined;
}

export const DEFAULT_WAITER_OPTIONS = {
  minDelayMs: 1_000,
  maxDelayMs: 10_000,
  maxDelayFraction: 0.08,
  lastPollLeadMs: 500,
} as const;

/** Checks the options once, before any I/O; each message names the setting, its value and the rule. */
export function validateWaiterOptions(options: WaiterOptions): void {
  const positive = (name: string, value: number): void => {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} [${value}] must be a positive number`);
  };
  positive("minDelayMs", options.minDelayMs);
  positive("maxDelayMs", options.maxDelayMs);
  positive("maxWaitMs", options.maxWaitMs);
  if (options.maxDelayMs < options.minDelayMs) {
    throw new RangeError(`maxDelayMs [${options.maxDelayMs}] must be at least minDelayMs [${options.minDelayMs}]`);
  }
  if (!(options.maxDelayFraction > 0 && options.maxDelayFraction <= 1)) {
    throw new RangeError(`maxDelayFraction [${options.maxDelayFraction}] must be in (0, 1]`);
  }
  if (!(options.lastPollLeadMs >= 0)) throw new RangeError(`lastPollLeadMs [${options.lastPollLeadMs}] must be >= 0`);
}

/**
 * The pause before poll number `attempt + 1` (attempt counts from 0): capped exponential with jitter
 * above the floor, then held under `maxDelayFraction` of the time waited so far.
 */
export function pollDelayMs(attempt: number, elapsedMs: number, options: WaiterOptions, random: () => number): number {
  const exponential = flooredJitterMs(attempt, options.minDelayMs, options.maxDelayMs, random);
  const proportional = Math.max(options.minDelayMs, Math.floor(options.maxDelayFraction * elapsedMs));
  return Math.min(exponential, proportional);
}

/**
 * Polls until SUCCESS or FAILURE, the deadline (TIMEOUT, after one last poll just before it) or an
 * abort (ABORTED). A poll that throws ends the wait: the error propagates.
 */
export async function runWaiter<T>(
  options: WaiterOptions,
  poll: (attempt: number) => Promise<PollResult<T>>,
): Promise<WaiterResult<T>> {
  validateWaiterOptions(options);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const start = now();
  const deadline = start + options.maxWaitMs;
  let attempts = 0;
  let last: PollResult<T> | undefined;
  let lastPollDone = false;
  const result = (state: WaiterState, reason?: string): WaiterResult<T> => ({
    state,
    value: last?.value,
    reason: reason ?? last?.reason,
    attempts,
    elapsedMs: now() - start,
  });

  for (;;) {
    if (options.signal?.aborted) return result("ABORTED", "the wait was cancelled");
    last = await poll(attempts);
    attempts += 1;
    if (last.state !== "RETRY") return result(last.state);
    const remaining = deadline - now();
    if (lastPollDone || remaining <= 0) return result("TIMEOUT");
    let delay = pollDelayMs(attempts - 1, options.waitedMs?.() ?? now() - start, options, random);
    if (delay >= remaining - options.lastPollLeadMs) {
      delay = Math.max(0, remaining - options.lastPollLeadMs);
      lastPollDone = true;
    }
    try {
      await sleep(delay, options.signal);
    } catch (error) {
      if (options.signal?.aborted) return result("ABORTED", "the wait was cancelled");
      throw error;
    }
  }
}
