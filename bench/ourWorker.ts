/**
 * One fleet through the provider, in a process of its own so that its peak RSS is the provider's
 * alone (the emulator runs in another child). The lifecycle methods a `pulumi up` runs: check →
 * create; then a no-op `pulumi up` (check → diff, which must find nothing to do, so the engine calls
 * no update) and a `pulumi refresh` (read). The spec comes in BENCH_WORKER_SPEC; the result is one
 * line on stdout prefixed with WORKER_RESULT_PREFIX. Provider progress lines go to stderr.
 */
import { statsSince, type EmulatorStatsSnapshot } from "../emulator/EmulatorStats";
import { seededServerId } from "../emulator/seedServers";
import { serverPowerStateProvider as provider } from "../provider/provider";
import type { PowerStateOutputs } from "../provider/recorded";
import { WORKER_RESULT_PREFIX, WORKER_SPEC_ENV, type WorkerResult, type WorkerSpec } from "./workerProtocol";

/** The calls of one phase: requests by route and their total. */
function callsSince(
  before: EmulatorStatsSnapshot,
  after: EmulatorStatsSnapshot,
): { requests: Record<string, number>; total: number } {
  const { requests, total } = statsSince(before, after);
  return { requests, total };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env[WORKER_SPEC_ENV] ?? "") as WorkerSpec;
  // The provider's progress lines (console.log, what `pulumi up` prints) must not mix with the result.
  console.log = (...args: unknown[]) => void process.stderr.write(`${args.map(String).join(" ")}\n`);
  // Plain fetch rather than EmulatorAdmin: this process loads the provider's code and nothing else of ours.
  const stats = async (): Promise<EmulatorStatsSnapshot> =>
    (await (await fetch(`${spec.url}/_emulator/stats`)).json()) as EmulatorStatsSnapshot;
  const config: Record<string, string> = {
    "huaweicloud:accessKey": spec.accessKey,
    "huaweicloud:secretKey": spec.secretKey,
    "huaweicloud:projectId": spec.projectId,
    "huaweicloud:ecsEndpoint": spec.url,
    "huaweicloud:ecsPacingWindowSeconds": String(spec.windowSeconds),
  };
  await provider.configure({ config: { get: (k: string) => config[k], require: (k: string) => config[k] } });
  const ids = Array.from({ length: spec.servers }, (_, i) => seededServerId(i));
  const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;

  // pulumi up (create)
  const s0 = await stats();
  const startedAtMs = Date.now();
  const checked = await provider.check({}, { serverIds: ids, timeoutSeconds: spec.timeoutSeconds });
  if (checked.failures && checked.failures.length > 0)
    throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  const inputs = checked.inputs as Record<string, unknown>;
  const created = await provider.create(inputs);
  const endedAtMs = Date.now();
  const s1 = await stats();
  const outs = created.outs as PowerStateOutputs;
  const records = Object.values(outs.servers);

  // pulumi up with nothing changed: check (olds = recorded inputs) → diff; no update follows a "no changes".
  const t2 = Date.now();
  const rechecked = await provider.check(inputs, { serverIds: ids, timeoutSeconds: spec.timeoutSeconds });
  const diff = await provider.diff(
    created.id,
    outs as unknown as Record<string, unknown>,
    rechecked.inputs as Record<string, unknown>,
  );
  const t3 = Date.now();
  const s2 = await stats();

  // pulumi refresh
  const read = await provider.read(created.id, outs as unknown as Record<string, unknown>);
  const t4 = Date.now();
  const s3 = await stats();

  const result: WorkerResult = {
    create: {
      ms: endedAtMs - startedAtMs,
      ...callsSince(s0, s1),
      jobs: outs.jobs.length,
      maxPollsOfOneJob: Math.max(0, ...Object.values(statsSince(s0, s1).readsPerJob)),
      notStopped: records.filter((r) => r.status !== "SHUTOFF").length,
      failures: records.filter((r) => r.error !== null).length,
      firstJobBeginMs: Math.min(...outs.jobs.map((j) => Date.parse(j.beginTime ?? ""))),
      lastJobEndMs: Math.max(...outs.jobs.map((j) => Date.parse(j.endTime ?? ""))),
      startedAtMs,
      endedAtMs,
    },
    noopUpdate: { ms: t3 - t2, ...callsSince(s1, s2), changes: diff.changes !== false },
    refresh: {
      ms: t4 - t3,
      ...callsSince(s2, s3),
      servers: Object.keys((read.props as { servers?: object }).servers ?? {}).length,
    },
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    baselineRssMiB,
  };
  process.stdout.write(`${WORKER_RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
