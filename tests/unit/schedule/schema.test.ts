/** The schedule's rules as check applies them: each message names the rule (path and value are added by checkInputs). */
import { closestTimezones, scheduleSchema, timezoneProblem } from "../../../provider/schedule";

const messages = (value: unknown) => {
  const result = scheduleSchema().safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("schedule schema", () => {
  it("applies the defaults", () => {
    expect(
      scheduleSchema().parse({ timezone: "Europe/Berlin", running: [{ days: ["mon"], from: "08:00", to: "24:00" }] }),
    ).toEqual({
      timezone: "Europe/Berlin",
      running: [{ days: ["mon"], from: "08:00", to: "24:00" }],
      overrides: [],
      enforce: "always",
    });
  });

  it.each([
    [
      { days: ["mon"], from: "8:00", to: "19:00" },
      "running.0.from: expected a time HH:MM from 00:00 to 23:59, two digits each (08:00, not 8:00)",
    ],
    [
      { days: ["mon"], from: "24:00", to: "02:00" },
      "running.0.from: expected a time HH:MM from 00:00 to 23:59, two digits each (08:00, not 8:00)",
    ],
    [
      { days: ["mon"], from: "08:00", to: "24:01" },
      "running.0.to: expected a time HH:MM from 00:00 to 24:00, two digits each (08:00, not 8:00)",
    ],
    [
      { days: ["Monday"], from: "08:00", to: "19:00" },
      'running.0.days.0: expected a day: mon, tue, wed, thu, fri, sat, sun; did you mean "mon"?',
    ],
    [
      { days: [], from: "08:00", to: "19:00" },
      "running.0.days: expected at least one day (mon, tue, wed, thu, fri, sat, sun)",
    ],
    [
      { days: ["fri"], from: "22:00", to: "22:00" },
      'running.0.to: expected a time other than from (22:00): a window from a time to the same time is empty (for a whole day write from "00:00" to "24:00")',
    ],
  ])("refuses the window %j", (window, expected) => {
    expect(messages({ timezone: "Europe/Berlin", running: [window] })).toEqual([expected]);
  });

  it("refuses an empty running with no override, and accepts it with one", () => {
    expect(messages({ timezone: "UTC", running: [] })).toEqual([
      'running: expected at least one window { days, from, to } (or an override): with neither, the fleet would be stopped at all times; say state: "stopped" instead',
    ]);
    expect(
      messages({ timezone: "UTC", overrides: [{ from: "2026-12-24", to: "2026-12-24", state: "stopped" }] }),
    ).toEqual([]);
  });

  it("refuses dates that do not exist and overrides that end before they start", () => {
    expect(
      messages({
        timezone: "UTC",
        overrides: [
          { from: "2026-02-29", to: "2026-03-01", state: "stopped" },
          { from: "2028-02-29", to: "2028-02-28", state: "running" },
        ],
      }),
    ).toEqual([
      "overrides.0.from: expected a calendar date YYYY-MM-DD that exists (2028-02-29, not 2026-02-29)",
      "overrides.1.to: expected a date on or after from (2028-02-29): both ends are inclusive, one day is from = to",
    ]);
  });
});

describe("timezones", () => {
  it("offers the closest valid names for an unknown one", () => {
    expect(closestTimezones("Europe/Berlinn")[0]).toBe("Europe/Berlin");
    expect(closestTimezones("New York")[0]).toBe("America/New_York");
    // ICU lists CLDR's canonical ids, some in their older spelling (Asia/Katmandu in Node 20's ICU).
    expect(closestTimezones("Asia/Kathmando")[0]).toMatch(/^Asia\/Kath?mandu$/);
    expect(timezoneProblem("Europe/Berln")).toMatch(/^expected an IANA timezone name .*; closest: "Europe\/Berlin"/);
  });

  it("accepts IANA names (and UTC), refuses offsets and another spelling", () => {
    expect(timezoneProblem("Australia/Lord_Howe")).toBeUndefined();
    expect(timezoneProblem("UTC")).toBeUndefined();
    expect(timezoneProblem("+01:00")).toMatch(/^expected an IANA timezone name/);
    expect(timezoneProblem("europe/berlin")).toBe(
      'expected the name as the tz database spells it; did you mean "Europe/Berlin"?',
    );
  });
});
