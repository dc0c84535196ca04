/**
 * Whole Pulumi sessions — preview, up, refresh, up, destroy — against the local ECS emulator, through
 * Pulumi's own dynamic-provider host process, as the engine drives it (tests/harness). The program is
 * the repository's root Pulumi program, configured by stack config alone.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import { PulumiSession, StepFailedError } from "../harness";
import {
  buildPackagedProgram,
  fleetOf,
  newSession,
  PACKAGED_PROJECT,
  PACKAGED_URN as PKG_URN,
  ROOT,
  ROOT_URN as URN,
  serverId as id,
} from "./lifecycleKit";

// A step runs the program and Pulumi's host as processes (several per test: refresh, preview, up); on a
// busy 2-core CI machine running two suites at once that can take more than the default minute.
jest.setTimeout(180_000);

const SECRET_KEY = DEFAULT_EMULATOR_CREDENTIALS.secretKey;
const SECURITY_TOKEN = "lifecycle-security-token-7f3a9c";

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let workDir: string;

beforeAll(async () => {
  emulator = await startEmulator({ stopSeconds: 0.3, startSeconds: 0.3 });
  admin = new EmulatorAdmin(emulator.url);
  workDir = mkdtempSync(join(tmpdir(), "sps-lifecycle-"));
});
afterAll(async () => {
  await emulator?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

let packagedDir: string | undefined;
function packagedProgram(): string {
  packagedDir ??= buildPackagedProgram(workDir);
  return packagedDir;
}

function session(
  name: string,
  serverIds: string[],
  extra: Record<string, string> = {},
  programDir = ROOT,
  project = "ecs-power",
): PulumiSession {
  return newSession({
    workDir,
    name,
    emulatorUrl: emulator.url,
    serverIds,
    programDir,
    project,
    config: { "huaweicloud:securityToken": SECURITY_TOKEN, ...extra },
    onOutput: (line) => hostLog.push(line),
  });
}

/** Every line any provider host printed, in every session: what `pulumi up` would show. */
const hostLog: string[] = [];

function fleet(s: PulumiSession, urn = URN) {
  return fleetOf(s, urn);
}

async function statuses(): Promise<Record<string, string>> {
  return Object.fromEntries((await admin.listServers()).map((server) => [server.id, server.status]));
}

describe("a session at the terminal: preview, up, up, drift, refresh, up, add and remove", () => {
  const s = () => shared;
  let shared: PulumiSession;
  beforeAll(async () => {
    await admin.reset();
    await admin.putServers([
      { id: id(1), status: "ACTIVE" },
      { id: id(2), status: "SHUTOFF" },
      { id: id(3), status: "ACTIVE" },
      { id: id(4), status: "SHUTOFF" },
      { id: id(5), status: "ACTIVE" },
      { id: id(6), status: "ACTIVE" },
    ]);
    shared = session("main", [id(1), id(2), id(3), id(4)]);
  });

  it("1. preview reads the fleet with GET calls only and shows exactly what the up will do", async () => {
    const preview = await s().preview();
    expect(preview.operations).toEqual([expect.objectContaining({ urn: URN, op: "create" })]);
    expect((await admin.stats()).requests).toEqual({ "GET list": 1 });
    const name = (n: number) => `server-${id(n).slice(0, 8)} (${id(n)})`;
    expect(preview.hostOutput).toEqual(
      expect.arrayContaining([
        "ServerPowerState: live plan (read now with GET calls only; nothing was changed): 4 servers declared stopped: 2 will be stopped, 2 already SHUTOFF, 0 cannot be acted on",
        `ServerPowerState:   will be stopped: ${name(1)}, ${name(3)}`,
        `ServerPowerState:   already SHUTOFF, left as they are: ${name(2)}, ${name(4)}`,
      ]),
    );
    expect(await statuses()).toMatchObject({ [id(1)]: "ACTIVE", [id(3)]: "ACTIVE" });
    expect(s().readState().resources).toEqual({});
    expect(preview.hostOutput.join("\n")).toContain(
      `4 servers declared stopped: ${id(1)}, ${id(2)}, ${id(3)}, ${id(4)}`,
    );
  });

  it("2. up stops a mixed fleet; the state records every server SHUTOFF", async () => {
    const up = await s().up();
    expect(up.operations.map((o) => o.op)).toEqual(["create"]);
    const { outputs } = fleet(s());
    for (const n of [1, 2, 3, 4])
      expect(outputs.servers[id(n)]).toMatchObject({ status: "SHUTOFF", taskState: null, error: null });
    expect(outputs.jobs.map((j) => j.serverIds)).toEqual([[id(1), id(3)]]);
    expect(outputs.initialStates).toEqual({
      [id(1)]: "ACTIVE",
      [id(2)]: "SHUTOFF",
      [id(3)]: "ACTIVE",
      [id(4)]: "SHUTOFF",
    });
    expect(up.hostOutput.join("\n")).toMatch(/4 servers: 2 already in state, stopping 2/);
    expect(await statuses()).toMatchObject({ [id(1)]: "SHUTOFF", [id(3)]: "SHUTOFF" });
  });

  it("3. a second up without changes makes zero API calls", async () => {
    await admin.reset();
    const up = await s().up();
    expect(up.operations.map((o) => o.op)).toEqual(["same"]);
    expect((await admin.stats()).total).toBe(0);
  });

  it("4. a server started out of band: refresh shows it ACTIVE, preview names it, up stops only it", async () => {
    await admin.setServer(id(3), { status: "ACTIVE" });
    await admin.reset();
    await s().refresh();
    expect(fleet(s()).outputs.servers[id(3)]).toMatchObject({ status: "ACTIVE", taskState: null });
    expect((await admin.stats()).requests).toEqual({ "GET list": 1 });

    await admin.reset();
    const preview = await s().preview();
    expect(preview.operations.map((o) => o.op)).toEqual(["update"]);
    expect(preview.hostOutput.join("\n")).toContain(
      `stop or wait for 1 server not SHUTOFF in the record: ${id(3)} (ACTIVE)`,
    );
    expect(preview.hostOutput.join("\n")).toMatch(/4 servers declared stopped: 1 will be stopped, 3 already SHUTOFF/);
    expect((await admin.stats()).requests).toEqual({ "GET list": 1 });

    const up = await s().up();
    expect(up.operations.map((o) => o.op)).toEqual(["update"]);
    expect(fleet(s()).outputs.jobs.map((j) => j.serverIds)).toEqual([[id(3)]]);
    expect(fleet(s()).outputs.servers[id(3)].status).toBe("SHUTOFF");
    expect((await admin.stats()).requests["POST action"]).toBe(1);
  });

  it("5. adding servers stops only the new ones; removing servers leaves them as they are", async () => {
    s().config["ecs-power:serverIds"] = JSON.stringify([id(1), id(2), id(3), id(4), id(5), id(6)]);
    await s().up();
    expect(fleet(s()).outputs.jobs.map((j) => j.serverIds)).toEqual([[id(5), id(6)]]);

    await admin.reset();
    s().config["ecs-power:serverIds"] = JSON.stringify([id(1), id(2)]);
    const up = await s().up();
    expect(up.operations.map((o) => o.op)).toEqual(["update"]);
    expect(fleet(s()).outputs.jobs).toEqual([]);
    expect(Object.keys(fleet(s()).outputs.servers).sort()).toEqual([id(1), id(2)]);
    expect((await admin.stats()).requests["POST action"]).toBeUndefined();
    expect(await statuses()).toMatchObject({
      [id(3)]: "SHUTOFF",
      [id(4)]: "SHUTOFF",
      [id(5)]: "SHUTOFF",
      [id(6)]: "SHUTOFF",
    });
  });

  it("8. the persisted state holds neither the secret key nor the security token, in any encoding; nor do the logs", async () => {
    const state = readFileSync(join(workDir, "main.json"), "utf8");
    expect(state).toContain("__provider");
    expect(hostLog.join("\n")).toContain("servers done");
    const encodings = (secret: string) => [
      secret,
      Buffer.from(secret).toString("base64"),
      Buffer.from(secret).toString("base64url"),
      Buffer.from(secret).toString("hex"),
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
    ];
    for (const text of [state, hostLog.join("\n")]) {
      for (const encoded of [...encodings(SECRET_KEY), ...encodings(SECURITY_TOKEN)])
        expect(text).not.toContain(encoded);
    }
  });
});

describe("6. running, then destroy with onDelete restore", () => {
  it("starts the fleet, and destroy returns each server to its initial status", async () => {
    await admin.reset();
    await admin.putServers([
      { id: id(11), status: "ACTIVE" },
      { id: id(12), status: "SHUTOFF" },
      { id: id(13), status: "ACTIVE" },
    ]);
    const s = session("restore", [id(11), id(12), id(13)], { "ecs-power:onDelete": "restore" });
    await s.up();
    expect(await statuses()).toMatchObject({ [id(11)]: "SHUTOFF", [id(12)]: "SHUTOFF", [id(13)]: "SHUTOFF" });

    s.config["ecs-power:state"] = "running";
    await s.up();
    expect(fleet(s).outputs.jobs.map((j) => [j.action, j.serverIds])).toEqual([["os-start", [id(11), id(12), id(13)]]]);
    expect(await statuses()).toMatchObject({ [id(11)]: "ACTIVE", [id(12)]: "ACTIVE", [id(13)]: "ACTIVE" });

    const destroy = await s.destroy();
    expect(destroy.operations.map((o) => o.op)).toEqual(["delete"]);
    expect(await statuses()).toMatchObject({ [id(11)]: "ACTIVE", [id(12)]: "SHUTOFF", [id(13)]: "ACTIVE" });
    expect(s.readState().resources).toEqual({});
  });
});

describe("7. a sub-job failure", () => {
  it("fails the up naming the server, its code and reason; the state keeps the partial result; the next up converges only it", async () => {
    await admin.reset();
    await admin.putServers([
      { id: id(21), status: "ACTIVE" },
      { id: id(22), status: "ACTIVE" },
      { id: id(23), status: "SHUTOFF" },
    ]);
    await admin.injectFault({
      serverId: id(22),
      kind: "fail-subjob",
      errorCode: "Ecs.1000",
      reason: "Nova could not power off the instance",
    });
    // Through the packaged provider: the error's properties travel in one gRPC trailer, which this
    // harness's Node HTTP/2 client caps at 64 KiB (the engine's Go client takes 16 MiB), and the
    // by-value provider of the root program alone is larger than that.
    const s = session("failure", [id(21), id(22), id(23)], {}, packagedProgram(), PACKAGED_PROJECT);

    const failed = await s.up().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StepFailedError);
    expect((failed as StepFailedError).errors).toEqual([
      expect.objectContaining({
        urn: PKG_URN,
        op: "create",
        reasons: [`server ${id(22)}: Ecs.1000: Nova could not power off the instance`],
      }),
    ]);
    const partial = fleet(s, PKG_URN);
    expect(partial.id).toMatch(/^sps-/);
    expect(partial.outputs.servers[id(21)]).toMatchObject({ status: "SHUTOFF", error: null });
    expect(partial.outputs.servers[id(22)]).toMatchObject({ status: "ACTIVE", error: { code: "Ecs.1000" } });
    expect(partial.outputs).toMatchObject({ convergedAt: null });

    await admin.reset();
    const retry = await s.up();
    expect(retry.operations.map((o) => o.op)).toEqual(["update"]);
    expect(fleet(s, PKG_URN).outputs.jobs.map((j) => j.serverIds)).toEqual([[id(22)]]);
    expect(fleet(s, PKG_URN).outputs.servers[id(22)]).toMatchObject({ status: "SHUTOFF", error: null });
    expect((await admin.stats()).requests["POST action"]).toBe(1);
  });
});

describe("9. the compiled package, loaded from a program's own node_modules", () => {
  it("runs the whole lifecycle with the provider stored as a require of the package", async () => {
    const programDir = packagedProgram();
    await admin.reset();
    await admin.putServers([
      { id: id(31), status: "ACTIVE" },
      { id: id(32), status: "SHUTOFF" },
    ]);
    const urn = PKG_URN;
    const s = session("dist", [id(31), id(32)], { "pkg-user:onDelete": "restore" }, programDir, PACKAGED_PROJECT);
    await s.up();
    const created = fleet(s, urn);
    expect(created.inputs.__provider).toMatch(/require\("pulumi-huaweicloud-ecs-power\/dist\/provider\/[\w.]+"\)/);
    expect(created.outputs.servers[id(31)].status).toBe("SHUTOFF");
    expect(await statuses()).toMatchObject({ [id(31)]: "SHUTOFF", [id(32)]: "SHUTOFF" });

    await admin.setServer(id(32), { status: "ACTIVE" });
    await s.refresh();
    expect(fleet(s, urn).outputs.servers[id(32)].status).toBe("ACTIVE");
    await s.up();
    expect(fleet(s, urn).outputs.jobs.map((j) => j.serverIds)).toEqual([[id(32)]]);

    await s.destroy();
    expect(await statuses()).toMatchObject({ [id(31)]: "ACTIVE", [id(32)]: "SHUTOFF" });
  });
});
