/**
 * The converger's transitions: one pure, synchronous function per event, from the last RunState
 * and the event to the next (the clock's reading passed in, never read). Each converger behaviour
 * is answered in exactly one of them; `tests/unit/converge/` tables them.
 *
 *   observationsRecorded   a server list answered
 *   listFailed             a server list failed, transiently
 *   verdictsApplied        the plan's verdicts on what was observed
 *   submissionAccepted     a batch call was accepted: its job is followed
 *   submissionFailed       a batch call was refused or went unanswered (a state conflict:
 *                          looked at again, sent again after a backoff; see Conflict)
 *   jobRead                a job was read
 *   jobReadFailed          a job could not be read
 *   hardStopsSent          SOFT stops that outlasted hardStopAfterSeconds
 *   callFailed             a call failed for good: the operation ends
 *   unfinishedSettled      the end: each unfinished server is done, or failed with why
 */
import {
  isAborted,
  isStateConflictCode,
  isTransientReadCode,
  shownCode,
  submissionFailureKind,
  type ErrorInfo,
  type SubmissionFailureKind,
} from "../classify";
import { asHuaweiCode, type PowerActionType, type ServerErrorCode } from "../errors";
import { actionFor, targetStatus, type ConvergencePlan, type PowerAction } from "../plan";
import type { WaiterState } from "../waiter";
import {
  isTerminalStatus,
  isUnfinished,
  type JobRecord,
  type JobTrack,
  type JobView,
  type Conflict,
  type ObservationView,
  type RunConfig,
  type RunState,
  type ServerError,
  type ServerTrack,
  type SubJobView,
  type SubmissionView,
} from "./model";
import { awaitingHardStop, inListLagGrace, isStillRunning } from "./round";

/**
 * A server refused for its state while idle is sent again after these pauses (our clock): at once
 * after the first refusal (once looked at again: it may have been an innocent bystander of a batch
 * refused whole for another server), then 2 s doubling to 30 s. Huawei's FAQ says to wait 2–5 s and
 * resend (reference §7); a queued job's task shows within seconds, so the cap keeps the look prompt.
 * No jitter: one caller per server, and the rounds' own pauses are already jittered by the waiter.
 */
export const CONFLICT_RESEND_MIN_MS = 2_000;
export const CONFLICT_RESEND_MAX_MS = 30_000;

/** The pause before sending again after the `refusals`-th refusal. */
export function conflictResendDelayMs(refusals: number): number {
  if (refusals <= 1) return 0;
  return Math.min(CONFLICT_RESEND_MIN_MS * 2 ** (refusals - 2), CONFLICT_RESEND_MAX_MS);
}

/** A job read failing this many rounds in a row (transiently) is given up: its servers are followed through the list. */
export const MAX_JOB_READ_FAILURES = 3;

/** A server list answered: each server's last observation, and the first one kept as `before`. */
export function observationsRecorded(state: RunState, observations: readonly ObservationView[]): RunState {
  const updates: Record<string, ServerTrack> = {};
  const before: Record<string, ObservationView> = { ...state.before };
  for (const observation of observations) {
    const server = updates[observation.id] ?? state.servers[observation.id];
    if (!server) continue;
    updates[observation.id] = { ...server, last: observation };
    if (!(observation.id in before)) before[observation.id] = observation;
  }
  return { ...withServers(state, updates), before, listed: true, readError: null };
}

/** A server list failed in a way that may pass: kept to say why, should it last to the deadline. */
export function listFailed(state: RunState, info: ErrorInfo): RunState {
  // Cut off by the deadline or a cancellation: nothing was learned, the last reason stands, unless
  // the call was being throttled (the error then keeps the gateway's code): that is the reason.
  return isAborted(info) && info.huaweiCode === undefined ? state : { ...state, readError: info };
}

/**
 * The plan's verdicts: done; failed (or, still in the other status, looked at again while the list
 * may lag a job that reported SUCCESS, waiting for a HARD stop due later or for an unanswered
 * call's grace, or failed with its job's own error); waiting (back to following its job while that
 * job runs and can be read). Servers to act on are left as they are.
 */
export function verdictsApplied(state: RunState, plan: ConvergencePlan, now: number): RunState {
  const updates: Record<string, ServerTrack> = {};
  for (const id of plan.done) updates[id] = { ...state.servers[id], phase: "done", error: null };
  for (const failure of plan.failed) {
    const server = state.servers[failure.id];
    if (failure.still === undefined) {
      updates[server.id] = failed(server, { code: failure.code, message: failure.message });
    } else if (inListLagGrace(server, state.config, now)) {
      continue; // its job said SUCCESS: the list lags; read it again, never send a second action
    } else if (awaitingHardStop(server, state.config)) {
      continue; // the HARD stop is due later
    } else if (server.watch !== null) {
      // Our call got no answer (or its job could not be read): it may yet show up as a task. Watch it, never resend.
      if (now - server.watch.since >= state.config.ambiguousGraceMs)
        updates[server.id] = failed(server, watchError(server));
    } else if (acceptedThenConflicted(server)) {
      continue; // its job FAILed for its state while it stood idle: a job we do not know may yet move it; never resend
    } else {
      const error =
        server.succeededAt !== null
          ? listLagError(failure.code, failure.still, state.config)
          : (server.subJobError ?? { code: failure.code, message: failure.message });
      updates[server.id] = failed(server, error);
    }
  }
  for (const id of plan.wait) {
    const server = state.servers[id];
    const job = server.jobId === null ? undefined : state.jobs[server.jobId];
    if (job?.followable && !isTerminalStatus(job.record.status)) updates[id] = { ...server, phase: "job" };
  }
  return withServers(state, updates);
}

export interface Accepted {
  readonly action: PowerAction;
  readonly type: PowerActionType | null;
  readonly submission: SubmissionView;
  /** When the call was sent: a SOFT stop's age counts from then. */
  readonly sentAt: number;
}

/** A batch call was accepted: its job is recorded and followed; its servers are never planned an action again. */
export function submissionAccepted(state: RunState, event: Accepted, now: number): RunState {
  const { action, type, submission, sentAt } = event;
  const record: JobRecord = {
    jobId: submission.jobId,
    action,
    type,
    status: "SUBMITTED",
    serverIds: [...submission.serverIds],
    beginTime: null,
    endTime: null,
  };
  const job: JobTrack = { record, acceptedAt: now, readFailures: 0, followable: true };
  const softStop = action === "os-stop" && type === "SOFT";
  const updates: Record<string, ServerTrack> = {};
  for (const id of submission.serverIds) {
    const server = updates[id] ?? state.servers[id];
    if (!server) continue;
    updates[id] = {
      ...server,
      phase: "job",
      jobId: submission.jobId,
      submitted: true,
      subJobError: null,
      stop: softStop ? { softSentAt: sentAt, hard: server.stop?.hard ?? "not-sent" } : server.stop,
    };
  }
  return { ...withServers(state, updates), jobs: { ...state.jobs, [submission.jobId]: job } };
}

export interface Refused {
  /** The servers the batch action named. */
  readonly serverIds: readonly string[];
  /** Those accepted (in earlier chunks) before the failure. */
  readonly accepted: readonly string[];
  /** The servers of the call that failed (later chunks were never sent); empty when the error names none. */
  readonly failedCall: readonly string[];
  readonly info: ErrorInfo;
  readonly deadlineReached: boolean;
  /** The call was a HARD os-stop (an escalation's, for servers with a SOFT stop under way). */
  readonly hardStop?: boolean;
}

/** A batch call was refused or went unanswered: each server of it not accepted is re-planned, watched or failed. */
export function submissionFailed(state: RunState, event: Refused, now: number): RunState {
  const kind = submissionFailureKind(event.info, event.deadlineReached);
  const accepted = new Set(event.accepted);
  const failedCall = new Set(event.failedCall);
  const updates: Record<string, ServerTrack> = {};
  const conflicts: Record<string, Conflict> = {};
  for (const id of event.serverIds) {
    if (accepted.has(id)) continue;
    const neverSent = failedCall.size > 0 && !failedCall.has(id);
    const server = state.servers[id];
    if (hardStopRefusedWhileBusy(server, kind, neverSent, event.hardStop === true)) {
      updates[id] = { ...server, phase: "observe", stop: { ...server.stop!, hard: "refused" } };
    } else if (refusedWhileIdle(server, event, neverSent)) {
      // A reason to look, not to give up: re-read it; sent again (after a backoff) only while it stays idle.
      updates[id] = { ...server, phase: "observe", rejectedOnce: true };
      conflicts[id] = nextConflict(state.conflicts[id], event.info, now);
    } else {
      updates[id] = afterRefusal(server, kind, event.info, neverSent, now, state.config);
    }
  }
  const next = withServers(state, updates);
  return Object.keys(conflicts).length === 0 ? next : { ...next, conflicts: { ...state.conflicts, ...conflicts } };
}

/**
 * Refused with a state-conflict code (not a SOFT-then-HARD escalation's HARD stop, which has its own
 * rule), in a call that named it, while its last look showed no task: the cloud may be starting a job
 * whose task does not show yet (STATE_CONFLICT_CODES).
 */
function refusedWhileIdle(server: ServerTrack, event: Refused, neverSent: boolean): boolean {
  return event.hardStop !== true && !neverSent && isStateConflictCode(event.info.huaweiCode) && !server.last?.taskState;
}

function nextConflict(last: Conflict | undefined, info: ErrorInfo, now: number): Conflict {
  const refusals = (last?.refusals ?? 0) + 1;
  return {
    error: { code: shownCode(info), message: info.message },
    firstAt: last?.firstAt ?? now,
    refusals,
    resendAt: now + conflictResendDelayMs(refusals),
  };
}

/**
 * Its accepted action's sub-job (or job) FAILed with a state-conflict code and it is still idle in
 * the other status: the cloud was busy with something this run does not know of (a second job while
 * a hidden one was queued). Not a HARD stop escalated from a SOFT one (which has its own rule).
 * Watched until the deadline; never sent again.
 */
function acceptedThenConflicted(server: ServerTrack): boolean {
  return (
    server.submitted &&
    isStateConflictCode(server.subJobError?.code) &&
    (server.stop === null || server.stop.hard === "not-sent")
  );
}

/**
 * A HARD stop escalated from a SOFT one, refused for the server's state while the server was
 * last seen with a task (the SOFT stop still powering-off): sent again once that task has ended.
 */
function hardStopRefusedWhileBusy(
  server: ServerTrack,
  kind: SubmissionFailureKind,
  neverSent: boolean,
  hardStop: boolean,
): boolean {
  return hardStop && kind === "server-state" && !neverSent && server.stop?.hard === "sent" && !!server.last?.taskState;
}

function afterRefusal(
  server: ServerTrack,
  kind: SubmissionFailureKind,
  info: ErrorInfo,
  neverSent: boolean,
  now: number,
  config: RunConfig,
): ServerTrack {
  switch (kind) {
    case "ambiguous":
      if (neverSent) return { ...server, phase: "observe" }; // planned again next round
      // It may have been accepted: never send it again in this operation; watch it instead.
      return { ...server, phase: "observe", submitted: true, watch: { since: now, reason: "unanswered" } };
    case "server-state":
      if (neverSent) return { ...server, phase: "observe" };
      // Rejected before acceptance because of some server's state: look again and re-plan once.
      if (!server.rejectedOnce) return { ...server, phase: "observe", rejectedOnce: true };
      return failed(server, { code: shownCode(info), message: info.message });
    case "deadline":
      return failed(server, {
        code: "TIMEOUT",
        message: `not sent: the ${config.timeoutSeconds}s deadline came first (${deadlineCause(info)}); run pulumi up again, or raise timeoutSeconds`,
      });
    case "other":
      return failed(server, { code: shownCode(info), message: info.message });
  }
}

/** Why a submission was still waiting at the deadline: the gateway's throttling, or our own pacing. */
function deadlineCause(info: ErrorInfo): string {
  return info.huaweiCode === undefined
    ? "submissions are paced at the servers-per-minute limit"
    : `the API was throttling this account: ${info.huaweiCode}: ${info.message}`;
}

/**
 * A job was read: its record says how it stands; a server whose sub-job (or the whole job) ended
 * is listed again. A sub-job naming no server, or no sub-jobs at all: the job's own status tells
 * when to look, and the list judges each server. A SUCCESS is remembered (`succeededAt`): a list
 * still showing the old status then lags. A HARD stop whose sub-job (or job) FAILed `Ecs.0100`
 * while a SOFT stop ran is sent again once that has ended.
 */
export function jobRead(state: RunState, jobId: string, job: JobView, now: number): RunState {
  const track = state.jobs[jobId];
  const record: JobRecord = {
    ...track.record,
    status: job.status,
    beginTime: job.beginTime || null,
    endTime: job.endTime || null,
  };
  const updates: Record<string, ServerTrack> = {};
  const following = (id: string | null | undefined): ServerTrack | undefined => {
    const server = id ? (updates[id] ?? state.servers[id]) : undefined;
    return server && server.jobId === jobId && server.phase === "job" ? server : undefined;
  };
  for (const sub of job.subJobs) {
    const server = following(sub.serverId);
    if (server) updates[server.id] = subJobRead(server, track.record, jobId, sub, now);
  }
  if (isTerminalStatus(job.status)) {
    for (const id of track.record.serverIds) {
      const server = following(id);
      if (server) updates[id] = jobEndRead(server, track.record, jobId, job, now);
    }
  }
  const jobs = { ...state.jobs, [jobId]: { ...track, record, readFailures: 0 } };
  return { ...withServers(state, updates), jobs };
}

function subJobRead(server: ServerTrack, record: JobRecord, jobId: string, sub: SubJobView, now: number): ServerTrack {
  const phase = isTerminalStatus(sub.status) ? "observe" : server.phase;
  if (sub.status === "SUCCESS") return { ...server, phase, succeededAt: server.succeededAt ?? now };
  if (sub.status !== "FAIL") return { ...server, phase };
  return {
    ...server,
    phase,
    subJobError: subJobFailure(jobId, sub),
    stop: afterHardStopFailed(server, record, sub.errorCode),
  };
}

/** The job ended; this server's sub-job was not read (none, or none naming it): the job's status stands for it. */
function jobEndRead(server: ServerTrack, record: JobRecord, jobId: string, job: JobView, now: number): ServerTrack {
  if (job.status === "SUCCESS") return { ...server, phase: "observe", succeededAt: server.succeededAt ?? now };
  const subJobError = server.subJobError ?? jobFailure(jobId, job);
  return { ...server, phase: "observe", subJobError, stop: afterHardStopFailed(server, record, job.errorCode) };
}

/** An escalated HARD stop that FAILed `Ecs.0100` (the server was busy with its SOFT stop): to be sent again. */
function afterHardStopFailed(server: ServerTrack, record: JobRecord, errorCode: string | null | undefined) {
  const busy =
    record.action === "os-stop" && record.type === "HARD" && server.stop?.hard === "sent" && errorCode === "Ecs.0100";
  return busy ? { ...server.stop!, hard: "refused" as const } : server.stop;
}

/**
 * A job could not be read. Cut off by the deadline or a cancellation: nothing learned. A failure
 * that may pass: tried again next round, up to MAX_JOB_READ_FAILURES in a row. Otherwise (expired,
 * denied, unreachable) the job is given up: its servers are followed through the list instead,
 * with the grace of an unanswered call (their task may not show yet).
 */
export function jobReadFailed(state: RunState, jobId: string, info: ErrorInfo, now: number): RunState {
  if (isAborted(info)) return state;
  const track = state.jobs[jobId];
  const readFailures = track.readFailures + 1;
  if (isTransientReadCode(info.code) && readFailures < MAX_JOB_READ_FAILURES) {
    return { ...state, jobs: { ...state.jobs, [jobId]: { ...track, readFailures } } };
  }
  const updates: Record<string, ServerTrack> = {};
  for (const id of track.record.serverIds) {
    const server = state.servers[id];
    if (!server || server.jobId !== jobId || server.phase !== "job") continue;
    updates[id] = { ...server, phase: "observe", watch: server.watch ?? { since: now, reason: "job-unreadable" } };
  }
  const given: JobTrack = { ...track, readFailures, followable: false, record: { ...track.record, status: "UNKNOWN" } };
  return { ...withServers(state, updates), jobs: { ...state.jobs, [jobId]: given } };
}

/**
 * SOFT stops that outlasted hardStopAfterSeconds (`due`, just listed again): each is marked so
 * that no second HARD stop follows; those no longer running are listed again instead.
 */
export function hardStopsSent(state: RunState, due: readonly string[]): RunState {
  const updates: Record<string, ServerTrack> = {};
  for (const id of due) {
    const server = state.servers[id];
    if (!server.stop) continue;
    updates[id] = {
      ...server,
      stop: { ...server.stop, hard: server.stop.hard === "refused" ? "resent" : "sent" },
      phase: isStillRunning(server) ? server.phase : "observe",
    };
  }
  return withServers(state, updates);
}

/** A call failed for good (after the client's own retries): every unfinished server fails with it. */
export function callFailed(state: RunState, info: ErrorInfo): RunState {
  return { ...state, callError: info };
}

/**
 * The operation ended (SUCCESS, a call's FAILURE, TIMEOUT or ABORTED): each unfinished server is
 * done if its last look found it settled in its goal status, else failed with why: the call that
 * failed, an unanswered call or unreadable job it never moved after, or the deadline/cancellation.
 */
export function unfinishedSettled(state: RunState, outcome: WaiterState): RunState {
  const updates: Record<string, ServerTrack> = {};
  for (const server of Object.values(state.servers)) {
    if (isUnfinished(server)) updates[server.id] = settled(state, server, outcome);
  }
  return withServers(state, updates);
}

function settled(state: RunState, server: ServerTrack, outcome: WaiterState): ServerTrack {
  const target = targetStatus(server.goal);
  const { last } = server;
  // Settled where it should be (its job was accepted but not followed to the end in time): done.
  if (!state.callError && last?.found && last.status === target && !last.taskState) {
    return { ...server, phase: "done", error: null };
  }
  const callError = state.callError ?? state.readError;
  if (callError) {
    const message = state.callError
      ? callError.message
      : `${callError.message} (still failing at the ${state.config.timeoutSeconds}s deadline)`;
    return failed(server, { code: shownCode(callError), message });
  }
  const idleElsewhere = last?.found === true && last.status !== target && !last.taskState;
  const conflict = state.conflicts[server.id];
  if (idleElsewhere && conflict && !server.submitted)
    return failed(server, conflictError(server, conflict, state.config));
  if (idleElsewhere && acceptedThenConflicted(server))
    return failed(server, acceptedConflictError(server, state.config));
  if (server.watch !== null && last?.status !== target && !last?.taskState) return failed(server, watchError(server));
  const job = server.jobId ? state.jobs[server.jobId]?.record : undefined;
  const seen = last ? `${last.status ?? "not found"}${last.taskState ? ` (${last.taskState})` : ""}` : "not observed";
  const cancelled = outcome === "ABORTED";
  const why = cancelled ? "the operation was cancelled" : `not ${target} after ${state.config.timeoutSeconds}s`;
  return failed(server, {
    code: cancelled ? "ABORTED" : "TIMEOUT",
    message: `${why}: it is ${seen}${job ? `, job ${job.jobId} is ${job.status}` : ""}; run pulumi up again to keep waiting (servers already moving are not sent the action again), or raise timeoutSeconds`,
  });
}

function failed(server: ServerTrack, error: ServerError): ServerTrack {
  return { ...server, phase: "failed", error };
}

function withServers(state: RunState, updates: Record<string, ServerTrack>): RunState {
  return Object.keys(updates).length === 0 ? state : { ...state, servers: { ...state.servers, ...updates } };
}

/** Its job reported SUCCESS, yet the list still showed the old status once the grace had passed. */
function listLagError(code: ServerErrorCode, still: string | undefined, config: RunConfig): ServerError {
  return {
    code,
    message: `still ${still} ${config.listLagGraceMs / 1000}s after its job reported SUCCESS (the server list kept showing the old status); it was not sent the action again: run pulumi up again to look again`,
  };
}

/** Refused for its state each time it was sent, idle in the other status all along, until the deadline. */
function conflictError(server: ServerTrack, conflict: Conflict, config: RunConfig): ServerError {
  const times = conflict.refusals === 1 ? "once" : `${conflict.refusals} times`;
  return {
    code: conflict.error.code,
    message:
      `its ${actionFor(server.goal)} was refused ${times} (${conflict.error.message}) while it showed ${server.last?.status ?? "unknown"} with no task, ` +
      `until the ${config.timeoutSeconds}s deadline: the cloud may be running a job this run does not know of (an interrupted pulumi up?); ` +
      `no action was accepted for it: look at the server, then run pulumi up again`,
  };
}

/** Its one accepted action FAILed for its state, and it stood idle in the other status until the deadline. */
function acceptedConflictError(server: ServerTrack, config: RunConfig): ServerError {
  const error = server.subJobError!;
  return {
    code: error.code,
    message:
      `its ${actionFor(server.goal)} job ${server.jobId} FAILed (${error.message}) and it still showed ${server.last?.status ?? "unknown"} with no task ` +
      `at the ${config.timeoutSeconds}s deadline: the cloud may be running a job this run does not know of; it was not sent again: look at the server, then run pulumi up again`,
  };
}

/** A watched server that never moved: its call got no answer, or its job could not be read. */
function watchError(server: ServerTrack): ServerError {
  if (server.watch?.reason === "job-unreadable") {
    return {
      code: "JOB_UNREADABLE",
      message: `its job ${server.jobId} could not be read and the server has not moved; it was not sent the action again: run pulumi up again`,
    };
  }
  return {
    code: "ECS_AMBIGUOUS_SUBMIT",
    message: `the ${actionFor(server.goal)} call for this server got no answer and the server has not moved, so it may not have been accepted; it was not sent again: run pulumi up again`,
  };
}

function subJobFailure(jobId: string, sub: SubJobView): ServerError {
  const code: ServerErrorCode = sub.errorCode ? asHuaweiCode(sub.errorCode) : "SUBJOB_FAILED";
  return { code, message: subJobReason(code, sub) ?? `its sub-job in job ${jobId} failed` };
}

function jobFailure(jobId: string, job: JobView): ServerError {
  return {
    code: job.errorCode ? asHuaweiCode(job.errorCode) : "JOB_FAILED",
    message: job.failReason || `job ${jobId} failed`,
  };
}

/** A failed sub-job's cause: `errorcode_message`, else `fail_reason` without a repeated leading code. */
function subJobReason(code: string, sub: SubJobView): string | undefined {
  if (sub.errorcodeMessage) return sub.errorcodeMessage;
  if (!sub.failReason) return undefined;
  return sub.failReason.startsWith(`${code}: `) ? sub.failReason.slice(code.length + 2) : sub.failReason;
}
