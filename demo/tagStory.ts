/**
 * Part 2 of the demo: a fleet declared by its tag instead of its ids. Servers tagged `env=dev`
 * are stopped by `up`; someone tags one more server; `refresh` finds it, the next `up` stops it
 * alone; `destroy` (onDelete restore) brings every member back. Checked as it goes (DemoCheckError).
 */
import { resolve } from "node:path";
import { EmulatorAdmin } from "../emulator";
import { PulumiSession } from "../tests/harness";
import { DemoCheckError } from "./DemoCheckError";
import type { StoryPart } from "./storyPart";
import { readFleetRecord, type FleetRecord } from "./readFleetRecord";

export async function tellTagStory(story: StoryPart): Promise<void> {
  const { say, palette, emulatorUrl } = story;
  const admin = new EmulatorAdmin(emulatorUrl);
  const all = await admin.listServers();
  const initial = Object.fromEntries(all.map((s) => [s.id, s.status]));
  // Three servers tagged env=dev now (two of them running); a fourth running one is tagged later.
  const running = all.filter((s) => s.status === "ACTIVE").map((s) => s.id);
  const stopped = all.filter((s) => s.status === "SHUTOFF").map((s) => s.id);
  const tagged = [running[0], running[1], stopped[0]];
  const late = running[2];
  if (tagged.some((id) => id === undefined) || late === undefined)
    throw new DemoCheckError("part 2 needs at least three ACTIVE servers and one SHUTOFF");
  say();
  say(palette.bold("Part 2: a fleet declared by its tag (ecs-power:selector = {tags: {env: dev}}, no serverIds)"));
  for (const id of tagged) await admin.setServer(id!, { tags: { env: "dev" } });
  say(`  tagged env=dev in the emulator: ${tagged.join(", ")}`);

  const session = new PulumiSession({
    programDir: resolve(__dirname, ".."),
    project: "ecs-power",
    stack: "demo-tags",
    config: {
      "ecs-power:serverIds": "[]",
      "ecs-power:selector": JSON.stringify({ tags: { env: "dev" } }),
      "ecs-power:state": "stopped",
      "ecs-power:onDelete": "restore",
      "huaweicloud:ecsEndpoint": emulatorUrl,
      "huaweicloud:projectId": story.projectId,
      "huaweicloud:accessKey": story.accessKey,
      "huaweicloud:secretKey": story.secretKey,
    },
    secretKeys: ["huaweicloud:secretKey"],
    stateFile: story.stateFile,
    onOutput: (line) => say(`${palette.dim("  │")} ${line}`),
  });
  const record = (): FleetRecord => {
    const found = readFleetRecord(session.readState());
    if (found === undefined) throw new DemoCheckError("the tag-selected stack holds no record of fleet");
    return found;
  };

  await story.step("pulumi up", () => session.up());
  const members = record().outputs.members ?? [];
  say(`  members: ${members.join(", ")}`);
  if (members.join() !== [...tagged].sort().join())
    throw new DemoCheckError(`up should have resolved ${tagged.join(", ")}; it resolved ${members.join(", ")}`);

  say();
  say(palette.bold(palette.cyan(`# outside Pulumi, someone tags ${late} env=dev`)));
  await admin.setServer(late, { tags: { env: "dev" } });

  await story.step("pulumi refresh", () => session.refresh());
  const refreshed = record().outputs.members ?? [];
  const joined = refreshed.filter((id) => !members.includes(id));
  say(palette.yellow(`  joined: ${joined.join(", ") || "none"}`));
  if (joined.join() !== late)
    throw new DemoCheckError(`refresh should have found ${late} joining; found ${joined.join()}`);

  await story.step("pulumi up", () => session.up());
  const jobs = record().outputs.jobs;
  for (const job of jobs)
    say(`  job ${job.jobId.slice(0, 8)} ${job.action} on ${job.serverIds.join(", ")}: ${job.status}`);
  if (jobs.length !== 1 || jobs[0]!.serverIds.join() !== late)
    throw new DemoCheckError(`the second up should have stopped ${late} alone`);

  await story.step("pulumi destroy", () => session.destroy());
  const final = Object.fromEntries((await admin.listServers()).map((s) => [s.id, s.status]));
  const wrong = Object.keys(initial).filter((id) => final[id] !== initial[id]);
  if (wrong.length > 0) throw new DemoCheckError(`after destroy, not back to the initial status: ${wrong.join(", ")}`);
  say("  onDelete is restore: every member is back to its initial status");
}
