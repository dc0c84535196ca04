/**
 * Counts of API requests (admin requests are never counted), of their answers, and of servers
 * submitted per action and per server.
 */
import type { PowerAction } from "./publicTypes";

/** What `GET /_emulator/stats` answers: counts since the start or the last reset (`statsSince` subtracts two). */
export interface EmulatorStatsSnapshot {
  /** Keyed `"<METHOD> <route>"`, e.g. `"POST action"`, `"GET job"`; `unknown` for unmatched paths. */
  readonly requests: Record<string, number>;
  readonly total: number;
  /**
   * How the requests were answered, keyed `"<METHOD> <route> <HTTP status>"` (e.g. `"POST action 429"`),
   * or `"<METHOD> <route> reset"` for a dropped connection. Retries show up here as non-2xx answers.
   */
  readonly answers: Record<string, number>;
  /** Servers in accepted action calls, per action (`os-stop`, `os-start`, `reboot`). */
  readonly serversSubmitted: Record<string, number>;
  /** How many accepted action calls named each server, whatever the action. */
  readonly submissionsPerServer: Record<string, number>;
  /** How many times each job was read (`GET /jobs/{job_id}` that reached the job route): polls per job. */
  readonly readsPerJob: Record<string, number>;
  /**
   * How the commas of `server_id` arrived in server lists: `literal` (`a,b`) or `encoded` (`a%2Cb`,
   * as the official Node and Go SDKs send them). Lists of one id count in neither.
   */
  readonly listServerIdCommas: Record<string, number>;
  /**
   * API requests whose signature was accepted, per access key: the emulator's own key, or a temporary
   * one (metadata, agency), which was accepted only with its security token.
   */
  readonly accessKeys: Record<string, number>;
}

/** What happened between two snapshots: every count as a difference, counts that did not grow left out. Pure. */
export function statsSince(before: EmulatorStatsSnapshot, after: EmulatorStatsSnapshot): EmulatorStatsSnapshot {
  const minus = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
    Object.fromEntries(
      Object.entries(a)
        .map(([k, v]) => [k, v - (b[k] ?? 0)] as const)
        .filter(([, v]) => v > 0),
    );
  return {
    requests: minus(after.requests, before.requests),
    total: after.total - before.total,
    answers: minus(after.answers, before.answers),
    serversSubmitted: minus(after.serversSubmitted, before.serversSubmitted),
    submissionsPerServer: minus(after.submissionsPerServer, before.submissionsPerServer),
    readsPerJob: minus(after.readsPerJob, before.readsPerJob),
    listServerIdCommas: minus(after.listServerIdCommas, before.listServerIdCommas),
    accessKeys: minus(after.accessKeys, before.accessKeys),
  };
}

export class EmulatorStats {
  private requests: Record<string, number> = {};
  private total = 0;
  private answers: Record<string, number> = {};
  private serversSubmitted: Record<string, number> = {};
  private perServer = new Map<string, number>();
  private perJob = new Map<string, number>();
  private listCommas: Record<string, number> = {};
  private accessKeys: Record<string, number> = {};

  countAccessKey(accessKey: string): void {
    this.accessKeys[accessKey] = (this.accessKeys[accessKey] ?? 0) + 1;
  }

  countRequest(method: string, route: string): void {
    const key = `${method} ${route}`;
    this.requests[key] = (this.requests[key] ?? 0) + 1;
    this.total += 1;
  }

  countAnswer(method: string, route: string, outcome: number | "reset"): void {
    const key = `${method} ${route} ${outcome}`;
    this.answers[key] = (this.answers[key] ?? 0) + 1;
  }

  countJobRead(jobId: string): void {
    this.perJob.set(jobId, (this.perJob.get(jobId) ?? 0) + 1);
  }

  countListCommas(kind: "literal" | "encoded"): void {
    this.listCommas[kind] = (this.listCommas[kind] ?? 0) + 1;
  }

  countSubmitted(action: PowerAction, serverIds: readonly string[]): void {
    this.serversSubmitted[action] = (this.serversSubmitted[action] ?? 0) + serverIds.length;
    for (const id of serverIds) this.perServer.set(id, (this.perServer.get(id) ?? 0) + 1);
  }

  snapshot(): EmulatorStatsSnapshot {
    return {
      requests: { ...this.requests },
      total: this.total,
      answers: { ...this.answers },
      serversSubmitted: { ...this.serversSubmitted },
      submissionsPerServer: Object.fromEntries(this.perServer),
      readsPerJob: Object.fromEntries(this.perJob),
      listServerIdCommas: { ...this.listCommas },
      accessKeys: { ...this.accessKeys },
    };
  }

  clear(): void {
    this.requests = {};
    this.total = 0;
    this.answers = {};
    this.serversSubmitted = {};
    this.perServer = new Map();
    this.perJob = new Map();
    this.listCommas = {};
    this.accessKeys = {};
  }
}
