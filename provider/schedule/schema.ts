/**
 * The `schedule` input: when a fleet runs, in its own timezone (issue 21).
 *
 * - `timezone`: an IANA name (`Europe/Berlin`), as the runtime's `Intl` knows it.
 * - `running`: windows `{ days, from, to }`; outside every window the fleet is stopped. `days` are
 *   `mon`…`sun`; `from`/`to` are `HH:MM`, `to` may be `24:00`; a window whose `to` is at or before
 *   its `from` crosses midnight and belongs to the day it starts on; `from` equal to `to` is an
 *   error. Overlapping windows union.
 * - `overrides`: `{ from, to, state, reason? }`, calendar dates in the timezone, both ends inclusive;
 *   one covering a date decides the whole of that date (the first listed, when several do).
 * - `enforce`: `"always"` (default) or `"at-transitions"` (provider/schedule/enforce.ts).
 *
 * Every message names the rule; the path (`schedule.running[0].from`) and the value are added where
 * issues become words (provider/issues.ts). Built inside functions: the provider is serialized.
 */
import { z } from "zod";
import { DESIRED_STATES } from "../inputs";
import { canonicalSpelling, closestTimezones, isKnownTimezone } from "./closestTimezones";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const ENFORCE_MODES = ["always", "at-transitions"] as const;
/** The fields of `schedule`, for messages. */
export const SCHEDULE_FIELDS = ["timezone", "running", "overrides", "enforce"] as const;

const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes since midnight of `HH:MM` (`24:00` → 1440). The value has passed the schema. */
export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Whether `YYYY-MM-DD` is a real calendar date (2028-02-29 is, 2026-02-29 is not). */
export function isCalendarDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function timeSchema(allow24: boolean) {
  const expected = allow24 ? "a time HH:MM from 00:00 to 24:00" : "a time HH:MM from 00:00 to 23:59";
  return z
    .string({ error: `expected ${expected} (a string)` })
    .refine((t) => TIME_PATTERN.test(t) || (allow24 && t === "24:00"), {
      error: `expected ${expected}, two digits each (08:00, not 8:00)`,
    });
}

function dateSchema() {
  return z
    .string({ error: "expected a calendar date YYYY-MM-DD (a string)" })
    .refine(isCalendarDate, { error: "expected a calendar date YYYY-MM-DD that exists (2028-02-29, not 2026-02-29)" });
}

export function windowSchema() {
  return z
    .strictObject(
      {
        days: z
          .array(
            z.enum(WEEKDAYS, {
              error: (issue) => `expected a day: ${WEEKDAYS.join(", ")}${dayHint(issue.input)}`,
            }),
            { error: `expected a list of days (${WEEKDAYS.join(", ")})` },
          )
          .min(1, { error: `expected at least one day (${WEEKDAYS.join(", ")})` }),
        from: timeSchema(false),
        to: timeSchema(true),
      },
      { error: "expected a window { days, from, to }" },
    )
    .check((ctx) => {
      if (ctx.value.from === ctx.value.to)
        ctx.issues.push({
          code: "custom",
          input: ctx.value.to,
          path: ["to"],
          message: `expected a time other than from (${ctx.value.from}): a window from a time to the same time is empty (for a whole day write from "00:00" to "24:00")`,
        });
    });
}

export function overrideSchema() {
  return z
    .strictObject(
      {
        from: dateSchema(),
        to: dateSchema(),
        state: z.enum(DESIRED_STATES, { error: `expected "stopped" or "running"` }),
        reason: z.string({ error: "expected a reason (a string)" }).optional(),
      },
      { error: "expected an override { from, to, state, reason? }" },
    )
    .check((ctx) => {
      if (ctx.value.to < ctx.value.from)
        ctx.issues.push({
          code: "custom",
          input: ctx.value.to,
          path: ["to"],
          message: `expected a date on or after from (${ctx.value.from}): both ends are inclusive, one day is from = to`,
        });
    });
}

export function scheduleSchema() {
  return z
    .strictObject(
      {
        timezone: z
          .string({ error: "expected an IANA timezone name such as Europe/Berlin (a string)" })
          .check((ctx) => {
            const message = timezoneProblem(ctx.value);
            if (message !== undefined) ctx.issues.push({ code: "custom", input: ctx.value, message });
          }),
        running: z.array(windowSchema(), { error: "expected a list of windows { days, from, to }" }).default([]),
        overrides: z
          .array(overrideSchema(), { error: "expected a list of overrides { from, to, state, reason? }" })
          .default([]),
        enforce: z.enum(ENFORCE_MODES, { error: `expected "always" or "at-transitions"` }).default("always"),
      },
      { error: `expected an object with ${SCHEDULE_FIELDS.join(", ")}` },
    )
    .check((ctx) => {
      if (ctx.value.running.length === 0 && ctx.value.overrides.length === 0)
        ctx.issues.push({
          code: "custom",
          input: ctx.value.running,
          path: ["running"],
          message:
            'expected at least one window { days, from, to } (or an override): with neither, the fleet would be stopped at all times; say state: "stopped" instead',
        });
    });
}

/** The schedule after check: defaults applied. */
export type Schedule = z.output<ReturnType<typeof scheduleSchema>>;
export type ScheduleWindow = Schedule["running"][number];
export type ScheduleOverride = Schedule["overrides"][number];
export type Weekday = (typeof WEEKDAYS)[number];
export type EnforceMode = (typeof ENFORCE_MODES)[number];

/** The fields of the object at a path under `schedule` (`schedule`, `schedule.running[0]`, `schedule.overrides[1]`), for messages. */
export function fieldsOfSchedulePath(path: string): readonly string[] {
  if (/^schedule\.running\[\d+\]$/.test(path)) return ["days", "from", "to"];
  if (/^schedule\.overrides\[\d+\]$/.test(path)) return ["from", "to", "state", "reason"];
  return SCHEDULE_FIELDS;
}

/** Why `timezone` is not usable, with the closest valid names; undefined when it is. */
export function timezoneProblem(timezone: string): string | undefined {
  if (!isKnownTimezone(timezone)) {
    const closest = closestTimezones(timezone).map((name) => JSON.stringify(name));
    return `expected an IANA timezone name (Area/City, as in the tz database) that this Node.js knows; closest: ${closest.join(", ")}`;
  }
  const spelt = canonicalSpelling(timezone);
  return spelt === undefined
    ? undefined
    : `expected the name as the tz database spells it; did you mean ${JSON.stringify(spelt)}?`;
}

/** `; did you mean "mon"?` for `Monday`, `MON`, `mo`... */
function dayHint(value: unknown): string {
  if (typeof value !== "string") return "";
  const match = WEEKDAYS.find(
    (day) =>
      value.trim().toLowerCase().startsWith(day) ||
      (value.trim().length >= 2 && day.startsWith(value.trim().toLowerCase())),
  );
  return match === undefined ? "" : `; did you mean ${JSON.stringify(match)}?`;
}
