/** The issue's targets, checked against a report's figures. Pure. */
import { countOf } from "../provider/plural";
import type { FleetRun, TargetVerdict } from "./benchReport";

export const TARGETS = {
  maxOverheadRatio: 1.1,
  overheadSizes: [1000, 5000],
  listCallsSlack: 5,
  maxJobPollsPerJob: 15,
  minSpeedupVsPerServerAt1000: 5,
  maxRssMbAt5000: 200,
} as const;

const fixed = (x: number, digits = 2) => x.toFixed(digits);
/** The target says MB (10^6 bytes); RSS is measured in MiB (2^20 bytes). */
const underMb = (mib: number, mb: number): boolean => mib * 2 ** 20 < mb * 1e6;

export function evaluateTargets(runs: readonly FleetRun[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const at = (n: number) => runs.find((r) => r.servers === n);

  for (const n of TARGETS.overheadSizes) {
    const run = at(n);
    if (!run) continue;
    verdicts.push({
      target: `overhead ratio <= ${TARGETS.maxOverheadRatio} at N=${n}`,
      met: run.overheadRatio <= TARGETS.maxOverheadRatio,
      detail: `${fixed(run.overheadRatio, 3)} (wall ${fixed(run.wallMs / 1000)} s, lower bound ${fixed(run.lowerBoundMs / 1000)} s)`,
    });
  }
  for (const run of runs) {
    const actions = run.requests["POST action"] ?? 0;
    const expectedActions = Math.ceil(run.servers / 1000);
    const lists = run.requests["GET list"] ?? 0;
    const listBudget = 2 * Math.ceil(run.servers / 100) + TARGETS.listCallsSlack;
    verdicts.push({
      target: `N=${run.servers}: action calls = ceil(N/1000), list calls <= 2*ceil(N/100) + ${TARGETS.listCallsSlack}, job polls per job <= ${TARGETS.maxJobPollsPerJob}`,
      // Every job must keep to it: the most polls of any one job when measured, else the average.
      met:
        actions === expectedActions &&
        lists <= listBudget &&
        (run.maxJobPollsOfOneJob ?? run.jobPollsPerJob) <= TARGETS.maxJobPollsPerJob,
      detail:
        `actions ${actions} (want ${expectedActions}), lists ${lists} (budget ${listBudget}), polls per job ${fixed(run.jobPollsPerJob, 1)}` +
        (run.maxJobPollsOfOneJob !== undefined ? ` (at most ${run.maxJobPollsOfOneJob} for one job)` : ""),
    });
    verdicts.push({
      target: `N=${run.servers}: no-op update makes 0 API calls; refresh makes ceil(N/100) list calls`,
      met:
        run.noopUpdate.calls === 0 &&
        !run.noopUpdate.changes &&
        run.refresh.listCalls === run.refresh.expectedListCalls &&
        run.refresh.calls === run.refresh.listCalls,
      detail: `no-op ${countOf(run.noopUpdate.calls, "call")} (diff ${run.noopUpdate.changes ? "found changes" : "found none"}), refresh ${countOf(run.refresh.listCalls, "list call")} of ${run.refresh.calls} (want ${run.refresh.expectedListCalls})`,
    });
  }
  const at1000 = at(1000);
  if (at1000?.perServer) {
    const speedup = at1000.perServer.wallMs / at1000.wallMs;
    verdicts.push({
      target: `at least ${TARGETS.minSpeedupVsPerServerAt1000}x faster than the per-server pattern at N=1000`,
      met: speedup >= TARGETS.minSpeedupVsPerServerAt1000,
      detail: `${fixed(speedup, 1)}x${at1000.perServer.extrapolated ? ` (theirs extrapolated from a measured prefix of ${at1000.perServer.measuredServers} servers)` : ""}`,
    });
  }
  const withSdk = runs.filter((r) => r.sdkBatch);
  if (withSdk.length > 0) {
    verdicts.push({
      target: "faster than the 10-s-poll SDK script at every N",
      met: withSdk.every((r) => r.wallMs < r.sdkBatch!.wallMs),
      detail:
        withSdk.map((r) => `N=${r.servers}: ${fixed(r.wallMs / r.sdkBatch!.wallMs)}`).join(", ") + " (ours / theirs)",
    });
  }
  const at5000 = at(5000);
  if (at5000) {
    verdicts.push({
      target: `peak RSS < ${TARGETS.maxRssMbAt5000} MB at N=5000`,
      met: underMb(at5000.rssMiB, TARGETS.maxRssMbAt5000),
      detail: `${fixed(at5000.rssMiB, 1)} MiB in a process running only the provider (${fixed(at5000.baselineRssMiB, 1)} MiB once loaded)`,
    });
    const hostPeak = at5000.hostRun?.peakRssMiB;
    if (hostPeak !== undefined && hostPeak !== null) {
      verdicts.push({
        target: `peak RSS < ${TARGETS.maxRssMbAt5000} MB at N=5000, in Pulumi's dynamic-provider host process`,
        met: underMb(hostPeak, TARGETS.maxRssMbAt5000),
        detail: `${fixed(hostPeak, 1)} MiB (the host alone, provider loaded and checked: ${fixed(at5000.hostRun!.afterCheckRssMiB ?? Number.NaN, 1)} MiB)`,
      });
    }
  }
  return verdicts;
}
