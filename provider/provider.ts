/**
 * The dynamic provider behind `ServerPowerState`. Which ECS calls each lifecycle method makes:
 *
 * - configure: none; keeps the huaweicloud:* stack config (secrets arrive decrypted, stay in memory).
 * - check:     none; validates and normalises the inputs and the settings.
 * - diff:      none; compares inputs and the recorded server statuses (drift found by refresh).
 * - create / update: GET cloudservers/detail, POST cloudservers/action (os-stop / os-start),
 *              GET jobs/{job_id} until the jobs end, GET cloudservers/detail to confirm.
 * - read:      GET cloudservers/detail (ceil(n/100) calls).
 * - delete:    none with onDelete "leave"; with "restore", as create/update towards the initial states.
 *
 * This object is serialized into the stack state by value: everything a method needs is built inside
 * the method, and credentials are read in `configure` or from the environment when a method runs.
 */
import { randomUUID } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { converge, type JobRecord, type ServerFailure, type ServerRecord } from "./converge";
import { EcsClient } from "./ecsClient";
import type { PacingLedger } from "./pacing";
import { validateEndpoint } from "./endpoint";
import { formatServerList } from "./errors";
import { findProjectId } from "./findProjectId";
import type { AuthGate } from "./transport";
import { checkInputs, hasUnknowns, inputKeys, UNKNOWN_VALUE, type DesiredState, type PowerStateInputs } from "./inputs";
import { restoreGoals, targetStatus } from "./plan";
import {
  readProviderConfig,
  resolveSettings,
  resolveTarget,
  settingsProblems,
  type ProviderConfig,
  type ResolvedSettings,
  type TargetArgs,
} from "./settings";

/** What the stack records for a ServerPowerState: the inputs, plus what was observed. */
export interface PowerStateOutputs extends PowerStateInputs {
  /** Server id → its status as last observed. */
  servers: Record<string, ServerRecord>;
  /** The jobs submitted by the last operation. */
  jobs: JobRecord[];
  /** Server id → status before this resource first changed it. */
  initialStates: Record<string, string>;
  /** When the last operation ended with every server in the declared state. */
  convergedAt: string | null;
  /** The endpoint and project the servers were acted on through; a change means a replacement. */
  resolvedEndpoint: string;
  resolvedProjectId: string;
  resolvedRegion: string | null;
}

/** The input properties, from the schema itself. */
const INPUT_KEYS = inputKeys();

type Props = Record<string, unknown>;

/** The error shape the engine records as a partial failure: the resource is kept with `properties`. */
export interface PartialFailureError extends Error {
  readonly code: "PARTIAL_FAILURE";
  readonly id: string;
  readonly properties: Props;
  readonly reasons: string[];
}

/**
 * A plain Error with the fields the engine reads. Not a subclass: once Pulumi's closure serializer
 * has rewritten a class, `super(message)` no longer sets `message` and field initializers are lost.
 */
export function partialFailure(message: string, id: string, properties: Props, reasons: string[]): PartialFailureError {
  return Object.assign(new Error(message), {
    name: "PartialFailureError",
    code: "PARTIAL_FAILURE" as const,
    id,
    properties,
    reasons,
  });
}

interface ProviderState {
  config: ProviderConfig;
  /** One per provider host process: every resource's submissions count against the same per-minute limit. */
  pacing: PacingLedger;
  /** One per provider host process: once the gateway refuses the access key, no resource sends another call with it. */
  authGate: AuthGate;
}

export const serverPowerStateProvider = {
  config: {} as ProviderConfig,
  pacing: { records: [] } as PacingLedger,
  authGate: { refused: [] } as AuthGate,

  async configure(this: ProviderState, req: dynamic.ConfigureRequest): Promise<void> {
    this.config = readProviderConfig((key) => req.config.get(key));
    this.pacing = { records: [] };
    this.authGate = { refused: [] };
  },

  async check(this: ProviderState, olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const outcome = checkInputs(news);
    // Settings do not depend on serverIds & co.: report their problems at preview even when other
    // inputs are unknown or wrong, unless an override they depend on is itself unknown or wrong.
    const overrides = ["region", "projectId", "endpoint"] as const;
    const settingsKnown = overrides.every(
      (key) => news[key] !== UNKNOWN_VALUE && !outcome.failures.some((f) => f.property === key),
    );
    const failures = [...outcome.failures, ...(settingsKnown ? checkSettings(pickOverrides(news), this.config) : [])];
    if (failures.length > 0) return { inputs: outcome.inputs, failures };
    if (hasUnknowns(outcome.inputs)) return outcome;
    const inputs = outcome.inputs as unknown as PowerStateInputs;
    if (olds.serverIds === undefined) {
      // A create: no diff follows, so say here what it will act on (the servers' live status is not read at preview).
      console.log(
        inputs.serverIds.length === 0
          ? "ServerPowerState: no server declared (serverIds is empty): nothing will be acted on until ids are added"
          : `ServerPowerState: ${inputs.serverIds.length} server(s) declared ${inputs.state}: ${formatServerList(inputs.serverIds)}; ` +
              `those not already ${targetStatus(inputs.state)} will be ${inputs.state === "running" ? "started" : "stopped"}`,
      );
    }
    return { inputs: outcome.inputs, failures: [] };
  },

  async diff(this: ProviderState, id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    const result = diffPowerState(olds, news, this.config, process.env);
    // The engine shows no detail for dynamic resources: say which servers the update will touch.
    const plan = result.changes ? describePlannedChange(olds, news) : undefined;
    if (plan) console.log(`ServerPowerState ${id}: ${plan}`);
    return result;
  },

  async create(this: ProviderState, news: Props): Promise<dynamic.CreateResult> {
    const id = `sps-${randomUUID()}`;
    const outs = await operate(id, news, undefined, this);
    return { id, outs };
  },

  async update(this: ProviderState, id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const { changed } = comparePowerState(olds, news, this.config, process.env);
    if (changed.length === 1 && changed[0] === "__provider") {
      // Only the provider's code changed: record the new inputs, touch nothing in the cloud.
      return { outs: { ...olds, ...pickInputs(news) } };
    }
    return { outs: await operate(id, news, olds as Partial<PowerStateOutputs>, this) };
  },

  async read(this: ProviderState, id: string, props: Props): Promise<dynamic.ReadResult> {
    const olds = props as Partial<PowerStateOutputs>;
    const ids = olds.serverIds ?? [];
    const settings = await settingsFor(olds, this.config, this.authGate, olds);
    const client = newClient(settings, this);
    try {
      const observations = await client.listServers(ids);
      const target = olds.state ? targetStatus(olds.state) : undefined;
      const servers: Record<string, ServerRecord> = {};
      for (const o of observations) {
        const previous = olds.servers?.[o.id];
        servers[o.id] = {
          status: o.status,
          taskState: o.taskState,
          lastJobId: previous?.lastJobId ?? null,
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
      return { id, props: { ...props, servers }, inputs: pickInputs(props) };
    } finally {
      await client.close();
    }
  },

  async delete(this: ProviderState, id: string, props: Props): Promise<void> {
    const olds = props as Partial<PowerStateOutputs>;
    if (olds.onDelete !== "restore") return;
    const goals = restoreGoals(olds.initialStates ?? {});
    if (Object.keys(goals).length === 0) return;
    const settings = await settingsFor(olds, this.config, this.authGate, olds);
    const client = newClient(settings, this);
    try {
      const result = await converge({
        api: client,
        goals,
        stopType: olds.stopType ?? "SOFT",
        timeoutSeconds: olds.timeoutSeconds ?? 900,
        log: (line) => console.log(line),
        label: `ServerPowerState ${id} (restore)`,
      });
      // A server deleted meanwhile has nothing left to restore.
      const failures = result.failures.filter((f) => f.code !== "Ecs.0114");
      if (failures.length > 0) {
        throw new Error(
          `ServerPowerState ${id}: could not restore ${failures.length} server(s) to their initial state; the resource stays in the stack, run pulumi destroy again:\n` +
            failureLines(failures).join("\n"),
        );
      }
    } finally {
      await client.close();
    }
  },
};

/** Create and update: converge the declared servers (and, with onDelete "restore", those dropped from the list). */
async function operate(
  id: string,
  news: Props,
  olds: Partial<PowerStateOutputs> | undefined,
  state: ProviderState,
): Promise<Props> {
  const inputs = news as unknown as PowerStateInputs;
  const settings = await settingsFor(inputs, state.config, state.authGate, undefined, olds);
  const client = newClient(settings, state);
  try {
    const declared = new Set(inputs.serverIds);
    // With "restore", servers no longer declared go back to their initial status. The record of
    // those whose restore failed last time is still in initialStates, so they are retried too.
    const goals: Record<string, DesiredState> =
      inputs.onDelete === "restore"
        ? restoreGoals(pick(olds?.initialStates ?? {}, pendingRestores(olds, declared)))
        : {};
    for (const serverId of inputs.serverIds) goals[serverId] = inputs.state;

    const result = await converge({
      api: client,
      goals,
      stopType: inputs.stopType,
      hardStopAfterSeconds: inputs.hardStopAfterSeconds,
      timeoutSeconds: inputs.timeoutSeconds,
      log: (line) => console.log(line),
      label: `ServerPowerState ${id}`,
    });

    const initialStates: Record<string, string> = {};
    const servers: Record<string, ServerRecord> = {};
    for (const serverId of inputs.serverIds) {
      const recorded = olds?.initialStates?.[serverId];
      const seen = result.before[serverId];
      if (recorded !== undefined) initialStates[serverId] = recorded;
      else if (seen?.found && seen.status) initialStates[serverId] = seen.status;
      servers[serverId] = result.servers[serverId];
    }
    // A dropped server deleted meanwhile has nothing left to restore; one whose restore failed stays recorded.
    const failures = result.failures.filter((f) => declared.has(f.id) || f.code !== "Ecs.0114");
    for (const f of failures)
      if (!declared.has(f.id) && olds?.initialStates?.[f.id]) initialStates[f.id] = olds.initialStates[f.id];
    const outs: Props = {
      ...pickInputs(news),
      servers,
      jobs: result.jobs,
      initialStates,
      convergedAt: failures.length === 0 ? new Date().toISOString() : (olds?.convergedAt ?? null),
      resolvedEndpoint: settings.endpoint,
      resolvedProjectId: settings.projectId,
      resolvedRegion: settings.region ?? null,
    } satisfies Omit<PowerStateOutputs, keyof PowerStateInputs> & Props;

    if (failures.length > 0) {
      const target = targetStatus(inputs.state);
      const reasons = failureLines(failures);
      throw partialFailure(
        `ServerPowerState ${id}: ${failures.length} of ${Object.keys(goals).length} server(s) did not reach their desired state (${target} for the declared ones); ` +
          `the stack records what was observed, and the next pulumi up retries only these:\n${reasons.join("\n")}`,
        id,
        { ...news, ...outs },
        reasons,
      );
    }
    return outs;
  } finally {
    await client.close();
  }
}

/** One line per failed server (the first 100; the rest summarised by cause). */
export function failureLines(failures: readonly ServerFailure[], max = 100): string[] {
  const lines = failures.slice(0, max).map((f) => `server ${f.id}: ${f.code}: ${f.message}`);
  const rest = failures.slice(max);
  const byCause: Record<string, string[]> = {};
  for (const f of rest) (byCause[`${f.code}: ${f.message}`] ??= []).push(f.id);
  for (const [cause, ids] of Object.entries(byCause))
    lines.push(`${ids.length} more server(s) (${formatServerList(ids, 5)}): ${cause}`);
  return lines;
}

/**
 * Settings for an operation. The project id comes from the args, the config or the environment, or
 * is looked up from the region through IAM; `recorded` (old outputs) short-cuts that lookup.
 */
async function settingsFor(
  args: Partial<PowerStateInputs>,
  config: ProviderConfig,
  authGate: AuthGate,
  recorded: Partial<PowerStateOutputs> | undefined,
  lastLookup?: Partial<PowerStateOutputs>,
): Promise<ResolvedSettings & { projectId: string }> {
  const settings = resolveSettings(
    {
      region: args.region ?? recorded?.resolvedRegion ?? undefined,
      projectId: args.projectId ?? recorded?.resolvedProjectId,
      endpoint: args.endpoint ?? recorded?.resolvedEndpoint,
    },
    config,
    process.env,
  );
  validateEndpoint(settings.endpoint);
  if (settings.projectId !== undefined) return { ...settings, projectId: settings.projectId };
  // An update in the same region: the project looked up last time is still the one (else diff replaces).
  if (lastLookup?.resolvedProjectId && lastLookup.resolvedRegion === settings.region) {
    return { ...settings, projectId: lastLookup.resolvedProjectId };
  }
  const projectId = await findProjectId({
    region: settings.region!,
    credentials: settings.credentials,
    iamEndpoint: settings.iamEndpoint,
    authGate,
  });
  return { ...settings, projectId };
}

function newClient(
  settings: ResolvedSettings & { projectId: string },
  shared: Pick<ProviderState, "pacing" | "authGate">,
): EcsClient {
  return new EcsClient({
    pacing: shared.pacing,
    authGate: shared.authGate,
    endpoint: settings.endpoint,
    projectId: settings.projectId,
    credentials: settings.credentials,
    ...(settings.serversPerMinute !== undefined ? { serversPerMinute: settings.serversPerMinute } : {}),
    ...(settings.requestTimeoutSeconds !== undefined
      ? {
          headersTimeoutMs: settings.requestTimeoutSeconds * 1000,
          bodyTimeoutMs: settings.requestTimeoutSeconds * 1000,
        }
      : {}),
    ...(settings.pacingWindowSeconds !== undefined ? { pacingWindowMs: settings.pacingWindowSeconds * 1000 } : {}),
  });
}

/** Settings problems found at preview, without any API call: one failure per problem, each naming its key. */
function checkSettings(overrides: TargetArgs, config: ProviderConfig): dynamic.CheckFailure[] {
  return settingsProblems(overrides, config, process.env).map((problem) => ({
    property: problem.key,
    reason: problem.reason,
  }));
}

/** The overrides as strings (checkInputs has already refused any other type). */
function pickOverrides(news: Props): TargetArgs {
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  return { region: text(news.region), projectId: text(news.projectId), endpoint: text(news.endpoint) };
}

/**
 * Changes when the declared set, state or settings differ from the record, or when any recorded
 * server is not settled in the declared status (drift found by `pulumi refresh`, or a failure).
 * Replaces only when the endpoint or project changes. No API calls.
 */
export function diffPowerState(
  olds: Props,
  news: Props,
  config: ProviderConfig,
  env: Readonly<Record<string, string | undefined>>,
): dynamic.DiffResult {
  if (hasUnknowns(news)) return { changes: true };
  const { changed, replaces } = comparePowerState(olds, news, config, env);
  return { changes: changed.length > 0 || replaces.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
}

/** What differs between the record and the new inputs: changed properties, and those that force a replacement. */
export function comparePowerState(
  olds: Props,
  news: Props,
  config: ProviderConfig,
  env: Readonly<Record<string, string | undefined>>,
): { changed: string[]; replaces: string[] } {
  const o = olds as Partial<PowerStateOutputs>;
  const n = news as Partial<PowerStateInputs>;

  const replaces: string[] = [];
  if (o.resolvedEndpoint !== undefined) {
    const target = resolveTarget(n, config, env);
    if (target.endpoint !== o.resolvedEndpoint) replaces.push("endpoint");
    if (
      target.projectId !== undefined &&
      o.resolvedProjectId !== undefined &&
      target.projectId !== o.resolvedProjectId
    ) {
      replaces.push("projectId");
    } else if (target.projectId === undefined && target.region !== (o.resolvedRegion ?? undefined)) {
      replaces.push("region");
    }
  }

  const changed: string[] = [];
  const oldIds = [...(o.serverIds ?? [])].sort().join(",");
  const newIds = [...(n.serverIds ?? [])].sort().join(",");
  if (oldIds !== newIds) changed.push("serverIds");
  for (const key of ["state", "stopType", "hardStopAfterSeconds", "timeoutSeconds", "onDelete"] as const) {
    if ((o[key] ?? null) !== (n[key] ?? null)) changed.push(key);
  }
  if (n.state !== undefined && n.serverIds !== undefined) {
    const target = targetStatus(n.state);
    if (n.serverIds.some((serverId) => !isSettled(o.servers?.[serverId], target))) changed.push("servers");
  }
  if (n.onDelete === "restore" && n.serverIds !== undefined) {
    const stillRecorded = Object.keys(o.initialStates ?? {}).some((s) => !n.serverIds!.includes(s));
    if (stillRecorded && !changed.includes("serverIds")) changed.push("initialStates");
  }
  // A new provider code must reach the state; the update then makes no API call.
  if (olds.__provider !== news.__provider) changed.push("__provider");
  return { changed, replaces };
}

/**
 * One line for preview: which servers an update would act on, from the record alone (no API call).
 * Undefined when nothing but settings or the provider code changed.
 */
export function describePlannedChange(olds: Props, news: Props): string | undefined {
  const o = olds as Partial<PowerStateOutputs>;
  const n = news as Partial<PowerStateInputs>;
  if (!Array.isArray(n.serverIds) || (n.state !== "stopped" && n.state !== "running")) return undefined;
  const target = targetStatus(n.state);
  const verb = n.state === "running" ? "start" : "stop";
  const previous = new Set(o.serverIds ?? []);
  const added = n.serverIds.filter((s) => !previous.has(s));
  const kept = n.serverIds.filter((s) => previous.has(s));
  const unsettled = kept.filter((s) => !isSettled(o.servers?.[s], target));
  const removed = [...previous].filter((s) => !n.serverIds!.includes(s));
  const parts: string[] = [];
  if (unsettled.length > 0) {
    const notes = unsettled.map((s) => {
      const r = o.servers?.[s];
      return r?.error
        ? `${s} (${r.error.code})`
        : `${s} (${r?.status ?? "not recorded"}${r?.taskState ? `, ${r.taskState}` : ""})`;
    });
    parts.push(
      `${verb} or wait for ${unsettled.length} server(s) not ${target} in the record: ${formatServerList(notes)}`,
    );
  }
  if (added.length > 0)
    parts.push(`${verb} ${added.length} added server(s) unless already ${target}: ${formatServerList(added)}`);
  if (removed.length > 0) {
    parts.push(
      `${removed.length} server(s) removed, ${n.onDelete === "restore" ? "to be restored to their initial status" : "left as they are"}: ${formatServerList(removed)}`,
    );
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** Recorded in the target status, with no task running and no error: nothing for an update to do. */
function isSettled(record: ServerRecord | undefined, target: string): boolean {
  return record !== undefined && record.status === target && !record.taskState && !record.error;
}

/** Servers recorded by this resource (declared before, or awaiting a restore) that are no longer declared. */
function pendingRestores(olds: Partial<PowerStateOutputs> | undefined, declared: ReadonlySet<string>): string[] {
  const recorded = new Set([...(olds?.serverIds ?? []), ...Object.keys(olds?.initialStates ?? {})]);
  return [...recorded].filter((s) => !declared.has(s));
}

function pickInputs(props: Props): Props {
  const out: Props = {};
  for (const key of INPUT_KEYS) if (props[key] !== undefined && props[key] !== UNKNOWN_VALUE) out[key] = props[key];
  return out;
}

function pick<T>(record: Readonly<Record<string, T>>, keys: readonly string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of keys) if (key in record) out[key] = record[key];
  return out;
}
