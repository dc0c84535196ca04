/**
 * The one error class of the ECS client. Callers match on the stable `code`, never on `message`;
 * `message` is one readable line for a human: what failed, Huawei's own code, message and request
 * id, the servers concerned, then what to do next.
 *
 * Nothing here ever sees a secret key, security token or Authorization header: the transport only
 * passes response data in, and scrubs it with `redactSecrets` first in case a server echoes them.
 */
import type { BatchSubmission, EcsErrorCode, EcsErrorInit, HuaweiErrorCode } from "./publicTypes";

export type { BatchSubmission, EcsErrorCode, EcsErrorInit, HuaweiErrorCode, ServerErrorCode } from "./publicTypes";

/** Huawei's code as the API gave it (a response's `error.code`/`error_code`, a sub-job's `error_code`). */
export function asHuaweiCode(code: string): HuaweiErrorCode {
  return code as HuaweiErrorCode;
}

/** The batch actions of `POST /v1/{project_id}/cloudservers/action`. */
export const BATCH_ACTIONS = ["os-stop", "os-start", "reboot"] as const;
export type BatchActionName = (typeof BATCH_ACTIONS)[number];
/** os-stop's and reboot's `type`: SOFT (ACPI, the guest shuts down) or HARD (forced). */
export const POWER_ACTION_TYPES = ["SOFT", "HARD"] as const;
export type PowerActionType = (typeof POWER_ACTION_TYPES)[number];

/** How many server ids a message lists before "and N more". */
const MAX_IDS_IN_MESSAGE = 10;

export class EcsError extends Error {
  readonly code: EcsErrorCode;
  readonly operation: string;
  readonly reason?: string;
  readonly statusCode?: number;
  readonly huaweiCode?: string;
  readonly huaweiMessage?: string;
  readonly requestId?: string;
  readonly route?: string;
  readonly serverIds: readonly string[];
  readonly hint?: string;
  /** Attempts made before giving up (1 when not retried). */
  readonly attempts?: number;
  /** Batch calls accepted before this error: their jobs are running, the caller must not lose them. */
  readonly submitted: readonly BatchSubmission[];

  constructor(init: EcsErrorInit) {
    const message = formatEcsErrorMessage(init);
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    // Pulumi's closure serializer rewrites this class as a function calling `Error.call(this, ...)`,
    // which sets nothing on `this`: set what `super` would have set, as Error sets it.
    if (this.message !== message) {
      Object.defineProperty(this, "message", { value: message, writable: true, configurable: true, enumerable: false });
      if (init.cause !== undefined)
        Object.defineProperty(this, "cause", {
          value: init.cause,
          writable: true,
          configurable: true,
          enumerable: false,
        });
      Error.captureStackTrace(this, EcsError);
    }
    this.name = "EcsError";
    this.code = init.code;
    this.operation = init.operation;
    this.reason = init.reason;
    this.statusCode = init.statusCode;
    this.huaweiCode = init.huaweiCode;
    this.huaweiMessage = init.huaweiMessage;
    this.requestId = init.requestId;
    this.route = init.route;
    this.serverIds = init.serverIds ?? [];
    this.hint = init.hint;
    this.attempts = init.attempts;
    this.submitted = init.submitted ?? [];
  }

  /**
   * The structured fields for logs (`JSON.stringify` of a plain Error drops `message`). `cause` is
   * left out: it may be a raw socket error. Having a method also makes Pulumi's closure serializer
   * keep `Error.prototype` in the chain (without one, `instanceof Error` is false once serialized).
   */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      operation: this.operation,
      reason: this.reason,
      statusCode: this.statusCode,
      huaweiCode: this.huaweiCode,
      huaweiMessage: this.huaweiMessage,
      requestId: this.requestId,
      route: this.route,
      serverIds: this.serverIds,
      hint: this.hint,
      attempts: this.attempts,
      submitted: this.submitted,
    };
  }
}

/** The same error with the batch calls accepted before it attached (the message names their job ids). */
export function withSubmitted(error: EcsError, submitted: readonly BatchSubmission[]): EcsError {
  return new EcsError({
    code: error.code,
    operation: error.operation,
    reason: error.reason,
    statusCode: error.statusCode,
    huaweiCode: error.huaweiCode,
    huaweiMessage: error.huaweiMessage,
    requestId: error.requestId,
    route: error.route,
    serverIds: error.serverIds,
    hint: error.hint,
    attempts: error.attempts,
    submitted,
    cause: error.cause,
  });
}

/** `a, b, c and 12 more`: long fleets must not turn a message into a wall of ids. */
export function formatServerList(serverIds: readonly string[], max: number = MAX_IDS_IN_MESSAGE): string {
  if (serverIds.length <= max) return serverIds.join(", ");
  return `${serverIds.slice(0, max).join(", ")} and ${serverIds.length - max} more`;
}

/** The one-line message: what failed, the answer (or the reason), the servers, the hint. */
export function formatEcsErrorMessage(init: EcsErrorInit): string {
  const http: string[] = [];
  if (init.statusCode !== undefined) http.push(`HTTP ${init.statusCode}`);
  if (init.huaweiCode) http.push(init.huaweiCode);
  if (init.huaweiMessage) http.push(`"${oneLine(init.huaweiMessage)}"`);
  const answer: string[] = [];
  if (http.length > 0) answer.push(http.join(" "));
  if (init.reason) answer.push(oneLine(init.reason));
  let detail = answer.join(" — ");
  if (init.attempts !== undefined && init.attempts > 1) detail += ` after ${init.attempts} attempts`;
  if (init.requestId) detail += ` (request id ${init.requestId})`;
  let message = `${oneLine(init.operation)} failed`;
  if (detail.trim() !== "") message += `: ${detail.trim()}`;
  if (init.serverIds && init.serverIds.length > 0) {
    message += `; server${init.serverIds.length === 1 ? "" : "s"}: ${formatServerList(init.serverIds)}`;
  }
  if (init.submitted && init.submitted.length > 0) {
    message += `; already accepted: job${init.submitted.length === 1 ? "" : "s"} ${init.submitted.map((s) => s.jobId).join(", ")}`;
  }
  if (init.hint) message += `. ${capitalize(oneLine(init.hint))}`;
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

/** Our code for an HTTP answer. Status codes "may not be accurate" (Huawei), so known Huawei codes win. */
export function errorCodeForResponse(statusCode: number, huaweiCode: string | undefined): EcsErrorCode {
  switch (huaweiCode) {
    case "Ecs.0114":
    case "Ecs.0614":
      return "ECS_NOT_FOUND";
    case "Ecs.0605":
      return "ECS_SERVER_LOCKED";
    case "Ecs.0100":
      return "ECS_SERVER_STATE";
    case "Ecs.0118":
      return "ECS_TOO_MANY_SERVERS";
    case "Ecs.0603":
      return "ECS_BUSY";
    case "Common.0011":
      return "ECS_JOB_NOT_FOUND";
    case "Common.0024":
    case "Common.1503":
    case "APIGW.0308":
      return "ECS_THROTTLED";
    case "APIGW.0301":
      return "ECS_AUTH_FAILED";
    case "Ecs.0003":
    case "Pdp.0001":
      return "ECS_FORBIDDEN";
    default:
      break;
  }
  if (statusCode === 401) return "ECS_AUTH_FAILED";
  if (statusCode === 403) return "ECS_FORBIDDEN";
  if (statusCode === 404) return "ECS_NOT_FOUND";
  if (statusCode === 429) return "ECS_THROTTLED";
  if (statusCode >= 500) return "ECS_SERVER_ERROR";
  if (statusCode >= 400) return "ECS_BAD_REQUEST";
  return "ECS_BAD_RESPONSE";
}

export interface HintContext {
  /** The IAM action the call needs, named in the 403 hint. */
  readonly iamAction?: string;
  /** The endpoint origin, named in network hints. */
  readonly endpoint?: string;
  /** Set on a 401 when the server's Date header says our clock is off by more than 15 minutes. */
  readonly clockSkewMinutes?: number;
  /** Huawei's code of the answer: a 403 `Ecs.0003` may be the account, not IAM. */
  readonly huaweiCode?: string;
}

/** One sentence saying what to do next, per error code. */
export function hintFor(code: EcsErrorCode, context: HintContext = {}): string | undefined {
  switch (code) {
    case "ECS_AUTH_FAILED":
      return context.clockSkewMinutes !== undefined
        ? `this machine's clock is about ${context.clockSkewMinutes} minutes off the server's: the gateway rejects signatures more than 15 minutes off UTC; fix the clock (NTP) and retry (do not retry in a loop: 5 failures in a row lock the access key for 5 minutes)`
        : "check the access key / secret key and that this machine's clock is within 15 minutes of UTC (do not retry in a loop: 5 failures in a row lock the access key for 5 minutes)";
    case "ECS_FORBIDDEN":
      return context.huaweiCode === "Ecs.0003"
        ? `${forbiddenHint(context)}; Ecs.0003 also means the account's balance is insufficient or the account is frozen: check it in the Billing Center`
        : forbiddenHint(context);

    case "ECS_NOT_FOUND":
      return "check the server ids, the region and the project: the servers must exist in this project";
    case "ECS_JOB_NOT_FOUND":
      return "the job id is unknown or expired (finished jobs are deleted after one day); run `pulumi refresh` to read the servers' state instead";
    case "ECS_PROJECT_NOT_FOUND":
      return "wrong region or no access: check the region name and that the IAM user of these credentials has access to that region's project";
    case "ECS_SERVER_LOCKED":
      return "unlock the server (console: More > Unlock, or the unlock API) and run `pulumi up` again";
    case "ECS_SERVER_STATE":
      return "the server's state does not allow this action right now; run `pulumi refresh` to read its state, then `pulumi up`";
    case "ECS_TOO_MANY_SERVERS":
      return "send at most 1000 servers per call";
    case "ECS_THROTTLED":
      return "the API is rate limiting this account; wait a few minutes and run `pulumi up` again, or lower huaweicloud:ecsServersPerMinute";
    case "ECS_BUSY":
      return "other operations are running on these servers; wait for them to finish and run `pulumi up` again";
    case "ECS_SERVER_ERROR":
      return "Huawei Cloud reported an internal error; retry later, and quote the request id to support if it persists";
    case "ECS_NETWORK":
      return `check network access to ${context.endpoint ?? "the endpoint"} (DNS, proxy, firewall) and the endpoint URL`;
    case "ECS_TIMEOUT":
      return `${context.endpoint ?? "the endpoint"} did not answer in time; check network access, or raise huaweicloud:ecsRequestTimeoutSeconds`;
    case "ECS_BAD_RESPONSE":
      return "the endpoint did not answer like the ECS API; check that the endpoint URL points at ECS";
    case "ECS_AMBIGUOUS_SUBMIT":
      return "the action may have been accepted; run `pulumi refresh` then `pulumi up`: servers already in the desired state are not acted on again";
    case "ECS_ABORTED":
      return "the operation was cancelled; run `pulumi refresh` to learn the servers' state";
    default:
      return undefined;
  }
}

/** The IAM half of a 403's hint (`Pdp.0001` is an IAM policy denial; `Ecs.0003` may be either). */
function forbiddenHint(context: HintContext): string {
  return context.iamAction
    ? `grant the IAM action ${context.iamAction} in this project to the user of these credentials, or use credentials that have it`
    : "grant the missing IAM permission in this project to the user of these credentials";
}

/**
 * Replaces each secret (secret key, security token, signature) found in `text` by `[REDACTED]`.
 * Secrets shorter than 4 characters are ignored: replacing them would mangle ordinary text.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join("[REDACTED]");
  }
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text[0].toUpperCase() + text.slice(1);
}
