/**
 * The dynamic provider behind `ServerPowerState`. Which ECS calls each lifecycle method makes:
 *
 * - configure: none; keeps the huaweicloud:* stack config (secrets arrive decrypted, stay in memory).
 * - check:     none; validates and normalises the inputs and the settings.
 * - diff:      none; compares inputs and the recorded server statuses (drift found by refresh).
 * - create / update: with a selector, GET cloudservers/detail?tags=…&marker=… (every page: the members);
 *              GET cloudservers/detail, POST cloudservers/action (os-stop / os-start),
 *              GET jobs/{job_id} until the jobs end, GET cloudservers/detail to confirm.
 * - read:      with a selector, the members' listings as above; GET cloudservers/detail (ceil(n/100) calls).
 * - delete:    none with onDelete "leave"; with "restore", as create/update towards the initial states.
 *
 * This object is serialized into the stack state by value: everything a method needs is built inside
 * the method, and credentials are read in `configure` or from the environment when a method runs.
 */
import { randomUUID } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { converge } from "./converge";
import { describeDiff, diffRecord, diffResult } from "./diff";
import { EcsClient } from "./ecsClient";
import { validateEndpoint } from "./endpoint";
import { formatServerList } from "./errors";
import { lastTargets, membershipOutputs, membershipView, withSelectorChange } from "./membership";
import { findProjectId } from "./findProjectId";
import { checkInputs, hasUnknowns, UNKNOWN_VALUE, type PowerStateInputs } from "./inputs";
import {
  failureLines,
  goalsFor,
  outputsFor,
  partialFailureMessage,
  recordsRead,
  restoreFailureMessage,
} from "./operation";
import type { PacingLedger } from "./pacing";
import { restoreGoals, targetStatus } from "./plan";
import { countOf } from "./plural";
import { checkedInputs, pickInputs, readRecord, type Props, type Recorded } from "./recorded";
import {
  readProviderConfig,
  resolveSettings,
  settingsProblems,
  type ProviderConfig,
  type ResolvedSettings,
  type TargetArgs,
} from "./settings";
import { listingRequest, resolveMembers, resolveTargets } from "./resolveMembers";
import { describeSelector } from "./selector";
import type { AuthGate } from "./transport";

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
    const inputs = checkedInputs(outcome.inputs);
    if (olds.serverIds === undefined && inputs.selector !== undefined) {
      console.log(
        `ServerPowerState: selector ${describeSelector(inputs.selector)}: membership is resolved at up (no API call at preview)`,
      );
    }
    if (olds.serverIds === undefined && (inputs.serverIds.length > 0 || inputs.selector === undefined)) {
      // A create: no diff follows, so say here what it will act on (the servers' live status is not read at preview).
      console.log(
        inputs.serverIds.length === 0
          ? "ServerPowerState: no server declared (serverIds is empty): nothing will be acted on until ids are added"
          : `ServerPowerState: ${countOf(inputs.serverIds.length, "server")} declared ${inputs.state}: ${formatServerList(inputs.serverIds)}; ` +
              `those not already ${targetStatus(inputs.state)} will be ${inputs.state === "running" ? "started" : "stopped"}`,
      );
    }
    return { inputs: outcome.inputs, failures: [] };
  },

  async diff(this: ProviderState, id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    const view = membershipView(olds, news);
    const diff = diffRecord(view.olds, view.news, { config: this.config, env: process.env });
    const result = withSelectorChange(diffResult(diff), view);
    // The engine shows no detail for dynamic resources: say which servers the update will touch.
    const plan = result.changes ? [view.note, describeDiff(diff)].filter(Boolean).join("; ") : undefined;
    if (plan) console.log(`ServerPowerState ${id}: ${plan}`);
    return result;
  },

  async create(this: ProviderState, news: Props): Promise<dynamic.CreateResult> {
    const id = `sps-${randomUUID()}`;
    const outs = await operate(id, news, undefined, this);
    return { id, outs };
  },

  async update(this: ProviderState, id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    // Only the provider's code changed: record the new inputs, touch nothing in the cloud.
    const view = membershipView(olds, news);
    if (!view.selectorChanged && diffRecord(view.olds, view.news, { config: this.config, env: process.env }).codeOnly) {
      return { outs: { ...olds, ...pickInputs(news) } };
    }
    return { outs: await operate(id, news, readRecord(olds), this) };
  },

  async read(this: ProviderState, id: string, props: Props): Promise<dynamic.ReadResult> {
    const olds = readRecord(props);
    const settings = await settingsFor(olds, this.config, this.authGate, olds);
    const client = newClient(settings, this);
    // Throttled, a refresh's listings wait (and say so) up to the resource's timeout, as an up's do.
    const request = listingRequest(`ServerPowerState ${id} (refresh)`, olds.timeoutSeconds ?? 900, (l) =>
      console.log(l),
    );
    try {
      const members = olds.selector ? (await resolveMembers(client, olds.selector, { request })).ids : undefined;
      const observations = await client.listServers(lastTargets(olds), request);
      const servers = recordsRead(olds, observations);
      const membership = membershipOutputs(members, new Date().toISOString());
      return { id, props: { ...props, servers, ...membership }, inputs: pickInputs(props) };
    } finally {
      await client.close();
    }
  },

  async delete(this: ProviderState, id: string, props: Props): Promise<void> {
    const olds = readRecord(props);
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
      if (failures.length > 0) throw new Error(restoreFailureMessage(id, failures));
    } finally {
      await client.close();
    }
  },
};

/** Create and update: converge the declared servers (and, with onDelete "restore", those dropped from the list). */
async function operate(id: string, news: Props, olds: Recorded | undefined, state: ProviderState): Promise<Props> {
  const declared = checkedInputs(news);
  const settings = await settingsFor(declared, state.config, state.authGate, undefined, olds);
  const client = newClient(settings, state);
  try {
    // With a selector: the declared ids joined by the members resolved now.
    const label = `ServerPowerState ${id}`;
    const log = (line: string) => console.log(line);
    const { inputs, members } = await resolveTargets(
      client,
      declared,
      label,
      log,
      listingRequest(label, declared.timeoutSeconds, log),
    );
    const goals = goalsFor(inputs, olds);
    const result = await converge({
      api: client,
      goals,
      stopType: inputs.stopType,
      hardStopAfterSeconds: inputs.hardStopAfterSeconds,
      timeoutSeconds: inputs.timeoutSeconds,
      log: (line) => console.log(line),
      label: `ServerPowerState ${id}`,
    });
    const { outputs, failures } = outputsFor(inputs, olds, result, settings, new Date().toISOString());
    const outs: Props = { ...pickInputs(news), ...outputs, ...membershipOutputs(members, new Date().toISOString()) };
    if (failures.length === 0) return outs;
    const reasons = failureLines(failures);
    const message = partialFailureMessage(id, inputs, Object.keys(goals).length, reasons, failures.length);
    throw partialFailure(message, id, { ...news, ...outs }, reasons);
  } finally {
    await client.close();
  }
}

/**
 * Settings for an operation. The project id comes from the args, the config or the environment, or
 * is looked up from the region through IAM; `recorded` (old outputs) short-cuts that lookup.
 */
async function settingsFor(
  args: Partial<PowerStateInputs>,
  config: ProviderConfig,
  authGate: AuthGate,
  recorded: Recorded | undefined,
  lastLookup?: Recorded,
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
    ...(settings.enterpriseProjectId !== undefined ? { enterpriseProjectId: settings.enterpriseProjectId } : {}),
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
