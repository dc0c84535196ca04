/** The converger's progress lines (they reach the `pulumi up` output); no decisions here. */
import type { ErrorInfo } from "../classify";
import { formatServerList } from "../errors";
import { countOf } from "../plural";
import { actionFor, type ConvergencePlan } from "../plan";
import type { ThrottleNotice } from "../transport";
import type { JobTrack, RunState } from "./model";
import type { HardStopReason } from "./round";

/** After the first plan: how many servers are already in state, how many are stopped and started, the rest. */
export function firstRoundLine(label: string, state: RunState, plan: ConvergencePlan): string {
  const servers = Object.values(state.servers);
  const already = servers.filter((s) => s.phase === "done").length;
  const counts: string[] = [];
  for (const action of ["os-stop", "os-start"] as const) {
    const n = plan.act.filter((id) => actionFor(state.servers[id].goal) === action).length;
    if (n > 0) counts.push(`${action === "os-stop" ? "stopping" : "starting"} ${n}`);
  }
  const rest = servers.length - already - plan.act.length;
  return (
    `${label}: ${countOf(servers.length, "server")}: ${already} already in state${counts.length ? `, ${counts.join(", ")}` : ""}` +
    `${rest > 0 ? `, ${rest} to wait for or failed` : ""}`
  );
}

/** Done and failed so far, and the jobs waited on. */
export function progressLine(label: string, state: RunState): string {
  const servers = Object.values(state.servers);
  const done = servers.filter((s) => s.phase === "done").length;
  const failed = servers.filter((s) => s.phase === "failed").length;
  const running = [...new Set(servers.filter((s) => s.phase === "job" && s.jobId).map((s) => s.jobId!))];
  return (
    `${label}: ${done}/${countOf(servers.length, "server")} done${failed ? `, ${failed} failed` : ""}` +
    (running.length ? `; waiting on job${running.length > 1 ? "s" : ""} ${running.join(", ")}` : "")
  );
}

export function hardStopLine(label: string, running: readonly string[], afterSeconds: number): string {
  return `${label}: ${countOf(running.length, "server")} still running ${afterSeconds}s after a SOFT stop; sending a HARD stop: ${formatServerList(running)}`;
}

/** The gateway is throttling the account: which call, for how long so far, and until when it is retried. */
export function throttledLine(label: string, notice: ThrottleNotice, timeoutSeconds: number): string {
  const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;
  return (
    `${label}: the API is throttling this account${notice.huaweiCode ? ` (${notice.huaweiCode})` : ""} while ${notice.operation}: ` +
    `throttled for ${seconds(notice.throttledForMs)}, next attempt in ${seconds(notice.nextAttemptInMs)}; ` +
    `a throttled call did nothing, so it is sent again until the ${timeoutSeconds}s deadline`
  );
}

/**
 * A batch action refused for the servers' state while they showed no task (Conflict): what happened,
 * what it may mean, and what the converger does about it.
 */
export function conflictLine(
  label: string,
  action: string,
  state: RunState,
  ids: readonly string[],
  info: ErrorInfo,
  now: number,
): string {
  const resendAt = Math.max(...ids.map((id) => state.conflicts[id]?.resendAt ?? now));
  const pause = resendAt > now ? `in ${Math.round((resendAt - now) / 1000)} s` : "at once";
  return (
    `${label}: ${action} of ${countOf(ids.length, "server")} refused for their state (${info.huaweiCode ?? info.code}) although they showed no task: ` +
    `the cloud may be starting a job this run does not know of (an interrupted pulumi up?); looking again, and sending again ${pause} ` +
    `if they are still idle, until the ${state.config.timeoutSeconds}s deadline: ${formatServerList(ids)}`
  );
}

/** One line per reason the HARD stops about to be sent have (the servers in the order given). */
export function hardStopLines(
  label: string,
  running: readonly { readonly id: string; readonly reason: HardStopReason }[],
  afterSeconds: number,
): string[] {
  const ids = (reason: HardStopReason) => running.filter((r) => r.reason === reason).map((r) => r.id);
  const lines: string[] = [];
  const timed = ids("timed");
  if (timed.length) lines.push(hardStopLine(label, timed, afterSeconds));
  const failed = ids("soft-failed");
  if (failed.length) {
    lines.push(
      `${label}: ${countOf(failed.length, "server")} still running after its SOFT stop failed; sending a HARD stop: ${formatServerList(failed)}`,
    );
  }
  const refused = ids("refused");
  if (refused.length) {
    lines.push(
      `${label}: ${countOf(refused.length, "server")} still running now that the SOFT stop has ended (the HARD stop was refused while it ran); sending the HARD stop again: ${formatServerList(refused)}`,
    );
  }
  return lines;
}

/** A server list failed and will be tried again. */
export function listFailureLine(label: string, info: ErrorInfo, timeoutSeconds: number): string {
  return `${label}: cannot read the servers (${info.huaweiCode ?? info.code}: ${info.message}); trying again until the ${timeoutSeconds}s deadline`;
}

/** What a failed job read led to, from the job's track before and after it (nothing when nothing was learned). */
export function jobReadFailureLine(
  label: string,
  jobId: string,
  info: ErrorInfo,
  before: JobTrack,
  after: JobTrack,
): string | undefined {
  if (before.followable && !after.followable) {
    return `${label}: cannot read job ${jobId} (${info.message}); following its servers instead`;
  }
  if (after.readFailures > before.readFailures) {
    return `${label}: cannot read job ${jobId} (${info.huaweiCode ?? info.code}: ${info.message}); trying again`;
  }
  return undefined;
}
