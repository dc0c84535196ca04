/** Everything one running emulator holds; built once from resolved options. */
import { ApiConnections } from "./ApiConnections";
import { AuthLock } from "./AuthLock";
import type { MetadataState } from "./handleMetadata";
import { TemporaryCredentials } from "./TemporaryCredentials";
import { EmulatorStats } from "./EmulatorStats";
import { FaultBook } from "./FaultBook";
import { Fleet } from "./Fleet";
import { JobStore } from "./JobStore";
import type { ResolvedEmulatorOptions } from "./publicTypes";
import { seedServers } from "./seedServers";
import { SlidingWindow } from "./SlidingWindow";
import { pickVariants, type Variants } from "./variants";

export interface EmulatorState {
  readonly options: ResolvedEmulatorOptions;
  readonly nowMs: () => number;
  readonly fleet: Fleet;
  readonly jobs: JobStore;
  readonly faults: FaultBook;
  readonly stats: EmulatorStats;
  /** Servers accepted per rolling window (`batchPerMinute` per `batchWindowSeconds`). */
  readonly batchWindow: SlidingWindow;
  /** API requests per rolling window (`rateLimit` per `rateLimitWindowSeconds`); rebuilt when that window changes. */
  rateWindow: SlidingWindow;
  /** The answers no source settles, as started or as last patched (`PATCH /_emulator/variants`). */
  variants: Variants;
  /** Failed authentications in a row, and the access key's lock. */
  readonly authLock: AuthLock;
  /** Pending `delay` fault answers, cleared by stop(). */
  readonly timers: Set<NodeJS.Timeout>;
  /** Temporary credentials issued by the metadata service and IAM's securitytokens. */
  readonly temporaryCredentials: TemporaryCredentials;
  /** The metadata service's current credentials and handshake tokens. */
  readonly metadata: MetadataState;
  /** Connections that carried an API request and are still open (`GET /_emulator/connections`). */
  readonly apiConnections: ApiConnections;
}

export function createEmulatorState(options: ResolvedEmulatorOptions): EmulatorState {
  const nowMs = options.clockMs ?? Date.now;
  const fleet = new Fleet();
  fleet.put([...seedServers(options.seed), ...options.servers], nowMs());
  return {
    options,
    nowMs,
    fleet,
    jobs: new JobStore(options.jobTtlSeconds * 1000),
    faults: new FaultBook(),
    stats: new EmulatorStats(),
    batchWindow: new SlidingWindow(options.batchPerMinute, options.batchWindowSeconds * 1000),
    rateWindow: new SlidingWindow(options.rateLimit, options.rateLimitWindowSeconds * 1000),
    variants: pickVariants(options),
    authLock: new AuthLock(options.authLockSeconds * 1000),
    timers: new Set(),
    temporaryCredentials: new TemporaryCredentials(),
    metadata: { tokens: new Map() },
    apiConnections: new ApiConnections(),
  };
}

/**
 * `POST /_emulator/reset`: faults, stats, jobs, limit windows and the key lock go, the variants
 * return to those the emulator started with; servers stay, transitions end now.
 */
export function resetEmulatorState(state: EmulatorState): void {
  state.variants = pickVariants(state.options);
  state.rateWindow = new SlidingWindow(state.options.rateLimit, state.options.rateLimitWindowSeconds * 1000);
  state.fleet.finishAll(state.nowMs());
  state.jobs.clear();
  state.faults.clear();
  state.stats.clear();
  state.batchWindow.clear();
  state.rateWindow.clear();
  state.authLock.clear();
  // Temporary credentials already issued stay valid until they expire, as a real cloud's would.
}
