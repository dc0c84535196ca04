/**
 * The schedule's outputs after an operation: its state and reason then, its next change (ISO 8601
 * with the zone's offset), and when the fleet was last converged to a new scheduled state. Pure.
 */
import type { NextTransition } from "../publicTypes";
import type { DesiredState } from "../inputs";
import { evaluateSchedule } from "./evaluate";
import { isTransition, type LastConverge, type ScheduledInputs } from "./enforce";
import { formatZoned, zoneClock } from "./zonedTime";

export interface ScheduleOutputs {
  scheduledState: DesiredState;
  scheduleReason: string;
  nextTransition: NextTransition | null;
  lastTransitionAt: string;
}

/** None without a schedule; `nowMs` is when the operation ran. */
export function scheduleOutputs(
  inputs: ScheduledInputs,
  record: (LastConverge & { readonly lastTransitionAt?: string | undefined }) | undefined,
  nowMs: number,
): ScheduleOutputs | Record<string, never> {
  if (inputs.schedule === undefined) return {};
  const evaluation = evaluateSchedule(inputs.schedule, nowMs);
  const clock = zoneClock(inputs.schedule.timezone);
  const nowIso = new Date(nowMs).toISOString();
  return {
    scheduledState: evaluation.state,
    scheduleReason: evaluation.reason,
    nextTransition:
      evaluation.next === undefined
        ? null
        : { at: formatZoned(clock, evaluation.next.at.getTime()), state: evaluation.next.state },
    lastTransitionAt: isTransition(inputs, record) ? nowIso : (record?.lastTransitionAt ?? nowIso),
  };
}
