/**
 * The converger's state as plain data: one ServerTrack per server, one JobTrack per submitted job,
 * one RunState for the operation. Transitions (`transitions.ts`) compute the next state from the
 * last and an event; decisions (`round.ts`) read it; only the driver (`converge.ts`) does I/O.
 *
 * The shapes the converger reads from the ECS client are views of the client's own types, so each
 * is declared once (in the client's schemas); `EcsClient implements PowerApi`. The records it
 * returns (ServerRecord, JobRecord, ServerError) and the call options are the public ones
 * (publicTypes.ts), declared once there.
 */
import type { ErrorInfo } from "../classify";
import type { BatchSubmission, PowerActionType } from "../errors";
import type { DesiredState, StopType } from "../inputs";
import type { PowerAction, ServerSnapshot } from "../plan";
import type { Job, ServerObservation, SubJob } from "../schemas";
import type { JobRecord, RequestOptions, ServerError, ServerRecord } from "../publicTypes";
import type { WaiterOptions, WaiterState } from "../waiter";

export type { JobRecord, RequestOptions, ServerError, ServerRecord } from "../publicTypes";

/** Some fields of T, each optional: what the converger reads of the client's richer records. */
type Slice<T, K extends keyof T> = { readonly [P in K]?: T[P] };

export type SubmissionView = Readonly<Pick<BatchSubmission, "jobId" | "serverIds">>;
export type SubJobView = Readonly<Pick<SubJob, "status">> &
  Slice<SubJob, "serverId" | "errorCode" | "failReason" | "errorcodeMessage">;
export type JobView = Readonly<Pick<Job, "status">> &
  Slice<Job, "beginTime" | "endTime" | "errorCode" | "failReason"> & { readonly subJobs: readonly SubJobView[] };
export type ObservationView = ServerSnapshot & Slice<ServerObservation, "fault" | "enterpriseProjectId">;

/** What the converger needs from the ECS client. */
export interface PowerApi {
  batchAction(
    action: PowerAction,
    serverIds: readonly string[],
    options?: RequestOptions & {
      type?: PowerActionType;
      onSubmitted?: (submission: SubmissionView) => void;
    },
  ): Promise<SubmissionView[]>;
  getJob(jobId: string, options?: RequestOptions): Promise<JobView>;
  listServers(ids: readonly string[], options?: RequestOptions): Promise<ObservationView[]>;
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
  /** After a server's job reported SUCCESS, how long a list still showing the old status is read again (LIST_LAG_GRACE_MS). */
  readonly listLagGraceMs?: number;
  readonly progressIntervalMs?: number;
  /** The last look's own budget, after the deadline or a cancellation (FINAL_LOOK_MS, 30 s). */
  readonly finalLookMs?: number;
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

/**
 * Where a server stands: `observe` (look at it in the next list), `job` (follow its job),
 * `done` (in its goal status), `failed` (cannot be converged by this operation).
 */
export type Phase = "observe" | "job" | "done" | "failed";

/**
 * Why a server without a job to follow is watched through the list: our call got no answer
 * (`unanswered`), or its job could not be read (`job-unreadable`). It may yet show a task; if it
 * has not moved once the grace has passed (or at the deadline), it fails with the matching code.
 */
export interface Watch {
  readonly since: number;
  readonly reason: "unanswered" | "job-unreadable";
}

/**
 * A SOFT stop this operation had accepted, and where the HARD stop it may lead to stands:
 * `not-sent`; `sent`; `refused` (refused because a task was running, synchronously or as its
 * sub-job's `Ecs.0100`: sent again once that task has ended, if the server is still ACTIVE);
 * `resent` (that second HARD stop, the last).
 */
export interface StopTrack {
  readonly softSentAt: number;
  readonly hard: "not-sent" | "sent" | "refused" | "resent";
}

export interface ServerTrack {
  readonly id: string;
  readonly goal: DesiredState;
  readonly phase: Phase;
  /** The job that last took it (its record's `lastJobId`). */
  readonly jobId: string | null;
  /** This operation sent it an action (or may have): it is never planned an action again. */
  readonly submitted: boolean;
  /** A server-state rejection made it be looked at again once; the next one fails it. */
  readonly rejectedOnce: boolean;
  readonly stop: StopTrack | null;
  readonly watch: Watch | null;
  readonly last: ObservationView | null;
  /** Its sub-job's (or job's) failure: what it fails with if it stays where it was. */
  readonly subJobError: ServerError | null;
  /**
   * When its sub-job (or, without one naming it, its job) was first read as SUCCESS: from then a
   * list still showing the old status lags the job, and is read again for `listLagGraceMs`.
   */
  readonly succeededAt: number | null;
  readonly error: ServerError | null;
}

/**
 * A server whose action was refused for its state (a state-conflict code, `Ecs.0100`) while it was
 * not moving: the cloud may be starting a job this run does not know of (an interrupted run's, still
 * INIT, its task not shown yet). It is looked at again each round: moving, it is followed; in its
 * goal status, done; still idle in the other status, sent the action again at `resendAt` (backing
 * off); at the deadline it fails with the last refusal's code. A refusal is never an accepted action;
 * a resend the cloud accepts while the unknown job runs FAILs Ecs.0100 without effect.
 */
export interface Conflict {
  /** Huawei's code and message of the last refusal. */
  readonly error: ServerError;
  /** The first refusal (our clock). */
  readonly firstAt: number;
  /** Refusals so far. */
  readonly refusals: number;
  /** Not sent again before this (our clock). */
  readonly resendAt: number;
}

export interface JobTrack {
  readonly record: JobRecord;
  /** When it was accepted (our clock): the age of the work being waited for. */
  readonly acceptedAt: number;
  /** Transient read failures in a row. */
  readonly readFailures: number;
  /** Still read to learn how it ends; false once given up (its servers are followed through the list). */
  readonly followable: boolean;
}

/** What stays fixed for the whole operation. */
export interface RunConfig {
  readonly stopType: StopType;
  readonly hardStopAfterSeconds?: number;
  readonly timeoutSeconds: number;
  readonly ambiguousGraceMs: number;
  readonly listLagGraceMs: number;
}

export interface RunState {
  readonly config: RunConfig;
  /** In the order of the goals. */
  readonly servers: Readonly<Record<string, ServerTrack>>;
  /** In the order they were accepted. */
  readonly jobs: Readonly<Record<string, JobTrack>>;
  readonly before: Readonly<Record<string, ObservationView>>;
  /** A server list has answered in this operation: only then are read failures taken as transient. */
  readonly listed: boolean;
  /** The last round's transient list failure, cleared by the next good list. */
  readonly readError: ErrorInfo | null;
  /** A call that failed for good (after the client's own retries): what the unfinished servers fail with. */
  readonly callError: ErrorInfo | null;
  /** Server id → its action refused for its state while it was idle: looked at, then sent again (Conflict). */
  readonly conflicts: Readonly<Record<string, Conflict>>;
}

export const TERMINAL_JOB_STATUSES: readonly string[] = ["SUCCESS", "FAIL"];

export function isTerminalStatus(status: string): boolean {
  return TERMINAL_JOB_STATUSES.includes(status);
}

/** Still to be brought to its goal by this operation. */
export function isUnfinished(server: ServerTrack): boolean {
  return server.phase === "observe" || server.phase === "job";
}

export function initialRunState(goals: Readonly<Record<string, DesiredState>>, config: RunConfig): RunState {
  const servers: Record<string, ServerTrack> = {};
  for (const [id, goal] of Object.entries(goals)) {
    servers[id] = {
      id,
      goal,
      phase: "observe",
      jobId: null,
      submitted: false,
      rejectedOnce: false,
      stop: null,
      watch: null,
      last: null,
      subJobError: null,
      succeededAt: null,
      error: null,
    };
  }
  return { config, servers, jobs: {}, before: {}, listed: false, readError: null, callError: null, conflicts: {} };
}
