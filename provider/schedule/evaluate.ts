/**
 * A schedule evaluated at an instant: the state it declares then, what decided it, and the next
 * instant its state changes. One pure function of (schedule, instant); the zone rules are `Intl`'s
 * (provider/schedule/zonedTime.ts).
 *
 * The next transition is found by walking the candidate boundaries (window starts and ends,
 * midnights, where overrides begin and end) in order and evaluating the state at each, never by
 * stepping minute by minute.
 */
import type { z } from "zod";
import type { DesiredState } from "../inputs";
import type { ScheduleEvaluation, ScheduleTransition } from "../publicTypes";
import { describeOverride, overrideOn } from "./overrides";
import { scheduleSchema, type Schedule } from "./schema";
import { describeWindow, occurrencesBetween, windowContaining } from "./windows";
import { addDays, instantOf, zoneClock, type CivilDate, type ZoneClock } from "./zonedTime";

/** How far ahead `next` is looked for. */
export const NEXT_HORIZON_DAYS = 14;
const DAY_MS = 86_400_000;

export type { ScheduleEvaluation, ScheduleTransition };

/** The schedule as a program writes it: the fields with defaults may be left out. */
export type ScheduleInput = z.input<ReturnType<typeof scheduleSchema>>;

/**
 * What `schedule` declares at `at`. Throws an Error naming each problem when the schedule breaks a
 * rule (the same messages as `pulumi preview`).
 */
export function scheduledStateAt(schedule: ScheduleInput, at: Date): ScheduleEvaluation {
  const parsed = scheduleSchema().safeParse(schedule);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${["schedule", ...i.path].join(".")}: ${i.message}`);
    throw new Error(`invalid schedule: ${problems.join("; ")}`);
  }
  return evaluateSchedule(parsed.data, at.getTime());
}

/** `scheduledStateAt` for a schedule that passed check. */
export function evaluateSchedule(schedule: Schedule, atMs: number): ScheduleEvaluation {
  const clock = zoneClock(schedule.timezone);
  const now = stateAt(schedule, clock, atMs);
  const next = nextTransition(schedule, clock, atMs, now.state);
  return next === undefined ? now : { ...now, next };
}

/** The next `count` transitions after `atMs` (each within 14 days of the one before). */
export function transitionsAfter(schedule: Schedule, atMs: number, count: number): ScheduleTransition[] {
  const clock = zoneClock(schedule.timezone);
  const out: ScheduleTransition[] = [];
  let from = atMs;
  let state = stateAt(schedule, clock, atMs).state;
  while (out.length < count) {
    const next = nextTransition(schedule, clock, from, state);
    if (next === undefined) break;
    out.push(next);
    from = next.at.getTime();
    state = next.state;
  }
  return out;
}

/** The state on [atMs, the next boundary), and why. */
function stateAt(schedule: Schedule, clock: ZoneClock, atMs: number): Omit<ScheduleEvaluation, "next"> {
  const date = clock.wallClockAt(atMs);
  const override = overrideOn(schedule.overrides, date);
  if (override !== undefined) {
    return {
      state: override.override.state,
      reason: `override overrides[${override.index}] (${describeOverride(override.override)})`,
    };
  }
  const window = windowContaining(clock, schedule.running, date, atMs);
  if (window !== undefined) {
    return {
      state: "running",
      reason: `window running[${window.index}] (${describeWindow(schedule.running[window.index])} ${schedule.timezone})`,
    };
  }
  return {
    state: "stopped",
    reason:
      schedule.running.length === 0
        ? "no running window, and no override on this date"
        : `outside every running window (${schedule.timezone})`,
  };
}

/** The first boundary in (atMs, atMs + 14 days] at which the state differs from `current`. */
function nextTransition(
  schedule: Schedule,
  clock: ZoneClock,
  atMs: number,
  current: DesiredState,
): ScheduleTransition | undefined {
  const horizonMs = atMs + NEXT_HORIZON_DAYS * DAY_MS;
  for (const boundary of boundaries(schedule, clock, clock.wallClockAt(atMs), atMs, horizonMs)) {
    const state = stateAt(schedule, clock, boundary).state;
    if (state !== current) return { at: new Date(boundary), state };
  }
  return undefined;
}

/** Every instant in (afterMs, untilMs] where the state may change, sorted, without repeats. */
function boundaries(
  schedule: Schedule,
  clock: ZoneClock,
  today: CivilDate,
  afterMs: number,
  untilMs: number,
): number[] {
  const first = addDays(today, -1);
  const last = addDays(today, NEXT_HORIZON_DAYS + 1);
  const instants = new Set<number>();
  for (const o of occurrencesBetween(clock, schedule.running, first, last)) {
    instants.add(o.startMs);
    instants.add(o.endMs);
  }
  // Midnights: where an override starts or ends (a window left or entered at midnight is already in).
  if (schedule.overrides.length > 0) {
    for (let date = first, midnight = instantOf(clock, { ...first, minutes: 0 }); midnight <= untilMs;) {
      instants.add(midnight);
      date = addDays(date, 1);
      midnight = instantOf(clock, { ...date, minutes: 0 });
    }
  }
  return [...instants].filter((t) => t > afterMs && t <= untilMs).sort((a, b) => a - b);
}
