/**
 * The wall clock ↔ instant rules at real transitions (issue 21): a time in the spring-forward gap is
 * the first instant after the gap, an ambiguous one its first occurrence; offsets printed as the
 * zone's. Expected instants are worked out by hand from the zones' 2026 rules.
 */
import { formatZoned, instantOf, zoneClock } from "../../../provider/schedule/zonedTime";

const at = (timezone: string, date: string, time: string) => {
  const [year, month, day] = date.split("-").map(Number);
  const [h, m] = time.split(":").map(Number);
  return new Date(instantOf(zoneClock(timezone), { year, month, day, minutes: h * 60 + m })).toISOString();
};

describe("instantOf", () => {
  it.each([
    ["Europe/Berlin", "2026-03-29", "02:00", "2026-03-29T01:00:00.000Z", "gap start → 03:00 CEST"],
    ["Europe/Berlin", "2026-03-29", "02:59", "2026-03-29T01:00:00.000Z", "gap end → 03:00 CEST"],
    ["Europe/Berlin", "2026-03-29", "03:00", "2026-03-29T01:00:00.000Z", "the first valid reading"],
    ["Europe/Berlin", "2026-03-29", "01:59", "2026-03-29T00:59:00.000Z", "just before the gap, CET"],
    ["Europe/Berlin", "2026-10-25", "02:30", "2026-10-25T00:30:00.000Z", "ambiguous → CEST (first)"],
    ["Europe/Berlin", "2026-10-25", "03:00", "2026-10-25T02:00:00.000Z", "after the overlap, CET"],
    ["America/New_York", "2026-03-08", "02:30", "2026-03-08T07:00:00.000Z", "gap → 03:00 EDT"],
    ["America/New_York", "2026-11-01", "01:30", "2026-11-01T05:30:00.000Z", "ambiguous → EDT (first)"],
    ["Australia/Lord_Howe", "2026-10-04", "02:10", "2026-10-03T15:30:00.000Z", "30-minute gap → 02:30 +11"],
    ["Australia/Lord_Howe", "2026-04-05", "01:30", "2026-04-04T14:30:00.000Z", "30-minute overlap → +11 (first)"],
    ["Asia/Kathmandu", "2026-06-01", "00:00", "2026-05-31T18:15:00.000Z", "+05:45"],
    ["Asia/Shanghai", "2026-06-01", "24:00", "2026-06-01T16:00:00.000Z", "24:00 is the next midnight"],
  ])("%s %s %s → %s (%s)", (zone, date, time, expected) => {
    expect(at(zone, date, time)).toBe(expected);
  });
});

describe("formatZoned", () => {
  it.each([
    ["Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-29T03:00:00+02:00"],
    ["Europe/Berlin", "2026-03-29T00:59:59Z", "2026-03-29T01:59:59+01:00"],
    ["Asia/Kathmandu", "2026-01-12T03:15:00Z", "2026-01-12T09:00:00+05:45"],
    ["America/New_York", "2026-11-01T06:30:00Z", "2026-11-01T01:30:00-05:00"],
    ["Europe/London", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00+00:00"],
  ])("%s at %s → %s", (zone, instant, expected) => {
    expect(formatZoned(zoneClock(zone), Date.parse(instant))).toBe(expected);
  });
});
