/**
 * The live plan preview prints: what an `up` would do to each server, from the servers' status read
 * at preview (GET calls only) and the declared state. A pure function: `readLivePlan` does the reads,
 * `describeLivePlan` the wording. The verdicts are the converger's own (`classifyServer`), so preview
 * and `up` cannot disagree on what a status means.
 */
import type { ServerRecord } from "../converge";
import type { DesiredState } from "../inputs";
import { classifyServer, targetStatus, type ServerSnapshot } from "../plan";
import type { StableStatus } from "../publicTypes";

/** One server as preview read it: the converger's snapshot plus its name (for messages). */
export interface LiveServer extends ServerSnapshot {
  readonly name: string | null;
}

/** A server of the plan, named for people: its name (when the cloud gave one) and its id. */
export interface PlannedServer {
  readonly id: string;
  readonly name: string | null;
}

export interface BlockedServer extends PlannedServer {
  readonly code: string;
  readonly reason: string;
}

export interface BusyServer extends PlannedServer {
  readonly reason: string;
}

/** A server whose live status is not the one the record holds (changed since the last up or refresh). */
export interface DriftedServer extends PlannedServer {
  readonly recorded: string;
  readonly live: string;
}

export interface LivePlan {
  readonly state: DesiredState;
  readonly target: StableStatus;
  /** Stable in the other status: the up sends them the action. */
  readonly act: readonly PlannedServer[];
  /** Already in the declared status with no task: left as they are. */
  readonly already: readonly PlannedServer[];
  /** A task or a transient status: the up waits for them, then decides. */
  readonly busy: readonly BusyServer[];
  /** Cannot be acted on (locked, ERROR, not found, ...): the up reports them. */
  readonly blocked: readonly BlockedServer[];
  readonly drift: readonly DriftedServer[];
}

export interface LivePlanInput {
  readonly state: DesiredState;
  /** Every server the up would act on, as read now. */
  readonly servers: readonly LiveServer[];
  /** The record's last observations (an update), to name the drift since then. */
  readonly recorded?: Readonly<Record<string, ServerRecord>>;
}

/** Sorts each server read at preview into what the up will do with it. Pure. */
export function livePlan({ state, servers, recorded = {} }: LivePlanInput): LivePlan {
  const target = targetStatus(state);
  const act: PlannedServer[] = [];
  const already: PlannedServer[] = [];
  const busy: BusyServer[] = [];
  const blocked: BlockedServer[] = [];
  for (const server of servers) {
    const named = { id: server.id, name: server.name };
    const verdict = classifyServer(server, target, false);
    if (verdict.kind === "act") act.push(named);
    else if (verdict.kind === "done") already.push(named);
    else if (verdict.kind === "wait") busy.push({ ...named, reason: verdict.reason });
    else blocked.push({ ...named, code: verdict.code, reason: verdict.message });
  }
  return { state, target, act, already, busy, blocked, drift: driftOf(servers, recorded) };
}

/** The servers whose live status or task differs from the record's (only those the record knows). */
export function driftOf(
  servers: readonly LiveServer[],
  recorded: Readonly<Record<string, ServerRecord>>,
): DriftedServer[] {
  const drift: DriftedServer[] = [];
  for (const server of servers) {
    const record = recorded[server.id];
    if (record === undefined) continue;
    const was = statusText(record.status, record.taskState);
    const now = server.found ? statusText(server.status, server.taskState) : "not found";
    if (was !== now) drift.push({ id: server.id, name: server.name, recorded: was, live: now });
  }
  return drift;
}

function statusText(status: string | null, taskState: string | null): string {
  return `${status ?? "unknown"}${taskState ? ` (${taskState})` : ""}`;
}
