/**
 * Batch jobs and their sub-jobs, one per server, rendered exactly like `GET /v1/{project_id}/jobs/{job_id}`.
 * Status is computed from the clock on each read: INIT until `runningFromMs`, then RUNNING
 * until every sub-job has ended, then SUCCESS, or FAIL when any sub-job failed. Ended jobs
 * disappear `ttlMs` after their end.
 */
import { randomBytes } from "node:crypto";
import type { Failure, PowerAction, Transition } from "./Fleet";

export type SubJobOutcome =
  /** Ends with the server's transition (and fails if the transition fails). */
  | { readonly kind: "transition"; readonly transition: Transition }
  /** Decided at submission: ends as soon as the job turns RUNNING. */
  | { readonly kind: "immediate"; readonly failure?: Failure };

export interface SubJobRecord {
  readonly jobId: string;
  readonly serverId: string;
  readonly outcome: SubJobOutcome;
}

export interface JobRecord {
  readonly jobId: string;
  readonly action: PowerAction;
  readonly beginMs: number;
  readonly runningFromMs: number;
  readonly subJobs: readonly SubJobRecord[];
}

export type JobStatus = "INIT" | "RUNNING" | "SUCCESS" | "FAIL";

/** Batch job types are UNCONFIRMED upstream; sub-job types follow the `createSingleServer` pattern. */
export const JOB_TYPES: Readonly<Record<PowerAction, { batch: string; sub: string }>> = {
  "os-stop": { batch: "batchStopServers", sub: "stopServer" },
  "os-start": { batch: "batchStartServers", sub: "startServer" },
  reboot: { batch: "batchRebootServers", sub: "rebootServer" },
};

export function newJobId(): string {
  return randomBytes(16).toString("hex");
}

/** ISO-8601 UTC with milliseconds, as the jobs API prints times. */
function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

export class JobStore {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(private readonly ttlMs: number) {}

  add(job: JobRecord): void {
    this.jobs.set(job.jobId, job);
  }

  /** The job as the API renders it, or undefined when unknown or expired. */
  render(jobId: string, nowMs: number): Record<string, unknown> | undefined {
    this.purge(nowMs);
    const job = this.jobs.get(jobId);
    return job ? renderJob(job, nowMs) : undefined;
  }

  clear(): void {
    this.jobs.clear();
  }

  private purge(nowMs: number): void {
    for (const [id, job] of this.jobs) {
      const endMs = jobEndMs(job);
      if (endMs !== undefined && nowMs >= endMs + this.ttlMs) this.jobs.delete(id);
    }
  }
}

function subJobEndMs(job: JobRecord, sub: SubJobRecord): number {
  return sub.outcome.kind === "transition"
    ? Math.max(sub.outcome.transition.endMs, job.runningFromMs)
    : job.runningFromMs;
}

function subJobFailure(sub: SubJobRecord): Failure | undefined {
  return sub.outcome.kind === "transition" ? sub.outcome.transition.failure : sub.outcome.failure;
}

/** The time the job ended, or undefined while any sub-job runs (forever for a stuck one). */
export function jobEndMs(job: JobRecord): number | undefined {
  let endMs = job.runningFromMs;
  for (const sub of job.subJobs) endMs = Math.max(endMs, subJobEndMs(job, sub));
  return Number.isFinite(endMs) ? endMs : undefined;
}

export function renderJob(job: JobRecord, nowMs: number): Record<string, unknown> {
  const types = JOB_TYPES[job.action];
  const base = { job_id: job.jobId, job_type: types.batch, begin_time: isoMs(job.beginMs) };
  if (nowMs < job.runningFromMs) {
    // Ordered like the reference: status, entities, job_id, job_type, begin_time, end_time.
    return { status: "INIT", entities: {}, ...base, end_time: "" };
  }
  let running = false;
  let firstFailure: Failure | undefined;
  const subJobs = job.subJobs.map((sub) => {
    const endMs = subJobEndMs(job, sub);
    const subBase = {
      job_id: sub.jobId,
      job_type: types.sub,
      begin_time: isoMs(job.runningFromMs),
    };
    if (nowMs < endMs) {
      running = true;
      // While running, error_code and fail_reason are absent, not null.
      return { status: "RUNNING", entities: { server_id: sub.serverId }, ...subBase, end_time: "" };
    }
    const failure = subJobFailure(sub);
    if (failure) {
      firstFailure ??= failure;
      return {
        status: "FAIL",
        entities: { server_id: sub.serverId, errorcode_message: failure.reason },
        ...subBase,
        end_time: isoMs(endMs),
        error_code: failure.errorCode,
        fail_reason: `${failure.errorCode}: ${failure.reason}`,
      };
    }
    return {
      status: "SUCCESS",
      entities: { server_id: sub.serverId },
      ...subBase,
      end_time: isoMs(endMs),
      error_code: null,
      fail_reason: null,
    };
  });
  const entities = { sub_jobs_total: subJobs.length, sub_jobs: subJobs };
  if (running) return { status: "RUNNING", entities, ...base, end_time: "" };
  const endMs = jobEndMs(job) ?? nowMs;
  const failure: Failure | undefined = firstFailure;
  return {
    status: failure ? "FAIL" : "SUCCESS",
    entities,
    ...base,
    end_time: isoMs(endMs),
    error_code: failure ? failure.errorCode : null,
    fail_reason: failure ? `${failure.errorCode}: ${failure.reason}` : null,
  };
}
