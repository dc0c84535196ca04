/**
 * Part 3 of the demo: a fleet on a schedule. Two stopped servers, Europe/Berlin, running every day
 * 08:00–19:00. Windows are whole minutes, so rather than wait for a real 19:00 the demo sets the clock
 * the provider evaluates the schedule with (ECS_POWER_SCHEDULE_CLOCK_OFFSET_MS, a test-only setting):
 * one minute before 19:00 Berlin time for the first up, which starts the fleet inside the window, then
 * thirty seconds after, for the next up, which stops it at the transition. Checked as it goes
 * (DemoCheckError).
 */
import { resolve } from "node:path";
import { EmulatorAdmin } from "../emulator";
import { SCHEDULE_CLOCK_OFFSET_ENV } from "../provider/schedule";
import { addDays, instantOf, zoneClock } from "../provider/schedule/zonedTime";
import { PulumiSession } from "../tests/harness";
import { DemoCheckError } from "./DemoCheckError";
import type { StoryPart } from "./storyPart";
import { readFleetRecord, type FleetRecord } from "./readFleetRecord";

const TIMEZONE = "Europe/Berlin";
const EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

export async function tellScheduleStory(story: StoryPart): Promise<void> {
  const { say, palette, emulatorUrl } = story;
  const admin = new EmulatorAdmin(emulatorUrl);
  const fleet = (await admin.listServers())
    .filter((s) => s.status === "SHUTOFF")
    .slice(0, 2)
    .map((s) => s.id);
  if (fleet.length < 2) throw new DemoCheckError("part 3 needs two SHUTOFF servers");

  // 19:00 Berlin time tomorrow (the window runs every day): the window's end, in the demo's clock.
  const clock = zoneClock(TIMEZONE);
  const windowEndMs = instantOf(clock, { ...addDays(clock.wallClockAt(Date.now()), 1), minutes: 19 * 60 });
  const env: Record<string, string> = {};
  /** Every step from now on evaluates the schedule as if it were `instantMs` when it starts. */
  const setClock = (instantMs: number): void => {
    env[SCHEDULE_CLOCK_OFFSET_ENV] = String(Math.round(instantMs - Date.now()));
  };

  say();
  say(palette.bold(`Part 3: a fleet on a schedule (${TIMEZONE}, every day 08:00–19:00), 2 servers now SHUTOFF`));
  const session = new PulumiSession({
    programDir: resolve(__dirname, ".."),
    project: "ecs-power",
    stack: "demo-schedule",
    config: {
      "ecs-power:serverIds": JSON.stringify(fleet),
      "ecs-power:schedule": JSON.stringify({
        timezone: TIMEZONE,
        running: [{ days: EVERY_DAY, from: "08:00", to: "19:00" }],
      }),
      "huaweicloud:ecsEndpoint": emulatorUrl,
      "huaweicloud:projectId": story.projectId,
      "huaweicloud:accessKey": story.accessKey,
      "huaweicloud:secretKey": story.secretKey,
    },
    secretKeys: ["huaweicloud:secretKey"],
    env,
    stateFile: story.stateFile,
    onOutput: (line) => say(`${palette.dim("  │")} ${line}`),
  });
  const outputs = (): FleetRecord["outputs"] => {
    const found = readFleetRecord(session.readState());
    if (found === undefined) throw new DemoCheckError("the scheduled stack holds no record of fleet");
    return found.outputs;
  };
  const statuses = async (): Promise<(string | undefined)[]> => {
    const all = Object.fromEntries((await admin.listServers()).map((s) => [s.id, s.status]));
    return fleet.map((id) => all[id]);
  };

  setClock(windowEndMs - 60_000);
  say(palette.cyan(`# the demo's clock: 18:59 Berlin time (${SCHEDULE_CLOCK_OFFSET_ENV}, a test-only setting)`));
  await story.step("pulumi up", () => session.up());
  const first = outputs();
  say(`  scheduled: ${first.state ?? "none"}; next transition: ${first.nextTransition?.at ?? "none"}`);
  if (first.state !== "running" || (await statuses()).some((s) => s !== "ACTIVE"))
    throw new DemoCheckError("the first up should have started the fleet inside the window");

  setClock(windowEndMs + 30_000);
  say(palette.cyan("# the demo's clock: 19:00:30 Berlin time, the window has ended"));
  await story.step("pulumi up", () => session.up());
  const second = outputs();
  say(`  scheduled: ${second.state ?? "none"}; next transition: ${second.nextTransition?.at ?? "none"}`);
  if (second.state !== "stopped" || (await statuses()).some((s) => s !== "SHUTOFF"))
    throw new DemoCheckError("the up after 19:00 should have stopped the fleet at the transition");
}
