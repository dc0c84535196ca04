/** The one JSON document `npm run bench -- --json` prints: every figure of every fleet size. */

export interface AlternativeRun {
  /** Wall time for the whole fleet: measured, or extrapolated from the measured prefix. */
  readonly wallMs: number;
  /** API calls by route for the whole fleet (extrapolated like wallMs when `extrapolated`). */
  readonly requests: Record<string, number>;
  /** Servers actually run; less than the fleet when extrapolated. */
  readonly measuredServers: number;
  readonly measuredWallMs: number;
  readonly extrapolated: boolean;
  /** Servers the script handled that were not SHUTOFF afterwards (0 when it worked). */
  readonly notStopped: number;
}

export interface FleetRun {
  readonly servers: number;
  readonly wallMs: number;
  readonly lowerBoundMs: number;
  /** wallMs / lowerBoundMs. */
  readonly overheadRatio: number;
  /** Of `pulumi up` (check → create), by route as the emulator counts them ("POST action", "GET job", "GET list"). */
  readonly requests: Record<string, number>;
  readonly jobs: number;
  /** GET job calls over jobs. */
  readonly jobPollsPerJob: number;
  /** The most polls any one job got (absent in reports from before it was measured). */
  readonly maxJobPollsOfOneJob?: number;
  /** Peak RSS of the provider's process (a child running only the provider), MiB. */
  readonly rssMiB: number;
  /** Its RSS once the provider's code was loaded, before the first call. */
  readonly baselineRssMiB: number;
  /** Last job ended (as the emulator reports it) → create returned. */
  readonly lagAfterLastJobMs: number;
  readonly notStopped: number;
  /** `pulumi up` with nothing changed: check → diff, no update. */
  readonly noopUpdate: { readonly calls: number; readonly ms: number; readonly changes: boolean };
  /** `pulumi refresh`: read. */
  /** The create again, in Pulumi's dynamic-provider host (absent with --skip-host-run). */
  readonly hostRun?: HostRun;
  readonly refresh: {
    readonly listCalls: number;
    readonly expectedListCalls: number;
    readonly calls: number;
    readonly ms: number;
  };
  readonly sdkBatch?: AlternativeRun;
  readonly perServer?: AlternativeRun;
  /** Our wall time over theirs: below 1 means we are faster. */
  readonly ratioVsSdkBatch?: number;
  readonly ratioVsPerServer?: number;
}

/** The same create run inside Pulumi's dynamic-provider host, the process that holds the provider in a real `pulumi up`. */
export interface HostRun {
  /** Check → Create over gRPC. */
  readonly wallMs: number;
  /** Peak RSS (Linux VmHWM) of the host process after the create, MiB; null elsewhere. */
  readonly peakRssMiB: number | null;
  /** Its peak once the provider was loaded and the first check ran, before any fleet work. */
  readonly afterCheckRssMiB: number | null;
}

export interface ColdStart {
  /** Spawning @pulumi/pulumi's dynamic-provider host until it prints its port. */
  readonly hostStartMs: number;
  readonly configureMs: number;
  /** The first Check: the host deserializes the provider from `__provider`, then runs check. */
  readonly firstCheckMs: number;
  readonly totalMs: number;
  /** Peak RSS of the host process after the first check (Linux VmHWM), MiB; null elsewhere. */
  readonly hostPeakRssMiB: number | null;
  /** Peak RSS of the host once started, before any provider is loaded (VmHWM), MiB; absent in older reports. */
  readonly hostBareRssMiB?: number | null;
  /** Size of the serialized provider (`__provider`), bytes. */
  readonly serializedProviderBytes: number;
}

export interface TargetVerdict {
  readonly target: string;
  readonly met: boolean;
  readonly detail: string;
}

export interface BenchReport {
  readonly generatedAt: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly node: string;
    readonly platform: string;
  };
  readonly settings: {
    readonly windowSeconds: number;
    readonly serversPerWindow: number;
    readonly serversPerCall: number;
    readonly stopSeconds: number;
    readonly jobInitMs: number;
    readonly sdkPollIntervalMs: number;
    readonly perServerConcurrency: number;
    readonly perServerPrefix: number | null;
    readonly quick: boolean;
    readonly rssMeasuredIn: string;
    readonly emulatorRunsIn: string;
  };
  readonly runs: FleetRun[];
  readonly coldStart: ColdStart | null;
  readonly targets: TargetVerdict[];
}
