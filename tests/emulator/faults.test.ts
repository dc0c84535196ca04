/** Injected faults: every transport kind, route matching and counts, and the two server faults. */
import { seededServerId } from "../../emulator";
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const A = seededServerId(0); // ACTIVE
const C = seededServerId(2); // ACTIVE
const JOB = "ff80808288d41e1b018990260955686a";

async function expectNoJobCreated(t: TestEmulator): Promise<void> {
  expect((await t.admin.stats()).serversSubmitted).toEqual({});
  expect((await t.admin.listServers()).every((server) => server.taskState === null)).toBe(true);
}

describe("transport faults on action", () => {
  let t: TestEmulator;
  beforeEach(async () => {
    t = await startTestEmulator({ seed: 4 });
  });
  afterEach(() => t.emulator.stop());

  it("throttle: 429 flat APIGW.0308 with Retry-After 1, no job, for `times` requests", async () => {
    await t.admin.injectFault({ route: "action", kind: "throttle", times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const response = await t.client.stop([A]);
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("1");
      expect(response.json).toEqual({
        error_code: "APIGW.0308",
        error_msg: expect.stringContaining("policy user over ratelimit"),
        request_id: response.headers.get("x-request-id"),
      });
    }
    await expectNoJobCreated(t);
    expect((await t.client.stop([A])).status).toBe(200);
  });

  it("throttle with retryAfterSeconds 0 says Retry-After: 0", async () => {
    await t.admin.injectFault({ route: "action", kind: "throttle", retryAfterSeconds: 0 });
    const response = await t.client.stop([A]);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("0");
  });

  it("busy: 501 Ecs.0603, no job", async () => {
    await t.admin.injectFault({ route: "action", kind: "busy" });
    const response = await t.client.stop([A]);
    expect(response.status).toBe(501);
    expect(response.json).toEqual({ error: { code: "Ecs.0603", message: expect.stringContaining("try again in a minute") } });
    await expectNoJobCreated(t);
  });

  it("server-error: 500 Common.0001 in the ECS shape, no job", async () => {
    await t.admin.injectFault({ route: "action", kind: "server-error" });
    const response = await t.client.stop([A]);
    expect(response.status).toBe(500);
    expect(response.json.error.code).toBe("Common.0001");
    await expectNoJobCreated(t);
  });

  it("accepted-no-job: 202 Common.0024 without job_id, and no job", async () => {
    await t.admin.injectFault({ route: "action", kind: "accepted-no-job" });
    const response = await t.client.stop([A]);
    expect(response.status).toBe(202);
    expect(response.json).toMatchObject({ error_code: "Common.0024", error_msg: "Flow limit exceeded" });
    expect(response.json).not.toHaveProperty("job_id");
    await expectNoJobCreated(t);
  });

  it("reset: the connection drops without an answer, and no job", async () => {
    await t.admin.injectFault({ route: "action", kind: "reset" });
    await expect(t.client.stop([A])).rejects.toThrow("fetch failed");
    await expectNoJobCreated(t);
    expect((await t.admin.stats()).requests).toEqual({ "POST action": 1 });
  });

  it("delay: the call is processed at once, only the answer waits", async () => {
    await t.admin.injectFault({ route: "action", kind: "delay", delayMs: 300 });
    let answered = false;
    const pending = t.client.stop([A]).then((response) => {
      answered = true;
      return response;
    });
    let taskState: string | null = null;
    for (let attempt = 0; attempt < 200 && taskState === null; attempt += 1) {
      taskState = (await t.admin.listServers()).find((server) => server.id === A)!.taskState;
    }
    expect(taskState).toBe("powering-off");
    expect(answered).toBe(false);
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.json.job_id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("fault routing", () => {
  let t: TestEmulator;
  beforeEach(async () => {
    t = await startTestEmulator({ seed: 4 });
  });
  afterEach(() => t.emulator.stop());

  it("a fault for one route leaves the others alone", async () => {
    await t.admin.injectFault({ route: "job", kind: "server-error" });
    expect((await t.client.list()).status).toBe(200);
    expect((await t.client.show(A)).status).toBe(200);
    expect((await t.client.projects("cn-north-4")).status).toBe(200);
    expect((await t.client.job(JOB)).status).toBe(500);
    expect((await t.client.job(JOB)).status).toBe(400);
  });

  it.each(["list", "show", "projects"] as const)("hits the %s route", async (route) => {
    await t.admin.injectFault({ route, kind: "busy" });
    const call = { list: () => t.client.list(), show: () => t.client.show(A), projects: () => t.client.projects("cn-north-4") }[route];
    expect((await call()).status).toBe(501);
    expect((await call()).status).toBe(200);
  });

  it("`any` hits the next API request whatever its route, and faults apply in the order added", async () => {
    await t.admin.injectFault({ route: "any", kind: "busy" });
    await t.admin.injectFault({ route: "any", kind: "server-error" });
    expect((await t.client.show(A)).status).toBe(501);
    expect((await t.client.list()).status).toBe(500);
    expect((await t.client.list()).status).toBe(200);
  });

  it("a request the gateway refuses does not use up a fault", async () => {
    await t.admin.injectFault({ route: "show", kind: "busy" });
    const unsigned = await fetch(`${t.emulator.url}/v1/${t.client.projectId}/cloudservers/${A}`);
    expect(unsigned.status).toBe(401);
    expect((await t.client.show(A)).status).toBe(501);
  });

  it("counts faulted requests in stats", async () => {
    await t.admin.injectFault({ route: "show", kind: "throttle" });
    await t.client.show(A);
    await t.client.show(A);
    expect((await t.admin.stats()).requests).toEqual({ "GET show": 2 });
  });
});

describe("server faults", () => {
  let t: TestEmulator;
  beforeEach(async () => {
    t = await startTestEmulator({ seed: 4, jobInitMs: 0, stopSeconds: 1 });
  });
  afterEach(() => t.emulator.stop());

  it("fail-subjob: the server's next sub-job FAILs with the given code and the server does not change", async () => {
    await t.admin.injectFault({ serverId: A, kind: "fail-subjob", errorCode: "Ecs.1000", reason: "nova said no" });
    const jobId = (await t.client.stop([A, C])).json.job_id;
    expect((await t.client.show(A)).json.server["OS-EXT-STS:task_state"]).toBe("powering-off");
    t.clock.advance(1_000);
    const job = (await t.client.job(jobId)).json;
    expect(job).toMatchObject({ status: "FAIL", error_code: "Ecs.1000" });
    expect(job.entities.sub_jobs[0]).toMatchObject({
      status: "FAIL",
      error_code: "Ecs.1000",
      fail_reason: expect.stringContaining("nova said no"),
      entities: { server_id: A, errorcode_message: "nova said no" },
    });
    expect(job.entities.sub_jobs[1]).toMatchObject({ status: "SUCCESS" });
    expect((await t.client.show(A)).json.server).toMatchObject({ status: "ACTIVE", "OS-EXT-STS:task_state": null });
    expect((await t.client.show(C)).json.server.status).toBe("SHUTOFF");
    // Used up: the next stop works.
    const next = (await t.client.stop([A])).json.job_id;
    t.clock.advance(1_000);
    expect((await t.client.job(next)).json.status).toBe("SUCCESS");
  });

  it("stuck: the transition never finishes, until a PATCH to its target ends the sub-job in SUCCESS", async () => {
    await t.admin.injectFault({ serverId: A, kind: "stuck" });
    const jobId = (await t.client.stop([A])).json.job_id;
    t.clock.advance(6 * 3_600_000);
    expect((await t.client.job(jobId)).json.status).toBe("RUNNING");
    expect((await t.client.show(A)).json.server).toMatchObject({ status: "ACTIVE", "OS-EXT-STS:task_state": "powering-off" });
    await t.admin.setServer(A, { status: "SHUTOFF" });
    const job = (await t.client.job(jobId)).json;
    expect(job.status).toBe("SUCCESS");
    expect((await t.client.show(A)).json.server).toMatchObject({ status: "SHUTOFF", "OS-EXT-STS:task_state": null });
  });

  it("stuck, then PATCHed away from the target: the sub-job FAILs", async () => {
    await t.admin.injectFault({ serverId: A, kind: "stuck" });
    const jobId = (await t.client.stop([A])).json.job_id;
    await t.admin.setServer(A, { status: "ACTIVE" });
    const job = (await t.client.job(jobId)).json;
    expect(job).toMatchObject({ status: "FAIL", error_code: "Ecs.1000" });
  });

  it("stuck, then reset: the transition ends and the server reaches its target", async () => {
    await t.admin.injectFault({ serverId: A, kind: "stuck" });
    await t.client.stop([A]);
    t.clock.advance(60_000);
    await t.admin.reset();
    expect((await t.client.show(A)).json.server).toMatchObject({ status: "SHUTOFF", "OS-EXT-STS:task_state": null });
  });

  it("a deleted server's running sub-job FAILs with Ecs.0114", async () => {
    const jobId = (await t.client.stop([A])).json.job_id;
    await t.admin.deleteServer(A);
    const job = (await t.client.job(jobId)).json;
    expect(job.entities.sub_jobs[0]).toMatchObject({ status: "FAIL", error_code: "Ecs.0114" });
    expect((await t.client.show(A)).status).toBe(404);
  });
});
