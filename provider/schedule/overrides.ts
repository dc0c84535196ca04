/**
 * The `overrides`: calendar dates in the schedule's timezone, both ends inclusive, each deciding the
 * whole of every date it covers, over the windows. When several cover a date, the first listed wins.
 * Pure: dates are compared as dates, never as instants.
 */
import type { ScheduleOverride } from "./schema";
import { formatDate, type CivilDate } from "./zonedTime";

/** The override deciding `date`, with its index in `overrides`; undefined when none covers it. */
export function overrideOn(
  overrides: readonly ScheduleOverride[],
  date: CivilDate,
): { readonly override: ScheduleOverride; readonly index: number } | undefined {
  // YYYY-MM-DD strings compare as the dates they spell.
  const day = formatDate(date);
  const index = overrides.findIndex((o) => o.from <= day && day <= o.to);
  return index < 0 ? undefined : { override: overrides[index], index };
}

/** `2026-12-24 to 2026-12-26, "office closed"` */
export function describeOverride(override: ScheduleOverride): string {
  const days = override.from === override.to ? override.from : `${override.from} to ${override.to}`;
  return override.reason === undefined ? days : `${days}, ${JSON.stringify(override.reason)}`;
}
