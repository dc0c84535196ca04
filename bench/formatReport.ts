/** The human-readable form of a BenchReport: Markdown tables, as pasted into bench/RESULTS.md. Pure. */
import { countOf } from "../provider/plural";
import type { AlternativeRun, BenchReport } from "./benchReport";

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const calls = (requests: Record<string, number>) =>
  Object.entries(requests)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, n]) => `${route} ${n}`)
    .join(", ");

function alternative(run: AlternativeRun | undefined): string {
  if (!run) return "not run";
  return `${s(run.wallMs)}${run.extrapolated ? ` (extrapolated from ${run.measuredServers}: ${s(run.measuredWallMs)})` : ""}`;
}

export function formatReport(report: BenchReport): string {
  const st = report.settings;
  const lines: string[] = [];
  lines.push(
    `Window ${st.windowSeconds} s (${st.serversPerWindow} servers per window, both sides), stop ${st.stopSeconds} s + job INIT ${st.jobInitMs} ms; ` +
      `${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}. RSS: ${st.rssMeasuredIn}. Emulator: ${st.emulatorRunsIn}.`,
  );
  lines.push("");
  lines.push(
    "| N | wall | lower bound | overhead ratio | API calls (up) | polls / job (most for one job) | peak RSS: provider process / Pulumi host | no-op update | refresh | SDK batch script | ours / SDK | per-server pattern | ours / per-server |",
  );
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of report.runs) {
    lines.push(
      `| ${r.servers} | ${s(r.wallMs)} | ${s(r.lowerBoundMs)} | ${r.overheadRatio.toFixed(3)} | ${calls(r.requests)} | ${r.jobPollsPerJob.toFixed(1)}${r.maxJobPollsOfOneJob !== undefined ? ` (${r.maxJobPollsOfOneJob})` : ""} | ` +
        `${r.rssMiB.toFixed(0)} / ${r.hostRun?.peakRssMiB?.toFixed(0) ?? "–"} MiB | ${countOf(r.noopUpdate.calls, "call")} | ${countOf(r.refresh.listCalls, "list call")} | ${alternative(r.sdkBatch)} | ` +
        `${r.ratioVsSdkBatch?.toFixed(3) ?? "–"} | ${alternative(r.perServer)} | ${r.ratioVsPerServer?.toFixed(4) ?? "–"} |`,
    );
  }
  lines.push("");
  lines.push(
    "| N | last job ended → up returned | no-op update | refresh | same up in Pulumi's host | SDK batch script: calls | per-server pattern: calls |",
  );
  lines.push("|---|---|---|---|---|---|---|");
  for (const r of report.runs) {
    lines.push(
      `| ${r.servers} | ${r.lagAfterLastJobMs} ms | ${r.noopUpdate.ms} ms, ${countOf(r.noopUpdate.calls, "call")} | ${r.refresh.ms} ms, ${calls({ "GET list": r.refresh.listCalls })} (want ${r.refresh.expectedListCalls}) | ` +
        `${r.hostRun ? `${s(r.hostRun.wallMs)}, peak RSS ${r.hostRun.peakRssMiB?.toFixed(0) ?? "?"} MiB (${r.hostRun.afterCheckRssMiB?.toFixed(0) ?? "?"} after the first check)` : "not run"} | ` +
        `${r.sdkBatch ? calls(r.sdkBatch.requests) : "–"} | ${r.perServer ? `${calls(r.perServer.requests)}${r.perServer.extrapolated ? " (extrapolated)" : ""}` : "–"} |`,
    );
  }
  if (report.coldStart) {
    const c = report.coldStart;
    lines.push("");
    lines.push(
      `Cold start in Pulumi's dynamic-provider host: ${c.totalMs} ms (host start ${c.hostStartMs} ms, Configure ${c.configureMs} ms, ` +
        `first Check with the provider's load ${c.firstCheckMs} ms); serialized provider ${(c.serializedProviderBytes / 1024).toFixed(0)} KiB` +
        `${c.hostPeakRssMiB === null ? "" : `; host peak RSS ${c.hostPeakRssMiB.toFixed(0)} MiB`}` +
        `${c.hostBareRssMiB === undefined || c.hostBareRssMiB === null ? "" : ` (${c.hostBareRssMiB.toFixed(0)} MiB started, before any provider is loaded)`}.`,
    );
  }
  const extrapolated = report.runs.filter((r) => r.perServer?.extrapolated);
  if (extrapolated.length > 0) {
    lines.push("");
    lines.push(
      `Per-server pattern at N = ${extrapolated.map((r) => r.servers).join(", ")}: extrapolated from a measured prefix of ${extrapolated[0].perServer!.measuredServers} servers ` +
        `(its rounds are sequential: time × ceil(N/${st.perServerConcurrency}) / ceil(prefix/${st.perServerConcurrency}), calls × N / prefix). Run with --full-alternatives to measure it in full.`,
    );
  }
  lines.push("");
  lines.push("| target | met | figures |");
  lines.push("|---|---|---|");
  for (const t of report.targets) lines.push(`| ${t.target} | ${t.met ? "yes" : "**no**"} | ${t.detail} |`);
  return `${lines.join("\n")}\n`;
}
