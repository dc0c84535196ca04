/**
 * scheduledStateAt as a table (issue 21, "Done when"). Every expected instant is worked out by hand
 * from the zone's published rules, written next to the row: the offsets (Berlin CET +01 / CEST +02,
 * changes 2026-03-29 01:00Z and 2026-10-25 01:00Z; New York EST −05 / EDT −04, changes 2026-03-08
 * 07:00Z and 2026-11-01 06:00Z; Lord Howe +10:30 / +11, changes 2026-04-05 (02:00 → 01:30) and
 * 2026-10-04 (02:00 → 02:30); Kathmandu +05:45; Shanghai +08) and the weekdays (2026-01-01 is a
 * Thursday, 2028-02-29 a Tuesday).
 */
import { scheduledStateAt, transitionsAfter, scheduleSchema, type ScheduleInput } from "../../../provider/schedule";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"] as const;
const office = (timezone: string, from = "08:00", to = "19:00"): ScheduleInput => ({
  timezone,
  running: [{ days: [...WEEKDAYS], from, to }],
});

interface Row {
  readonly row: string;
  readonly schedule: ScheduleInput;
  readonly at: string;
  readonly state: "running" | "stopped";
  /** The first change after `at`, or null when none within 14 days. */
  readonly next: { readonly at: string; readonly state: "running" | "stopped" } | null;
  /** A fragment of the reason, when the row is about what decided. */
  readonly reason?: string;
}

const rows: Row[] = [
  // Europe/Berlin, spring forward (Sun 2026-03-29).
  {
    row: "Berlin: Friday before the change, 19:30 CET, is after hours; next is Monday 08:00 CEST across the weekend and the change",
    schedule: office("Europe/Berlin"),
    at: "2026-03-27T18:30:00Z",
    state: "stopped",
    next: { at: "2026-03-30T06:00:00Z", state: "running" },
    reason: "outside every running window",
  },
  {
    row: "Berlin: Monday after the change, 06:30Z is 08:30 CEST (07:30 in CET): running",
    schedule: office("Europe/Berlin"),
    at: "2026-03-30T06:30:00Z",
    state: "running",
    next: { at: "2026-03-30T17:00:00Z", state: "stopped" },
    reason: "window running[0] (mon,tue,wed,thu,fri 08:00–19:00 Europe/Berlin)",
  },
  {
    row: "Berlin: Monday after the change, 17:30Z is 19:30 CEST: stopped",
    schedule: office("Europe/Berlin"),
    at: "2026-03-30T17:30:00Z",
    state: "stopped",
    next: { at: "2026-03-31T06:00:00Z", state: "running" },
  },
  // Europe/Berlin, fall back (Sun 2026-10-25).
  {
    row: "Berlin: Friday before the change, 20:00 CEST; next is Monday 08:00 CET = 07:00Z",
    schedule: office("Europe/Berlin"),
    at: "2026-10-23T18:00:00Z",
    state: "stopped",
    next: { at: "2026-10-26T07:00:00Z", state: "running" },
  },
  {
    row: "Berlin: Monday after the change, 06:30Z is 07:30 CET (08:30 in CEST): stopped",
    schedule: office("Europe/Berlin"),
    at: "2026-10-26T06:30:00Z",
    state: "stopped",
    next: { at: "2026-10-26T07:00:00Z", state: "running" },
  },
  // America/New_York (2026-03-08, 2026-11-01).
  {
    row: "New York: Friday 08:30 EST before the change: stopped; next Monday 09:00 EDT = 13:00Z",
    schedule: office("America/New_York", "09:00", "17:00"),
    at: "2026-03-06T13:30:00Z",
    state: "stopped",
    next: { at: "2026-03-06T14:00:00Z", state: "running" },
  },
  {
    row: "New York: Friday 17:00 EST exactly is the end (windows are half-open); next Monday 09:00 EDT = 13:00Z",
    schedule: office("America/New_York", "09:00", "17:00"),
    at: "2026-03-06T22:00:00Z",
    state: "stopped",
    next: { at: "2026-03-09T13:00:00Z", state: "running" },
  },
  {
    row: "New York: Monday 13:30Z is 09:30 EDT: running",
    schedule: office("America/New_York", "09:00", "17:00"),
    at: "2026-03-09T13:30:00Z",
    state: "running",
    next: { at: "2026-03-09T21:00:00Z", state: "stopped" },
  },
  {
    row: "New York: Friday 17:30 EDT before the fall back; next Monday 09:00 EST = 14:00Z",
    schedule: office("America/New_York", "09:00", "17:00"),
    at: "2026-10-30T21:30:00Z",
    state: "stopped",
    next: { at: "2026-11-02T14:00:00Z", state: "running" },
  },
  {
    row: "New York: Monday 13:30Z is 08:30 EST: stopped",
    schedule: office("America/New_York", "09:00", "17:00"),
    at: "2026-11-02T13:30:00Z",
    state: "stopped",
    next: { at: "2026-11-02T14:00:00Z", state: "running" },
  },
  {
    row: "New York gap: 02:30 on 2026-03-08 does not exist; the window starts at the first instant after the gap, 03:00 EDT = 07:00Z",
    schedule: { timezone: "America/New_York", running: [{ days: ["sun"], from: "02:30", to: "04:00" }] },
    at: "2026-03-08T06:59:00Z",
    state: "stopped",
    next: { at: "2026-03-08T07:00:00Z", state: "running" },
  },
  {
    row: "New York overlap: 01:30 on 2026-11-01 is its first occurrence (EDT, 05:30Z); 06:15Z is 01:15 EST, inside",
    schedule: { timezone: "America/New_York", running: [{ days: ["sun"], from: "01:30", to: "03:00" }] },
    at: "2026-11-01T06:15:00Z",
    state: "running",
    next: { at: "2026-11-01T08:00:00Z", state: "stopped" },
  },
  {
    row: "New York overlap: 05:15Z is 01:15 EDT, before the first 01:30",
    schedule: { timezone: "America/New_York", running: [{ days: ["sun"], from: "01:30", to: "03:00" }] },
    at: "2026-11-01T05:15:00Z",
    state: "stopped",
    next: { at: "2026-11-01T05:30:00Z", state: "running" },
  },
  // Berlin's own gap and overlap.
  {
    row: "Berlin gap: 02:30 on 2026-03-29 means 03:00 CEST = 01:00Z",
    schedule: { timezone: "Europe/Berlin", running: [{ days: ["sun"], from: "02:30", to: "05:00" }] },
    at: "2026-03-28T12:00:00Z",
    state: "stopped",
    next: { at: "2026-03-29T01:00:00Z", state: "running" },
  },
  {
    row: "Berlin overlap: 02:30 on 2026-10-25 means 02:30 CEST = 00:30Z; the window ends 04:00 CET = 03:00Z",
    schedule: { timezone: "Europe/Berlin", running: [{ days: ["sun"], from: "02:30", to: "04:00" }] },
    at: "2026-10-25T00:30:00Z",
    state: "running",
    next: { at: "2026-10-25T03:00:00Z", state: "stopped" },
  },
  // Australia/Lord_Howe: a 30-minute change.
  {
    row: "Lord Howe: Friday 17:30 +10:30 before the change; next Monday 09:00 +11 = Sunday 22:00Z",
    schedule: office("Australia/Lord_Howe", "09:00", "17:00"),
    at: "2026-10-02T07:00:00Z",
    state: "stopped",
    next: { at: "2026-10-04T22:00:00Z", state: "running" },
  },
  {
    row: "Lord Howe gap: 02:15 on 2026-10-04 does not exist (02:00 → 02:30): the window starts 02:30 +11 = 15:30Z the day before",
    schedule: { timezone: "Australia/Lord_Howe", running: [{ days: ["sun"], from: "02:15", to: "04:00" }] },
    at: "2026-10-03T12:00:00Z",
    state: "stopped",
    next: { at: "2026-10-03T15:30:00Z", state: "running" },
  },
  {
    row: "Lord Howe overlap: 01:45 on 2026-04-05 is its first occurrence (+11, 14:45Z); 15:10Z is the second 01:40, inside",
    schedule: { timezone: "Australia/Lord_Howe", running: [{ days: ["sun"], from: "01:45", to: "03:00" }] },
    at: "2026-04-04T15:10:00Z",
    state: "running",
    next: { at: "2026-04-04T16:30:00Z", state: "stopped" },
  },
  {
    row: "Lord Howe overlap: 14:40Z is the first 01:40, before the window",
    schedule: { timezone: "Australia/Lord_Howe", running: [{ days: ["sun"], from: "01:45", to: "03:00" }] },
    at: "2026-04-04T14:40:00Z",
    state: "stopped",
    next: { at: "2026-04-04T14:45:00Z", state: "running" },
  },
  // Asia/Kathmandu (+05:45) and Asia/Shanghai (+08, no DST).
  {
    row: "Kathmandu: Monday 09:00 +05:45 is 03:15Z; 03:14Z is before it",
    schedule: office("Asia/Kathmandu", "09:00", "18:00"),
    at: "2026-01-12T03:14:00Z",
    state: "stopped",
    next: { at: "2026-01-12T03:15:00Z", state: "running" },
  },
  {
    row: "Kathmandu: at 03:15Z exactly the window has begun; it ends 18:00 +05:45 = 12:15Z",
    schedule: office("Asia/Kathmandu", "09:00", "18:00"),
    at: "2026-01-12T03:15:00Z",
    state: "running",
    next: { at: "2026-01-12T12:15:00Z", state: "stopped" },
  },
  {
    row: "Shanghai in winter: 08:00 +08 is 00:00Z",
    schedule: office("Asia/Shanghai", "08:00", "20:00"),
    at: "2026-01-05T00:00:00Z",
    state: "running",
    next: { at: "2026-01-05T12:00:00Z", state: "stopped" },
  },
  {
    row: "Shanghai in summer: the same offset (no DST): 20:00 is 12:00Z, next Thursday 08:00 is 00:00Z",
    schedule: office("Asia/Shanghai", "08:00", "20:00"),
    at: "2026-07-01T12:00:00Z",
    state: "stopped",
    next: { at: "2026-07-02T00:00:00Z", state: "running" },
  },
  // Windows across midnight.
  {
    row: "Friday 22:00–02:00 runs into Saturday: Saturday 01:30 CET (00:30Z) is inside, named as the Friday window",
    schedule: { timezone: "Europe/Berlin", running: [{ days: ["fri"], from: "22:00", to: "02:00" }] },
    at: "2026-01-10T00:30:00Z",
    state: "running",
    next: { at: "2026-01-10T01:00:00Z", state: "stopped" },
    reason: "window running[0] (fri 22:00–02:00 Europe/Berlin)",
  },
  {
    row: "Friday 22:00–02:00 belongs to Friday: Friday 00:30 (Thursday night) is outside",
    schedule: { timezone: "Europe/Berlin", running: [{ days: ["fri"], from: "22:00", to: "02:00" }] },
    at: "2026-01-08T23:30:00Z",
    state: "stopped",
    next: { at: "2026-01-09T21:00:00Z", state: "running" },
  },
  {
    row: "Saturday 22:00 CET → Sunday 04:00 CEST across the spring change: 21:00Z to 02:00Z (5 hours)",
    schedule: { timezone: "Europe/Berlin", running: [{ days: ["sat"], from: "22:00", to: "04:00" }] },
    at: "2026-03-29T01:30:00Z",
    state: "running",
    next: { at: "2026-03-29T02:00:00Z", state: "stopped" },
  },
  {
    row: "Saturday 22:00 CEST → Sunday 04:00 CET across the autumn change: 20:00Z to 03:00Z (7 hours)",
    schedule: { timezone: "Europe/Berlin", running: [{ days: ["sat"], from: "22:00", to: "04:00" }] },
    at: "2026-10-24T19:59:00Z",
    state: "stopped",
    next: { at: "2026-10-24T20:00:00Z", state: "running" },
  },
  {
    row: "…and it is still running at 02:59Z (03:59 CET)",
    schedule: { timezone: "Europe/Berlin", running: [{ days: ["sat"], from: "22:00", to: "04:00" }] },
    at: "2026-10-25T02:59:00Z",
    state: "running",
    next: { at: "2026-10-25T03:00:00Z", state: "stopped" },
  },
  // 24:00 and unions.
  {
    row: "to 24:00 is the next midnight: Saturday 23:59 CET is inside, the window ends Sunday 00:00 = 23:00Z",
    schedule: { timezone: "Europe/Berlin", running: [{ days: ["sat"], from: "10:00", to: "24:00" }] },
    at: "2026-01-10T22:59:00Z",
    state: "running",
    next: { at: "2026-01-10T23:00:00Z", state: "stopped" },
  },
  {
    row: "Saturday 20:00–24:00 and Sunday 00:00–06:00 union: no change at midnight, the next is Sunday 06:00 = 05:00Z",
    schedule: {
      timezone: "Europe/Berlin",
      running: [
        { days: ["sat"], from: "20:00", to: "24:00" },
        { days: ["sun"], from: "00:00", to: "06:00" },
      ],
    },
    at: "2026-01-10T20:00:00Z",
    state: "running",
    next: { at: "2026-01-11T05:00:00Z", state: "stopped" },
  },
  {
    row: "overlapping windows union; the first listed names the reason",
    schedule: {
      timezone: "Europe/Berlin",
      running: [
        { days: ["mon"], from: "08:00", to: "12:00" },
        { days: ["mon"], from: "11:00", to: "15:00" },
      ],
    },
    at: "2026-01-12T10:30:00Z",
    state: "running",
    next: { at: "2026-01-12T14:00:00Z", state: "stopped" },
    reason: "window running[0]",
  },
  // Overrides.
  {
    row: "override stopped over a weekday window (Thursday 2026-12-24 11:00 CET)",
    schedule: {
      ...office("Europe/Berlin"),
      overrides: [{ from: "2026-12-24", to: "2026-12-26", state: "stopped", reason: "office closed" }],
    },
    at: "2026-12-24T10:00:00Z",
    state: "stopped",
    next: { at: "2026-12-28T07:00:00Z", state: "running" },
    reason: 'override overrides[0] (2026-12-24 to 2026-12-26, "office closed")',
  },
  {
    row: "the day before the override, the window ends as usual at 19:00 CET",
    schedule: {
      ...office("Europe/Berlin"),
      overrides: [{ from: "2026-12-24", to: "2026-12-26", state: "stopped", reason: "office closed" }],
    },
    at: "2026-12-23T10:00:00Z",
    state: "running",
    next: { at: "2026-12-23T18:00:00Z", state: "stopped" },
  },
  {
    row: "override running on a Sunday: the whole date, from its midnight (2026-12-26 23:00Z) to the next",
    schedule: { ...office("Europe/Berlin"), overrides: [{ from: "2026-12-27", to: "2026-12-27", state: "running" }] },
    at: "2026-12-26T12:00:00Z",
    state: "stopped",
    next: { at: "2026-12-26T23:00:00Z", state: "running" },
  },
  {
    row: "override running: its last minute is running, Monday 00:00 (outside the window) stops",
    schedule: { ...office("Europe/Berlin"), overrides: [{ from: "2026-12-27", to: "2026-12-27", state: "running" }] },
    at: "2026-12-27T22:59:00Z",
    state: "running",
    next: { at: "2026-12-27T23:00:00Z", state: "stopped" },
    reason: "override overrides[0] (2026-12-27)",
  },
  // Leap day.
  {
    row: "leap day 2028-02-29 is a Tuesday: a tue window runs on it",
    schedule: { timezone: "Europe/Berlin", running: [{ days: ["tue"], from: "08:00", to: "19:00" }] },
    at: "2028-02-29T11:00:00Z",
    state: "running",
    next: { at: "2028-02-29T18:00:00Z", state: "stopped" },
  },
  {
    row: "an override of 2028-02-29 alone stops it; the next start is Wednesday 1 March 08:00 CET",
    schedule: { ...office("Europe/Berlin"), overrides: [{ from: "2028-02-29", to: "2028-02-29", state: "stopped" }] },
    at: "2028-02-29T11:00:00Z",
    state: "stopped",
    next: { at: "2028-03-01T07:00:00Z", state: "running" },
  },
  {
    row: "the day before the leap day override is a working Monday",
    schedule: { ...office("Europe/Berlin"), overrides: [{ from: "2028-02-29", to: "2028-02-29", state: "stopped" }] },
    at: "2028-02-28T11:00:00Z",
    state: "running",
    next: { at: "2028-02-28T18:00:00Z", state: "stopped" },
  },
  // No transition within 14 days.
  {
    row: "a month-long stopped override: no change within 14 days, no next",
    schedule: { ...office("Europe/Berlin"), overrides: [{ from: "2026-08-01", to: "2026-08-31", state: "stopped" }] },
    at: "2026-08-03T10:00:00Z",
    state: "stopped",
    next: null,
  },
  {
    row: "every day 00:00–24:00: always running, no next",
    schedule: {
      timezone: "Asia/Shanghai",
      running: [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], from: "00:00", to: "24:00" }],
    },
    at: "2026-05-01T00:00:00Z",
    state: "running",
    next: null,
  },
  {
    row: "the month-long override ends: next is its end (2026-09-01, a Tuesday, 08:00 CEST) when within 14 days",
    schedule: { ...office("Europe/Berlin"), overrides: [{ from: "2026-08-01", to: "2026-08-31", state: "stopped" }] },
    at: "2026-08-25T10:00:00Z",
    state: "stopped",
    next: { at: "2026-09-01T06:00:00Z", state: "running" },
  },
];

describe("scheduledStateAt", () => {
  it.each(rows)("$row", ({ schedule, at, state, next, reason }) => {
    const result = scheduledStateAt(schedule, new Date(at));
    expect({
      state: result.state,
      next: result.next ? { at: result.next.at.toISOString(), state: result.next.state } : null,
    }).toEqual({
      state,
      next: next ? { at: new Date(next.at).toISOString(), state: next.state } : null,
    });
    if (reason !== undefined) expect(result.reason).toContain(reason);
  });

  it("refuses a schedule that breaks a rule, naming the property and the rule", () => {
    expect(() =>
      scheduledStateAt(
        { timezone: "Europe/Berlin", running: [{ days: ["fri"], from: "22:00", to: "22:00" }] },
        new Date(),
      ),
    ).toThrow(/schedule\.running\.0\.to: expected a time other than from \(22:00\)/);
    expect(() => scheduledStateAt({ timezone: "Europe/Berlinn", running: [] }, new Date())).toThrow(/Europe\/Berlin/);
  });
});

describe("transitionsAfter", () => {
  it("lists the next three changes in order, each from the one before (Friday night into a DST weekend)", () => {
    const schedule = scheduleSchema().parse({
      timezone: "Europe/Berlin",
      running: [
        { days: ["fri"], from: "22:00", to: "02:00" },
        { days: ["sat"], from: "10:00", to: "14:00" },
        { days: ["sun"], from: "02:30", to: "05:00" },
      ],
    });
    // Fri 27 Mar 22:00 CET = 21:00Z; Sat 02:00 CET = 01:00Z; Sat 10:00 CET = 09:00Z.
    expect(transitionsAfter(schedule, Date.parse("2026-03-27T12:00:00Z"), 3)).toEqual([
      { at: new Date("2026-03-27T21:00:00Z"), state: "running" },
      { at: new Date("2026-03-28T01:00:00Z"), state: "stopped" },
      { at: new Date("2026-03-28T09:00:00Z"), state: "running" },
    ]);
    // Sat 14:00 CET = 13:00Z; Sun 02:30 falls in the gap → 03:00 CEST = 01:00Z; 05:00 CEST = 03:00Z.
    expect(transitionsAfter(schedule, Date.parse("2026-03-28T12:00:00Z"), 3)).toEqual([
      { at: new Date("2026-03-28T13:00:00Z"), state: "stopped" },
      { at: new Date("2026-03-29T01:00:00Z"), state: "running" },
      { at: new Date("2026-03-29T03:00:00Z"), state: "stopped" },
    ]);
  });

  it("stops early when nothing changes any more", () => {
    const schedule = scheduleSchema().parse({
      timezone: "Europe/Berlin",
      running: [],
      overrides: [{ from: "2026-06-01", to: "2026-12-31", state: "running" }],
    });
    // From 2026-05-31 12:00Z: the override starts at 1 June 00:00 CEST = 31 May 22:00Z, then runs past 14 days.
    expect(transitionsAfter(schedule, Date.parse("2026-05-31T12:00:00Z"), 3)).toEqual([
      { at: new Date("2026-05-31T22:00:00Z"), state: "running" },
    ]);
  });
});
