/**
 * Wall-clock time in an IANA timezone ↔ instants, and the civil-date arithmetic the schedule needs.
 *
 * Why `Intl` and no library: Node has shipped full ICU (every IANA zone and its rules, updated with
 * each release) since Node 13, and this package requires Node ≥ 20, so `Intl.DateTimeFormat` with a
 * `timeZone` already answers "what does the wall clock read at this instant in that zone" for every
 * zone, including half-hour (Australia/Lord_Howe) and 45-minute (Asia/Kathmandu) offsets. Everything
 * else is derived from that one question; there is no table of offsets or rules here.
 *
 * The DST rules this product uses (issue 21), in `instantOf`:
 * - a wall-clock time that does not exist (the spring-forward gap) means the first instant after the
 *   gap: 02:30 on a night the clocks go 02:00 → 03:00 is 03:00 (what cron implementations do; unlike
 *   Temporal's "compatible", which would give 03:30);
 * - an ambiguous wall-clock time (the fall-back overlap) means its first occurrence (Temporal's
 *   "earlier", also cron's).
 *
 * Nothing here keeps state between calls: the provider is serialized into the stack by Pulumi's
 * closure serializer, which cannot capture an `Intl` object held at module level.
 */

/** A calendar date (proleptic Gregorian, as `Date.UTC` counts), month 1–12. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A wall-clock reading: a date and minutes since its midnight (0–1440; 1440 is `24:00`, the next midnight). */
export interface WallClock extends CivilDate {
  readonly minutes: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Reads the wall clock of one zone; built once per evaluation (one `Intl.DateTimeFormat`). */
export interface ZoneClock {
  readonly timezone: string;
  /** The zone's wall clock at `instantMs` (seconds dropped). */
  wallClockAt(instantMs: number): WallClock & { readonly seconds: number };
  /** The zone's offset from UTC at `instantMs`, in milliseconds (east positive). */
  offsetAt(instantMs: number): number;
}

/** A clock of `timezone`; throws a RangeError for a name `Intl` does not know (check validates first). */
export function zoneClock(timezone: string): ZoneClock {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
    era: "short",
  });
  const fieldsAt = (instantMs: number) => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(new Date(instantMs))) parts[part.type] = part.value;
    // Years before 1 CE come as "n BC": astronomical numbering, as Date.UTC counts.
    const year = parts.era === "BC" ? 1 - Number(parts.year) : Number(parts.year);
    return {
      year,
      month: Number(parts.month),
      day: Number(parts.day),
      hour: Number(parts.hour),
      minute: Number(parts.minute),
      second: Number(parts.second),
    };
  };
  return {
    timezone,
    wallClockAt(instantMs) {
      const f = fieldsAt(instantMs);
      return { year: f.year, month: f.month, day: f.day, minutes: f.hour * 60 + f.minute, seconds: f.second };
    },
    offsetAt(instantMs) {
      const f = fieldsAt(instantMs);
      const asUtc = utcMs(f) + (f.hour * 60 + f.minute) * MINUTE_MS + f.second * 1000;
      // The reading has whole seconds: compare it with the instant cut to its second.
      return asUtc - (instantMs - (((instantMs % 1000) + 1000) % 1000));
    },
  };
}

/**
 * The instant a wall-clock reading in the zone means. A reading that occurs twice (fall-back) is its
 * first occurrence; one that does not occur (spring-forward gap) is the first instant after the gap.
 */
export function instantOf(clock: ZoneClock, wall: WallClock): number {
  const local = utcMs(wall) + wall.minutes * MINUTE_MS;
  // The offsets in force a day either side: every offset the reading can be read with (no zone
  // changes its offset twice within two days).
  const before = clock.offsetAt(local - DAY_MS);
  const after = clock.offsetAt(local + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((instant) => clock.offsetAt(instant) === local - instant)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0];
  // In the gap: the offset jumps from `before` to `after` somewhere between these two instants; the
  // first instant after the gap is that jump.
  return firstInstantWithOffset(clock, local - after, local - before, after);
}

/** The first instant in [lowMs, highMs] whose offset is `offset` (it holds at highMs), to the millisecond. */
function firstInstantWithOffset(clock: ZoneClock, lowMs: number, highMs: number, offset: number): number {
  let low = lowMs;
  let high = highMs;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (clock.offsetAt(middle) === offset) high = middle;
    else low = middle;
  }
  return clock.offsetAt(low) === offset ? low : high;
}

/** Midnight UTC of a civil date, in epoch milliseconds (civil arithmetic only, no zone). */
export function utcMs(date: CivilDate): number {
  const ms = Date.UTC(date.year, date.month - 1, date.day);
  // Date.UTC maps years 0–99 to 1900–1999: set the year explicitly.
  if (date.year >= 0 && date.year < 100) {
    const d = new Date(ms);
    d.setUTCFullYear(date.year);
    return d.getTime();
  }
  return ms;
}

/** The civil date `days` after `date` (negative: before). */
export function addDays(date: CivilDate, days: number): CivilDate {
  const d = new Date(utcMs(date) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Monday … 6 = Sunday (ISO order, as the schedule's `days` list them). */
export function isoWeekdayIndex(date: CivilDate): number {
  return (new Date(utcMs(date)).getUTCDay() + 6) % 7;
}

/** `2026-03-29` */
export function formatDate(date: CivilDate): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** Compares two civil dates: negative, 0 or positive. */
export function compareDates(a: CivilDate, b: CivilDate): number {
  return utcMs(a) - utcMs(b);
}

/**
 * An instant as ISO 8601 with the zone's offset at that instant: `2026-03-29T03:00:00+02:00`
 * (`Z` never: the offset is the zone's, `+00:00` in London in winter).
 */
export function formatZoned(clock: ZoneClock, instantMs: number): string {
  const wall = clock.wallClockAt(instantMs);
  const offsetMinutes = Math.round(clock.offsetAt(instantMs) / MINUTE_MS);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(Math.floor(wall.minutes / 60))}:${pad(wall.minutes % 60)}:${pad(wall.seconds)}`;
  return `${formatDate(wall)}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
