/**
 * `enforce`: which declared servers an operation converges to the scheduled state.
 *
 * - `"always"` (default): all of them, every time (a server started by hand at night is stopped
 *   again at the next up that sees it, through `pulumi refresh` or `up --refresh`).
 * - `"at-transitions"`: all of them when the scheduled state changed since the last converge (or on
 *   create); between transitions only those the last converge did not settle (a new member, one
 *   that failed): the others are left as they are, whatever someone did to them since, and reported
 *   (AWS Instance Scheduler's non-enforced mode).
 *
 * Pure: the record says what the last converge did, the inputs what the schedule says now.
 */
import type { ServerRecord } from "../converge";
import type { DesiredState } from "../inputs";
import type { Schedule } from "./schema";

/** What enforcement reads of the inputs: the schedule, the state it says now, the servers acted on. */
export interface ScheduledInputs {
  readonly schedule?: Schedule | undefined;
  readonly state?: DesiredState | undefined;
  readonly serverIds?: readonly string[] | undefined;
}

/** What enforcement reads of the record: the state last converged to and each server as last seen. */
export interface LastConverge {
  readonly state?: DesiredState | undefined;
  readonly servers?: Readonly<Record<string, ServerRecord>> | undefined;
}

/** Whether the scheduled state differs from the one last converged to (always true on create). */
export function isTransition(inputs: ScheduledInputs, record: LastConverge | undefined): boolean {
  return record?.state === undefined || record.state !== inputs.state;
}

/**
 * The declared servers this operation leaves as they are: under "at-transitions" and between
 * transitions, those the last converge recorded without an error. Empty otherwise.
 */
export function serversLeftAlone(inputs: ScheduledInputs, record: LastConverge | undefined): string[] {
  if (inputs.schedule?.enforce !== "at-transitions" || isTransition(inputs, record)) return [];
  return (inputs.serverIds ?? []).filter((id) => {
    const last = record?.servers?.[id];
    return last !== undefined && !last.error;
  });
}

/** Those left alone whose last reading (a refresh) shows them out of the scheduled state: changed by hand. */
export function changedByHand(
  inputs: ScheduledInputs,
  record: LastConverge | undefined,
  target: string,
): { readonly id: string; readonly status: string | null }[] {
  return serversLeftAlone(inputs, record)
    .map((id) => ({ id, last: record?.servers?.[id] }))
    .filter(({ last }) => last !== undefined && (last.status !== target || last.taskState))
    .map(({ id, last }) => ({ id, status: last?.status ?? null }));
}
