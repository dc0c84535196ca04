/** What the bench passes to its provider worker (bench/ourWorker.ts) and what the worker answers. */

export const WORKER_SPEC_ENV = "BENCH_WORKER_SPEC";
export const WORKER_RESULT_PREFIX = "BENCH_WORKER_RESULT ";

export interface WorkerSpec {
  readonly url: string;
  /** The fleet is `seededServerId(0 .. servers - 1)`, all ACTIVE at the start. */
  readonly servers: number;
  readonly windowSeconds: number;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly projectId: string;
  readonly timeoutSeconds: number;
}

export interface PhaseCalls {
  readonly ms: number;
  readonly requests: Record<string, number>;
  readonly total: number;
}

export interface WorkerResult {
  readonly create: PhaseCalls & {
    readonly jobs: number;
    /** The most reads of any one of the create's jobs (the emulator's count). */
    readonly maxPollsOfOneJob: number;
    readonly notStopped: number;
    readonly failures: number;
    readonly firstJobBeginMs: number;
    readonly lastJobEndMs: number;
    readonly startedAtMs: number;
    readonly endedAtMs: number;
  };
  readonly noopUpdate: PhaseCalls & { readonly changes: boolean };
  readonly refresh: PhaseCalls & { readonly servers: number };
  /** process.resourceUsage().maxRSS of this process, in MiB, and the RSS before the first fleet call. */
  readonly peakRssMiB: number;
  readonly baselineRssMiB: number;
}
