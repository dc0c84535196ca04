/**
 * enforce, as the resource applies it (issue 21): which servers an up converges, what diff counts as
 * a change, what the stack records and what preview prints. Pure: the record says what the last
 * converge did, the inputs what the schedule says now (check put it in `state`).
 */
import { describeDiff, diffRecord } from "../../../provider/diff";
import type { PowerStateInputs } from "../../../provider/inputs";
import { goalsFor, outputsFor } from "../../../provider/operation";
import { describeSchedule } from "../../../provider/preview";
import type { Recorded } from "../../../provider/recorded";
import { scheduleOutputs, scheduleSchema, type EnforceMode } from "../../../provider/schedule";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const C = "00000000-0000-4000-8000-00000000000c";
const D = "00000000-0000-4000-8000-00000000000d";

const schedule = (enforce: EnforceMode) =>
  scheduleSchema().parse({
    timezone: "Europe/Berlin",
    running: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "19:00" }],
    enforce,
  });
const inputs = (enforce: EnforceMode, state: "running" | "stopped" = "stopped"): PowerStateInputs => ({
  serverIds: [A, B, C, D],
  state,
  stopType: "SOFT",
  timeoutSeconds: 900,
  onDelete: "leave",
  schedule: schedule(enforce),
});
const shutoff = { status: "SHUTOFF", taskState: null, lastJobId: "j1", error: null };
/** Last converged stopped: A settled, B started by hand since (seen by a refresh), C failed, D never recorded. */
const record = (enforce: EnforceMode, state: "running" | "stopped" = "stopped"): Recorded => ({
  ...inputs(enforce, state),
  serverIds: [A, B, C],
  servers: {
    [A]: shutoff,
    [B]: { ...shutoff, status: "ACTIVE" },
    [C]: { ...shutoff, status: "ACTIVE", error: { code: "Ecs.0001", message: "failed" } },
  },
  lastTransitionAt: "2026-03-27T18:00:05.000Z",
});

describe("goalsFor with a schedule", () => {
  it("at-transitions, no transition: only the new and the failed servers; the one changed by hand is left alone", () => {
    expect(goalsFor(inputs("at-transitions"), record("at-transitions"))).toEqual({ [C]: "stopped", [D]: "stopped" });
  });

  it("at-transitions, a transition since the last converge: every server", () => {
    expect(goalsFor(inputs("at-transitions", "running"), record("at-transitions", "stopped"))).toEqual({
      [A]: "running",
      [B]: "running",
      [C]: "running",
      [D]: "running",
    });
  });

  it("at-transitions, on create: every server", () => {
    expect(Object.keys(goalsFor(inputs("at-transitions"), undefined))).toEqual([A, B, C, D]);
  });

  it("always: every server, transition or not", () => {
    expect(Object.keys(goalsFor(inputs("always"), record("always")))).toEqual([A, B, C, D]);
  });
});

describe("diff with a schedule", () => {
  const settings = { config: {}, env: {} };
  it("always: a server changed by hand (seen by refresh) is a change to act on", () => {
    const diff = diffRecord(record("always") as Record<string, unknown>, inputs("always") as never, settings);
    expect(diff.changed).toEqual(expect.arrayContaining(["serverIds", "servers"]));
    expect(describeDiff(diff)).toContain(
      `stop or wait for 2 servers not SHUTOFF in the record: ${B} (ACTIVE), ${C} (Ecs.0001)`,
    );
  });

  it("at-transitions: the same drift is not a change; only the failed server is", () => {
    const diff = diffRecord(
      record("at-transitions") as Record<string, unknown>,
      { ...inputs("at-transitions"), serverIds: [A, B, C] } as never,
      settings,
    );
    expect(diff.changed).toEqual(["servers"]);
    expect(describeDiff(diff)).toBe(`stop or wait for 1 server not SHUTOFF in the record: ${C} (Ecs.0001)`);
  });

  it("at-transitions with nothing failed: no change at all between transitions", () => {
    const settled = {
      ...record("at-transitions"),
      serverIds: [A, B],
      servers: { [A]: shutoff, [B]: { ...shutoff, status: "ACTIVE" } },
    };
    const diff = diffRecord(
      settled as Record<string, unknown>,
      { ...inputs("at-transitions"), serverIds: [A, B] } as never,
      settings,
    );
    expect(diff.changed).toEqual([]);
  });

  it("a transition is a change of state, whatever the enforce mode", () => {
    const settled = { ...record("at-transitions"), serverIds: [A], servers: { [A]: shutoff } };
    const diff = diffRecord(
      settled as Record<string, unknown>,
      { ...inputs("at-transitions", "running"), serverIds: [A] } as never,
      settings,
    );
    expect(diff.changed).toEqual(["state", "servers"]);
  });

  it("an edited schedule is a change", () => {
    const settled = { ...record("always"), serverIds: [A], servers: { [A]: shutoff } };
    const diff = diffRecord(
      settled as Record<string, unknown>,
      { ...inputs("at-transitions"), serverIds: [A] } as never,
      settings,
    );
    expect(diff.changed).toEqual(["schedule"]);
  });
});

describe("outputs with a schedule", () => {
  it("keeps the record of a server left alone, and the last transition when there was none", () => {
    const { outputs } = outputsFor(
      inputs("at-transitions"),
      record("at-transitions"),
      { servers: { [C]: shutoff, [D]: shutoff }, before: {}, jobs: [], failures: [] } as never,
      { endpoint: "https://ecs.example", projectId: "p" },
      "2026-03-28T10:00:00.000Z",
    );
    expect(outputs.servers).toEqual({
      [A]: shutoff,
      [B]: { ...shutoff, status: "ACTIVE" },
      [C]: shutoff,
      [D]: shutoff,
    });
    // Saturday 28 March 11:00 CET: stopped; next Monday 30 March 08:00 CEST (after the spring change).
    expect(
      scheduleOutputs(inputs("at-transitions"), record("at-transitions"), Date.parse("2026-03-28T10:00:00Z")),
    ).toEqual({
      scheduledState: "stopped",
      scheduleReason: "outside every running window (Europe/Berlin)",
      nextTransition: { at: "2026-03-30T08:00:00+02:00", state: "running" },
      lastTransitionAt: "2026-03-27T18:00:05.000Z",
    });
  });

  it("a transition (or a create) sets lastTransitionAt to the operation's time; none without a schedule", () => {
    const now = Date.parse("2026-03-30T06:00:03Z");
    expect(scheduleOutputs(inputs("always", "running"), record("always", "stopped"), now)).toMatchObject({
      scheduledState: "running",
      nextTransition: { at: "2026-03-30T19:00:00+02:00", state: "stopped" },
      lastTransitionAt: "2026-03-30T06:00:03.000Z",
    });
    expect(scheduleOutputs(inputs("always", "running"), undefined, now)).toMatchObject({
      lastTransitionAt: "2026-03-30T06:00:03.000Z",
    });
    expect(scheduleOutputs({ ...inputs("always"), schedule: undefined }, undefined, now)).toEqual({});
  });
});

describe("describeSchedule (preview)", () => {
  it("at-transitions between transitions: now in local time and UTC, what up does, who is left alone, the next three", () => {
    // Saturday 28 March 2026 11:00 CET = 10:00Z; next: Mon 30 08:00 CEST, 19:00 CEST, Tue 31 08:00 CEST.
    expect(
      describeSchedule(
        { schedule: schedule("at-transitions"), serverIds: [A, B] },
        record("at-transitions"),
        Date.parse("2026-03-28T10:00:00Z"),
      ),
    ).toEqual([
      "schedule: now 2026-03-28 11:00 Europe/Berlin (2026-03-28 10:00 UTC): stopped (outside every running window (Europe/Berlin))",
      "schedule: no transition since the last converge (converged stopped at 2026-03-27T18:00:05.000Z); enforce at-transitions: up leaves 2 servers as they are, acting only on new or failed ones",
      `schedule: 1 server changed since the last converge, left alone until the next transition (enforce at-transitions): ${B} (ACTIVE)`,
      "schedule: next transitions: 2026-03-30T08:00:00+02:00 running, 2026-03-30T19:00:00+02:00 stopped, 2026-03-31T08:00:00+02:00 running",
    ]);
  });

  it("a transition since the last converge, and a create", () => {
    const now = Date.parse("2026-03-30T06:30:00Z");
    expect(describeSchedule({ schedule: schedule("always"), serverIds: [A] }, record("always"), now)[1]).toBe(
      "schedule: transition since the last converge (stopped → running): up will start the servers not ACTIVE",
    );
    expect(describeSchedule({ schedule: schedule("always"), serverIds: [A] }, undefined, now)[1]).toBe(
      "schedule: up will start the servers not ACTIVE (create)",
    );
  });
});

describe("the provider's diff with a selector, between transitions (at-transitions)", () => {
  it("reports a member changed by hand (from the recorded members) and answers no change", async () => {
    const { serverPowerStateProvider } = await import("../../../provider/provider");
    const { checkInputs } = await import("../../../provider/inputs");
    const checked = checkInputs({
      selector: { tags: { env: "dev" } },
      // Stopped all century: no transition whenever this runs.
      schedule: {
        timezone: "Europe/Berlin",
        overrides: [{ from: "2000-01-01", to: "2099-12-31", state: "stopped" }],
        enforce: "at-transitions",
      },
    });
    expect(checked.failures).toEqual([]);
    const olds = {
      ...checked.inputs,
      members: [A, B],
      servers: { [A]: shutoff, [B]: { ...shutoff, status: "ACTIVE" } },
      initialStates: {},
      jobs: [],
      convergedAt: "2026-03-27T18:00:05.000Z",
      lastTransitionAt: "2026-03-27T18:00:05.000Z",
    };
    const logged: string[] = [];
    jest.spyOn(console, "log").mockImplementation((line: string) => void logged.push(line));
    try {
      const state = {
        config: {},
        pacing: { records: [] },
        authGate: { refused: [] },
        projectIds: {},
        credentialHolders: {},
      };
      const result = await serverPowerStateProvider.diff.call(state, "sps-1", olds, checked.inputs);
      expect(result.changes).toBe(false);
      expect(logged).toContain(
        `ServerPowerState sps-1: schedule: 1 server changed since the last converge, left alone until the next transition (enforce at-transitions): ${B} (ACTIVE)`,
      );
    } finally {
      jest.restoreAllMocks();
    }
  });
});
