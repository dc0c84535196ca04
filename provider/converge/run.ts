/**
 * One operation's context for the driver: its I/O, clock, log and signals, and the state the
 * transitions compute (the one mutable binding, reassigned by the driver after each event).
 */
import type { ReadContext } from "../classify";
import { LIST_LAG_GRACE_MS } from "../constants";
import { DEFAULT_WAITER_OPTIONS, type WaiterOptions } from "../waiter";
import { anySignal } from "../anySignal";
import { initialRunState, type ConvergeOptions, type PowerApi, type RequestOptions, type RunState } from "./model";
import { throttledLine } from "./progress";
import { youngestJobAcceptedAt } from "./round";

/** The last look at unfinished servers and open jobs, after the deadline, gets this long. */
const FINAL_LOOK_MS = 30_000;

/** One operation: its I/O, its clock and log, and the state the transitions compute. */
export interface Run {
  readonly api: PowerApi;
  readonly now: () => number;
  readonly log: (line: string) => void;
  readonly label: string;
  readonly progressIntervalMs: number;
  readonly finalLookMs: number;
  readonly signal?: AbortSignal;
  /** Fires at the deadline: pacing and retry waits before a submission never run past it. */
  readonly deadline: AbortSignal;
  /** The caller's signal or the deadline: reads in the loop stop there (one read may otherwise retry for minutes). */
  readonly operationSignal: AbortSignal;
  state: RunState;
  lastProgressAt: number;
  /** When the last throttling line was logged (undefined: none yet). */
  lastThrottleLineAt: number | undefined;
  firstRound: boolean;
}

/**
 * The calls' options: bounded by the operation's signal (a throttled call is retried until it fires),
 * and saying when the account is throttled: at the first throttled answer, then at most once per
 * progress interval.
 */
export function callOptions(run: Run, signal: AbortSignal = run.operationSignal): RequestOptions {
  return {
    signal,
    onThrottled: (notice) => {
      const now = run.now();
      if (run.lastThrottleLineAt !== undefined && now - run.lastThrottleLineAt < run.progressIntervalMs) return;
      run.lastThrottleLineAt = now;
      run.log(throttledLine(run.label, notice, run.state.config.timeoutSeconds));
    },
  };
}

export function readContext(run: Run): ReadContext {
  return { listed: run.state.listed, deadlineReached: run.deadline.aborted, cancelled: run.signal?.aborted === true };
}

/** The last look gets a budget of its own: the deadline has passed, but the record should be the truth. */
export function finalLookSignal(run: Run): AbortSignal {
  const budget = AbortSignal.timeout(run.finalLookMs);
  return run.signal ? anySignal([run.signal, budget]) : budget;
}

export function startRun(options: ConvergeOptions): Run {
  const now = options.now ?? Date.now;
  const deadline = AbortSignal.timeout(options.timeoutSeconds * 1000);
  const config = {
    stopType: options.stopType,
    hardStopAfterSeconds: options.hardStopAfterSeconds,
    timeoutSeconds: options.timeoutSeconds,
    ambiguousGraceMs: options.ambiguousGraceMs ?? 30_000,
    listLagGraceMs: options.listLagGraceMs ?? LIST_LAG_GRACE_MS,
  };
  return {
    api: options.api,
    now,
    log: options.log ?? (() => undefined),
    label: options.label ?? "ServerPowerState",
    progressIntervalMs: options.progressIntervalMs ?? 15_000,
    finalLookMs: options.finalLookMs ?? FINAL_LOOK_MS,
    signal: options.signal,
    deadline,
    operationSignal: options.signal ? anySignal([options.signal, deadline]) : deadline,
    state: initialRunState(options.goals, config),
    lastProgressAt: now(),
    lastThrottleLineAt: undefined,
    firstRound: true,
  };
}

/**
 * Pauses between polls stay a fraction of the age of the youngest job still followed, not of the
 * whole operation: the last chunk of a large fleet goes out after minutes of pacing, and its end
 * should be seen as promptly as a first chunk's.
 */
export function waiterOptions(run: Run, options: ConvergeOptions): WaiterOptions {
  return {
    ...DEFAULT_WAITER_OPTIONS,
    ...options.waiter,
    maxWaitMs: options.timeoutSeconds * 1000,
    signal: options.signal,
    now: run.now,
    sleep: options.sleep,
    random: options.random,
    waitedMs: () => {
      const acceptedAt = youngestJobAcceptedAt(run.state);
      return acceptedAt === undefined ? undefined : run.now() - acceptedAt;
    },
  };
}
