/** The admin API through EmulatorAdmin: fleet setup, drift, validation, stats and reset. */
import { Pool } from "undici";
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, EmulatorAdminError, seededServerId } from "../../emulator";
import { openConnectionsSettled } from "../openConnections";
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";

describe("servers", () => {
  let t: TestEmulator;
  beforeEach(async () => {
    t = await startTestEmulator({ jobInitMs: 0, stopSeconds: 1 });
  });
  afterEach(() => t.emulator.stop());

  it("adds servers and lists them as the API shows them", async () => {
    const added = await t.admin.putServers([
      { id: A, status: "ACTIVE", name: "web-1" },
      { id: B, status: "SHUTOFF", locked: true },
    ]);
    expect(added).toEqual([
      { id: A, name: "web-1", status: "ACTIVE", taskState: null, locked: false, tags: {}, enterpriseProjectId: "0" },
      {
        id: B,
        name: expect.any(String),
        status: "SHUTOFF",
        taskState: null,
        locked: true,
        tags: {},
        enterpriseProjectId: "0",
      },
    ]);
    expect(await t.admin.listServers()).toEqual(added);
    expect((await t.client.show(A)).json.server.name).toBe("web-1");
  });

  it("replaces a server with the same id", async () => {
    await t.admin.putServers([{ id: A, status: "ACTIVE" }]);
    await t.admin.putServers([{ id: A, status: "SHUTOFF" }]);
    expect(await t.admin.listServers()).toEqual([expect.objectContaining({ id: A, status: "SHUTOFF" })]);
  });

  it("shows a transition as status and task state", async () => {
    await t.admin.putServers([{ id: A, status: "ACTIVE" }]);
    await t.client.stop([A]);
    expect(await t.admin.listServers()).toEqual([
      expect.objectContaining({ status: "ACTIVE", taskState: "powering-off" }),
    ]);
  });

  it("drifts a server out of band, ending its transition, and locks it", async () => {
    await t.admin.putServers([{ id: A, status: "ACTIVE" }]);
    const jobId = (await t.client.stop([A])).json.job_id;
    const patched = await t.admin.setServer(A, { status: "ACTIVE", locked: true });
    expect(patched).toMatchObject({ status: "ACTIVE", taskState: null, locked: true });
    t.clock.advance(10_000);
    expect((await t.client.show(A)).json.server).toMatchObject({ status: "ACTIVE", locked: true });
    expect((await t.client.job(jobId)).json).toMatchObject({ status: "FAIL", error_code: "Ecs.1000" });
    expect((await t.client.stop([A])).json.error.code).toBe("Ecs.0605");
  });

  it("deletes a server", async () => {
    await t.admin.putServers([{ id: A, status: "ACTIVE" }]);
    await t.admin.deleteServer(A);
    expect(await t.admin.listServers()).toEqual([]);
  });

  it("answers 404 for an unknown server", async () => {
    await expect(t.admin.setServer(A, { status: "ACTIVE" })).rejects.toMatchObject({
      code: "EMULATOR_ADMIN_ERROR",
      statusCode: 404,
      message: expect.stringContaining(`no server [${A}]`),
    });
    await expect(t.admin.deleteServer(A)).rejects.toMatchObject({ statusCode: 404 });
    await expect(t.admin.injectFault({ serverId: A, kind: "stuck" })).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("admin validation", () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ servers: [{ id: A, status: "ACTIVE" }] });
  });
  afterAll(() => t.emulator.stop());

  const post = (path: string, body: string, method = "POST") =>
    fetch(`${t.emulator.url}${path}`, { method, headers: { "Content-Type": "application/json" }, body });

  it.each([
    ["a bad status", "/_emulator/servers", { servers: [{ id: A, status: "RUNNING" }] }, "servers[0].status"],
    ["an id with a slash", "/_emulator/servers", { servers: [{ id: "a/b", status: "ACTIVE" }] }, "servers[0].id"],
    [
      "duplicate ids",
      "/_emulator/servers",
      {
        servers: [
          { id: A, status: "ACTIVE" },
          { id: A, status: "SHUTOFF" },
        ],
      },
      "duplicate id",
    ],
    ["an unknown fault kind", "/_emulator/faults", { route: "action", kind: "explode" }, "kind"],
    ["an unknown route", "/_emulator/faults", { route: "delete", kind: "throttle" }, "route"],
    ["a delay without delayMs", "/_emulator/faults", { route: "job", kind: "delay" }, "delayMs"],
    ["times 0", "/_emulator/faults", { route: "job", kind: "busy", times: 0 }, "times"],
    ["a server fault of a transport kind", "/_emulator/faults", { serverId: A, kind: "throttle" }, "kind"],
    ["an extra field", "/_emulator/faults", { route: "job", kind: "busy", extra: 1 }, "extra"],
  ])("rejects %s with 400 and a message naming the field", async (_label, path, body, fragment) => {
    const response = await post(path, JSON.stringify(body));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain(fragment);
  });

  it("rejects a body that is not JSON", async () => {
    const response = await post("/_emulator/servers", "{");
    expect(response.status).toBe(400);
  });

  it("rejects an empty patch", async () => {
    const response = await post(`/_emulator/servers/${A}`, "{}", "PATCH");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain("at least one of status, locked, name");
  });

  it("throws EmulatorAdminError with the status and message", async () => {
    await expect(t.admin.putServers([{ id: A, status: "PAUSED" as "ACTIVE" }])).rejects.toBeInstanceOf(
      EmulatorAdminError,
    );
    await expect(t.admin.putServers([{ id: A, status: "PAUSED" as "ACTIVE" }])).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("servers[0].status"),
    });
  });

  it("answers 404 for an unknown admin route", async () => {
    const response = await fetch(`${t.emulator.url}/_emulator/nothing`);
    expect(response.status).toBe(404);
  });

  it("lists pending faults with their remaining uses", async () => {
    const pending = await t.admin.injectFault({ route: "job", kind: "busy", times: 3 });
    expect(pending.transport).toEqual([{ route: "job", kind: "busy", times: 3 }]);
    await t.admin.reset();
  });

  it("shows each transport fault with its own kind's options only, defaults filled in", async () => {
    await t.admin.injectFault({ route: "action", kind: "throttle" });
    await t.admin.injectFault({ route: "list", kind: "server-error", status: 502, times: 2 });
    await t.admin.injectFault({ route: "action", kind: "reset" });
    await t.admin.injectFault({ route: "job", kind: "delay", delayMs: 50 });
    await t.admin.injectFault({ route: "any", kind: "forbidden" });
    expect((await t.admin.pendingFaults()).transport).toEqual([
      { route: "action", kind: "throttle", times: 1, retryAfterSeconds: 1 },
      { route: "list", kind: "server-error", times: 2, status: 502 },
      { route: "action", kind: "reset", times: 1, afterProcessing: false },
      { route: "job", kind: "delay", times: 1, delayMs: 50 },
      { route: "any", kind: "forbidden", times: 1, code: "Pdp.0001" },
    ]);
    await t.admin.reset();
  });
});

describe("stats and reset", () => {
  it("counts API requests per method and route, never admin ones", async () => {
    const t = await startTestEmulator({ seed: 2 });
    try {
      await t.client.stop([seededServerId(0)]);
      await t.client.start([seededServerId(1)]);
      await t.client.job("ff80808288d41e1b018990260955686a");
      await t.client.list();
      await t.client.show(seededServerId(0));
      await t.client.projects("cn-north-4");
      await t.client.call("DELETE", `/v1/${t.client.projectId}/cloudservers/${seededServerId(0)}`);
      await t.admin.listServers();
      expect(await t.admin.stats()).toEqual({
        requests: {
          "POST action": 2,
          "GET job": 1,
          "GET list": 1,
          "GET show": 1,
          "GET projects": 1,
          "DELETE unknown": 1,
        },
        total: 7,
        answers: {
          "POST action 200": 2,
          "GET job 400": 1,
          "GET list 200": 1,
          "GET show 200": 1,
          "GET projects 200": 1,
          "DELETE unknown 404": 1,
        },
        serversSubmitted: { "os-stop": 1, "os-start": 1 },
        submissionsPerServer: { [seededServerId(0)]: 1, [seededServerId(1)]: 1 },
        readsPerJob: { ff80808288d41e1b018990260955686a: 1 },
        listServerIdCommas: {},
        // Every routed call was signed with the emulator's own key (the unknown route never reaches the check).
        accessKeys: { [t.client.credentials.accessKey]: 6 },
      });
    } finally {
      await t.emulator.stop();
    }
  });

  it("counts each accepted call naming a server: a server stopped, started and stopped again counts 3, a refused call none", async () => {
    const t = await startTestEmulator({ jobInitMs: 0, stopSeconds: 1, startSeconds: 1 });
    try {
      await t.admin.putServers([
        { id: A, status: "ACTIVE" },
        { id: B, status: "ACTIVE" },
      ]);
      expect((await t.client.stop([A, B])).status).toBe(200);
      t.clock.advance(1_100);
      expect((await t.client.start([A])).status).toBe(200);
      t.clock.advance(1_100);
      expect((await t.client.stop([A])).status).toBe(200);
      await t.admin.injectFault({ route: "action", kind: "server-error", times: 1 });
      expect((await t.client.stop([B])).status).toBe(500);
      expect((await t.admin.stats()).submissionsPerServer).toEqual({ [A]: 3, [B]: 1 });
      expect((await t.admin.stats()).serversSubmitted).toEqual({ "os-stop": 3, "os-start": 1 });
    } finally {
      await t.emulator.stop();
    }
  });

  it("reset clears stats, faults and jobs, and keeps servers", async () => {
    const t = await startTestEmulator({ seed: 2, batchPerMinute: 1 });
    try {
      const jobId = (await t.client.stop([seededServerId(0)])).json.job_id;
      await t.admin.injectFault({ route: "show", kind: "busy" });
      await t.admin.reset();
      expect(await t.admin.stats()).toEqual({
        requests: {},
        total: 0,
        answers: {},
        serversSubmitted: {},
        submissionsPerServer: {},
        readsPerJob: {},
        listServerIdCommas: {},
        accessKeys: {},
      });
      expect((await t.client.show(seededServerId(0))).status).toBe(200);
      expect((await t.client.job(jobId)).json.error.code).toBe("Common.0011");
      expect((await t.admin.listServers()).map((server) => server.id)).toEqual([seededServerId(0), seededServerId(1)]);
      // The batch window was cleared too.
      expect((await t.client.start([seededServerId(1)])).status).toBe(200);
    } finally {
      await t.emulator.stop();
    }
  });

  it("the admin client tolerates a trailing slash in the url", async () => {
    const t = await startTestEmulator({ seed: 1 });
    try {
      expect(await new EmulatorAdmin(`${t.emulator.url}/`).listServers()).toHaveLength(1);
    } finally {
      await t.emulator.stop();
    }
  });
});

describe("open API connections", () => {
  it("counts each connection that carried an API request until it closes, never admin ones", async () => {
    const t = await startTestEmulator({ seed: 1 });
    const pools = [new Pool(t.emulator.url), new Pool(t.emulator.url)];
    try {
      expect(await t.admin.openConnections()).toBe(0);
      await t.admin.listServers();
      expect(await t.admin.openConnections()).toBe(0);
      for (const pool of pools) {
        // Unsigned: answered 401, still an API request on a keep-alive connection.
        const answer = await pool.request({
          method: "GET",
          path: `/v1/${DEFAULT_EMULATOR_CREDENTIALS.projectId}/cloudservers/detail`,
        });
        await answer.body.dump();
        expect(answer.statusCode).toBe(401);
      }
      expect(await t.admin.openConnections()).toBe(2);
      await pools[0].close();
      expect(await openConnectionsSettled(t.admin, 1)).toBe(1);
      await t.admin.reset();
      expect(await t.admin.openConnections()).toBe(1);
      await pools[1].close();
      expect(await openConnectionsSettled(t.admin, 0)).toBe(0);
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
      await t.emulator.stop();
    }
  });
});
