/**
 * The demo's story: the root Pulumi program (Pulumi.yaml + index.ts) against a local ECS emulator,
 * step by step as in a terminal: preview, up, a server started by hand, refresh, preview, up, destroy;
 * then (demo/tagStory.ts) a fleet selected by its tag gaining a member between two ups.
 *
 * There is no Pulumi CLI here: the test harness (tests/harness) runs the program under mocks and
 * drives Pulumi's own dynamic-provider host over gRPC, as the engine does. Lines prefixed `│` are
 * what the provider printed; everything else is the demo narrating, and checking as it goes: a failed
 * step or an unexpected status rejects (StepFailedError, DemoCheckError). The emulator is stopped and
 * the state folder removed in every case.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EmulatorAdmin, seedServers, startEmulator, type AdminServerInput, type RunningEmulator } from "../emulator";
import { PulumiSession, type StepResult } from "../tests/harness";
import { countOf } from "../provider/plural";
import { createPalette, type Palette } from "./createPalette";
import { DemoCheckError } from "./DemoCheckError";
import { formatTable } from "./formatTable";
import { readFleetRecord, type FleetJob, type FleetRecord } from "./readFleetRecord";
import { tellScheduleStory } from "./scheduleStory";
import { tellTagStory } from "./tagStory";
import type { StoryPart } from "./storyPart";

/** Long enough to watch, short enough for the whole demo to stay well under 30 s. */
export const DEMO_TRANSITION_SECONDS = 1.5;

export interface DemoOptions {
  /** Receives every line of the demo's output. */
  readonly say: (line: string) => void;
  /** ANSI colours (for a terminal). */
  readonly colors: boolean;
  /** The emulator's fleet; default 8 seeded servers, even ones ACTIVE and odd ones SHUTOFF. */
  readonly servers?: readonly AdminServerInput[];
  /** Where the stack's state file goes (created here, removed at the end); default a new temp folder. */
  readonly parentDir?: string;
}

const OP_SYMBOLS: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " " };

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const shortJobId = (jobId: string | null): string => (jobId ? jobId.slice(0, 8) : "-");

function jobDurationMs(job: FleetJob | undefined): number | undefined {
  if (!job?.beginTime || !job.endTime) return undefined;
  return Date.parse(job.endTime) - Date.parse(job.beginTime);
}

function describeJob(job: FleetJob): string {
  const took = jobDurationMs(job);
  const type = job.type ? ` ${job.type}` : "";
  return `job ${shortJobId(job.jobId)} ${job.action}${type} on ${job.serverIds.join(", ")}: ${job.status}${took === undefined ? "" : ` in ${seconds(took)}`}`;
}

/** Server id → status as the emulator shows it now, with the task state while one runs. */
async function emulatorStatuses(admin: EmulatorAdmin): Promise<Record<string, string>> {
  const statuses: Record<string, string> = {};
  for (const server of await admin.listServers())
    statuses[server.id] = server.taskState ? `${server.status} (${server.taskState})` : server.status;
  return statuses;
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const palette = createPalette(options.colors);
  const say = (line = ""): void => options.say(line);
  const startedAt = Date.now();
  const servers = options.servers ?? seedServers(8);

  say(palette.bold("ServerPowerState demo: the root Pulumi program against a local ECS emulator"));
  const stateDir = mkdtempSync(join(options.parentDir ?? tmpdir(), "ecs-power-demo-"));
  let emulator: RunningEmulator | undefined;
  try {
    emulator = await startEmulator({
      servers: [...servers],
      stopSeconds: DEMO_TRANSITION_SECONDS,
      startSeconds: DEMO_TRANSITION_SECONDS,
    });
    const active = servers.filter((s) => s.status === "ACTIVE").length;
    say(
      `Emulator on ${emulator.url}: ${countOf(servers.length, "server")} (${active} ACTIVE, ${servers.length - active} SHUTOFF); a stop or start takes ${DEMO_TRANSITION_SECONDS} s`,
    );
    const {
      url: emulatorUrl,
      options: { projectId, accessKey, secretKey },
    } = emulator;
    await tellStory({
      say,
      palette,
      emulatorUrl,
      projectId,
      accessKey,
      secretKey,
      stateFile: join(stateDir, "demo.state.json"),
      tagStateFile: join(stateDir, "demo-tags.state.json"),
      scheduleStateFile: join(stateDir, "demo-schedule.state.json"),
    });
    say();
    say(palette.bold("Summary"));
    say("  up stopped the running servers and left the stopped ones alone: yes");
    say("  refresh found the server started by hand, and the next up stopped that one alone: yes");
    say(palette.green("  every server back to its initial status: yes"));
    say("  a tag-selected fleet gained a member between two ups, and only it was stopped: yes");
    say("  a scheduled fleet started inside its window and stopped when the window ended: yes");
    say(palette.dim(`  ${seconds(Date.now() - startedAt)} in all`));
  } finally {
    await emulator?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** What the whole story is told: a part's shape without its step (each part makes its own), and every part's state file. */
type Story = Omit<StoryPart, "step"> & {
  readonly tagStateFile: string;
  readonly scheduleStateFile: string;
};

/** What the acts of the story share: the output, the fleet as it began, the stack and the checks on it. */
interface Scene {
  readonly say: (line?: string) => void;
  readonly palette: Palette;
  readonly admin: EmulatorAdmin;
  readonly session: PulumiSession;
  readonly fleetIds: readonly string[];
  /** Each server's status before the first up, read from the emulator. */
  readonly initial: Record<string, string>;
  readonly heading: (command: string) => void;
  readonly step: (command: string, run: () => Promise<StepResult>) => Promise<StepResult>;
  /** The fleet's record in the stack; fails the demo when there is none. */
  readonly record: () => FleetRecord;
  /** Fails the demo unless every server is SHUTOFF, in the emulator and in the state. */
  readonly expectAllStopped: (when: string) => Promise<void>;
}

async function tellStory(story: Story): Promise<void> {
  const scene = await setScene(story);
  const { say, fleetIds } = scene;
  const { emulatorUrl, projectId, accessKey } = story;
  say(
    `Stack "demo" of project ecs-power: ecs-power:state=stopped, ecs-power:onDelete=restore, ${fleetIds.length} ids in ecs-power:serverIds,`,
  );
  say(
    `  huaweicloud:ecsEndpoint=${emulatorUrl}, huaweicloud:projectId=${projectId}, huaweicloud:accessKey=${accessKey}, huaweicloud:secretKey=[secret]`,
  );
  const toStop = await previewAct(scene);
  await firstUpAct(scene);
  await driftAct(scene, toStop);
  await destroyAct(scene);
  await tellTagStory({ ...story, stateFile: story.tagStateFile, step: scene.step });
  await tellScheduleStory({ ...story, stateFile: story.scheduleStateFile, step: scene.step });
}

async function setScene({
  say,
  palette,
  emulatorUrl,
  projectId,
  accessKey,
  secretKey,
  stateFile,
}: Story): Promise<Scene> {
  const admin = new EmulatorAdmin(emulatorUrl);
  const initial = await emulatorStatuses(admin);
  const fleetIds = Object.keys(initial);
  const session = new PulumiSession({
    programDir: resolve(__dirname, ".."),
    project: "ecs-power",
    stack: "demo",
    config: {
      "ecs-power:serverIds": JSON.stringify(fleetIds),
      "ecs-power:state": "stopped",
      "ecs-power:onDelete": "restore",
      "huaweicloud:ecsEndpoint": emulatorUrl,
      "huaweicloud:projectId": projectId,
      "huaweicloud:accessKey": accessKey,
      "huaweicloud:secretKey": secretKey,
    },
    secretKeys: ["huaweicloud:secretKey"],
    stateFile,
    onOutput: (line) => say(`${palette.dim("  │")} ${line}`),
  });

  const heading = (command: string): void => {
    say();
    say(palette.bold(palette.cyan(command)));
  };
  const step = async (command: string, run: () => Promise<StepResult>): Promise<StepResult> => {
    heading(`$ ${command}`);
    const stepStartedAt = Date.now();
    const result = await run();
    for (const { op, name, type } of result.operations) {
      say(
        `  ${OP_SYMBOLS[op] ?? "?"} ${op.padEnd(7)} ${name} (${type})  ${palette.dim(seconds(Date.now() - stepStartedAt))}`,
      );
    }
    return result;
  };
  const record = (): FleetRecord => {
    const found = readFleetRecord(session.readState());
    if (found === undefined) throw new DemoCheckError("the stack holds no record of fleet");
    return found;
  };
  const expectAllStopped = async (when: string): Promise<void> => {
    const now = await emulatorStatuses(admin);
    const recorded = record().outputs.servers;
    const wrong = fleetIds.filter((id) => now[id] !== "SHUTOFF" || recorded[id]?.status !== "SHUTOFF");
    if (wrong.length > 0) {
      throw new DemoCheckError(
        `after ${when}, not SHUTOFF: ${wrong.map((id) => `${id} is ${now[id]} (the state says ${recorded[id]?.status})`).join(", ")}`,
      );
    }
  };
  return { say, palette, admin, session, fleetIds, initial, heading, step, record, expectAllStopped };
}

/** `pulumi preview`: no API call; the demo shows what the create will do. Returns the servers it will stop. */
async function previewAct({ say, session, fleetIds, initial, step }: Scene): Promise<string[]> {
  await step("pulumi preview", () => session.preview());
  say("  The provider makes no API call at preview. The demo itself reads the emulator's admin API to show");
  say("  what the create will do:");
  const toStop = fleetIds.filter((id) => initial[id] !== "SHUTOFF");
  for (const line of formatTable([
    ["SERVER", "STATUS NOW", "UP WILL"],
    ...fleetIds.map((id) => [id, initial[id]!, toStop.includes(id) ? "stop it" : "leave it (already SHUTOFF)"]),
  ]))
    say(`    ${line}`);
  say(`  ${toStop.length} of ${countOf(fleetIds.length, "server")} will be stopped.`);
  return toStop;
}

/** The first `pulumi up`: every server SHUTOFF, each with its job and how long it took. */
async function firstUpAct({ say, session, fleetIds, step, record, expectAllStopped }: Scene): Promise<void> {
  await step("pulumi up", () => session.up());
  await expectAllStopped("up");
  const afterUp = record().outputs;
  say();
  for (const line of formatTable([
    ["SERVER", "STATUS", "JOB", "TIME TAKEN"],
    ...fleetIds.map((id) => {
      const server = afterUp.servers[id];
      const took = jobDurationMs(afterUp.jobs.find((j) => j.jobId === server?.lastJobId));
      return [
        id,
        server?.status ?? "not recorded",
        shortJobId(server?.lastJobId ?? null),
        took === undefined ? "-" : seconds(took),
      ];
    }),
  ]))
    say(`  ${line}`);
}

/** A server started by hand: refresh finds it, the preview's plan names it, the next up stops it alone. */
async function driftAct(scene: Scene, toStop: readonly string[]): Promise<void> {
  const { say, palette, admin, session, fleetIds, heading, step, record, expectAllStopped } = scene;
  const drifted = toStop[0];
  if (drifted === undefined)
    throw new DemoCheckError("the fleet has no server the first up stopped, so none to start by hand");
  heading(`# outside Pulumi, someone starts ${drifted} again`);
  const patched = await admin.setServer(drifted, { status: "ACTIVE" });
  say(`  EmulatorAdmin.setServer("${drifted}", { status: "ACTIVE" }) → the emulator now reports it ${patched.status}`);

  const beforeRefresh = record().outputs.servers;
  await step("pulumi refresh", () => session.refresh());
  const afterRefresh = record().outputs.servers;
  const changed = fleetIds.filter((id) => afterRefresh[id]?.status !== beforeRefresh[id]?.status);
  for (const id of changed)
    say(
      palette.yellow(`  drift: ${id} is ${afterRefresh[id]?.status} in the state (was ${beforeRefresh[id]?.status})`),
    );
  if (changed.join() !== drifted || afterRefresh[drifted]?.status !== "ACTIVE") {
    throw new DemoCheckError(
      `refresh should have found ${drifted} ACTIVE and nothing else changed; it changed [${changed.join(", ")}]`,
    );
  }

  // The engine shows no detail for a dynamic resource's update: the provider's diff prints the plan.
  const preview = await step("pulumi preview", () => session.preview());
  const planLine = preview.hostOutput.find((line) => line.includes(": stop or wait for"));
  if (planLine === undefined || !planLine.includes(drifted)) {
    throw new DemoCheckError(
      `the preview's plan should name ${drifted}; the provider printed: ${preview.hostOutput.join(" | ") || "nothing"}`,
    );
  }
  say(`  The update will act on ${drifted} alone: the state records the others SHUTOFF.`);

  await step("pulumi up", () => session.up());
  await expectAllStopped("the second up");
  const jobs = record().outputs.jobs;
  for (const job of jobs) say(`  ${describeJob(job)}`);
  if (jobs.length !== 1 || jobs[0]!.serverIds.join() !== drifted) {
    throw new DemoCheckError(
      `the second up should have sent one job for ${drifted} alone; it sent ${jobs.map(describeJob).join("; ") || "none"}`,
    );
  }
}

/** `pulumi destroy` with onDelete restore: every server back to its initial status. */
async function destroyAct({ say, admin, session, fleetIds, initial, step }: Scene): Promise<void> {
  await step("pulumi destroy", () => session.destroy());
  if (readFleetRecord(session.readState()) !== undefined) throw new DemoCheckError("destroy left fleet in the stack");
  const final = await emulatorStatuses(admin);
  say("  onDelete is restore: the servers should be back as they were before the first up (read from the emulator):");
  for (const line of formatTable([
    ["SERVER", "INITIAL", "NOW"],
    ...fleetIds.map((id) => [id, initial[id]!, final[id] ?? "missing"]),
  ]))
    say(`    ${line}`);
  const mismatched = fleetIds.filter((id) => final[id] !== initial[id]);
  if (mismatched.length > 0) {
    throw new DemoCheckError(
      `after destroy, not back to the initial status: ${mismatched.map((id) => `${id} is ${final[id]}, was ${initial[id]}`).join(", ")}`,
    );
  }
}
