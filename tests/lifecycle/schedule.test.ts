/**
 * Schedules through Pulumi's own dynamic-provider host against the emulator (issue 21): the root
 * program with `ecs-power:schedule` in its stack config. Windows are built around the real current
 * time (one around the clock, one starting two hours from now), so no clock is injected: whatever
 * the time of the run, the first contains now and the second excludes it. Few host processes, two
 * servers per fleet: this file's wall time stays small.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import type { PowerStateOutputs } from "../../provider/recorded";
import type { PulumiSession } from "../harness";
import { fleetOf, newSession, ROOT_URN as URN, serverId as id } from "./lifecycleKit";

jest.setTimeout(180_000);

const ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let workDir: string;

beforeAll(async () => {
  emulator = await startEmulator({ stopSeconds: 0.2, startSeconds: 0.2 });
  admin = new EmulatorAdmin(emulator.url);
  workDir = mkdtempSync(join(tmpdir(), "sps-schedule-"));
});
afterAll(async () => {
  await emulator?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Running around the clock, in Berlin: contains now. */
const aroundTheClock = { timezone: "Europe/Berlin", running: [{ days: ALL_DAYS, from: "00:00", to: "24:00" }] };

/**
 * Running every day for one hour from two hours after now, in Kathmandu (+05:45): excludes now. The
 * wall clock is read with Intl directly, not through the code under test.
 */
function laterToday(enforce: "always" | "at-transitions") {
  const hhmm = (ms: number) =>
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Kathmandu",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(ms));
  const now = Date.now();
  return {
    timezone: "Asia/Kathmandu",
    running: [{ days: ALL_DAYS, from: hhmm(now + 2 * 3_600_000), to: hhmm(now + 3 * 3_600_000) }],
    enforce,
  };
}

function session(name: string, serverIds: string[], schedule: object): PulumiSession {
  return newSession({
    workDir,
    name,
    emulatorUrl: emulator.url,
    serverIds,
    inputs: { schedule: JSON.stringify(schedule) },
  });
}

function outputs(s: PulumiSession): PowerStateOutputs {
  return fleetOf(s, URN).outputs as unknown as PowerStateOutputs;
}

async function statuses(): Promise<Record<string, string>> {
  return Object.fromEntries((await admin.listServers()).map((server) => [server.id, server.status]));
}

describe('enforce "always": created running inside a window, stopped at the transition, drift stopped again', () => {
  let s: PulumiSession;
  beforeAll(async () => {
    await admin.reset();
    await admin.putServers([
      { id: id(1), status: "SHUTOFF" },
      { id: id(2), status: "ACTIVE" },
    ]);
    s = session("always", [id(1), id(2)], aroundTheClock);
  });

  it("a schedule whose window contains now creates the fleet running, and says so", async () => {
    const up = await s.up();
    expect(up.operations.map((o) => o.op)).toEqual(["create"]);
    expect(await statuses()).toMatchObject({ [id(1)]: "ACTIVE", [id(2)]: "ACTIVE" });
    expect(outputs(s)).toMatchObject({
      state: "running",
      scheduledState: "running",
      scheduleReason: "window running[0] (mon,tue,wed,thu,fri,sat,sun 00:00–24:00 Europe/Berlin)",
      nextTransition: null,
      lastTransitionAt: expect.any(String),
    });
    expect(up.hostOutput.join("\n")).toMatch(/schedule: now .* Europe\/Berlin \(.* UTC\): running/);
  });

  it("a schedule that excludes now stops it (a transition), then a server started by hand is stopped again", async () => {
    s.config["ecs-power:schedule"] = JSON.stringify(laterToday("always"));
    const up = await s.up();
    expect(up.operations.map((o) => o.op)).toEqual(["update"]);
    expect(await statuses()).toMatchObject({ [id(1)]: "SHUTOFF", [id(2)]: "SHUTOFF" });
    expect(outputs(s)).toMatchObject({
      state: "stopped",
      scheduledState: "stopped",
      nextTransition: { at: expect.stringMatching(/\+05:45$/), state: "running" },
    });

    await admin.setServer(id(1), { status: "ACTIVE" });
    await s.refresh();
    const again = await s.up();
    expect(again.operations.map((o) => o.op)).toEqual(["update"]);
    expect(await statuses()).toMatchObject({ [id(1)]: "SHUTOFF", [id(2)]: "SHUTOFF" });
  });
});

describe('enforce "at-transitions": created stopped outside the windows, a server started by hand is left running', () => {
  let s: PulumiSession;
  beforeAll(async () => {
    await admin.reset();
    await admin.putServers([
      { id: id(3), status: "ACTIVE" },
      { id: id(4), status: "ACTIVE" },
    ]);
    s = session("at-transitions", [id(3), id(4)], laterToday("at-transitions"));
  });

  it("a schedule that excludes now creates the fleet stopped", async () => {
    const up = await s.up();
    expect(up.operations.map((o) => o.op)).toEqual(["create"]);
    expect(await statuses()).toMatchObject({ [id(3)]: "SHUTOFF", [id(4)]: "SHUTOFF" });
    expect(outputs(s)).toMatchObject({ state: "stopped", scheduledState: "stopped" });
  });

  it("the next up, between transitions, leaves the hand-started server running and reports it", async () => {
    await admin.setServer(id(3), { status: "ACTIVE" });
    await s.refresh();
    await admin.reset();
    const up = await s.up();
    expect(up.operations.map((o) => o.op)).toEqual(["same"]);
    expect(await statuses()).toMatchObject({ [id(3)]: "ACTIVE", [id(4)]: "SHUTOFF" });
    expect((await admin.stats()).requests["POST action"]).toBeUndefined();
    expect(up.hostOutput).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `schedule: 1 server changed since the last converge, left alone until the next transition (enforce at-transitions): ${id(3)} (ACTIVE)`,
        ),
      ]),
    );
  });
});
