/**
 * Converge: bring each server to its goal state and record the truth.
 *
 *   list (what is there) → plan → batch actions (each server at most once) → wait for the jobs →
 *   list again to confirm `status` and an empty `task_state` → records.
 *
 * Jobs are the main signal; a server is listed again as soon as its sub-job (or job) ends. Servers
 * that were already moving (out-of-band tasks) are watched through the server list instead.
 */
import {
  describeError,
  isAborted,
  isTransientRead as isTransientReadIn,
  isTransientReadCode,
  serverIdsOf,
  shownCode,
  submissionFailureKind,
  type ErrorInfo,
} from "./classify";
import { asHuaweiCode, formatServerList, type ServerErrorCode } from "./errors";
import type { DesiredState, StopType } from "./inputs";
import { actionFor, planConvergence, targetStatus, type PowerAction, type ServerSnapshot } from "./plan";
import { DEFAULT_WAITER_OPTIONS, runWaiter, type WaiterOptions, type WaiterState } from "./waiter";

/** What the converger needs from the ECS client. */
export interface PowerApi {
  batchAction(
    action: PowerAction,
    serverIds: readonly string[],
    options?: { type?: StopType; signal?: AbortSignal; onSubmitted?: (submission: SubmissionView) => void },
  ): Promise<SubmissionView[]>;
  getJob(jobId: string, options?: { signal?: AbortSignal }): Promise<JobView>;
  listServers(ids: readonly string[], options?: { signal?: AbortSignal }): Promise<ObservationView[]>;
}

export interface SubmissionView {
  readonly jobId: string;
  readonly serverIds: readonly string[];
}

export interface SubJobView {
  readonly status: string;
  readonly serverId?: string | null;
  readonly errorCode?: string | null;
  readonly failReason?: string | null;
  readonly errorcodeMessage?: string | null;
}

export interface JobView {
  readonly status: string;
  readonly beginTime?: string | null;
  readonly endTime?: string | null;
  readonly errorCode?: string | null;
  readonly failReason?: string | null;
  readonly subJobs: readonly SubJobView[];
}

export interface ObservationView extends ServerSnapshot {
  readonly fault?: { readonly message?: string | null; readonly code?: unknown } | null;
}

export interface ServerError {
  readonly code: ServerErrorCode;
  readonly message: string;
}

/** One server as recorded in the stack (the `servers` output). */
export interface ServerRecord {
  readonly status: string | null;
  readonly taskState: string | null;
  readonly lastJobId: string | null;
  readonly error: ServerError | null;
}

/** One submitted job as recorded in the stack (the `jobs` output). */
export interface JobRecord {
  jobId: string;
  action: PowerAction;
  type: StopType | null;
  status: string;
  serverIds: string[];
  beginTime: string | null;
  endTime: string | null;
}

export interface ServerFailure extends ServerError {
  readonly id: string;
}

export interface ConvergeOptions {
  readonly api: PowerApi;
  /** Server id → desired state. */
  readonly goals: Readonly<Record<string, DesiredState>>;
  readonly stopType: StopType;
  readonly hardStopAfterSeconds?: number;
  /** The whole operation's budget. */
  readonly timeoutSeconds: number;
  /** Progress lines (reach the `pulumi up` output through console.log). */
  readonly log?: (line: string) => void;
  readonly label?: string;
  readonly waiter?: Partial<Pick<WaiterOptions, "minDelayMs" | "maxDelayMs" | "maxDelayFraction" | "lastPollLeadMs">>;
  /** After an ambiguous submit (sent, no answer), how long to watch for the servers to move before failing them. */
  readonly ambiguousGraceMs?: number;
  readonly progressIntervalMs?: number;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

export interface ConvergeResult {
  readonly outcome: WaiterState;
  readonly servers: Record<string, ServerRecord>;
  readonly jobs: JobRecord[];
  readonly failures: ServerFailure[];
  /** The first observation of each server, before anything was submitted. */
  readonly before: Record<string, ObservationView>;
}

type Phase = "observe" | "job" | "done" | "failed";

interface Tracked {
  readonly id: string;
  readonly goal: DesiredState;
  phase: Phase;
  jobId: string | null;
  softStopSentAt: number | null;
  hardStopSent: boolean;
  ambiguousSince: number | null;
  /** Why it is watched without a job to follow: our call got no answer, or its job could not be read. */
  watchReason: "unanswered" | "job-unreadable" | null;
  rejectedOnce: boolean;
  last: ObservationView | null;
  subJobError: ServerError | null;
  error: ServerError | null;
}

const TERMINAL_JOB_STATUSES = ["SUCCESS", "FAIL"];
/** A job read failing this many rounds in a row (transiently) is given up: its servers are followed through the list. */
const MAX_JOB_READ_FAILURES = 3;
/** The last look at unfinished servers and open jobs, after the deadline, gets this long. */
const FINAL_LOOK_MS = 30_000;
export async function converge(options: ConvergeOptions): Promise<ConvergeResult> {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const label = options.label ?? "ServerPowerState";
  const ambiguousGraceMs = options.ambiguousGraceMs ?? 30_000;
  const progressIntervalMs = options.progressIntervalMs ?? 15_000;
  const { api, signal } = options;

  // Pacing and retry waits before a submission never run past the operation's deadline.
  const submitDeadline = AbortSignal.timeout(options.timeoutSeconds * 1000);
  // Reads in the loop stop at the deadline too (one read may otherwise retry for minutes).
  const operationSignal = signal ? AbortSignal.any([signal, submitDeadline]) : submitDeadline;
  const tracked: Record<string, Tracked> = {};
  for (const [id, goal] of Object.entries(options.goals)) {
    tracked[id] = {
      id,
      goal,
      phase: "observe",
      jobId: null,
      softStopSentAt: null,
      hardStopSent: false,
      ambiguousSince: null,
      watchReason: null,
      rejectedOnce: false,
      last: null,
      subJobError: null,
      error: null,
    };
  }
  const all = Object.values(tracked);
  const submitted = new Set<string>();
  const jobs: Record<string, JobRecord> = {};
  /** When each job was accepted (our clock): the age of the work being waited for. */
  const jobAcceptedAt: Record<string, number> = {};
  const unobservableJobs = new Set<string>();
  const before: Record<string, ObservationView> = {};
  let lastProgressAt = now();
  // Declared before every closure that reads it: Pulumi's closure serializer needs that order.
  let pollError: ErrorInfo | null = null;
  /** The last round's transient read failure, cleared by the next good read. */
  let readError: ErrorInfo | null = null;
  /** Whether a server list has answered in this operation: only then are read failures taken as transient. */
  let readSucceeded = false;
  const jobReadFailures: Record<string, number> = {};

  const fail = (server: Tracked, error: ServerError): void => {
    server.phase = "failed";
    server.error = error;
  };

  const observe = async (servers: Tracked[], readSignal: AbortSignal = operationSignal): Promise<void> => {
    if (servers.length === 0) return;
    const observations = await api.listServers(
      servers.map((s) => s.id),
      { signal: readSignal },
    );
    readSucceeded = true;
    for (const observation of observations) {
      const server = tracked[observation.id];
      if (!server) continue;
      server.last = observation;
      if (!(observation.id in before)) before[observation.id] = observation;
    }
  };

  /** A read failure to try again next round rather than end the operation with. */
  const isTransientRead = (info: ErrorInfo): boolean =>
    isTransientReadIn(info, {
      listed: readSucceeded,
      deadlineReached: submitDeadline.aborted,
      cancelled: signal?.aborted === true,
    });

  const submit = async (action: PowerAction, servers: Tracked[], type: StopType | null): Promise<void> => {
    if (servers.length === 0) return;
    const ids = servers.map((s) => s.id);
    const sentAt = now();
    const accepted = new Set<string>();
    try {
      await api.batchAction(action, ids, {
        ...(type ? { type } : {}),
        signal: operationSignal,
        onSubmitted: (submission) => {
          jobAcceptedAt[submission.jobId] = now();
          jobs[submission.jobId] = {
            jobId: submission.jobId,
            action,
            type,
            status: "SUBMITTED",
            serverIds: [...submission.serverIds],
            beginTime: null,
            endTime: null,
          };
          for (const id of submission.serverIds) {
            const server = tracked[id];
            accepted.add(id);
            submitted.add(id);
            server.phase = "job";
            server.jobId = submission.jobId;
            server.subJobError = null;
            if (action === "os-stop" && type === "SOFT") server.softStopSentAt = sentAt;
          }
        },
      });
    } catch (error) {
      const info = describeError(error);
      // The servers of the call that failed; later chunks were never sent.
      const inFailedCall = new Set(serverIdsOf(error));
      const kind = submissionFailureKind(info, submitDeadline.aborted);
      const ambiguous = kind === "ambiguous";
      const aboutServerState = kind === "server-state";
      for (const server of servers) {
        if (accepted.has(server.id)) continue;
        if ((ambiguous || aboutServerState) && inFailedCall.size > 0 && !inFailedCall.has(server.id)) {
          server.phase = "observe"; // never sent: planned again next round
        } else if (ambiguous) {
          // It may have been accepted: never send it again in this operation; watch it instead.
          submitted.add(server.id);
          server.ambiguousSince = now();
          server.watchReason = "unanswered";
          server.phase = "observe";
        } else if (aboutServerState && !server.rejectedOnce) {
          // Rejected before acceptance because of some server's state: look again and re-plan once.
          server.rejectedOnce = true;
          server.phase = "observe";
        } else if (kind === "deadline") {
          fail(server, {
            code: "TIMEOUT",
            message: `not sent: the ${options.timeoutSeconds}s deadline came first (submissions are paced at the servers-per-minute limit); run pulumi up again, or raise timeoutSeconds`,
          });
        } else {
          fail(server, { code: shownCode(info), message: info.message });
        }
      }
    }
  };

  const pollJobs = async (): Promise<void> => {
    const active = new Set<string>();
    for (const server of all) if (server.phase === "job" && server.jobId) active.add(server.jobId);
    await Promise.all(
      [...active].map(async (jobId) => {
        const record = jobs[jobId];
        let job: JobView;
        try {
          job = await api.getJob(jobId, { signal: operationSignal });
          delete jobReadFailures[jobId];
        } catch (error) {
          const info = describeError(error);
          // Cancelled, or cut off by the deadline: nothing was learned about the job.
          if (isAborted(info)) return;
          jobReadFailures[jobId] = (jobReadFailures[jobId] ?? 0) + 1;
          if (isTransientReadCode(info.code) && jobReadFailures[jobId] < MAX_JOB_READ_FAILURES) {
            log(`${label}: cannot read job ${jobId} (${info.huaweiCode ?? info.code}: ${info.message}); trying again`);
            return;
          }
          // The job cannot be read (expired, denied, unreachable): follow its servers through the list.
          unobservableJobs.add(jobId);
          record.status = "UNKNOWN";
          log(`${label}: cannot read job ${jobId} (${info.message}); following its servers instead`);
          for (const server of all) {
            if (server.jobId !== jobId || server.phase !== "job") continue;
            // Its task may not show on the server yet: give it the grace of an unanswered call.
            server.phase = "observe";
            server.ambiguousSince ??= now();
            server.watchReason ??= "job-unreadable";
          }
          return;
        }
        record.status = job.status;
        record.beginTime = job.beginTime || null;
        record.endTime = job.endTime || null;
        const jobEnded = TERMINAL_JOB_STATUSES.includes(job.status);
        for (const sub of job.subJobs) {
          const server = sub.serverId ? tracked[sub.serverId] : undefined;
          if (!server || server.jobId !== jobId || server.phase !== "job") continue;
          if (sub.status === "FAIL") {
            const code: ServerErrorCode = sub.errorCode ? asHuaweiCode(sub.errorCode) : "SUBJOB_FAILED";
            server.subJobError = { code, message: subJobReason(code, sub) ?? `its sub-job in job ${jobId} failed` };
          }
          if (TERMINAL_JOB_STATUSES.includes(sub.status)) server.phase = "observe";
        }
        if (jobEnded) {
          for (const server of all) {
            if (server.jobId !== jobId || server.phase !== "job") continue;
            if (job.status === "FAIL" && !server.subJobError) {
              server.subJobError = {
                code: job.errorCode ? asHuaweiCode(job.errorCode) : "JOB_FAILED",
                message: job.failReason || `job ${jobId} failed`,
              };
            }
            server.phase = "observe";
          }
        }
      }),
    );
  };

  const classifyObserved = (): Tracked[] => {
    const toAct: Tracked[] = [];
    const observed = all.filter((s) => s.phase === "observe" && s.last);
    const goals: Record<string, DesiredState> = {};
    for (const s of observed) goals[s.id] = s.goal;
    const plan = planConvergence(
      observed.map((s) => s.last!),
      goals,
      submitted,
    );
    for (const id of plan.done) {
      tracked[id].phase = "done";
      tracked[id].error = null;
    }
    for (const failure of plan.failed) {
      const server = tracked[failure.id];
      const stillThere = failure.still !== undefined;
      if (stillThere && awaitingHardStop(server)) continue; // the HARD stop is due later
      if (stillThere && server.ambiguousSince !== null) {
        // Our call got no answer: it may yet show up as a task. Watch it for a while, never resend.
        if (now() - server.ambiguousSince >= ambiguousGraceMs) fail(server, ambiguousError(server));
        continue;
      }
      fail(
        server,
        server.subJobError && stillThere ? server.subJobError : { code: failure.code, message: failure.message },
      );
    }
    for (const id of plan.wait) {
      const server = tracked[id];
      // Back to following its job if that job is still running and readable.
      if (
        server.jobId &&
        !unobservableJobs.has(server.jobId) &&
        !TERMINAL_JOB_STATUSES.includes(jobs[server.jobId]?.status ?? "")
      ) {
        server.phase = "job";
      }
    }
    for (const id of plan.act) toAct.push(tracked[id]);
    return toAct;
  };

  /** The `jobs` output should say how each job ended, even those no server was waiting on any more. */
  async function refreshJobRecords(): Promise<void> {
    if (pollError) return;
    const open = Object.values(jobs).filter(
      (j) => !TERMINAL_JOB_STATUSES.includes(j.status) && !unobservableJobs.has(j.jobId),
    );
    const finalSignal = finalLookSignal();
    await Promise.all(
      open.map(async (record) => {
        const job = await api.getJob(record.jobId, { signal: finalSignal }).catch(() => undefined);
        if (!job) return;
        record.status = job.status;
        record.beginTime = job.beginTime || null;
        record.endTime = job.endTime || null;
      }),
    );
  }

  const escalateHardStops = async (): Promise<void> => {
    const after = options.hardStopAfterSeconds;
    if (after === undefined || options.stopType !== "SOFT") return;
    const due = all.filter(
      (s) =>
        s.goal === "stopped" &&
        (s.phase === "job" || s.phase === "observe") &&
        s.softStopSentAt !== null &&
        !s.hardStopSent &&
        now() - s.softStopSentAt >= after * 1000,
    );
    if (due.length === 0) return;
    // Look first: a HARD stop for a server already SHUTOFF could get the whole batch rejected.
    try {
      await observe(due);
    } catch (error) {
      if (!isTransientRead(describeError(error))) throw error;
      return; // due again next round
    }
    const running = due.filter((s) => s.last?.found && s.last.status === "ACTIVE");
    for (const server of due) {
      server.hardStopSent = true;
      if (!running.includes(server)) server.phase = "observe";
    }
    if (running.length === 0) return;
    log(
      `${label}: ${running.length} server(s) still running ${after}s after a SOFT stop; sending a HARD stop: ${formatServerList(running.map((s) => s.id))}`,
    );
    await submit("os-stop", running, "HARD");
  };

  function awaitingHardStop(server: Tracked): boolean {
    return (
      options.hardStopAfterSeconds !== undefined &&
      options.stopType === "SOFT" &&
      server.goal === "stopped" &&
      server.softStopSentAt !== null &&
      !server.hardStopSent
    );
  }

  /** The last look gets a budget of its own: the deadline has passed, but the record should be the truth. */
  function finalLookSignal(): AbortSignal {
    const budget = AbortSignal.timeout(FINAL_LOOK_MS);
    return signal ? AbortSignal.any([signal, budget]) : budget;
  }

  const reportProgress = (force: boolean): void => {
    if (!force && now() - lastProgressAt < progressIntervalMs) return;
    lastProgressAt = now();
    const done = all.filter((s) => s.phase === "done").length;
    const failed = all.filter((s) => s.phase === "failed").length;
    const running = [...new Set(all.filter((s) => s.phase === "job" && s.jobId).map((s) => s.jobId!))];
    log(
      `${label}: ${done}/${all.length} servers done${failed ? `, ${failed} failed` : ""}` +
        (running.length ? `; waiting on job${running.length > 1 ? "s" : ""} ${running.join(", ")}` : ""),
    );
  };

  /**
   * The age of the youngest job still followed. Pauses between polls stay a fraction of it, not of
   * the whole operation: the last chunk of a large fleet goes out after minutes of pacing, and its
   * end should be seen as promptly as a first chunk's.
   */
  const youngestJobAgeMs = (): number | undefined => {
    let youngest: number | undefined;
    for (const server of all) {
      if (server.phase !== "job" || !server.jobId || unobservableJobs.has(server.jobId)) continue;
      const acceptedAt = jobAcceptedAt[server.jobId];
      if (acceptedAt !== undefined && (youngest === undefined || acceptedAt > youngest)) youngest = acceptedAt;
    }
    return youngest === undefined ? undefined : now() - youngest;
  };

  const waiterOptions: WaiterOptions = {
    ...DEFAULT_WAITER_OPTIONS,
    ...options.waiter,
    maxWaitMs: options.timeoutSeconds * 1000,
    signal,
    now,
    sleep: options.sleep,
    random: options.random,
    waitedMs: youngestJobAgeMs,
  };

  let firstRound = true;
  const outcome = await runWaiter(waiterOptions, async () => {
    await pollJobs();
    try {
      await observe(all.filter((s) => s.phase === "observe"));
      readError = null;
    } catch (error) {
      const info = describeError(error);
      if (!isTransientRead(info)) throw error;
      // Nothing is planned or sent on stale observations: try the read again next round.
      if (!isAborted(info)) {
        readError = info;
        log(
          `${label}: cannot read the servers (${info.huaweiCode ?? info.code}: ${info.message}); trying again until the ${options.timeoutSeconds}s deadline`,
        );
      }
      return { state: "RETRY" as const };
    }
    const toAct = classifyObserved();
    if (firstRound) {
      firstRound = false;
      const already = all.filter((s) => s.phase === "done").length;
      const counts: string[] = [];
      for (const action of ["os-stop", "os-start"] as const) {
        const n = toAct.filter((s) => actionFor(s.goal) === action).length;
        if (n > 0) counts.push(`${action === "os-stop" ? "stopping" : "starting"} ${n}`);
      }
      log(
        `${label}: ${all.length} servers: ${already} already in state${counts.length ? `, ${counts.join(", ")}` : ""}` +
          `${all.length - already - toAct.length > 0 ? `, ${all.length - already - toAct.length} to wait for or failed` : ""}`,
      );
    }
    for (const action of ["os-stop", "os-start"] as const) {
      const servers = toAct.filter((s) => actionFor(s.goal) === action);
      await submit(action, servers, action === "os-stop" ? options.stopType : null);
    }
    await escalateHardStops();
    reportProgress(false);
    const pending = all.filter((s) => s.phase === "observe" || s.phase === "job").length;
    return { state: pending === 0 ? "SUCCESS" : "RETRY" };
  }).catch((error: unknown) => {
    // A call failed for good (after the client's own retries): keep what is known, fail the rest with it.
    pollError = describeError(error);
    return { state: "FAILURE" as const };
  });

  const unfinished = all.filter((s) => s.phase === "observe" || s.phase === "job");
  if (unfinished.length > 0) {
    // Record the truth for what did not finish (unless the calls themselves fail), then say why.
    if (!pollError) {
      await observe(unfinished, finalLookSignal()).then(
        () => {
          readError = null;
        },
        () => undefined,
      );
    }
    for (const server of unfinished) {
      // Settled where it should be (its job was accepted but not followed to the end in time): done.
      if (
        !pollError &&
        server.last?.found &&
        server.last.status === targetStatus(server.goal) &&
        !server.last.taskState
      ) {
        server.phase = "done";
        server.error = null;
        continue;
      }
      const job = server.jobId ? jobs[server.jobId] : undefined;
      const seen = server.last
        ? `${server.last.status ?? "unknown"}${server.last.taskState ? ` (${server.last.taskState})` : ""}`
        : "not observed";
      const callError = pollError ?? readError;
      if (callError) {
        const { message } = callError;
        fail(server, {
          code: shownCode(callError),
          message: pollError ? message : `${message} (still failing at the ${options.timeoutSeconds}s deadline)`,
        });
        continue;
      }
      if (
        server.ambiguousSince !== null &&
        server.last?.status !== targetStatus(server.goal) &&
        !server.last?.taskState
      ) {
        fail(server, ambiguousError(server));
        continue;
      }
      const why =
        outcome.state === "ABORTED"
          ? "the operation was cancelled"
          : `not ${targetStatus(server.goal)} after ${options.timeoutSeconds}s`;
      fail(server, {
        code: outcome.state === "ABORTED" ? "ABORTED" : "TIMEOUT",
        message: `${why}: it is ${seen}${job ? `, job ${job.jobId} is ${job.status}` : ""}; run pulumi up again to keep waiting (servers already moving are not sent the action again), or raise timeoutSeconds`,
      });
    }
  }
  reportProgress(true);
  await refreshJobRecords();

  const servers: Record<string, ServerRecord> = {};
  const failures: ServerFailure[] = [];
  for (const server of all) {
    servers[server.id] = {
      status: server.last?.status ?? null,
      taskState: server.last?.taskState ?? null,
      lastJobId: server.jobId,
      error: server.error,
    };
    if (server.phase === "failed" && server.error) failures.push({ id: server.id, ...server.error });
  }
  return { outcome: outcome.state, servers, jobs: Object.values(jobs), failures, before };
}

function ambiguousError(server: Tracked): ServerError {
  if (server.watchReason === "job-unreadable") {
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

/** A failed sub-job's cause: `errorcode_message`, else `fail_reason` without a repeated leading code. */
function subJobReason(code: string, sub: SubJobView): string | undefined {
  if (sub.errorcodeMessage) return sub.errorcodeMessage;
  if (!sub.failReason) return undefined;
  return sub.failReason.startsWith(`${code}: `) ? sub.failReason.slice(code.length + 2) : sub.failReason;
}
