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
    expect(response.json).toEqual({
      error: { code: "Ecs.0603", message: expect.stringContaining("try again in a minute") },
    });
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
    const call = {
      list: () => t.client.list(),
      show: () => t.client.show(A),
      projects: () => t.client.projects("cn-north-4"),
    }[route];
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
    expect((await t.client.show(A)).json.server).toMatchObject({
      status: "ACTIVE",
      "OS-EXT-STS:task_state": "powering-off",
    });
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

describe("faults added for the reliability matrix", () => {
  let t: TestEmulator;
  beforeEach(async () => {
    t = await startTestEmulator({ seed: 4, jobInitMs: 0, stopSeconds: 1 });
  });
  afterEach(() => t.emulator.stop());

  it("throttle with retryAfterSeconds null sends no Retry-After header", async () => {
    await t.admin.injectFault({ route: "action", kind: "throttle", retryAfterSeconds: null });
    const response = await t.client.stop([A]);
    expect(response.status).toBe(429);
    expect(response.headers.has("retry-after")).toBe(false);
    await expectNoJobCreated(t);
  });

  // APIG's error table: 502 APIGW.0202 backend unavailable, 504 APIGW.0203 backend timeout.
  it("server-error 502/504 are the gateway's flat APIGW.0202/0203; 503 an HTML page from a proxy; none creates a job", async () => {
    await t.admin.injectFault({ route: "action", kind: "server-error", status: 502 });
    await t.admin.injectFault({ route: "action", kind: "server-error", status: 503 });
    await t.admin.injectFault({ route: "action", kind: "server-error", status: 504 });
    const unavailable = await t.client.stop([A]);
    expect(unavailable.status).toBe(502);
    expect(unavailable.json).toEqual({
      error_code: "APIGW.0202",
      error_msg: "Backend unavailable.",
      request_id: unavailable.headers.get("x-request-id"),
    });
    const proxy = await t.client.stop([A]);
    expect(proxy.status).toBe(503);
    expect(proxy.headers.get("content-type")).toBe("text/html");
    expect(proxy.text).toContain("503 Service Temporarily Unavailable");
    const timeout = await t.client.stop([A]);
    expect(timeout.status).toBe(504);
    expect(timeout.json).toEqual({
      error_code: "APIGW.0203",
      error_msg: "Backend timeout.",
      request_id: timeout.headers.get("x-request-id"),
    });
    await expectNoJobCreated(t);
  });

  it("reset with afterProcessing: the connection drops, yet the action was accepted", async () => {
    await t.admin.injectFault({ route: "action", kind: "reset", afterProcessing: true });
    await expect(t.client.stop([A])).rejects.toThrow("fetch failed");
    expect((await t.admin.stats()).submissionsPerServer).toEqual({ [A]: 1 });
    expect((await t.client.show(A)).json.server["OS-EXT-STS:task_state"]).toBe("powering-off");
    expect((await t.admin.stats()).answers).toMatchObject({ "POST action reset": 1 });
  });

  it("malformed-json: the action is processed and the answer is cut short", async () => {
    await t.admin.injectFault({ route: "action", kind: "malformed-json" });
    const response = await t.client.stop([A]);
    expect(response.status).toBe(200);
    expect(() => JSON.parse(response.text)).toThrow();
    expect(response.text.startsWith('{"job_id":')).toBe(true);
    expect((await t.admin.stats()).serversSubmitted).toEqual({ "os-stop": 1 });
  });

  it("forbidden: 403 Pdp.0001 flat by default, or Ecs.0003 in the ECS shape; no job", async () => {
    await t.admin.injectFault({ route: "action", kind: "forbidden" });
    await t.admin.injectFault({ route: "action", kind: "forbidden", code: "Ecs.0003" });
    const denied = await t.client.stop([A]);
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ error_code: "Pdp.0001" });
    const noPermission = await t.client.stop([A]);
    expect(noPermission.status).toBe(403);
    expect(noPermission.json.error.code).toBe("Ecs.0003");
    await expectNoJobCreated(t);
  });

  it("expired-job: a job that exists answers 400 Common.0011; only on the job route", async () => {
    const jobId = (await t.client.stop([A])).json.job_id;
    await t.admin.injectFault({ route: "job", kind: "expired-job" });
    const expired = await t.client.job(jobId);
    expect(expired.status).toBe(400);
    expect(expired.json.error).toEqual({
      code: "Common.0011",
      message: `query job fail. Job[${jobId}] does not exist or has expired.`,
    });
    expect((await t.client.job(jobId)).status).toBe(200);
    await expect(t.admin.injectFault({ route: "action", kind: "expired-job" })).rejects.toThrow('use route "job"');
  });

  it("pending-payment: the job shows PENDING_PAYMENT like a job not started, whatever its sub-jobs have done", async () => {
    const jobId = (await t.client.stop([A])).json.job_id;
    t.clock.advance(1_000);
    await t.admin.injectFault({ route: "job", kind: "pending-payment" });
    const pending = (await t.client.job(jobId)).json;
    expect(pending).toEqual({
      status: "PENDING_PAYMENT",
      entities: {},
      job_id: jobId,
      job_type: "batchStopServers",
      begin_time: expect.stringMatching(/Z$/),
      end_time: "",
    });
    expect((await t.client.job(jobId)).json.status).toBe("SUCCESS");
  });

  it("fail-job: the next accepted call's job FAILs as a whole, every sub-job with its code, and no server moves", async () => {
    await t.admin.injectFault({ kind: "fail-job", errorCode: "Ecs.0611", reason: "batch failed" });
    const jobId = (await t.client.stop([A, C])).json.job_id;
    expect((await t.client.show(A)).json.server["OS-EXT-STS:task_state"]).toBeNull();
    const job = (await t.client.job(jobId)).json;
    expect(job).toMatchObject({ status: "FAIL", error_code: "Ecs.0611" });
    expect(
      job.entities.sub_jobs.map((sub: { status: string; error_code: string }) => [sub.status, sub.error_code]),
    ).toEqual([
      ["FAIL", "Ecs.0611"],
      ["FAIL", "Ecs.0611"],
    ]);
    expect((await t.admin.listServers()).filter((s) => [A, C].includes(s.id)).map((s) => s.status)).toEqual([
      "ACTIVE",
      "ACTIVE",
    ]);
  });

  it("vanish: the server is deleted just before the call naming it is processed (404 Ecs.0114 by default)", async () => {
    await t.admin.injectFault({ serverId: A, kind: "vanish" });
    expect((await t.client.show(A)).status).toBe(200);
    const response = await t.client.stop([A, C]);
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe("Ecs.0114");
    expect((await t.client.show(A)).status).toBe(404);
  });

  it("drift: the server changes state just before the call naming it is processed", async () => {
    await t.admin.injectFault({ serverId: A, kind: "drift", status: "SHUTOFF" });
    const response = await t.client.stop([A]);
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("Ecs.0100");
    expect((await t.client.show(A)).json.server.status).toBe("SHUTOFF");
  });
});

describe("the access key lock", () => {
  it("five failed authentications in a row lock the key for authLockSeconds, even for correct signatures", async () => {
    const t = await startTestEmulator({ seed: 1, authLockSeconds: 300 });
    try {
      const wrong = { accessKey: t.client.credentials.accessKey, secretKey: "not-the-secret" };
      for (let i = 0; i < 4; i += 1)
        expect(
          (await t.client.call("GET", `/v1/${t.client.projectId}/cloudservers/${A}`, { credentials: wrong })).status,
        ).toBe(401);
      // A success before the fifth failure resets the count.
      expect((await t.client.show(A)).status).toBe(200);
      for (let i = 0; i < 5; i += 1)
        await t.client.call("GET", `/v1/${t.client.projectId}/cloudservers/${A}`, { credentials: wrong });
      const locked = await t.client.show(A);
      expect(locked.status).toBe(401);
      expect(locked.json.error_msg).toMatch(/locked for 300 more second\(s\) after 5 failed authentications/);
      t.clock.advance(300_000);
      expect((await t.client.show(A)).status).toBe(200);
    } finally {
      await t.emulator.stop();
    }
  });

  it("authLockSeconds 0 never locks", async () => {
    const t = await startTestEmulator({ seed: 1, authLockSeconds: 0 });
    try {
      const wrong = { accessKey: t.client.credentials.accessKey, secretKey: "not-the-secret" };
      for (let i = 0; i < 6; i += 1)
        await t.client.call("GET", `/v1/${t.client.projectId}/cloudservers/${A}`, { credentials: wrong });
      expect((await t.client.show(A)).status).toBe(200);
    } finally {
      await t.emulator.stop();
    }
  });
});

describe("outage", () => {
  it("suspend refuses connections; resume serves again on the same port with the same state", async () => {
    const t = await startTestEmulator({ seed: 2, jobInitMs: 0, stopSeconds: 1 });
    try {
      const jobId = (await t.client.stop([A])).json.job_id;
      await t.emulator.suspend();
      await expect(t.client.show(A)).rejects.toThrow("fetch failed");
      await t.emulator.resume();
      t.clock.advance(1_000);
      expect((await t.client.job(jobId)).json.status).toBe("SUCCESS");
    } finally {
      await t.emulator.stop();
    }
  });

  it("two resumes at once listen once; stop() while away leaves nothing listening", async () => {
    const t = await startTestEmulator({ seed: 1 });
    await t.emulator.suspend();
    await Promise.all([t.emulator.resume(), t.emulator.resume()]);
    expect((await t.client.show(A)).status).toBe(200);
    await t.emulator.suspend();
    await t.emulator.stop();
    await t.emulator.resume();
    await expect(t.client.show(A)).rejects.toThrow("fetch failed");
  });

  it("stop() during an outage cancels the comeback", async () => {
    const t = await startTestEmulator({ seed: 1 });
    const response = await fetch(`${t.emulator.url}/_emulator/outage`, {
      method: "POST",
      body: JSON.stringify({ seconds: 0.2 }),
    });
    expect(response.status).toBe(202);
    await t.emulator.stop();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(t.client.show(A)).rejects.toThrow("fetch failed");
  });

  it("POST /_emulator/outage answers 202, then the emulator is away for that long", async () => {
    const t = await startTestEmulator({ seed: 1 });
    try {
      const response = await fetch(`${t.emulator.url}/_emulator/outage`, {
        method: "POST",
        body: JSON.stringify({ seconds: 0.4 }),
      });
      expect(response.status).toBe(202);
      await response.text();
      let refused = false;
      let back = false;
      for (let i = 0; i < 100 && !back; i += 1) {
        try {
          await t.client.show(A);
          if (refused) back = true;
        } catch {
          refused = true;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect([refused, back]).toEqual([true, true]);
      const invalid = await fetch(`${t.emulator.url}/_emulator/outage`, { method: "POST", body: "{}" });
      expect(invalid.status).toBe(400);
    } finally {
      await t.emulator.stop();
    }
  });
});

describe("the gateway's clock", () => {
  it("answers carry the emulator's own clock in Date, so clients can tell their clock skew", async () => {
    const t = await startTestEmulator({ seed: 1 });
    try {
      t.clock.advance(20 * 60_000);
      const response = await fetch(`${t.emulator.url}/v1/${t.client.projectId}/cloudservers/${A}`);
      expect(response.status).toBe(401);
      expect(Date.parse(response.headers.get("date")!)).toBe(Math.floor(t.clock.nowMs / 1000) * 1000);
    } finally {
      await t.emulator.stop();
    }
  });
});
