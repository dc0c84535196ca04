/**
 * The `running` windows as intervals of instants. A window belongs to the day it starts on: on each
 * of its `days` it runs from `from` that day to `to` the same day, or, when `to` is at or before
 * `from`, to `to` the next day; `24:00` is the next midnight. Each end is placed with the zone's DST
 * rules (provider/schedule/zonedTime.ts), so a window is as long as the wall clock says: 22:00–02:00
 * is 3 hours on a spring-forward night, 5 on a fall-back one. Pure.
 */
import { minutesOf, WEEKDAYS, type ScheduleWindow } from "./schema";
import { addDays, instantOf, isoWeekdayIndex, type CivilDate, type ZoneClock } from "./zonedTime";

/** One occurrence of a window: [startMs, endMs), started on `date`. */
export interface WindowOccurrence {
  /** The window's index in `running`. */
  readonly index: number;
  readonly date: CivilDate;
  readonly startMs: number;
  readonly endMs: number;
}

/** Whether the window ends on the day after it starts (its `to` at or before its `from`, or `24:00`). */
export function crossesMidnight(window: ScheduleWindow): boolean {
  return minutesOf(window.to) <= minutesOf(window.from) || window.to === "24:00";
}

/** The occurrence of window `index` that starts on `date`; undefined when `date` is not one of its days. */
export function occurrenceOn(
  clock: ZoneClock,
  window: ScheduleWindow,
  index: number,
  date: CivilDate,
): WindowOccurrence | undefined {
  if (!window.days.includes(WEEKDAYS[isoWeekdayIndex(date)])) return undefined;
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  const endDate = to <= from ? addDays(date, 1) : date;
  return {
    index,
    date,
    startMs: instantOf(clock, { ...date, minutes: from }),
    // 24:00 is 1440 minutes after the start of `date`: the next midnight, placed as such.
    endMs: instantOf(clock, { ...endDate, minutes: to }),
  };
}

/** Every occurrence starting on the dates from `first` to `last` (inclusive), in date then window order. */
export function occurrencesBetween(
  clock: ZoneClock,
  windows: readonly ScheduleWindow[],
  first: CivilDate,
  last: CivilDate,
): WindowOccurrence[] {
  const out: WindowOccurrence[] = [];
  for (let date = first; compare(date, last) <= 0; date = addDays(date, 1)) {
    windows.forEach((window, index) => {
      const occurrence = occurrenceOn(clock, window, index, date);
      // On a spring-forward day a window inside the gap (02:00–02:30) has no instant at all.
      if (occurrence !== undefined && occurrence.endMs > occurrence.startMs) out.push(occurrence);
    });
  }
  return out;
}

/**
 * The occurrence that contains `atMs`, the first listed when windows overlap; undefined outside
 * every window. `localDate` is the zone's date at `atMs`: only windows started that day or the day
 * before can contain it (a window lasts at most a day, give or take a DST change).
 */
export function windowContaining(
  clock: ZoneClock,
  windows: readonly ScheduleWindow[],
  localDate: CivilDate,
  atMs: number,
): WindowOccurrence | undefined {
  const candidates = occurrencesBetween(clock, windows, addDays(localDate, -1), localDate).filter(
    (o) => o.startMs <= atMs && atMs < o.endMs,
  );
  candidates.sort((a, b) => a.index - b.index);
  return candidates[0];
}

/** `mon,tue,wed 08:00–19:00` */
export function describeWindow(window: ScheduleWindow): string {
  return `${window.days.join(",")} ${window.from}–${window.to}`;
}

function compare(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}
