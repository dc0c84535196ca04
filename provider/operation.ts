/**
 * What create and update do, as two pure functions around the one converge call: the goals from the
 * inputs and the record (goals in), then the outputs the stack records from what the converger
 * observed (outputs out), and the lines that report the servers that failed.
 */
import type { ConvergeResult, ServerFailure, ServerRecord } from "./converge";
import type { ServerObservation } from "./ecsClient";
import { formatServerList } from "./errors";
import type { DesiredState, PowerStateInputs } from "./inputs";
import { restoreGoals, targetStatus } from "./plan";
import { countOf } from "./plural";
import type { ObservedOutputs, Recorded } from "./recorded";
import { serversLeftAlone } from "./schedule";

/** Where the servers were acted on through. */
export interface ResolvedTarget {
  readonly endpoint: string;
  readonly projectId: string;
  readonly region?: string;
}

/**
 * Server id → desired state: the declared servers towards the declared state and, with onDelete
 * "restore", those no longer declared back to their initial status. The record of those whose
 * restore failed last time is still in initialStates, so they are retried too. With a schedule
 * enforced "at-transitions", between transitions, the servers the last converge settled are left out
 * (provider/schedule/enforce.ts).
 */
export function goalsFor(inputs: PowerStateInputs, record: Recorded | undefined): Record<string, DesiredState> {
  const declared = new Set(inputs.serverIds);
  const goals: Record<string, DesiredState> =
    inputs.onDelete === "restore"
      ? restoreGoals(pick(record?.initialStates ?? {}, pendingRestores(record, declared)))
      : {};
  const leftAlone = new Set(serversLeftAlone(inputs, record));
  for (const serverId of inputs.serverIds) if (!leftAlone.has(serverId)) goals[serverId] = inputs.state;
  return goals;
}

/** The outputs of an operation, and the failures that make it a partial one. */
export interface Outcome {
  readonly outputs: ObservedOutputs;
  readonly failures: ServerFailure[];
}

/** What the stack records after converging, `nowIso` being when the operation ended. */
export function outputsFor(
  inputs: PowerStateInputs,
  record: Recorded | undefined,
  result: ConvergeResult,
  target: ResolvedTarget,
  nowIso: string,
): Outcome {
  const declared = new Set(inputs.serverIds);
  // A dropped server deleted meanwhile has nothing left to restore; one whose restore failed stays recorded.
  const failures = result.failures.filter((f) => declared.has(f.id) || f.code !== "Ecs.0114");
  const initialStates = initialStatesFor(inputs.serverIds, record, result);
  for (const f of failures)
    if (!declared.has(f.id) && record?.initialStates?.[f.id]) initialStates[f.id] = record.initialStates[f.id];
  const servers: Record<string, ServerRecord> = {};
  // A server left alone (enforce "at-transitions") was not observed: its record stays as it was.
  for (const serverId of inputs.serverIds) servers[serverId] = result.servers[serverId] ?? record?.servers?.[serverId];
  const outputs: ObservedOutputs = {
    servers,
    jobs: result.jobs,
    initialStates,
    convergedAt: failures.length === 0 ? nowIso : (record?.convergedAt ?? null),
    resolvedEndpoint: target.endpoint,
    resolvedProjectId: target.projectId,
    resolvedRegion: target.region ?? null,
  };
  return { outputs, failures };
}

/** Each declared server's status before this resource first changed it: as recorded, else as first seen now. */
function initialStatesFor(
  serverIds: readonly string[],
  record: Recorded | undefined,
  result: ConvergeResult,
): Record<string, string> {
  const initialStates: Record<string, string> = {};
  for (const serverId of serverIds) {
    const recorded = record?.initialStates?.[serverId];
    const seen = result.before[serverId];
    if (recorded !== undefined) initialStates[serverId] = recorded;
    else if (seen?.found && seen.status) initialStates[serverId] = seen.status;
  }
  return initialStates;
}

/** The message of a partial failure: how many servers, towards what, and one line per server. */
export function partialFailureMessage(
  id: string,
  inputs: PowerStateInputs,
  goalCount: number,
  reasons: readonly string[],
  failureCount: number,
): string {
  return (
    `ServerPowerState ${id}: ${failureCount} of ${countOf(goalCount, "server")} did not reach their desired state (${targetStatus(inputs.state)} for the declared ones); ` +
    `the stack records what was observed, and the next pulumi up retries only these:\n${reasons.join("\n")}`
  );
}

/** The message of a failed restore at delete: the resource stays in the stack. */
export function restoreFailureMessage(id: string, failures: readonly ServerFailure[]): string {
  return (
    `ServerPowerState ${id}: could not restore ${countOf(failures.length, "server")} to their initial state; the resource stays in the stack, run pulumi destroy again:\n` +
    failureLines(failures).join("\n")
  );
}

/**
 * The server records after a refresh: each server as observed now, its last job kept, and its last
 * error kept unless it is now settled in the declared status; one not found says so.
 */
export function recordsRead(
  record: Recorded,
  observations: readonly ServerObservation[],
): Record<string, ServerRecord> {
  const target = record.state ? targetStatus(record.state) : undefined;
  const servers: Record<string, ServerRecord> = {};
  for (const o of observations) {
    const previous = record.servers?.[o.id];
    servers[o.id] = {
      status: o.status,
      taskState: o.taskState,
      lastJobId: previous?.lastJobId ?? null,
      enterpriseProjectId: o.enterpriseProjectId,
      error: !o.found
        ? {
            code: "Ecs.0114",
            message: "server not found in this project: it may have been deleted; remove it from serverIds",
          }
        : o.status === target && !o.taskState
          ? null
          : (previous?.error ?? null),
    };
  }
  return servers;
}

/** One line per failed server (the first 100; the rest summarised by cause). */
export function failureLines(failures: readonly ServerFailure[], max = 100): string[] {
  const lines = failures.slice(0, max).map((f) => `server ${f.id}: ${f.code}: ${f.message}`);
  const rest = failures.slice(max);
  const byCause: Record<string, string[]> = {};
  for (const f of rest) (byCause[`${f.code}: ${f.message}`] ??= []).push(f.id);
  for (const [cause, ids] of Object.entries(byCause))
    lines.push(`${countOf(ids.length, "more server")} (${formatServerList(ids, 5)}): ${cause}`);
  return lines;
}

/** Servers recorded by this resource (declared before, or awaiting a restore) that are no longer declared. */
function pendingRestores(record: Recorded | undefined, declared: ReadonlySet<string>): string[] {
  const recorded = new Set([...(record?.serverIds ?? []), ...Object.keys(record?.initialStates ?? {})]);
  return [...recorded].filter((s) => !declared.has(s));
}

function pick<T>(record: Readonly<Record<string, T>>, keys: readonly string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of keys) if (key in record) out[key] = record[key];
  return out;
}
