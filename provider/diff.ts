/**
 * One structured diff between the record and new inputs, with no API call: which properties
 * changed, which force a replacement, whether only the provider's code changed, and which servers
 * an update would act on. `diff` turns it into the engine's answer and a preview line; `update`
 * asks it whether to touch the cloud at all.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ServerRecord } from "./converge";
import { formatServerList } from "./errors";
import { hasUnknowns, type DesiredState, type OnDelete, type PowerStateInputs } from "./inputs";
import { targetStatus } from "./plan";
import { countOf } from "./plural";
import { readRecord, type Props, type Recorded } from "./recorded";
import { serversLeftAlone } from "./schedule";
import { resolveTarget, type Environment, type ProviderConfig } from "./settings";

/** The inputs compared one to one with the record. */
const COMPARED_INPUTS = ["state", "stopType", "hardStopAfterSeconds", "timeoutSeconds", "onDelete"] as const;

export type ChangedProperty =
  | "serverIds"
  | "schedule"
  | (typeof COMPARED_INPUTS)[number]
  | "servers"
  | "initialStates"
  /** A new provider code must reach the state; the update then makes no API call. */
  | "__provider";

export type ReplacedProperty = "endpoint" | "projectId" | "region";

/** Which servers an update acts on, from the record alone. */
export interface ServerChanges {
  readonly state: DesiredState;
  readonly onDelete: OnDelete | undefined;
  /** Declared and kept, but not settled in the declared status in the record (drift, a failure, a task). */
  readonly unsettled: readonly { readonly id: string; readonly record: ServerRecord | undefined }[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface RecordDiff {
  /** Some new input is not known yet (preview): the engine is told there are changes, no more. */
  readonly unknowns: boolean;
  readonly changed: readonly ChangedProperty[];
  readonly replaces: readonly ReplacedProperty[];
  /** Nothing but the provider's code changed: record the new inputs, touch nothing in the cloud. */
  readonly codeOnly: boolean;
  /** Undefined when the new inputs do not say which servers and which state. */
  readonly servers: ServerChanges | undefined;
}

/** Where the settings would send the calls now. */
interface Settings {
  readonly config: ProviderConfig;
  readonly env: Environment;
}

/**
 * Changes when the declared set, state or settings differ from the record, or when any recorded
 * server is not settled in the declared status (drift found by `pulumi refresh`, or a failure).
 * Replaces only when the endpoint or project changes. Pure.
 */
export function diffRecord(olds: Props, news: Props, settings: Settings): RecordDiff {
  const o = readRecord(olds);
  const n = readRecord(news);
  const unknowns = hasUnknowns(news);
  const changed = changedProperties(o, n);
  if (olds.__provider !== news.__provider) changed.push("__provider");
  return {
    unknowns,
    changed,
    // Settings not known yet cannot be resolved: the replacement, if any, is decided on the real run.
    replaces: unknowns ? [] : replacedProperties(o, n, settings),
    codeOnly: changed.length === 1 && changed[0] === "__provider",
    servers: serverChanges(o, n),
  };
}

/** The engine's answer to `diff`. */
export function diffPowerState(olds: Props, news: Props, config: ProviderConfig, env: Environment): dynamic.DiffResult {
  return diffResult(diffRecord(olds, news, { config, env }));
}

/** Unknown inputs always count as a change (nothing can be told yet); a replacement deletes first. */
export function diffResult(diff: RecordDiff): dynamic.DiffResult {
  if (diff.unknowns) return { changes: true };
  const replaces = [...diff.replaces];
  return {
    changes: diff.changed.length > 0 || replaces.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0,
  };
}

function changedProperties(o: Recorded, n: Partial<PowerStateInputs>): ChangedProperty[] {
  const changed: ChangedProperty[] = [];
  const oldIds = [...(o.serverIds ?? [])].sort().join(",");
  const newIds = [...(n.serverIds ?? [])].sort().join(",");
  if (oldIds !== newIds) changed.push("serverIds");
  for (const key of COMPARED_INPUTS) if ((o[key] ?? null) !== (n[key] ?? null)) changed.push(key);
  if (JSON.stringify(o.schedule ?? null) !== JSON.stringify(n.schedule ?? null)) changed.push("schedule");
  if (n.state !== undefined && n.serverIds !== undefined) {
    const target = targetStatus(n.state);
    // Under a schedule enforced "at-transitions", between transitions, drift is left alone (reported, not acted on).
    const leftAlone = new Set(serversLeftAlone(n, o));
    const drifted = n.serverIds.filter((serverId) => !leftAlone.has(serverId));
    if (drifted.some((serverId) => !isSettled(o.servers?.[serverId], target))) changed.push("servers");
  }
  if (n.onDelete === "restore" && n.serverIds !== undefined) {
    const declared = n.serverIds;
    const stillRecorded = Object.keys(o.initialStates ?? {}).some((s) => !declared.includes(s));
    if (stillRecorded && !changed.includes("serverIds")) changed.push("initialStates");
  }
  return changed;
}

function replacedProperties(o: Recorded, n: Partial<PowerStateInputs>, settings: Settings): ReplacedProperty[] {
  if (o.resolvedEndpoint === undefined) return [];
  const replaces: ReplacedProperty[] = [];
  const target = resolveTarget(n, settings.config, settings.env);
  if (target.endpoint !== o.resolvedEndpoint) replaces.push("endpoint");
  if (target.projectId !== undefined && o.resolvedProjectId !== undefined && target.projectId !== o.resolvedProjectId) {
    replaces.push("projectId");
  } else if (target.projectId === undefined && target.region !== (o.resolvedRegion ?? undefined)) {
    replaces.push("region");
  }
  return replaces;
}

function serverChanges(o: Recorded, n: Partial<PowerStateInputs>): ServerChanges | undefined {
  if (n.serverIds === undefined || n.state === undefined) return undefined;
  const declared = n.serverIds;
  const target = targetStatus(n.state);
  const previous = new Set(o.serverIds ?? []);
  const leftAlone = new Set(serversLeftAlone(n, o));
  return {
    state: n.state,
    onDelete: n.onDelete,
    unsettled: declared
      .filter((s) => previous.has(s) && !leftAlone.has(s) && !isSettled(o.servers?.[s], target))
      .map((id) => ({ id, record: o.servers?.[id] })),
    added: declared.filter((s) => !previous.has(s)),
    removed: [...previous].filter((s) => !declared.includes(s)),
  };
}

/**
 * One line for preview: which servers an update would act on, from the record alone (no API call).
 * Undefined when nothing but settings or the provider code changed.
 */
export function describeDiff(diff: RecordDiff): string | undefined {
  const servers = diff.servers;
  if (servers === undefined) return undefined;
  const target = targetStatus(servers.state);
  const verb = servers.state === "running" ? "start" : "stop";
  const parts: string[] = [];
  if (servers.unsettled.length > 0) {
    const notes = servers.unsettled.map(({ id, record }) => `${id} (${recordNote(record)})`);
    parts.push(
      `${verb} or wait for ${countOf(servers.unsettled.length, "server")} not ${target} in the record: ${formatServerList(notes)}`,
    );
  }
  if (servers.added.length > 0)
    parts.push(
      `${verb} ${countOf(servers.added.length, "added server")} unless already ${target}: ${formatServerList(servers.added)}`,
    );
  if (servers.removed.length > 0) {
    const fate = servers.onDelete === "restore" ? "to be restored to their initial status" : "left as they are";
    parts.push(`${countOf(servers.removed.length, "server")} removed, ${fate}: ${formatServerList(servers.removed)}`);
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** `Ecs.1000` for a failed server, else its recorded status and task. */
function recordNote(record: ServerRecord | undefined): string {
  if (record?.error) return record.error.code;
  return `${record?.status ?? "not recorded"}${record?.taskState ? `, ${record.taskState}` : ""}`;
}

/** Recorded in the target status, with no task running and no error: nothing for an update to do. */
function isSettled(record: ServerRecord | undefined, target: string): boolean {
  return record !== undefined && record.status === target && !record.taskState && !record.error;
}
