/**
 * The convergence plan: a pure function of what was observed and what is desired.
 * No I/O here; the converger feeds it observations and acts on its verdicts.
 */
import type { BatchActionName, ServerErrorCode } from "./errors";
import type { DesiredState } from "./inputs";
import type { StableStatus } from "./publicTypes";
import type { ServerObservation } from "./schemas";

/** The actions the plan sends: the batch actions that change the power state. */
export type PowerAction = Extract<BatchActionName, "os-stop" | "os-start">;
export type { StableStatus } from "./publicTypes";

/** What the converger needs to know about one server (a subset of the client's observation). */
export type ServerSnapshot = Readonly<Pick<ServerObservation, "id" | "found" | "status" | "taskState" | "locked">>;

/** Why a server cannot be converged by this operation. */
export interface PlanFailure {
  readonly code: ServerErrorCode;
  readonly message: string;
  /**
   * Set when the server is still stable in the other status although this operation already sent
   * it the action (its job ended, or its call went unanswered): the converger may yet wait for it
   * (a HARD stop due later, an unanswered call's grace) or report its job's own error instead.
   */
  readonly still?: StableStatus;
}

export type Verdict =
  /** In the target status with no task running: nothing to do. */
  | { readonly kind: "done" }
  /** Stable in the other status: submit the action (once per operation). */
  | { readonly kind: "act" }
  /** A task is running (ours, someone else's, or a reboot/resize): look again later. */
  | { readonly kind: "wait"; readonly reason: string }
  /** Cannot be converged by this operation. */
  | ({ readonly kind: "fail" } & PlanFailure);

export function targetStatus(state: DesiredState): StableStatus {
  return state === "running" ? "ACTIVE" : "SHUTOFF";
}

export function actionFor(state: DesiredState): PowerAction {
  return state === "running" ? "os-start" : "os-stop";
}

/** Statuses a server leaves by itself: wait for them to settle rather than fail. */
const TRANSIENT_STATUSES = [
  "BUILD",
  "REBOOT",
  "HARD_REBOOT",
  "MIGRATING",
  "RESIZE",
  "REVERT_RESIZE",
  "VERIFY_RESIZE",
  "REBUILD",
];

/**
 * Classifies one server. `alreadySubmitted` is true when this operation already sent it an action:
 * a server that is still in the wrong stable status then has failed; it is never sent the action twice.
 */
export function classifyServer(server: ServerSnapshot, target: StableStatus, alreadySubmitted: boolean): Verdict {
  if (!server.found) {
    return {
      kind: "fail",
      code: "Ecs.0114",
      message:
        "server not found in this project: check the id, the region and the project, or remove it from serverIds",
    };
  }
  if (server.taskState) return { kind: "wait", reason: `task ${server.taskState} in progress` };
  if (server.status === target) return { kind: "done" };
  if (server.status !== null && TRANSIENT_STATUSES.includes(server.status)) {
    return { kind: "wait", reason: `status ${server.status}` };
  }
  const other: StableStatus = target === "ACTIVE" ? "SHUTOFF" : "ACTIVE";
  if (server.status === other) {
    if (server.locked) {
      return {
        kind: "fail",
        code: "Ecs.0605",
        message: `server is locked, so it cannot be ${target === "SHUTOFF" ? "stopped" : "started"}: unlock it, then run pulumi up again`,
      };
    }
    if (alreadySubmitted) {
      return {
        kind: "fail",
        code: `STILL_${other}`,
        message: `still ${other} after its job ended; it was not sent the action again: run pulumi up again to retry`,
        still: other,
      };
    }
    return { kind: "act" };
  }
  return {
    kind: "fail",
    code: `STATUS_${server.status ?? "UNKNOWN"}`,
    message: `server is ${server.status ?? "in an unknown status"}, which cannot be turned into ${target}: repair or remove it, then run pulumi up again`,
  };
}

export interface ConvergencePlan {
  readonly done: string[];
  readonly act: string[];
  readonly wait: string[];
  readonly failed: ({ readonly id: string } & PlanFailure)[];
}

/**
 * Sorts servers into done / act / wait / failed. `goals` gives each server's desired state (one
 * state for a whole resource; each server's initial state when restoring); `submitted` lists the
 * servers this operation already acted on.
 */
export function planConvergence(
  servers: readonly ServerSnapshot[],
  goals: Readonly<Record<string, DesiredState>>,
  submitted: ReadonlySet<string> = new Set(),
): ConvergencePlan {
  const plan: ConvergencePlan = { done: [], act: [], wait: [], failed: [] };
  for (const server of servers) {
    const verdict = classifyServer(server, targetStatus(goals[server.id]), submitted.has(server.id));
    if (verdict.kind === "fail") {
      const { kind: _kind, ...failure } = verdict;
      plan.failed.push({ id: server.id, ...failure });
    } else plan[verdict.kind].push(server.id);
  }
  return plan;
}

/** The goals that return servers to the status they had before this resource first changed them. */
export function restoreGoals(initialStates: Readonly<Record<string, string>>): Record<string, DesiredState> {
  const goals: Record<string, DesiredState> = {};
  for (const [id, status] of Object.entries(initialStates)) {
    if (status === "ACTIVE") goals[id] = "running";
    else if (status === "SHUTOFF") goals[id] = "stopped";
  }
  return goals;
}
