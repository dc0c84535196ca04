/** Builders for the converger's table tests: a RunState from a few servers and jobs, no I/O. */
import type { ErrorInfo } from "../../../provider/classify";
import {
  initialRunState,
  type JobTrack,
  type ObservationView,
  type RunConfig,
  type RunState,
  type ServerTrack,
} from "../../../provider/converge/model";

export const NOW = 1_000_000;

export const CONFIG: RunConfig = {
  stopType: "SOFT",
  timeoutSeconds: 60,
  ambiguousGraceMs: 30_000,
  listLagGraceMs: 30_000,
};

export function seen(id: string, status: string | null, taskState: string | null = null): ObservationView {
  return { id, found: status !== null, status, taskState, locked: false };
}

/** A server to stop, as the first round leaves it, with `fields` on top. */
export function server(id: string, fields: Partial<ServerTrack> = {}): ServerTrack {
  return { ...initialRunState({ [id]: "stopped" }, CONFIG).servers[id], ...fields };
}

/** A server following job `jobId` (accepted as a SOFT stop at NOW - 5 s). */
export function following(id: string, jobId: string, fields: Partial<ServerTrack> = {}): ServerTrack {
  return server(id, {
    phase: "job",
    jobId,
    submitted: true,
    stop: { softSentAt: NOW - 5_000, hard: "not-sent" },
    last: seen(id, "ACTIVE"),
    ...fields,
  });
}

export function job(jobId: string, serverIds: string[], fields: Partial<JobTrack> = {}, status = "RUNNING"): JobTrack {
  return {
    record: {
      jobId,
      action: "os-stop",
      type: "SOFT",
      status,
      serverIds,
      beginTime: null,
      endTime: null,
    },
    acceptedAt: NOW - 5_000,
    readFailures: 0,
    followable: true,
    ...fields,
  };
}

export function state(
  servers: ServerTrack[],
  jobs: JobTrack[] = [],
  fields: Partial<Omit<RunState, "servers" | "jobs">> = {},
): RunState {
  return {
    config: CONFIG,
    servers: Object.fromEntries(servers.map((s) => [s.id, s])),
    jobs: Object.fromEntries(jobs.map((j) => [j.record.jobId, j])),
    before: {},
    listed: true,
    readError: null,
    callError: null,
    conflicts: {},
    ...fields,
  };
}

export const info = (code: ErrorInfo["code"], huaweiCode?: string, message = "the message"): ErrorInfo =>
  huaweiCode === undefined ? { code, message } : { code, huaweiCode: huaweiCode as ErrorInfo["huaweiCode"], message };
