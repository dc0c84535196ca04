/**
 * `POST /v1/{project_id}/cloudservers/action`: validates the body, applies the configured
 * answers to the UNCONFIRMED cases (unknown ids, servers already in the target state), then
 * creates a job with one sub-job per server and starts the servers' transitions.
 */
import { MAX_SERVERS_PER_ACTION } from "../provider/constants";
import { describeIssues } from "./adminSchemas";
import { actionBodySchemas, POWER_ACTIONS } from "./actionBodySchemas";
import type { EmulatorStats } from "./EmulatorStats";
import { enterpriseProjectDenied, isAuthorizedFor } from "./enterpriseProjects";
import { type ApiAnswer, ecsError, throttled } from "./errorBodies";
import type { FaultBook } from "./FaultBook";
import type { Failure, Fleet, PowerAction, ServerRecord } from "./Fleet";
import type { PowerStatus } from "./publicTypes";
import { type JobStore, newJobId, type SubJobRecord } from "./JobStore";
import type { ResolvedEmulatorOptions } from "./publicTypes";
import type { SlidingWindow } from "./SlidingWindow";
import type { Variants } from "./variants";
import {
  batchLimitEcs0118,
  describeWindow,
  hardDuringSoftRefusal,
  hasHiddenTask,
  ignoredSoftStop,
  retryAfterFor,
} from "./variantHooks";

export interface ActionContext {
  readonly options: ResolvedEmulatorOptions;
  /** The answers no source settles, as they stand now. */
  readonly variants: Variants;
  readonly fleet: Fleet;
  readonly jobs: JobStore;
  readonly faults: FaultBook;
  readonly stats: EmulatorStats;
  readonly batchWindow: SlidingWindow;
  readonly nowMs: number;
  readonly requestId: string;
}

const invalid = (message: string): ApiAnswer => ecsError(400, "Ecs.0005", `Invalid parameter: ${message}`);

function notFound(id: string): Failure {
  return { errorCode: "Ecs.0114", reason: `Instance[${id}] could not be found.` };
}

/**
 * The statuses a server may be in for the action: reboot needs a running server; a stop also takes
 * an ERROR server, as upstream Nova's `stop` does (`check_instance_state(vm_state=[ACTIVE, RESCUED,
 * ERROR])`, nova/compute/api.py), while `start` takes only a stopped one.
 */
function acceptedStatuses(action: PowerAction): readonly PowerStatus[] {
  if (action === "os-start") return ["SHUTOFF"];
  return action === "os-stop" ? ["ACTIVE", "ERROR"] : ["ACTIVE"];
}

function accepts(action: PowerAction, server: ServerRecord): boolean {
  return acceptedStatuses(action).includes(server.status);
}

/** Already where the action leads (the `alreadyInState` case): stopped for a stop, running for a start. */
function alreadyThere(action: PowerAction, server: ServerRecord): boolean {
  return (action === "os-stop" && server.status === "SHUTOFF") || (action === "os-start" && server.status === "ACTIVE");
}

function wrongState(action: PowerAction, server: ServerRecord): Failure {
  return {
    errorCode: "Ecs.0100",
    reason: `Instance[${server.id}] status ${server.status} does not meet the requirements of ${action} (needs ${acceptedStatuses(action).join(" or ")}).`,
  };
}

function busy(action: PowerAction, server: ServerRecord): Failure {
  const task = server.transition?.action ?? "another";
  return {
    errorCode: "Ecs.0100",
    reason: `Instance[${server.id}] is executing ${task}; its status does not meet the requirements of ${action}.`,
  };
}

/** How the gateway names the window in its message: "1 minute" (Huawei's), or the shortened one in seconds. */
export function describeBatchWindow(windowSeconds: number): string {
  return describeWindow(windowSeconds);
}

/**
 * How long a new job stays INIT: `jobInitMs`, or longer when its servers' task stays hidden longer
 * (`hiddenTaskMs`: the job layer has not called Nova yet).
 */
function initMs(context: Pick<ActionContext, "options" | "variants">): number {
  return Math.max(context.options.jobInitMs, context.variants.hiddenTaskMs);
}

function durationMs(context: ActionContext, action: PowerAction): number {
  const { options } = context;
  const seconds =
    action === "os-stop" ? options.stopSeconds : action === "os-start" ? options.startSeconds : options.rebootSeconds;
  return initMs(context) + seconds * 1000;
}

/** A server whose accepted job's task does not show yet: refused for its state, as the variant says (`hiddenTaskAction` reject). */
function hiddenTaskRefusal(action: PowerAction, server: ServerRecord): Failure {
  return {
    errorCode: "Ecs.0100",
    reason: `Instance[${server.id}] status does not meet the requirements of ${action}: an operation on it has been accepted and has not started yet.`,
  };
}

/**
 * Under `hiddenTaskAction: reject`, a server whose accepted job has not ended: its task hidden, or
 * shown (Nova refuses an action while a task is set, `check_instance_state(task_state=[None])`, and
 * a cloud that refuses a queued job's server does not forget that job once it runs). A HARD stop
 * over a shown SOFT stop is left to `hardDuringSoft`.
 */
function hasPendingTask(
  fleet: Fleet,
  server: ServerRecord,
  action: PowerAction,
  hard: boolean,
  nowMs: number,
): boolean {
  if (hasHiddenTask(server, nowMs)) return true;
  return server.transition !== undefined && !fleet.isForceableBy(server, action, hard);
}

function pendingTaskRefusal(action: PowerAction, server: ServerRecord, nowMs: number): Failure {
  return hasHiddenTask(server, nowMs) ? hiddenTaskRefusal(action, server) : busy(action, server);
}

export function handleAction(rawBody: Buffer, context: ActionContext): ApiAnswer {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return invalid("request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return invalid("request body must be a JSON object");
  }
  const keys = Object.keys(body);
  const action = keys[0] as PowerAction;
  if (keys.length !== 1 || !POWER_ACTIONS.includes(action)) {
    return invalid(
      `request body must have exactly one key, one of ${POWER_ACTIONS.join(", ")}; got [${keys.join(", ")}]`,
    );
  }
  const inner = (body as Record<string, unknown>)[action];
  const rawServers = typeof inner === "object" && inner !== null ? (inner as { servers?: unknown }).servers : undefined;
  if (Array.isArray(rawServers) && rawServers.length > MAX_SERVERS_PER_ACTION) {
    return ecsError(
      400,
      "Ecs.0118",
      `The number of servers in one batch operation exceeds the limit: ${rawServers.length} > ${MAX_SERVERS_PER_ACTION}.`,
    );
  }
  const parsed = actionBodySchemas[action].safeParse(inner);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    return invalid(`${action}: ${issues}`);
  }
  const ids = parsed.data.servers.map((server) => server.id);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return invalid(`${action}.servers: duplicate server id [${id}]`);
    seen.add(id);
  }
  const hard = "type" in parsed.data && parsed.data.type === "HARD";

  const { fleet, nowMs } = context;
  applyPreActionFaults(context, ids);
  const servers = ids.map((id) => ({ id, server: fleet.get(id, nowMs) }));
  const refused = refusedBeforeAcceptance(context, action, hard, servers);
  if (refused) return refused;

  const jobFault = context.faults.takeJob();
  const subJobs: SubJobRecord[] = servers.map(({ id, server }) => ({
    jobId: newJobId(),
    serverId: id,
    // A job that fails as a whole moves no server: each sub-job ends with the job's failure.
    outcome: jobFault
      ? { kind: "immediate", failure: { errorCode: jobFault.errorCode, reason: jobFault.reason } }
      : subJobOutcome(context, action, hard, id, server),
  }));
  const jobId = newJobId();
  context.jobs.add({
    jobId,
    action,
    beginMs: nowMs,
    runningFromMs: nowMs + initMs(context),
    subJobs,
  });
  context.stats.countSubmitted(action, ids);
  return { status: 200, body: { job_id: jobId } };
}

/**
 * The synchronous refusals, in the order the call meets them: unknown ids, locked servers, servers
 * whose accepted job's task does not show yet (`hiddenTaskAction` reject), servers already in the target state, a HARD stop during a SOFT one (each as its variant says), then the
 * servers-per-minute window. Undefined when the call is accepted.
 */
function refusedBeforeAcceptance(
  context: ActionContext,
  action: PowerAction,
  hard: boolean,
  servers: readonly { id: string; server: ServerRecord | undefined }[],
): ApiAnswer | undefined {
  const { fleet, options, variants, nowMs } = context;
  const denied = enterpriseProjectRefusal(context, action, servers);
  if (denied) return denied;
  const unknown = servers.filter((entry) => !entry.server).map((entry) => entry.id);
  if (unknown.length > 0 && variants.unknownServer === "reject") {
    return ecsError(
      404,
      "Ecs.0114",
      notFound(unknown[0]).reason,
      unknown.map((id) => ({ code: "Ecs.0114", message: notFound(id).reason })),
    );
  }
  const locked = servers.filter((entry) => entry.server?.locked).map((entry) => entry.id);
  if (locked.length > 0) {
    return ecsError(
      400,
      "Ecs.0605",
      `Instance[${locked[0]}] is locked.`,
      locked.map((id) => ({ code: "Ecs.0605", message: `Instance[${id}] is locked.` })),
    );
  }
  if (variants.hiddenTaskAction === "reject") {
    const pending = servers
      .map((entry) => entry.server)
      .filter((server): server is ServerRecord => !!server && hasPendingTask(fleet, server, action, hard, nowMs));
    if (pending.length > 0) {
      const reason = (server: ServerRecord) => pendingTaskRefusal(action, server, nowMs).reason;
      return ecsError(
        400,
        "Ecs.0100",
        reason(pending[0]),
        pending.map((server) => ({ code: "Ecs.0100", message: reason(server) })),
      );
    }
  }
  if (variants.alreadyInState === "reject") {
    const wrong = servers
      .map((entry) => entry.server)
      .filter((server): server is ServerRecord => !!server && !server.transition && !accepts(action, server));
    if (wrong.length > 0) {
      return ecsError(
        400,
        "Ecs.0100",
        wrongState(action, wrong[0]).reason,
        wrong.map((server) => ({ code: "Ecs.0100", message: wrongState(action, server).reason })),
      );
    }
  }
  const softStopping = servers
    .map((entry) => entry.server)
    .filter((server): server is ServerRecord => !!server?.transition && fleet.isForceableBy(server, action, hard));
  const refusal = hardDuringSoftRefusal(variants.hardDuringSoft, action, softStopping);
  if (refusal) return refusal;
  const verdict = context.batchWindow.tryConsume(nowMs, servers.length);
  if (!verdict.allowed) {
    if (variants.batchLimitAnswer === "ecs-0118") {
      return batchLimitEcs0118(context.batchWindow.configuredLimit, options.batchWindowSeconds, servers.length);
    }
    return throttled(
      context.requestId,
      context.batchWindow.configuredLimit,
      describeBatchWindow(options.batchWindowSeconds),
      retryAfterFor(variants, verdict.retryAfterSeconds),
    );
  }
  return undefined;
}

/**
 * Servers of enterprise projects the access key is not authorized for: the whole call is refused
 * as IAM refuses it (403 Pdp.0001, no job; enterpriseProjects.ts), naming them.
 */
function enterpriseProjectRefusal(
  context: ActionContext,
  action: PowerAction,
  servers: readonly { id: string; server: ServerRecord | undefined }[],
): ApiAnswer | undefined {
  const outside = servers
    .map((entry) => entry.server)
    .filter(
      (server): server is ServerRecord => !!server && !isAuthorizedFor(context.variants, server.enterpriseProjectId),
    );
  if (outside.length === 0) return undefined;
  const iamAction =
    action === "os-stop"
      ? "ecs:cloudServers:stop"
      : action === "os-start"
        ? "ecs:cloudServers:start"
        : "ecs:cloudServers:reboot";
  const named = outside.map((server) => `Instance[${server.id}] (enterprise project [${server.enterpriseProjectId}])`);
  return enterpriseProjectDenied(
    iamAction,
    context.requestId,
    `${named.join(", ")}: the access key is not authorized for ${outside.length === 1 ? "its enterprise project" : "their enterprise projects"}.`,
  );
}

/**
 * `vanish` and `drift` faults: what changed after the client last looked and before this call
 * arrived. Applied first, so the call sees the new truth as the cloud would.
 */
function applyPreActionFaults(context: ActionContext, ids: readonly string[]): void {
  for (const id of ids) {
    const fault = context.faults.takeServer(id, ["vanish", "drift"]);
    if (fault?.kind === "vanish") context.fleet.delete(id, context.nowMs);
    else if (fault?.kind === "drift") context.fleet.patch(id, { status: fault.status }, context.nowMs);
  }
}

function subJobOutcome(
  context: ActionContext,
  action: PowerAction,
  hard: boolean,
  id: string,
  server: ServerRecord | undefined,
): SubJobRecord["outcome"] {
  const { variants, faults, fleet, nowMs } = context;
  const hiddenUntilMs = nowMs + variants.hiddenTaskMs;
  if (!server) return { kind: "immediate", failure: notFound(id) };
  const supersedes = variants.hardDuringSoft === "supersede";
  if (server.transition && supersedes && fleet.isForceableBy(server, action, hard)) fleet.supersede(server, nowMs);
  if (server.transition) return { kind: "immediate", failure: busy(action, server) };
  if (!accepts(action, server)) {
    // Only reachable with alreadyInState fail-subjob or noop; only a server already where the action
    // leads is a no-op (a reboot of a stopped server, or a start of an ERROR one, never is).
    if (variants.alreadyInState === "noop" && alreadyThere(action, server)) {
      const injected = faults.takeServer(id, ["fail-subjob"]);
      return injected?.kind === "fail-subjob"
        ? { kind: "immediate", failure: { errorCode: injected.errorCode, reason: injected.reason } }
        : { kind: "immediate" };
    }
    return { kind: "immediate", failure: wrongState(action, server) };
  }
  const injected = faults.takeServer(id, ["fail-subjob", "stuck"]);
  if (injected?.kind === "stuck") {
    // A stuck SOFT stop is a guest ignoring ACPI: how that ends is a variant.
    const ignored =
      action === "os-stop" && !hard
        ? ignoredSoftStop(variants, id)
        : { durationMs: Number.POSITIVE_INFINITY, failure: undefined };
    return {
      kind: "transition",
      transition: fleet.begin(
        server,
        action,
        hard,
        nowMs,
        initMs(context) + ignored.durationMs,
        ignored.failure,
        hiddenUntilMs,
      ),
    };
  }
  const failure =
    injected?.kind === "fail-subjob" ? { errorCode: injected.errorCode, reason: injected.reason } : undefined;
  return {
    kind: "transition",
    transition: fleet.begin(server, action, hard, nowMs, durationMs(context, action), failure, hiddenUntilMs),
  };
}
