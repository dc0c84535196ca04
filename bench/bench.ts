/**
 * `npm run bench`: how long converging a fleet takes through the provider, against the cloud's own
 * time (the lower bound) and against what a user would do instead. See `--help` and bench/RESULTS.md.
 *
 * For each fleet size, on a fresh emulator (its own child process) with a fixed stop time and a
 * shortened pacing window on both sides:
 *   1. ours: a child process runs the provider's check → create (a `pulumi up`), check → diff (a
 *      `pulumi up` with nothing changed) and read (a `pulumi refresh`); the emulator counts the calls;
 *      then the same create in Pulumi's dynamic-provider host, for that process's peak RSS;
 *   2. the official SDK's BatchStopServers, one chunk per window, ShowJob every 10 s;
 *   3. Terraform's per-server pattern: one os-stop per server, ShowJob every 10 s, 10 at a time
 *      (on a prefix of the fleet, extrapolated, unless --full-alternatives).
 * Then the provider's cold start in Pulumi's real dynamic-provider host.
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, seededServerId, startEmulator } from "../emulator";
import { MAX_IDS_PER_LIST, MAX_SERVERS_PER_ACTION, DEFAULT_SERVERS_PER_MINUTE } from "../provider/constants";
import { countOf } from "../provider/plural";
import type { AlternativeRun, BenchReport, ColdStart, FleetRun, HostRun } from "./benchReport";
import { compileWorker } from "./compileWorker";
import { evaluateTargets } from "./evaluateTargets";
import { extrapolatePrefix } from "./extrapolatePrefix";
import { formatReport } from "./formatReport";
import { lowerBoundMs } from "./lowerBound";
import { measureColdStart, measureHostRun, prepareHostProgram, type HostProgram } from "./measureColdStart";
import { BENCH_HELP, BenchUsageError, parseBenchArgs, type BenchSettings } from "./parseBenchArgs";
import { renderReportChart } from "./renderChart";
import { runOurWorker } from "./runOurWorker";
import type { WorkerResult } from "./workerProtocol";
import {
  batchStopWithSdk,
  PER_SERVER_CONCURRENCY,
  perServerStop,
  SDK_POLL_INTERVAL_MS,
  type ScriptRun,
  type SdkTarget,
} from "./sdkScripts";
import { startEmulatorProcess } from "./startEmulatorProcess";

const progress = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const CREDENTIALS = {
  accessKey: DEFAULT_EMULATOR_CREDENTIALS.accessKey,
  secretKey: DEFAULT_EMULATOR_CREDENTIALS.secretKey,
  projectId: DEFAULT_EMULATOR_CREDENTIALS.projectId,
};

async function notStopped(admin: EmulatorAdmin, ids: readonly string[]): Promise<number> {
  const statuses = new Map((await admin.listServers()).map((s) => [s.id, s.status]));
  return ids.filter((id) => statuses.get(id) !== "SHUTOFF").length;
}

/** The emulator's flags for a bench run: fixed transition times, the pacing window shortened on both sides. */
function emulatorArgs({ windowSeconds, stopSeconds, jobInitMs }: BenchSettings): string[] {
  return [
    "--stop-seconds",
    String(stopSeconds),
    "--start-seconds",
    String(stopSeconds),
    "--job-init-ms",
    String(jobInitMs),
    "--batch-per-minute",
    String(DEFAULT_SERVERS_PER_MINUTE),
    "--batch-window-seconds",
    String(windowSeconds),
    // The runs so far were measured with Retry-After on the servers-per-minute 429s (then the default).
    "--throttle-retry-after",
    "true",
  ];
}

/** What one fleet size needs: the emulator's URL and admin client, the fleet's ids, and a way back to all ACTIVE. */
interface FleetContext {
  readonly servers: number;
  readonly settings: BenchSettings;
  readonly url: string;
  readonly admin: EmulatorAdmin;
  readonly ids: readonly string[];
  /** Jobs, stats and the limit windows go; every server is ACTIVE again. */
  readonly fresh: () => Promise<void>;
}

/** Ours: check → create, check → diff, read in a child process; fails the bench unless every server stopped. */
async function runOurs(context: FleetContext, workerPath: string): Promise<{ ours: WorkerResult; lowerBound: number }> {
  const { servers, settings, url } = context;
  const { windowSeconds, stopSeconds, jobInitMs } = settings;
  progress(`N=${servers}: ours (check → create, then check → diff, then read) ...`);
  const ours = await runOurWorker(
    workerPath,
    { url, servers, windowSeconds, ...CREDENTIALS, timeoutSeconds: 3600 },
    () => undefined,
  );
  const lowerBound = lowerBoundMs({
    servers,
    windowMs: windowSeconds * 1000,
    perWindow: Math.min(DEFAULT_SERVERS_PER_MINUTE, MAX_SERVERS_PER_ACTION),
    jobInitMs,
    transitionMs: stopSeconds * 1000,
  });
  const create = ours.create;
  if (create.notStopped > 0 || create.failures > 0)
    throw new Error(
      `N=${servers}: ${countOf(create.notStopped, "server")} not stopped, ${countOf(create.failures, "failure")}`,
    );
  progress(
    `N=${servers}: ours ${secs(create.ms)}, lower bound ${secs(lowerBound)}, ratio ${(create.ms / lowerBound).toFixed(3)}, peak RSS ${ours.peakRssMiB.toFixed(0)} MiB`,
  );
  return { ours, lowerBound };
}

/** The same create in Pulumi's dynamic-provider host, for that process's peak RSS. */
async function runInHost(context: FleetContext, hostProgram: HostProgram): Promise<HostRun> {
  const { servers, settings, url, ids } = context;
  await context.fresh();
  progress(`N=${servers}: the same create in Pulumi's dynamic-provider host, for its peak RSS ...`);
  const hostRun = await measureHostRun(
    hostProgram,
    { url, ...CREDENTIALS, windowSeconds: settings.windowSeconds },
    ids,
  );
  progress(
    `N=${servers}: in the host ${secs(hostRun.wallMs)}, host peak RSS ${hostRun.peakRssMiB?.toFixed(0) ?? "?"} MiB`,
  );
  return hostRun;
}

/** The official SDK's batch script, then Terraform's per-server pattern (on a prefix unless --full-alternatives). */
async function runAlternatives(
  context: FleetContext,
): Promise<{ sdkBatch: AlternativeRun; perServer: AlternativeRun }> {
  const { servers, settings, url, admin, ids } = context;
  const target: SdkTarget = { url, ...CREDENTIALS };
  await context.fresh();
  progress(`N=${servers}: official SDK batch script (ShowJob every ${SDK_POLL_INTERVAL_MS / 1000} s) ...`);
  const a = await batchStopWithSdk(target, ids, settings.windowSeconds * 1000);
  const sdkBatch = await measured(admin, a, ids, servers);
  progress(`N=${servers}: SDK batch ${secs(sdkBatch.wallMs)}`);

  await context.fresh();
  const prefix = settings.fullAlternatives ? servers : Math.min(servers, settings.perServerPrefix);
  const rounds = Math.ceil(prefix / PER_SERVER_CONCURRENCY);
  progress(
    `N=${servers}: per-server pattern on ${prefix === servers ? "all" : `the first ${prefix} of`} ${servers} servers (about ${rounds} round${rounds === 1 ? "" : "s"} of ${SDK_POLL_INTERVAL_MS / 1000} s) ...`,
  );
  const b = await perServerStop(target, ids.slice(0, prefix));
  const perServer = await measured(admin, b, ids.slice(0, prefix), servers);
  progress(
    `N=${servers}: per-server ${secs(perServer.wallMs)}${perServer.extrapolated ? ` (extrapolated from ${prefix}: ${secs(perServer.measuredWallMs)})` : ""}`,
  );
  return { sdkBatch, perServer };
}

/** One fleet size's row of the report. Pure. */
function fleetRunOf(
  servers: number,
  { ours, lowerBound }: { ours: WorkerResult; lowerBound: number },
  hostRun: HostRun | undefined,
  alternatives: { sdkBatch: AlternativeRun; perServer: AlternativeRun } | undefined,
): FleetRun {
  const create = ours.create;
  const jobPolls = create.requests["GET job"] ?? 0;
  const expectedListCalls = Math.ceil(servers / MAX_IDS_PER_LIST);
  return {
    servers,
    wallMs: create.ms,
    lowerBoundMs: lowerBound,
    overheadRatio: create.ms / lowerBound,
    requests: create.requests,
    jobs: create.jobs,
    jobPollsPerJob: create.jobs > 0 ? jobPolls / create.jobs : 0,
    maxJobPollsOfOneJob: create.maxPollsOfOneJob,
    rssMiB: ours.peakRssMiB,
    baselineRssMiB: ours.baselineRssMiB,
    lagAfterLastJobMs: create.endedAtMs - create.lastJobEndMs,
    notStopped: create.notStopped,
    noopUpdate: { calls: ours.noopUpdate.total, ms: ours.noopUpdate.ms, changes: ours.noopUpdate.changes },
    ...(hostRun ? { hostRun } : {}),
    refresh: {
      listCalls: ours.refresh.requests["GET list"] ?? 0,
      expectedListCalls,
      calls: ours.refresh.total,
      ms: ours.refresh.ms,
    },
    ...(alternatives
      ? {
          sdkBatch: alternatives.sdkBatch,
          ratioVsSdkBatch: create.ms / alternatives.sdkBatch.wallMs,
          perServer: alternatives.perServer,
          ratioVsPerServer: create.ms / alternatives.perServer.wallMs,
        }
      : {}),
  };
}

async function runFleet(
  servers: number,
  settings: BenchSettings,
  workerPath: string,
  hostProgram: HostProgram | undefined,
): Promise<FleetRun> {
  const emulator = await startEmulatorProcess(emulatorArgs(settings));
  try {
    const admin = new EmulatorAdmin(emulator.url);
    const ids = Array.from({ length: servers }, (_, i) => seededServerId(i));
    const fresh = async (): Promise<void> => {
      await admin.reset();
      await admin.putServers(ids.map((id) => ({ id, status: "ACTIVE" as const })));
    };
    const context: FleetContext = { servers, settings, url: emulator.url, admin, ids, fresh };
    await fresh();
    const ours = await runOurs(context, workerPath);
    const hostRun = hostProgram ? await runInHost(context, hostProgram) : undefined;
    const alternatives = settings.skipAlternatives ? undefined : await runAlternatives(context);
    return fleetRunOf(servers, ours, hostRun, alternatives);
  } finally {
    await emulator.stop();
  }
}

/** A script's run with the emulator's counts, scaled up to the fleet when only a prefix ran. */
async function measured(
  admin: EmulatorAdmin,
  run: ScriptRun,
  handled: readonly string[],
  fleet: number,
): Promise<AlternativeRun> {
  const stats = await admin.stats();
  const left = await notStopped(admin, handled);
  if (run.failedJobs > 0 || left > 0)
    throw new Error(
      `an alternative script left ${countOf(left, "server")} running (${countOf(run.failedJobs, "failed job")})`,
    );
  const base = { measuredServers: run.servers, measuredWallMs: run.wallMs, notStopped: left };
  if (run.servers === fleet) return { ...base, wallMs: run.wallMs, requests: stats.requests, extrapolated: false };
  const scaled = extrapolatePrefix(
    { measuredServers: run.servers, measuredWallMs: run.wallMs, measuredRequests: stats.requests },
    fleet,
    PER_SERVER_CONCURRENCY,
  );
  return { ...base, ...scaled, extrapolated: true };
}

async function coldStart(program: HostProgram, windowSeconds: number): Promise<ColdStart> {
  progress("cold start: the provider in Pulumi's dynamic-provider host (host start, Configure, first Check) ...");
  // The first Check makes no API call; the emulator only gives the config a real endpoint.
  const emulator = await startEmulator({ seed: 2 });
  try {
    const result = await measureColdStart(program, { url: emulator.url, ...CREDENTIALS, windowSeconds });
    progress(`cold start ${result.totalMs} ms`);
    return result;
  } finally {
    await emulator.stop();
  }
}

async function main(): Promise<void> {
  const command = parseBenchArgs(process.argv.slice(2));
  if (command.kind === "help") {
    process.stdout.write(`${BENCH_HELP}\n`);
    return;
  }
  const settings = command.settings;
  // Only the report goes to stdout; anything a library prints goes to stderr.
  console.log = console.info = (...args: unknown[]) => void process.stderr.write(`${args.map(String).join(" ")}\n`);
  progress(`sizes ${settings.sizes.join(", ")}; window ${settings.windowSeconds} s; stop ${settings.stopSeconds} s`);
  const workerPath = compileWorker();
  const needsHost = !settings.skipColdStart || !settings.skipHostRun;
  // The root program, run once under mocks: the serialized provider the host loads. No API call.
  const hostProgram = needsHost
    ? await prepareHostProgram({ url: "http://127.0.0.1:9", ...CREDENTIALS, windowSeconds: settings.windowSeconds }, [
        seededServerId(0),
        seededServerId(1),
      ])
    : undefined;
  const runs: FleetRun[] = [];
  for (const servers of settings.sizes)
    runs.push(await runFleet(servers, settings, workerPath, settings.skipHostRun ? undefined : hostProgram));
  const cold = settings.skipColdStart || !hostProgram ? null : await coldStart(hostProgram, settings.windowSeconds);

  const cpu = cpus();
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? "unknown",
      node: process.version,
      platform: process.platform,
    },
    settings: {
      windowSeconds: settings.windowSeconds,
      serversPerWindow: DEFAULT_SERVERS_PER_MINUTE,
      serversPerCall: MAX_SERVERS_PER_ACTION,
      stopSeconds: settings.stopSeconds,
      jobInitMs: settings.jobInitMs,
      sdkPollIntervalMs: SDK_POLL_INTERVAL_MS,
      perServerConcurrency: PER_SERVER_CONCURRENCY,
      perServerPrefix: settings.skipAlternatives || settings.fullAlternatives ? null : settings.perServerPrefix,
      quick: settings.quick,
      rssMeasuredIn: "a child process running only the provider (plain node, the provider transpiled to JavaScript)",
      emulatorRunsIn: "a child process of its own (emulator/cli.ts)",
    },
    runs,
    coldStart: cold,
    targets: evaluateTargets(runs),
  };
  if (settings.svgPath) {
    writeFileSync(settings.svgPath, renderReportChart(report));
    progress(`chart written to ${settings.svgPath}`);
  }
  process.stdout.write(settings.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
}

main().catch((error: unknown) => {
  if (error instanceof BenchUsageError) {
    process.stderr.write(`${error.message}\nRun with --help for the flags.\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
