/**
 * A fleet declared by its tags, through Pulumi's own dynamic-provider host (tests/harness): create
 * by tag, a server tagged out of band found by refresh and converged alone by the next up, a
 * server untagged restored (onDelete "restore"), and a no-op up that makes no call.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import type { PulumiSession } from "../harness";
import { fleetOf, newSession, ROOT_URN as URN, serverId as id } from "./lifecycleKit";

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let workDir: string;
const hostLog: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ stopSeconds: 0.3, startSeconds: 0.3 });
  admin = new EmulatorAdmin(emulator.url);
  workDir = mkdtempSync(join(tmpdir(), "sps-selector-"));
});
afterAll(async () => {
  await emulator?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function statuses(): Promise<Record<string, string>> {
  return Object.fromEntries((await admin.listServers()).map((server) => [server.id, server.status]));
}

type Outputs = { members?: string[]; membersResolvedAt?: string; jobs: { serverIds: string[] }[] };
const outputsOf = (s: PulumiSession) =>
  fleetOf(s, URN).outputs as unknown as Outputs & ReturnType<typeof fleetOf>["outputs"];

describe("a fleet selected by the tag env=dev", () => {
  let s: PulumiSession;
  beforeAll(async () => {
    await admin.reset();
    await admin.putServers([
      { id: id(1), status: "ACTIVE", tags: { env: "dev" } },
      { id: id(2), status: "SHUTOFF", tags: { env: "dev" } },
      { id: id(3), status: "ACTIVE", tags: { env: "dev", team: "web" } },
      { id: id(4), status: "ACTIVE" },
      { id: id(5), status: "ACTIVE", tags: { env: "prod" } },
    ]);
    s = newSession({
      workDir,
      name: "selector",
      emulatorUrl: emulator.url,
      serverIds: [],
      inputs: { selector: JSON.stringify({ tags: { env: "dev" } }), onDelete: "restore" },
      onOutput: (line) => hostLog.push(line),
    });
  });

  it("1. preview resolves the selector with GET calls only and shows its members' plan", async () => {
    const preview = await s.preview();
    expect(preview.operations).toEqual([expect.objectContaining({ urn: URN, op: "create" })]);
    // One listing of the tag, one detail query of the members.
    expect((await admin.stats()).requests).toEqual({ "GET list": 2 });
    expect(preview.hostOutput.join("\n")).toContain("selector env=dev: membership is resolved again at up");
    expect(preview.hostOutput.join("\n")).toContain(
      "3 servers declared stopped: 2 will be stopped, 1 already SHUTOFF, 0 cannot be acted on",
    );
  });

  it("2. up resolves the tag, stops the members and records them", async () => {
    const up = await s.up();
    expect(up.operations.map((o) => o.op)).toEqual(["create"]);
    const outputs = outputsOf(s);
    expect(outputs.members).toEqual([id(1), id(2), id(3)]);
    expect(outputs.membersResolvedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(outputs.serverIds).toEqual([]);
    expect(outputs.jobs.map((j) => j.serverIds)).toEqual([[id(1), id(3)]]);
    expect(up.hostOutput.join("\n")).toContain(`selector env=dev matched 3 servers: ${id(1)}, ${id(2)}, ${id(3)}`);
    expect(await statuses()).toEqual({
      [id(1)]: "SHUTOFF",
      [id(2)]: "SHUTOFF",
      [id(3)]: "SHUTOFF",
      [id(4)]: "ACTIVE",
      [id(5)]: "ACTIVE",
    });
  });

  it("3. a server tagged out of band: refresh finds it, preview names it, up stops only it", async () => {
    await admin.setServer(id(4), { tags: { env: "dev" } });
    await admin.reset();
    await s.refresh();
    expect(outputsOf(s).members).toEqual([id(1), id(2), id(3), id(4)]);
    // One listing of the tag, one detail query of the servers acted on.
    expect((await admin.stats()).requests).toEqual({ "GET list": 2 });

    await admin.reset();
    const preview = await s.preview();
    expect(preview.operations.map((o) => o.op)).toEqual(["update"]);
    expect(preview.hostOutput.join("\n")).toContain(`joined since the last up: ${id(4)}`);
    expect(preview.hostOutput.join("\n")).toContain(`will be stopped: server-${id(4).slice(0, 8)} (${id(4)})`);
    expect((await admin.stats()).requests).toEqual({ "GET list": 2 });

    const up = await s.up();
    expect(up.operations.map((o) => o.op)).toEqual(["update"]);
    expect(outputsOf(s).jobs.map((j) => j.serverIds)).toEqual([[id(4)]]);
    expect((await admin.stats()).requests["POST action"]).toBe(1);
    expect((await statuses())[id(4)]).toBe("SHUTOFF");
  });

  it("4. a second up without changes makes zero API calls", async () => {
    await admin.reset();
    const up = await s.up();
    expect(up.operations.map((o) => o.op)).toEqual(["same"]);
    expect((await admin.stats()).total).toBe(0);
  });

  it("5. a server untagged leaves the fleet and, with onDelete restore, is restored to its initial status", async () => {
    await admin.setServer(id(1), { tags: {} });
    await s.refresh();
    expect(outputsOf(s).members).toEqual([id(2), id(3), id(4)]);
    const preview = await s.preview();
    expect(preview.hostOutput.join("\n")).toContain(`left since the last up: ${id(1)}`);
    await admin.reset();
    const up = await s.up();
    expect(up.operations.map((o) => o.op)).toEqual(["update"]);
    expect(await statuses()).toMatchObject({ [id(1)]: "ACTIVE", [id(2)]: "SHUTOFF", [id(3)]: "SHUTOFF" });
    expect(Object.keys(outputsOf(s).initialStates).sort()).toEqual([id(2), id(3), id(4)]);
    expect(Object.keys(outputsOf(s).servers).sort()).toEqual([id(2), id(3), id(4)]);
  });

  it("6. a selector matching nothing manages nothing and says so", async () => {
    s.config["ecs-power:selector"] = JSON.stringify({ tags: { env: "nowhere" } });
    s.config["ecs-power:onDelete"] = "leave";
    const up = await s.up();
    expect(up.operations.map((o) => o.op)).toEqual(["update"]);
    expect(up.hostOutput.join("\n")).toContain("selector env=nowhere matched no server: nothing is managed through it");
    expect(outputsOf(s).members).toEqual([]);
    expect(outputsOf(s).servers).toEqual({});
  });
});
