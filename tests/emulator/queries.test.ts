/** Read routes: one server, the server list with its server_id filter and paging, job lookup and expiry. */
import { seededServerId } from "../../emulator";
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const MISSING = "eeeeeeee-0000-4000-8000-000000000005";

describe("GET /cloudservers/{id}", () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ seed: 2, region: "eu-west-101" });
  });
  afterAll(() => t.emulator.stop());

  it("answers {server} with the ECS fields", async () => {
    const response = await t.client.show(seededServerId(1));
    expect(response.status).toBe(200);
    expect(response.json.server).toMatchObject({
      id: seededServerId(1),
      name: "seed-1",
      status: "SHUTOFF",
      "OS-EXT-STS:task_state": null,
      "OS-EXT-STS:vm_state": "stopped",
      "OS-EXT-STS:power_state": 4,
      locked: false,
      fault: null,
      tenant_id: t.emulator.options.projectId,
      "OS-EXT-AZ:availability_zone": "eu-west-101a",
      created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      updated: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    });
  });

  it("answers an unknown id with 404 Ecs.0114", async () => {
    const response = await t.client.show(MISSING);
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: { code: "Ecs.0114", message: `Instance[${MISSING}] could not be found.` } });
  });
});

describe("GET /cloudservers/detail", () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ seed: 60 });
  });
  afterAll(() => t.emulator.stop());

  it("pages 25 servers by default and counts them all", async () => {
    const response = await t.client.list();
    expect(response.status).toBe(200);
    expect(response.json.count).toBe(60);
    expect(response.json.servers).toHaveLength(25);
    expect(response.json.servers[0].id).toBe(seededServerId(0));
  });

  it("takes offset as a page number starting at 1", async () => {
    const page3 = (await t.client.list("limit=25&offset=3")).json;
    expect(page3.servers.map((server: any) => server.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => seededServerId(50 + i)),
    );
    const page1 = (await t.client.list("limit=10&offset=1")).json;
    expect(page1.servers[9].id).toBe(seededServerId(9));
  });

  it("filters by status without server_id", async () => {
    const response = (await t.client.list("status=SHUTOFF&limit=1000")).json;
    expect(response.count).toBe(30);
    expect(response.servers.every((server: any) => server.status === "SHUTOFF")).toBe(true);
  });

  it("with server_id, returns those servers in the order asked and ignores other filters", async () => {
    const ids = [seededServerId(7), seededServerId(2)];
    const response = (await t.client.list(`server_id=${ids.join(",")}&status=SHUTOFF`)).json;
    expect(response.count).toBe(2);
    expect(response.servers.map((server: any) => [server.id, server.status])).toEqual([
      [ids[0], "SHUTOFF"],
      [ids[1], "ACTIVE"],
    ]);
  });

  it("answers an unknown id with an all-null entry carrying id and fault", async () => {
    const response = (await t.client.list(`server_id=${seededServerId(0)},${MISSING}`)).json;
    expect(response.count).toBe(2);
    const missing = response.servers[1];
    expect(missing.id).toBe(MISSING);
    expect(missing.fault).toMatchObject({ code: 404, message: `Instance ${MISSING} could not be found` });
    const others = Object.entries(missing).filter(([key]) => key !== "id" && key !== "fault");
    expect(others.length).toBeGreaterThan(10);
    expect(others.every(([, value]) => value === null)).toBe(true);
    expect(missing.status).toBeNull();
  });

  it("still pages a server_id query: ids beyond the default 25 need a limit", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => seededServerId(i));
    expect((await t.client.list(`server_id=${ids.join(",")}`)).json.servers).toHaveLength(25);
    expect((await t.client.list(`server_id=${ids.join(",")}&limit=30`)).json.servers).toHaveLength(30);
  });

  // Reference §8: the docs only recommend at most 100 ids (URI length); the gateway refuses a URI over its limit.
  it("serves more than 100 ids; only a URI over the gateway's 32 KB refuses with 414 APIGW.0201", async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    const response = await t.client.list(`server_id=${ids.join(",")}&limit=1000`);
    expect(response.status).toBe(200);
    expect(response.json.count).toBe(101);
    const many = Array.from({ length: 900 }, (_, i) => `6f1e0c3a-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const tooLong = await t.client.list(`server_id=${many.join("%2C")}&limit=1000`);
    expect(tooLong.status).toBe(414);
    expect(tooLong.json).toEqual({
      error_code: "APIGW.0201",
      error_msg: "Request URI too large.",
      request_id: tooLong.headers.get("x-request-id"),
    });
  });

  it("takes offset=0 as page 1, as the docs say", async () => {
    const zero = (await t.client.list("limit=10&offset=0")).json;
    const one = (await t.client.list("limit=10&offset=1")).json;
    expect(zero.servers.length).toBe(10);
    expect(zero).toEqual(one);
  });

  it.each(["limit=0", "limit=1001", "limit=abc", "offset=-1"])("rejects %s with Ecs.0005", async (query) => {
    const response = await t.client.list(query);
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("Ecs.0005");
  });

  it("accepts limit=1000", async () => {
    const response = await t.client.list("limit=1000");
    expect(response.json.servers).toHaveLength(60);
  });
});

describe("GET /jobs/{id}", () => {
  it("answers an unknown job id with 400 Common.0011 in the ECS shape", async () => {
    const t = await startTestEmulator();
    try {
      const response = await t.client.job("ff80808288d41e1b018990260955686a");
      expect(response.status).toBe(400);
      expect(response.json).toEqual({
        error: { code: "Common.0011", message: expect.stringContaining("query job fail") },
      });
    } finally {
      await t.emulator.stop();
    }
  });

  it("forgets a job jobTtlSeconds after it ended, not before", async () => {
    const t = await startTestEmulator({ seed: 1, jobTtlSeconds: 60, jobInitMs: 0, stopSeconds: 1 });
    try {
      const jobId = (await t.client.stop([seededServerId(0)])).json.job_id;
      t.clock.advance(1_000 + 59_999);
      expect((await t.client.job(jobId)).json.status).toBe("SUCCESS");
      t.clock.advance(1);
      const response = await t.client.job(jobId);
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe("Common.0011");
    } finally {
      await t.emulator.stop();
    }
  });

  it("never expires a job that is still running", async () => {
    const t = await startTestEmulator({ seed: 1, jobTtlSeconds: 1, jobInitMs: 0, stopSeconds: 10 });
    try {
      const jobId = (await t.client.stop([seededServerId(0)])).json.job_id;
      t.clock.advance(9_000);
      expect((await t.client.job(jobId)).json.status).toBe("RUNNING");
    } finally {
      await t.emulator.stop();
    }
  });
});
