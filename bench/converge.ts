/**
 * Benchmark: how much longer than the cloud's own job does converging a fleet take?
 *
 * Runs the provider's create against the local emulator for fleets of growing size and reports
 * ratios, not seconds: wall time of the whole operation over the job's own duration (first job
 * accepted → last job ended, as the emulator records it), the lag between the last job's end and the
 * operation's end over the job's duration, and API calls per server. Run: `npm run bench`.
 */
import { EmulatorAdmin, seedServers, startEmulator } from "../emulator";
import { serverPowerStateProvider as provider } from "../provider/provider";
import type { PowerStateOutputs } from "../provider/provider";

interface Scenario {
  readonly servers: number;
  readonly stopSeconds: number;
}

const scenarios: Scenario[] = [
  { servers: 10, stopSeconds: 3 },
  { servers: 100, stopSeconds: 10 },
  { servers: 1000, stopSeconds: 20 },
  { servers: 5000, stopSeconds: 30 },
];

async function run({ servers, stopSeconds }: Scenario) {
  // The documented 1000 servers/minute limit would make a 5000-server run last four minutes of pacing
  // alone; both sides lift it here so the benchmark measures our overhead, not the quota.
  const emulator = await startEmulator({ stopSeconds, startSeconds: stopSeconds, batchPerMinute: 0, servers: seedServers(servers).map((s) => ({ ...s, status: "ACTIVE" as const })) });
  const admin = new EmulatorAdmin(emulator.url);
  const { accessKey, secretKey, projectId } = emulator.options;
  const config: Record<string, string> = {
    "huaweicloud:accessKey": accessKey,
    "huaweicloud:secretKey": secretKey,
    "huaweicloud:projectId": projectId,
    "huaweicloud:ecsEndpoint": emulator.url,
    "huaweicloud:ecsServersPerMinute": String(100_000),
  };
  await provider.configure({ config: { get: (k: string) => config[k], require: (k: string) => config[k] } });
  const ids = seedServers(servers).map((s) => s.id);
  const log = console.log;
  console.log = () => undefined; // progress lines off during the measurement
  const started = Date.now();
  let outs: PowerStateOutputs;
  try {
    const checked = await provider.check({}, { serverIds: ids, timeoutSeconds: 3600 });
    outs = (await provider.create(checked.inputs as Record<string, unknown>)).outs as PowerStateOutputs;
  } finally {
    console.log = log;
  }
  const ended = Date.now();
  const stats = await admin.stats();
  await emulator.stop();

  const begin = Math.min(...outs.jobs.map((j) => Date.parse(j.beginTime!)));
  const jobEnd = Math.max(...outs.jobs.map((j) => Date.parse(j.endTime!)));
  const jobMs = jobEnd - begin;
  const notStopped = Object.values(outs.servers).filter((s) => s.status !== "SHUTOFF").length;
  return {
    servers,
    jobs: outs.jobs.length,
    notStopped,
    overall: (ended - started) / jobMs,
    lag: (ended - jobEnd) / jobMs,
    callsPerServer: stats.total / servers,
    calls: stats.requests,
  };
}

async function main(): Promise<void> {
  const only = process.argv[2] ? Number(process.argv[2]) : undefined;
  console.log("servers | jobs | wall / job duration | lag after last job / job duration | API calls per server | calls");
  console.log("---|---|---|---|---|---");
  for (const scenario of scenarios.filter((s) => only === undefined || s.servers === only)) {
    const r = await run(scenario);
    if (r.notStopped > 0) throw new Error(`${r.notStopped} servers not stopped`);
    console.log(
      `${r.servers} | ${r.jobs} | ${r.overall.toFixed(3)} | ${(r.lag * 100).toFixed(1)}% | ${r.callsPerServer.toFixed(3)} | ${JSON.stringify(r.calls)}`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
