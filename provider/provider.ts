/**
 * The dynamic provider behind `ServerPowerState`. Which ECS calls each lifecycle method makes:
 *
 * - configure: none; keeps the huaweicloud:* stack config (secrets arrive decrypted, stay in memory).
 * - check:     validates and normalises the inputs and the settings; for a create, the live plan's reads:
 *              with a selector its listings, then GET cloudservers/detail?server_id=… (GET calls only;
 *              none with huaweicloud:ecsPreviewReads false).
 * - diff:      compares inputs and the recorded server statuses (drift found by refresh); when it finds an
 *              update to make, the same reads as check's, to print the live plan. No change, no call.
 * - create / update: with a selector, GET cloudservers/detail?tags=…&marker=… (every page: the members);
 *              GET cloudservers/detail, POST cloudservers/action (os-stop / os-start),
 *              GET jobs/{job_id} until the jobs end, GET cloudservers/detail to confirm.
 * - read:      with a selector, the members' listings as above; GET cloudservers/detail (ceil(n/100) calls).
 * - delete:    none with onDelete "leave"; with "restore", as create/update towards the initial states.
 *
 * This object is serialized into the stack state by value: everything a method needs is built inside
 * the method; credentials come from the credential chain (provider/credentials/) when a method runs.
 */
import { randomUUID } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { converge } from "./converge";
import {
  credentialSettingsProblems,
  credentialsFor,
  type CredentialHolders,
  type CredentialSupply,
} from "./credentials";

import type { Credentials } from "./signer";
import { describeDiff, diffRecord, diffResult } from "./diff";
import { EcsClient } from "./ecsClient";
import { defaultIamEndpoint, validateEndpoint } from "./endpoint";
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
import { describeLivePlan, leftAloneNote, readLivePlan, scheduleLinesFor } from "./preview";
import { scheduleClockWarning, scheduleNowMs, scheduleOutputs } from "./schedule";
import {
  previewReadsEnabled,
  previewReadTimeoutSeconds,
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
  /** One per provider host process: the project ids looked up from a region (region and IAM endpoint → id). */
  projectIds: Record<string, string>;
  /** One per provider host process: the credential chain's holders, temporary credentials renewed ahead of expiry. */
  credentialHolders: CredentialHolders;
}

export const serverPowerStateProvider = {
  config: {} as ProviderConfig,
  pacing: { records: [] } as PacingLedger,
  authGate: { refused: [] } as AuthGate,
  projectIds: {} as Record<string, string>,
  credentialHolders: {} as CredentialHolders,

  async configure(this: ProviderState, req: dynamic.ConfigureRequest): Promise<void> {
    this.config = readProviderConfig((key) => req.config.get(key));
    this.pacing = { records: [] };
    this.authGate = { refused: [] };
    this.projectIds = {};
    this.credentialHolders = {};
  },

  async check(this: ProviderState, olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const outcome = checkInputs(news, new Date(scheduleNowMs(process.env, Date.now())));
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
    if (olds.serverIds === undefined) {
      // A create: no diff follows, so say here what it will act on, then read the live plan.
      for (const line of describeCreate(inputs)) console.log(`ServerPowerState: ${line}`);
      for (const line of scheduleLinesNow(outcome.inputs, undefined)) console.log(`ServerPowerState: ${line}`);
      const tooMany = await printLivePlan("ServerPowerState", inputs, undefined, this);
      if (tooMany !== undefined) {
        return { inputs: outcome.inputs, failures: [{ property: "selector.maxMembers", reason: tooMany }] };
      }
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
    // With a selector, view.news / view.olds hold the servers acted on (members included).
    for (const line of scheduleLinesNow(view.news, view.olds)) console.log(`ServerPowerState ${id}: ${line}`);
    // A change with known inputs and no replacement is an update: read what it will do. No change, no call.
    if (result.changes && !diff.unknowns && diff.replaces.length === 0 && !diff.codeOnly) {
      const tooMany = await printLivePlan(`ServerPowerState ${id}`, checkedInputs(news), readRecord(olds), this);
      // The up would refuse before any action: say so at preview already.
      if (tooMany !== undefined) throw new Error(`ServerPowerState ${id}: ${tooMany}`);
    }
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
    const settings = await settingsFor(olds, this, olds);
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
    const settings = await settingsFor(olds, this, olds);
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
  const settings = await settingsFor(declared, state, undefined, olds);
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
    const heldNote = leftAloneNote(inputs, olds);
    if (heldNote) log(`${label}: ${heldNote}`);
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
    const outs: Props = {
      ...pickInputs(news),
      ...outputs,
      ...membershipOutputs(members, new Date().toISOString()),
      ...scheduleOutputs(inputs, olds, scheduleNowMs(process.env, Date.now())),
    };
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
  state: ProviderState,
  recorded: Recorded | undefined,
  lastLookup?: Recorded,
): Promise<OperationSettings> {
  const settings = resolveSettings(
    {
      region: args.region ?? recorded?.resolvedRegion ?? undefined,
      projectId: args.projectId ?? recorded?.resolvedProjectId,
      endpoint: args.endpoint ?? recorded?.resolvedEndpoint,
    },
    state.config,
    process.env,
  );
  validateEndpoint(settings.endpoint);
  const signing = await credentialsOf(settings, state);
  if (settings.projectId !== undefined) return { ...settings, ...signing, projectId: settings.projectId };
  // An update in the same region: the project looked up last time is still the one (else diff replaces).
  if (lastLookup?.resolvedProjectId && lastLookup.resolvedRegion === settings.region) {
    return { ...settings, ...signing, projectId: lastLookup.resolvedProjectId };
  }
  // Looked up once per region and configure: preview's reads and the up's create share it.
  const key = `${settings.region}\n${settings.iamEndpoint ?? ""}`;
  state.projectIds[key] ??= await findProjectId({
    region: settings.region!,
    ...signing,
    iamEndpoint: settings.iamEndpoint,
    authGate: state.authGate,
  });
  return { ...settings, ...signing, projectId: state.projectIds[key] };
}

type OperationSettings = ResolvedSettings & {
  projectId: string;
  credentials: Credentials;
  credentialSupply: CredentialSupply;
};

/** The credential chain's answer for these settings (provider/credentials/), read now, never captured. */
async function credentialsOf(
  settings: ResolvedSettings,
  state: ProviderState,
): Promise<{ credentials: Credentials; credentialSupply: CredentialSupply }> {
  const iamEndpoint =
    settings.iamEndpoint ?? (settings.region !== undefined ? defaultIamEndpoint(settings.region) : undefined);
  const holder = credentialsFor(state.credentialHolders, { config: state.config, env: process.env, iamEndpoint });
  return { credentials: await holder.current(), credentialSupply: holder };
}

function newClient(settings: OperationSettings, shared: Pick<ProviderState, "pacing" | "authGate">): EcsClient {
  return new EcsClient({
    pacing: shared.pacing,
    authGate: shared.authGate,
    endpoint: settings.endpoint,
    projectId: settings.projectId,
    credentials: settings.credentials,
    credentialSupply: settings.credentialSupply,
    ...(settings.serversPerMinute !== undefined ? { serversPerMinute: settings.serversPerMinute } : {}),
    ...(settings.requestTimeoutSeconds !== undefined
      ? {
          headersTimeoutMs: settings.requestTimeoutSeconds * 1000,
          bodyTimeoutMs: settings.requestTimeoutSeconds * 1000,
        }
      : {}),
    ...(settings.pacingWindowSeconds !== undefined ? { pacingWindowMs: settings.pacingWindowSeconds * 1000 } : {}),
    ...(settings.enterpriseProjectId !== undefined ? { enterpriseProjectId: settings.enterpriseProjectId } : {}),
    ...(settings.maxAttempts !== undefined ? { retry: { maxAttempts: settings.maxAttempts } } : {}),
  });
}

/**
 * Prints the live plan of a create or an update (GET calls only), or, when the reads fail, one line
 * saying why there is none: preview never fails because of it, and never spends more than
 * `huaweicloud:ecsPreviewReadTimeoutSeconds` (default 60) on it. Nothing with `huaweicloud:ecsPreviewReads`
 * false, or nothing to read.
 * Answers the refusal the up would make when the selector matches more than its `maxMembers`.
 */
async function printLivePlan(
  label: string,
  inputs: PowerStateInputs,
  record: Recorded | undefined,
  state: ProviderState,
): Promise<string | undefined> {
  if (!previewReadsEnabled(state.config)) return undefined;
  if (inputs.serverIds.length === 0 && inputs.selector === undefined) return undefined;
  const budgetSeconds = previewReadTimeoutSeconds(state.config);
  const signal = AbortSignal.timeout(budgetSeconds * 1000);
  let client: EcsClient | undefined;
  try {
    const settings = await settingsFor(inputs, state, record, record);
    client = newClient(settings, state);
    const reading = await readLivePlan(client, inputs, record, { signal });
    for (const line of describeLivePlan(reading.plan, reading.moves)) console.log(`${label}: ${line}`);
    return reading.maxMembersProblem;
  } catch (error) {
    const why = signal.aborted ? `the reads took longer than ${budgetSeconds} s` : errorText(error);
    console.log(`${label}: live plan unavailable (${why}); the lines above come from the inputs and the record alone`);
    return undefined;
  } finally {
    await client?.close();
  }
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, "; ");
}

/**
 * A schedule's preview lines, evaluated at the schedule clock's now; led by a warning while the
 * test-only clock offset shifts that clock (provider/schedule/clock.ts).
 */
function scheduleLinesNow(news: Props, olds: Props | undefined): string[] {
  const lines = scheduleLinesFor(news, olds, scheduleNowMs(process.env, Date.now()));
  const warning = scheduleClockWarning(process.env);
  return lines.length > 0 && warning !== undefined ? [warning, ...lines] : lines;
}

/** What a create will act on, from the inputs alone (printed before the live plan, or instead of it). */
function describeCreate(inputs: PowerStateInputs): string[] {
  const lines: string[] = [];
  if (inputs.selector !== undefined) {
    lines.push(`selector ${describeSelector(inputs.selector)}: membership is resolved again at up`);
  }
  if (inputs.serverIds.length > 0 || inputs.selector === undefined) {
    lines.push(
      inputs.serverIds.length === 0
        ? "no server declared (serverIds is empty): nothing will be acted on until ids are added"
        : `${countOf(inputs.serverIds.length, "server")} declared ${inputs.state}: ${formatServerList(inputs.serverIds)}; ` +
            `those not already ${targetStatus(inputs.state)} will be ${inputs.state === "running" ? "started" : "stopped"}`,
    );
  }
  return lines;
}

/** Settings problems found at preview, without any API call: one failure per problem, each naming its key. */
function checkSettings(overrides: TargetArgs, config: ProviderConfig): dynamic.CheckFailure[] {
  const problems = settingsProblems(overrides, config, process.env).map((problem) => ({
    property: problem.key,
    reason: problem.reason,
  }));
  return [...problems, ...credentialSettingsProblems(config, process.env).map((reason) => ({ property: "", reason }))];
}

/** The overrides as strings (checkInputs has already refused any other type). */
function pickOverrides(news: Props): TargetArgs {
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  return { region: text(news.region), projectId: text(news.projectId), endpoint: text(news.endpoint) };
}
