/**
 * The schedule's bad inputs (issue 21), as badInput.test.ts does the others: every row is one call of
 * the provider's real `check`, as the engine makes it at preview, against a running emulator that must
 * see no API request at all. Each row pins the failures: the property path, the value as written and the rule.
 */
import { EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import { serverPowerStateProvider as provider } from "../../provider/provider";
import { SCHEDULE_CLOCK_OFFSET_ENV } from "../../provider/schedule";
import { configureProvider } from "./configureProvider";

const A = "616fb98f-46ca-475e-917e-2563e5a8cd19";
const ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const ALWAYS = { days: ALL_DAYS, from: "00:00", to: "24:00" };

let emulator: RunningEmulator;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emulator = await startEmulator({ seed: 2 });
  admin = new EmulatorAdmin(emulator.url);
  await configureProvider(emulator.url);
});
afterAll(async () => {
  await emulator?.stop();
});
beforeEach(() => {
  jest.spyOn(console, "log").mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
});

interface Row {
  readonly row: string;
  readonly news: Record<string, unknown>;
  readonly failures: { property: string; reason: string | jest.AsymmetricMatcher }[];
  readonly inputs?: Record<string, unknown>;
}

const berlin = (schedule: Record<string, unknown>) => ({
  serverIds: [A],
  schedule: { timezone: "Europe/Berlin", ...schedule },
});

const rows: Row[] = [
  {
    row: "state and schedule both set",
    news: { ...berlin({ running: [ALWAYS] }), state: "running" },
    failures: [
      {
        property: "state",
        reason:
          'state "running" is invalid with a schedule: expected exactly one of state and schedule (the schedule decides the state from the clock); remove one',
      },
    ],
  },
  {
    row: "an unknown timezone, with the closest valid names",
    news: { serverIds: [A], schedule: { timezone: "Europe/Berln", running: [ALWAYS] } },
    failures: [
      {
        property: "schedule.timezone",
        reason: expect.stringMatching(
          /^schedule\.timezone "Europe\/Berln" is invalid: expected an IANA timezone name \(Area\/City, as in the tz database\) that this Node\.js knows; closest: "Europe\/Berlin", "[^"]+", "[^"]+"$/,
        ),
      },
    ],
  },
  {
    row: "a timezone spelt in another case",
    news: { serverIds: [A], schedule: { timezone: "america/new_york", running: [ALWAYS] } },
    failures: [
      {
        property: "schedule.timezone",
        reason:
          'schedule.timezone "america/new_york" is invalid: expected the name as the tz database spells it; did you mean "America/New_York"?',
      },
    ],
  },
  {
    row: "an offset instead of a timezone",
    news: { serverIds: [A], schedule: { timezone: "+01:00", running: [ALWAYS] } },
    failures: [
      {
        property: "schedule.timezone",
        reason: expect.stringMatching(/^schedule\.timezone "\+01:00" is invalid: expected an IANA timezone name/),
      },
    ],
  },
  {
    row: "a time without its leading zero",
    news: berlin({ running: [{ days: ["mon"], from: "8:00", to: "19:00" }] }),
    failures: [
      {
        property: "schedule.running[0].from",
        reason:
          'schedule.running[0].from "8:00" is invalid: expected a time HH:MM from 00:00 to 23:59, two digits each (08:00, not 8:00)',
      },
    ],
  },
  {
    row: "a day written out",
    news: berlin({ running: [{ days: ["mon", "Tuesday"], from: "08:00", to: "19:00" }] }),
    failures: [
      {
        property: "schedule.running[0].days[1]",
        reason:
          'schedule.running[0].days[1] "Tuesday" is invalid: expected a day: mon, tue, wed, thu, fri, sat, sun; did you mean "tue"?',
      },
    ],
  },
  {
    row: "from equal to to",
    news: berlin({ running: [{ days: ["fri"], from: "22:00", to: "22:00" }] }),
    failures: [
      {
        property: "schedule.running[0].to",
        reason:
          'schedule.running[0].to "22:00" is invalid: expected a time other than from (22:00): a window from a time to the same time is empty (for a whole day write from "00:00" to "24:00")',
      },
    ],
  },
  {
    row: "an empty running with no override",
    news: berlin({ running: [] }),
    failures: [
      {
        property: "schedule.running",
        reason:
          'schedule.running [] is invalid: expected at least one window { days, from, to } (or an override): with neither, the fleet would be stopped at all times; say state: "stopped" instead',
      },
    ],
  },
  {
    row: "no running and no override at all",
    news: berlin({}),
    failures: [
      {
        property: "schedule.running",
        reason:
          'schedule.running is not set: expected at least one window { days, from, to } (or an override): with neither, the fleet would be stopped at all times; say state: "stopped" instead',
      },
    ],
  },
  {
    row: "a field a window does not have",
    news: berlin({ running: [{ days: ["mon"], from: "08:00", to: "19:00", until: "20:00" }] }),
    failures: [
      {
        property: "schedule.running[0].until",
        reason: '"until" is not a field of schedule.running[0]; its fields are days, from, to',
      },
    ],
  },
  {
    row: "a date that does not exist in an override",
    news: berlin({ running: [ALWAYS], overrides: [{ from: "2027-02-29", to: "2027-03-01", state: "stopped" }] }),
    failures: [
      {
        property: "schedule.overrides[0].from",
        reason:
          'schedule.overrides[0].from "2027-02-29" is invalid: expected a calendar date YYYY-MM-DD that exists (2028-02-29, not 2026-02-29)',
      },
    ],
  },
  {
    row: "an unknown enforce mode",
    news: berlin({ running: [ALWAYS], enforce: "never" }),
    failures: [
      {
        property: "schedule.enforce",
        reason: 'schedule.enforce "never" is invalid: expected "always" or "at-transitions"',
      },
    ],
  },
  {
    row: "accepted: a window around the clock declares running now; defaults applied",
    news: berlin({ running: [ALWAYS] }),
    failures: [],
    inputs: {
      state: "running",
      schedule: { timezone: "Europe/Berlin", running: [ALWAYS], overrides: [], enforce: "always" },
    },
  },
  {
    row: "accepted: an override over this century declares stopped now",
    news: berlin({ running: [ALWAYS], overrides: [{ from: "2000-01-01", to: "2099-12-31", state: "stopped" }] }),
    failures: [],
    inputs: { state: "stopped" },
  },
];

describe("bad schedules are refused at preview by check, with no API call", () => {
  it.each(rows)("$row", async ({ news, failures, inputs }) => {
    const result = await provider.check({}, { __provider: "test", ...news });
    expect(result.failures ?? []).toEqual(failures);
    if (inputs) expect(result.inputs).toMatchObject(inputs);
    expect((await admin.stats()).total).toBe(0);
  });
});

describe("the test-only schedule clock offset never goes unnoticed", () => {
  const logged = (): string[] => (console.log as jest.Mock).mock.calls.map((call) => String(call[0]));
  afterEach(() => {
    delete process.env[SCHEDULE_CLOCK_OFFSET_ENV];
  });

  it("while it shifts the clock, a schedule's preview lines start with the warning naming it", async () => {
    process.env[SCHEDULE_CLOCK_OFFSET_ENV] = "-3600000";
    const result = await provider.check({}, { __provider: "test", ...berlin({ running: [ALWAYS] }) });
    expect(result.failures).toEqual([]);
    const lines = logged().filter((line) => line.includes("schedule"));
    expect(lines[0]).toBe(
      `ServerPowerState: warning: schedules are evaluated on a clock shifted by -1h (${SCHEDULE_CLOCK_OFFSET_ENV}=-3600000, for the demo and tests only): unset it where a real fleet is managed`,
    );
    expect(lines[1]).toMatch(/^ServerPowerState: schedule: /);
  });

  it("unset, or on a resource without a schedule, there is no warning", async () => {
    await provider.check({}, { __provider: "test", ...berlin({ running: [ALWAYS] }) });
    expect(logged().some((line) => line.startsWith("ServerPowerState: schedule: "))).toBe(true);
    process.env[SCHEDULE_CLOCK_OFFSET_ENV] = "60000";
    await provider.check({}, { __provider: "test", serverIds: [A], state: "running" });
    expect(logged().filter((line) => line.includes("warning"))).toEqual([]);
  });
});
