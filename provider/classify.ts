/**
 * What a failed call means to the converger, as pure predicates over the client's errors (after
 * smithy's one module of error classification): what the error says (`describeError`), whether a
 * failed read may pass if tried again, and what kind of failure a refused submission is. The
 * converger asks these and never looks at codes itself. When to retry one HTTP attempt is the
 * retry policy's (`retryPolicy.ts`); this module starts where the client's own retries end.
 */
import { asHuaweiCode, EcsError, type EcsErrorCode, type HuaweiErrorCode, type ServerErrorCode } from "./errors";

/** One failure as the converger keeps it: our code, Huawei's code when there is one, a message about one server. */
export interface ErrorInfo {
  /** The client's code; `ERROR` for anything else thrown. */
  readonly code: EcsErrorCode | "ERROR";
  readonly huaweiCode?: HuaweiErrorCode;
  readonly message: string;
}

/**
 * Read failures that outlasted the client's own retries but may still pass: the network, a timeout,
 * a 5xx, throttling, a garbled answer. Reads are safe to repeat, so once reads have worked in this
 * operation the operation keeps trying them until its own deadline instead of failing on the first
 * bad minute. Before any read has worked the same failures are more likely a wrong endpoint: they
 * fail at once.
 */
const TRANSIENT_READ_CODES: readonly string[] = [
  "ECS_NETWORK",
  "ECS_TIMEOUT",
  "ECS_SERVER_ERROR",
  "ECS_THROTTLED",
  "ECS_BUSY",
  "ECS_BAD_RESPONSE",
];
/** Synchronous rejections that are about one server's state: look again, then decide. */
const SERVER_STATE_CODES: readonly string[] = ["Ecs.0100", "Ecs.0114", "Ecs.0614", "Ecs.0605"];

/**
 * Refusals that say only that a server's state does not allow the action *now*: `Ecs.0100` "The ECS
 * status does not meet requirements" (Huawei's ECS error-code table; reference §4: "re-read state").
 * A server idle in the other stable status that is refused this may have a job queued (INIT) whose
 * task does not show yet, say one of an interrupted run: looked at again and sent again, never
 * failed at once. The other busy code, `Ecs.0603` "other commands executing, try again in a minute",
 * is retried by the client itself (retryPolicy.ts `busyHuaweiCodes`).
 */
const STATE_CONFLICT_CODES: readonly string[] = ["Ecs.0100"];

/** Huawei's code says the server's state conflicts with the action for now (see STATE_CONFLICT_CODES). */
export function isStateConflictCode(code: string | null | undefined): boolean {
  return typeof code === "string" && STATE_CONFLICT_CODES.includes(code);
}

/**
 * The client's error. Matched by shape, not `instanceof`: Pulumi's closure serializer rewrites the
 * class, so an error thrown inside the serialized provider may not be an instance of this module's.
 */
export function isEcsError(error: unknown): error is EcsError {
  if (error instanceof EcsError) return true;
  const e = error as { name?: unknown; code?: unknown } | null;
  return typeof e === "object" && e !== null && e.name === "EcsError" && typeof e.code === "string";
}

/**
 * Reads the structured fields of the client's errors (and copes with anything else thrown). The
 * message is about one server: Huawei's message, the request id and the hint, without the server list.
 */
export function describeError(error: unknown): ErrorInfo {
  if (error && typeof error === "object") {
    const e = error as {
      code?: unknown;
      huaweiCode?: unknown;
      huaweiMessage?: unknown;
      reason?: unknown;
      requestId?: unknown;
      hint?: unknown;
      operation?: unknown;
      message?: unknown;
    };
    const text = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
    const what = text(e.huaweiMessage) ?? text(e.reason);
    const parts = what
      ? [
          `${text(e.operation) ? `${text(e.operation)}: ` : ""}${what}`,
          text(e.requestId) && `(request id ${text(e.requestId)})`,
          text(e.hint),
        ]
      : [text(e.message) ?? String(error)];
    const huaweiCode = text(e.huaweiCode);
    return {
      code: isEcsError(error) ? error.code : "ERROR",
      huaweiCode: huaweiCode === undefined ? undefined : asHuaweiCode(huaweiCode),
      message: parts.filter((p): p is string => Boolean(p)).join(" "),
    };
  }
  return { code: "ERROR", message: String(error) };
}

/** The servers of the call that failed (an EcsError's `serverIds`); empty when the error names none. */
export function serverIdsOf(error: unknown): string[] {
  return isEcsError(error) && Array.isArray(error.serverIds) ? [...error.serverIds] : [];
}

/** The code a server's record shows for a call's failure: Huawei's own when there is one, else ours. */
export function shownCode(info: ErrorInfo): ServerErrorCode {
  return info.huaweiCode ?? info.code;
}

/** A failure of a read that may pass if tried again (after the client's own retries gave up). */
export function isTransientReadCode(code: string): boolean {
  return TRANSIENT_READ_CODES.includes(code);
}

/** Where the operation stood when a read failed. */
export interface ReadContext {
  /** A server list has answered in this operation: only then are read failures taken as transient. */
  readonly listed: boolean;
  /** The operation's own deadline has passed. */
  readonly deadlineReached: boolean;
  /** The caller cancelled the operation. */
  readonly cancelled: boolean;
}

/** A failed server list to try again next round rather than end the operation with. */
export function isTransientRead(info: ErrorInfo, context: ReadContext): boolean {
  return (
    (context.listed && isTransientReadCode(info.code)) ||
    // Cut off by the operation's deadline (not by a cancellation): the waiter ends it as a timeout.
    (info.code === "ECS_ABORTED" && context.deadlineReached && !context.cancelled)
  );
}

/** A call cut off by the operation's signal (the deadline or a cancellation): nothing was learned. */
export function isAborted(info: ErrorInfo): boolean {
  return info.code === "ECS_ABORTED";
}

/**
 * What a refused batch action means for the servers it named:
 * - `ambiguous`: sent, no answer: it may have been accepted (never sent again in this operation);
 * - `server-state`: rejected before acceptance because of some server's state: look again, re-plan once;
 * - `deadline`: not sent, the operation's deadline came first (pacing waits included);
 * - `other`: refused for good.
 */
export type SubmissionFailureKind = "ambiguous" | "server-state" | "deadline" | "other";

export function submissionFailureKind(info: ErrorInfo, deadlineReached: boolean): SubmissionFailureKind {
  if (info.code === "ECS_AMBIGUOUS_SUBMIT") return "ambiguous";
  if (info.huaweiCode !== undefined && SERVER_STATE_CODES.includes(info.huaweiCode)) return "server-state";
  if (info.code === "ECS_ABORTED" && deadlineReached) return "deadline";
  return "other";
}
