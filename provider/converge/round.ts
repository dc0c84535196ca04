/**
 * Pure decisions over the RunState: what to list, what to send, which SOFT stops to escalate,
 * when the operation is over, and its result. The driver asks these; transitions apply the answers.
 */
import type { DesiredState } from "../inputs";
import { actionFor, planConvergence, type ConvergencePlan, type PowerAction } from "../plan";
import type { PowerActionType } from "../errors";
import type { WaiterState } from "../waiter";
import {
  isTerminalStatus,
  isUnfinished,
  type ConvergeResult,
  type RunConfig,
  type RunState,
  type ServerFailure,
  type ServerRecord,
  type ServerTrack,
} from "./model";

/** One batch action to send. */
export interface Batch {
  readonly action: PowerAction;
  readonly serverIds: readonly string[];
  readonly type: PowerActionType | null;
}

function serversWhere(state: RunState, keep: (server: ServerTrack) => boolean): ServerTrack[] {
  return Object.values(state.servers).filter(keep);
}

/** The jobs followed this round: those a server is waiting on, in the servers' order. */
export function jobsToRead(state: RunState): string[] {
  const ids = new Set<string>();
  for (const server of Object.values(state.servers)) if (server.phase === "job" && server.jobId) ids.add(server.jobId);
  return [...ids];
}

/** The servers to list this round. */
export function serversToList(state: RunState): string[] {
  return serversWhere(state, (s) => s.phase === "observe").map((s) => s.id);
}

/** The plan over the servers listed and not yet settled; a server sent an action is never planned one again. */
export function planRound(state: RunState): ConvergencePlan {
  const observed = serversWhere(state, (s) => s.phase === "observe" && s.last !== null);
  const goals: Record<string, DesiredState> = {};
  for (const s of observed) goals[s.id] = s.goal;
  const submitted = new Set(serversWhere(state, (s) => s.submitted).map((s) => s.id));
  return planConvergence(
    observed.map((s) => s.last!),
    goals,
    submitted,
  );
}

/**
 * The plan without the servers refused for their state whose pause before sending again has not
 * passed (Conflict.resendAt): they are looked at each round, and sent again only once it has.
 */
export function heldForResend(state: RunState, plan: ConvergencePlan, now: number): ConvergencePlan {
  const held = (id: string) => (state.conflicts[id]?.resendAt ?? now) > now;
  return plan.act.some(held) ? { ...plan, act: plan.act.filter((id) => !held(id)) } : plan;
}

/** The plan's servers to act on, as batch actions: stops first, then starts. */
export function batchesToSend(state: RunState, plan: ConvergencePlan): Batch[] {
  const batches: Batch[] = [];
  for (const action of ["os-stop", "os-start"] as const) {
    const serverIds = plan.act.filter((id) => actionFor(state.servers[id].goal) === action);
    const type = action === "os-stop" ? state.config.stopType : null;
    if (serverIds.length > 0) batches.push({ action, serverIds, type });
  }
  return batches;
}

/**
 * A SOFT stop was accepted and the HARD stop it may lead to (hardStopAfterSeconds) is still to be
 * sent: not sent yet, or refused while a task ran. Never once the SOFT stop's job reported SUCCESS:
 * a list still showing ACTIVE then lags the job, and is read again rather than answered.
 */
export function awaitingHardStop(server: ServerTrack, config: RunConfig): boolean {
  return (
    config.hardStopAfterSeconds !== undefined &&
    config.stopType === "SOFT" &&
    server.goal === "stopped" &&
    server.stop !== null &&
    (server.stop.hard === "not-sent" || server.stop.hard === "refused") &&
    server.succeededAt === null
  );
}

/**
 * The servers whose HARD stop is due: to look at, then stop HARD if still running. Due when the
 * SOFT stop has outlasted hardStopAfterSeconds, or ended without stopping the server (its sub-job
 * FAILed: nothing left to wait for); a HARD stop refused while a task ran is due again as soon as
 * that task has ended with the server still ACTIVE.
 */
export function dueForHardStop(state: RunState, now: number): string[] {
  const after = state.config.hardStopAfterSeconds;
  if (after === undefined) return [];
  return serversWhere(
    state,
    (s) => isUnfinished(s) && awaitingHardStop(s, state.config) && isHardStopDue(s, now, after),
  ).map((s) => s.id);
}

function isHardStopDue(server: ServerTrack, now: number, afterSeconds: number): boolean {
  const idleRunning = server.phase === "observe" && isIdleRunning(server);
  if (server.stop!.hard === "refused") return idleRunning;
  return now - server.stop!.softSentAt >= afterSeconds * 1000 || (idleRunning && server.subJobError !== null);
}

/** Why a server's HARD stop is due: its SOFT stop outlasted hardStopAfterSeconds, FAILed, or a HARD stop was refused while it ran. */
export type HardStopReason = "timed" | "soft-failed" | "refused";

export function hardStopReason(server: ServerTrack, now: number, afterSeconds: number): HardStopReason {
  if (server.stop!.hard === "refused") return "refused";
  return now - server.stop!.softSentAt >= afterSeconds * 1000 ? "timed" : "soft-failed";
}

/** Last seen ACTIVE with no task running. */
function isIdleRunning(server: ServerTrack): boolean {
  return isStillRunning(server) && !server.last!.taskState;
}

/**
 * Its sub-job (or job) reported SUCCESS less than listLagGraceMs ago: a list still showing the old
 * status lags the job. Look again; never answer it with a second action.
 */
export function inListLagGrace(server: ServerTrack, config: RunConfig, now: number): boolean {
  return server.succeededAt !== null && now - server.succeededAt < config.listLagGraceMs;
}

/** Last seen running, with no task: a HARD stop is what it needs. */
export function isStillRunning(server: ServerTrack): boolean {
  return server.last?.found === true && server.last.status === "ACTIVE";
}

export function stillRunning(state: RunState, ids: readonly string[]): string[] {
  return ids.filter((id) => isStillRunning(state.servers[id]));
}

/** Every server is done or failed. */
export function isSettled(state: RunState): boolean {
  return serversWhere(state, isUnfinished).length === 0;
}

export function unfinishedServers(state: RunState): string[] {
  return serversWhere(state, isUnfinished).map((s) => s.id);
}

/** When the youngest job still followed was accepted; undefined when none is. */
export function youngestJobAcceptedAt(state: RunState): number | undefined {
  let youngest: number | undefined;
  for (const server of Object.values(state.servers)) {
    const job = server.phase === "job" && server.jobId ? state.jobs[server.jobId] : undefined;
    if (!job?.followable) continue;
    if (youngest === undefined || job.acceptedAt > youngest) youngest = job.acceptedAt;
  }
  return youngest;
}

/** Jobs whose end is not known yet and that can still be read: the record should say how they ended. */
export function openJobs(state: RunState): string[] {
  return Object.values(state.jobs)
    .filter((j) => j.followable && !isTerminalStatus(j.record.status))
    .map((j) => j.record.jobId);
}

export function resultOf(state: RunState, outcome: WaiterState): ConvergeResult {
  const servers: Record<string, ServerRecord> = {};
  const failures: ServerFailure[] = [];
  for (const server of Object.values(state.servers)) {
    servers[server.id] = {
      status: server.last?.status ?? null,
      taskState: server.last?.taskState ?? null,
      lastJobId: server.jobId,
      error: server.error,
      ...(server.last?.enterpriseProjectId !== undefined
        ? { enterpriseProjectId: server.last.enterpriseProjectId }
        : {}),
    };
    if (server.phase === "failed" && server.error) failures.push({ id: server.id, ...server.error });
  }
  const jobs = Object.values(state.jobs).map((j) => j.record);
  return { outcome, servers, jobs, failures, before: { ...state.before } };
}
