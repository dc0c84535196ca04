/**
 * Issue 18 through Pulumi's own dynamic-provider host: a `ServerPowerState` acts on exactly the servers
 * meant. `name` is exact (the API's `name` filter is fuzzy); enterprise projects are listed with
 * `all_granted_eps` under each answer the emulator offers for a list without it; `maxMembers` refuses an
 * oversized selection before any action; a preview without credentials still succeeds.
 *
 * The enterprise-project matrix crosses a key's scope with what a list WITHOUT `enterprise_project_id`
 * returns (variant `listWithoutEnterpriseProject`). Every list the provider makes sends `all_granted_eps`,
 * which each answer treats alike, so every row runs the same provider code against the same answers: a
 * row is a tripwire for a list that drops the parameter. CI runs the rows such a list fails — `default-only`
 * for both keys (the servers of the other enterprise projects go missing) and `forbidden` for the key
 * authorized per enterprise project (403). `EP_MATRIX_FULL=1` also runs the three a dropped parameter would
 * pass: `all` for both keys, and `forbidden` for the key authorized for the whole project (it sees every
 * enterprise project either way).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorAdmin, startEmulator, type AdminServerInput, type RunningEmulator } from "../../emulator";
import { StepFailedError } from "../harness";
import { fleetOf, newSession, ROOT_URN as URN, serverId as id } from "./lifecycleKit";

// A step runs the program and Pulumi's host as processes (several per test: refresh, preview, up); on a
// busy 2-core CI machine running two suites at once that can take more than the default minute.
jest.setTimeout(180_000);

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let workDir: string;
let sessions = 0;
/** Every row of the enterprise-project matrix (see above); CI runs the rows a dropped parameter fails. */
const EP_MATRIX_FULL = process.env.EP_MATRIX_FULL === "1";

beforeAll(async () => {
  emulator = await startEmulator({ stopSeconds: 0.2, startSeconds: 0.2 });
  admin = new EmulatorAdmin(emulator.url);
  workDir = mkdtempSync(join(tmpdir(), "sps-selection-"));
});
afterAll(async () => {
  await emulator?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** A fresh emulator fleet and a session declaring `inputs` (serverIds empty unless given). */
async function fleet(servers: AdminServerInput[], inputs: Record<string, string>, config: Record<string, string> = {}) {
  await admin.reset();
  for (const server of await admin.listServers()) await admin.deleteServer(server.id);
  await admin.putServers(servers);
  const serverIds = inputs.serverIds ? (JSON.parse(inputs.serverIds) as string[]) : [];
  const { serverIds: _ids, ...rest } = inputs;
  sessions += 1;
  return newSession({
    workDir,
    name: `selection-${sessions}`,
    emulatorUrl: emulator.url,
    serverIds,
    inputs: rest,
    config,
  });
}

async function statuses(): Promise<Record<string, string>> {
  return Object.fromEntries((await admin.listServers()).map((server) => [server.id, server.status]));
}

type Outputs = { members?: string[] };

describe("selector.name is exact", () => {
  const servers: AdminServerInput[] = [
    { id: id(1), name: "web", status: "ACTIVE" },
    { id: id(2), name: "web-prod", status: "ACTIVE" },
    { id: id(3), name: "legacy-web2", status: "ACTIVE" },
    { id: id(4), name: "WEB", status: "ACTIVE" },
    { id: id(5), name: "webXprod", status: "ACTIVE" },
    { id: id(6), name: "web.prod", status: "ACTIVE" },
  ];

  it.each([["case-sensitive"], ["case-insensitive"]] as const)(
    'name "web" among web, web-prod, legacy-web2, WEB stops web alone (the API matching names %s)',
    async (listNameMatch) => {
      const s = await fleet(servers, { selector: JSON.stringify({ name: "web" }) });
      await admin.setVariants({ listNameMatch });
      await s.up();
      expect((fleetOf(s, URN).outputs as Outputs).members).toEqual([id(1)]);
      expect(await statuses()).toEqual({
        [id(1)]: "SHUTOFF",
        [id(2)]: "ACTIVE",
        [id(3)]: "ACTIVE",
        [id(4)]: "ACTIVE",
        [id(5)]: "ACTIVE",
        [id(6)]: "ACTIVE",
      });
      expect((await admin.stats()).submissionsPerServer).toEqual({ [id(1)]: 1 });
    },
  );

  it('name "web.prod" stops web.prod and does not touch webXprod', async () => {
    const s = await fleet(servers, { selector: JSON.stringify({ name: "web.prod" }) });
    await s.up();
    expect((fleetOf(s, URN).outputs as Outputs).members).toEqual([id(6)]);
    expect((await admin.stats()).submissionsPerServer).toEqual({ [id(6)]: 1 });
    expect((await statuses())[id(5)]).toBe("ACTIVE");
  });
});

describe("enterprise projects", () => {
  const EP_A = "a1b2c3d4-0000-4000-8000-00000000000a";
  const EP_B = "a1b2c3d4-0000-4000-8000-00000000000b";
  const servers: AdminServerInput[] = [
    { id: id(11), status: "ACTIVE", tags: { env: "dev" } },
    { id: id(12), status: "ACTIVE", tags: { env: "dev" }, enterpriseProjectId: EP_A },
    { id: id(13), status: "ACTIVE", tags: { env: "dev" }, enterpriseProjectId: EP_B },
    { id: id(14), status: "ACTIVE", tags: { env: "prod" }, enterpriseProjectId: EP_A },
    { id: id(15), status: "ACTIVE", tags: { env: "prod" }, enterpriseProjectId: EP_B },
  ];
  type Answer = "forbidden" | "all" | "default-only";
  // Per key: its authorized enterprise projects, every answer, and the answers a list without the parameter fails.
  const keys: [string, string[], Answer[], Answer[]][] = [
    ["a key authorized for the whole project", [], ["forbidden", "all", "default-only"], ["default-only"]],
    [
      "a key authorized per enterprise project",
      ["0", EP_A, EP_B],
      ["forbidden", "all", "default-only"],
      ["forbidden", "default-only"],
    ],
  ];

  describe.each(keys)("%s", (_key, authorizedEnterpriseProjects, everyAnswer, tripwires) => {
    it.each(EP_MATRIX_FULL ? everyAnswer : tripwires)(
      "a tag selector finds its servers in every enterprise project, and a declared id in another one is converged (a list without the parameter: %s)",
      async (listWithoutEnterpriseProject) => {
        const s = await fleet(servers, {
          selector: JSON.stringify({ tags: { env: "dev" } }),
          serverIds: JSON.stringify([id(15)]),
        });
        await admin.setVariants({ listWithoutEnterpriseProject, authorizedEnterpriseProjects });
        await s.up();
        const outputs = fleetOf(s, URN).outputs;
        expect((outputs as Outputs).members).toEqual([id(11), id(12), id(13)]);
        expect(outputs.servers[id(15)]).toMatchObject({ status: "SHUTOFF", error: null, enterpriseProjectId: EP_B });
        expect(outputs.servers[id(12)]).toMatchObject({ status: "SHUTOFF", enterpriseProjectId: EP_A });
        expect(await statuses()).toEqual({
          [id(11)]: "SHUTOFF",
          [id(12)]: "SHUTOFF",
          [id(13)]: "SHUTOFF",
          [id(14)]: "ACTIVE",
          [id(15)]: "SHUTOFF",
        });
        expect((await admin.stats()).submissionsPerServer).toEqual({
          [id(11)]: 1,
          [id(12)]: 1,
          [id(13)]: 1,
          [id(15)]: 1,
        });
      },
    );
  });
});

describe("maxMembers", () => {
  it("refuses an oversized selection with the count and the first names, and sends no action", async () => {
    const servers: AdminServerInput[] = [1, 2, 3].map((n) => ({
      id: id(20 + n),
      name: `dev-${n}`,
      status: "ACTIVE",
      tags: { env: "dev" },
    }));
    const s = await fleet(servers, { selector: JSON.stringify({ tags: { env: "dev" }, maxMembers: 2 }) });
    const failed = await s.up().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StepFailedError);
    const text = JSON.stringify((failed as StepFailedError).errors);
    expect(text).toMatch(/3 servers/);
    expect(text).toContain("dev-1");
    expect(text).toContain("maxMembers");
    expect((await admin.stats()).requests["POST action"]).toBeUndefined();
    expect(Object.values(await statuses())).toEqual(["ACTIVE", "ACTIVE", "ACTIVE"]);
  });
});

describe("a throttled selector resolution (issue 19)", () => {
  it("waits patiently, as every other read does, past the client's 5 attempts, and converges", async () => {
    const s = await fleet(
      [
        { id: id(41), status: "ACTIVE", tags: { env: "dev" } },
        { id: id(42), status: "ACTIVE", tags: { env: "dev" } },
      ],
      { selector: JSON.stringify({ tags: { env: "dev" } }) },
      // The up's own listing is the one throttled here (preview's reads would take the throttles first).
      { "huaweicloud:ecsPreviewReads": "false" },
    );
    // The listing is throttled 7 times in a row (Retry-After 0 keeps the test fast): more than maxAttempts.
    await admin.injectFault({ route: "list", kind: "throttle", times: 7, retryAfterSeconds: 0 });
    const up = await s.up();
    expect(up.operations.map((o) => o.op)).toEqual(["create"]);
    expect((fleetOf(s, URN).outputs as Outputs).members).toEqual([id(41), id(42)]);
    expect(await statuses()).toEqual({ [id(41)]: "SHUTOFF", [id(42)]: "SHUTOFF" });
    expect((await admin.pendingFaults()).transport).toEqual([]);
    expect(up.hostOutput.join("\n")).toMatch(/throttl/i);
  });
});

describe("preview", () => {
  it("without credentials still succeeds, with one line saying why there is no live plan", async () => {
    const s = await fleet([{ id: id(31), status: "ACTIVE" }], { serverIds: JSON.stringify([id(31)]) });
    delete s.config["huaweicloud:accessKey"];
    delete s.config["huaweicloud:secretKey"];
    const preview = await s.preview();
    expect(preview.operations.map((o) => o.op)).toEqual(["create"]);
    expect(preview.hostOutput.join("\n")).toMatch(
      /live plan unavailable \(huaweicloud:accessKey is not set .*\); the lines above come from the inputs and the record alone/,
    );
    expect((await admin.stats()).total).toBe(0);
  });

  it("with nothing to change makes no call", async () => {
    const s = await fleet([{ id: id(32), status: "SHUTOFF" }], { serverIds: JSON.stringify([id(32)]) });
    await s.up();
    await admin.reset();
    const preview = await s.preview();
    expect(preview.operations.map((o) => o.op)).toEqual(["same"]);
    expect((await admin.stats()).total).toBe(0);
  });
});
