/** `POST /cloudservers/action`: body validation, batch size, locks, and each configurable answer to the unconfirmed cases. */
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const A = "aaaaaaaa-0000-4000-8000-000000000001"; // ACTIVE
const B = "bbbbbbbb-0000-4000-8000-000000000002"; // ACTIVE
const S = "cccccccc-0000-4000-8000-000000000003"; // SHUTOFF
const L = "dddddddd-0000-4000-8000-000000000004"; // ACTIVE, locked
const MISSING = "eeeeeeee-0000-4000-8000-000000000005";

const fleet = [
  { id: A, status: "ACTIVE" as const },
  { id: B, status: "ACTIVE" as const },
  { id: S, status: "SHUTOFF" as const },
  { id: L, status: "ACTIVE" as const, locked: true },
];

describe("action body validation", () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ servers: fleet, batchPerMinute: 0 });
  });
  afterAll(() => t.emulator.stop());

  const invalidCases: [string, unknown, string][] = [
    ["a JSON array", [], "must be a JSON object"],
    ["no action key", {}, "exactly one key"],
    [
      "two action keys",
      { "os-stop": { servers: [{ id: A }] }, "os-start": { servers: [{ id: A }] } },
      "exactly one key",
    ],
    ["an unknown action", { "os-pause": { servers: [{ id: A }] } }, "got [os-pause]"],
    ["an empty server list", { "os-stop": { servers: [] } }, "os-stop: servers"],
    ["servers that is not an array", { "os-stop": { servers: A } }, "os-stop: servers"],
    ["a server id that is not a string", { "os-stop": { servers: [{ id: 42 }] } }, "servers[0].id"],
    ["an extra key in a server", { "os-stop": { servers: [{ id: A, name: "x" }] } }, "servers[0]"],
    ["an unknown stop type", { "os-stop": { servers: [{ id: A }], type: "GENTLE" } }, "os-stop: type"],
    ["a type on os-start", { "os-start": { servers: [{ id: S }], type: "SOFT" } }, "os-start"],
    ["a reboot without type", { reboot: { servers: [{ id: A }] } }, "reboot: type"],
    ["an unknown top-level field inside the action", { "os-stop": { servers: [{ id: A }], force: true } }, "force"],
    ["a duplicate server id", { "os-stop": { servers: [{ id: A }, { id: A }] } }, `duplicate server id [${A}]`],
  ];

  it.each(invalidCases)("rejects %s with 400 Ecs.0005", async (_label, body, fragment) => {
    const response = await t.client.action(body);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: { code: "Ecs.0005", message: expect.stringContaining(fragment) } });
  });

  it("rejects a body that is not JSON with 400 Ecs.0005", async () => {
    const response = await t.client.call("POST", `/v1/${t.client.projectId}/cloudservers/action`, { body: "{os-stop" });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("Ecs.0005");
  });

  it("refuses a body over 1 MiB at the gateway with 413 APIGW.0201, and counts the request", async () => {
    const before = (await t.admin.stats()).requests["POST action"] ?? 0;
    const response = await t.client.call("POST", `/v1/${t.client.projectId}/cloudservers/action`, {
      body: JSON.stringify({ "os-stop": { servers: [{ id: "x".repeat(1024 * 1024) }] } }),
    });
    expect(response.status).toBe(413);
    expect(response.json).toMatchObject({ error_code: "APIGW.0201", request_id: response.headers.get("x-request-id") });
    expect((await t.admin.stats()).requests["POST action"]).toBe(before + 1);
  });

  it("creates no job and moves no server when it rejects a body", async () => {
    await t.client.action({ "os-stop": { servers: [{ id: A }, { id: A }] } });
    const servers = await t.admin.listServers();
    expect(servers.every((server) => server.taskState === null)).toBe(true);
    expect((await t.admin.stats()).serversSubmitted).toEqual({});
  });

  it("accepts a stop without type (SOFT by default) and answers 200 with a 32-hex job id", async () => {
    const response = await t.client.stop([A]);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ job_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });
});

describe("batch size", () => {
  const ids = (count: number) =>
    Array.from({ length: count }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`);
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ seed: 1001, batchPerMinute: 0, alreadyInState: "noop" });
  });
  afterAll(() => t.emulator.stop());

  it("accepts 1000 servers in one call", async () => {
    const response = await t.client.stop(ids(1000));
    expect(response.status).toBe(200);
    t.clock.advance(60_000);
    const job = await t.client.job(response.json.job_id);
    expect(job.json.entities.sub_jobs_total).toBe(1000);
  });

  it("rejects 1001 servers with 400 Ecs.0118", async () => {
    const response = await t.client.start(ids(1001));
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("Ecs.0118");
    expect(response.json.error.message).toContain("1001 > 1000");
  });
});

describe("unknown, locked and busy servers", () => {
  it("unknownServer reject: 404 Ecs.0114 naming the server, whole call rejected", async () => {
    const t = await startTestEmulator({ servers: fleet, unknownServer: "reject" });
    try {
      const response = await t.client.stop([A, MISSING]);
      expect(response.status).toBe(404);
      expect(response.json.error).toMatchObject({
        code: "Ecs.0114",
        message: `Instance[${MISSING}] could not be found.`,
      });
      expect((await t.client.show(A)).json.server["OS-EXT-STS:task_state"]).toBeNull();
    } finally {
      await t.emulator.stop();
    }
  });

  it("unknownServer fail-subjob: accepted, that sub-job FAILs with Ecs.0114 and the others run", async () => {
    const t = await startTestEmulator({ servers: fleet, unknownServer: "fail-subjob" });
    try {
      const response = await t.client.stop([A, MISSING]);
      expect(response.status).toBe(200);
      t.clock.advance(10_000);
      const job = (await t.client.job(response.json.job_id)).json;
      expect(job.status).toBe("FAIL");
      const missing = job.entities.sub_jobs.find((sub: any) => sub.entities.server_id === MISSING);
      const found = job.entities.sub_jobs.find((sub: any) => sub.entities.server_id === A);
      expect(missing).toMatchObject({
        status: "FAIL",
        error_code: "Ecs.0114",
        entities: { server_id: MISSING, errorcode_message: `Instance[${MISSING}] could not be found.` },
      });
      expect(found).toMatchObject({ status: "SUCCESS", error_code: null, fail_reason: null });
      expect((await t.client.show(A)).json.server.status).toBe("SHUTOFF");
    } finally {
      await t.emulator.stop();
    }
  });

  it("a locked server: 400 Ecs.0605 naming it, nothing moves", async () => {
    const t = await startTestEmulator({ servers: fleet });
    try {
      const response = await t.client.stop([A, L]);
      expect(response.status).toBe(400);
      expect(response.json.error).toMatchObject({ code: "Ecs.0605", message: expect.stringContaining(L) });
      expect((await t.client.show(A)).json.server["OS-EXT-STS:task_state"]).toBeNull();
    } finally {
      await t.emulator.stop();
    }
  });

  it("a server already in a transition, hiddenTaskAction reject (default): 400 Ecs.0100 naming it, no job, the transition goes on", async () => {
    const t = await startTestEmulator({ servers: fleet, stopSeconds: 1 });
    try {
      await t.client.stop([A]);
      const second = await t.client.stop([A, B]);
      expect(second.status).toBe(400);
      expect(second.json.error).toMatchObject({
        code: "Ecs.0100",
        message: `Instance[${A}] is executing os-stop; its status does not meet the requirements of os-stop.`,
        details: [{ code: "Ecs.0100", message: expect.stringContaining(A) }],
      });
      expect((await t.admin.stats()).submissionsPerServer).toEqual({ [A]: 1 });
      expect((await t.client.show(B)).json.server["OS-EXT-STS:task_state"]).toBeNull(); // refused whole
      expect((await t.client.show(A)).json.server["OS-EXT-STS:task_state"]).toBe("powering-off");
      t.clock.advance(2_000);
      expect((await t.client.show(A)).json.server.status).toBe("SHUTOFF");
    } finally {
      await t.emulator.stop();
    }
  });

  it("a server already in a transition, hiddenTaskAction fail-subjob: its sub-job FAILs with Ecs.0100, the transition goes on", async () => {
    const t = await startTestEmulator({ servers: fleet, stopSeconds: 1, hiddenTaskAction: "fail-subjob" });
    try {
      await t.client.stop([A]);
      const second = await t.client.stop([A]);
      expect(second.status).toBe(200);
      t.clock.advance(100);
      const job = (await t.client.job(second.json.job_id)).json;
      expect(job.status).toBe("FAIL");
      expect(job.entities.sub_jobs[0]).toMatchObject({ status: "FAIL", error_code: "Ecs.0100" });
      expect((await t.client.show(A)).json.server["OS-EXT-STS:task_state"]).toBe("powering-off");
      t.clock.advance(2_000);
      expect((await t.client.show(A)).json.server.status).toBe("SHUTOFF");
    } finally {
      await t.emulator.stop();
    }
  });
});

describe("a HARD stop over a SOFT stop that has not finished", () => {
  it("forces the server off; the SOFT sub-job fails as superseded", async () => {
    const t = await startTestEmulator({ servers: fleet, stopSeconds: 1 });
    try {
      await t.admin.injectFault({ serverId: A, kind: "stuck" }); // the guest ignores ACPI
      const soft = await t.client.stop([A], "SOFT");
      t.clock.advance(5_000);
      expect((await t.client.show(A)).json.server["OS-EXT-STS:task_state"]).toBe("powering-off");
      const hard = await t.client.stop([A], "HARD");
      expect(hard.status).toBe(200);
      const softJob = (await t.client.job(soft.json.job_id)).json;
      expect(softJob.status).toBe("FAIL");
      expect(softJob.entities.sub_jobs[0]).toMatchObject({
        status: "FAIL",
        error_code: "Ecs.1000",
        entities: { errorcode_message: expect.stringContaining("superseded") },
      });
      t.clock.advance(1_500);
      expect((await t.client.job(hard.json.job_id)).json.status).toBe("SUCCESS");
      expect((await t.client.show(A)).json.server).toMatchObject({ status: "SHUTOFF", "OS-EXT-STS:task_state": null });
    } finally {
      await t.emulator.stop();
    }
  });

  it("does not force a server that a start or a reboot is moving (hiddenTaskAction reject, the default: refused 400 Ecs.0100, no job)", async () => {
    const t = await startTestEmulator({ servers: fleet, startSeconds: 1 });
    try {
      await t.client.start([S]);
      const hard = await t.client.stop([S], "HARD");
      expect(hard.status).toBe(400);
      expect(hard.json.error).toMatchObject({
        code: "Ecs.0100",
        message: expect.stringContaining("is executing os-start"),
      });
      expect((await t.client.show(S)).json.server["OS-EXT-STS:task_state"]).toBe("powering-on");
    } finally {
      await t.emulator.stop();
    }
  });

  it("does not force a server that a start or a reboot is moving (hiddenTaskAction fail-subjob: its sub-job FAILs Ecs.0100)", async () => {
    const t = await startTestEmulator({ servers: fleet, startSeconds: 1, hiddenTaskAction: "fail-subjob" });
    try {
      await t.client.start([S]);
      const hard = await t.client.stop([S], "HARD");
      t.clock.advance(100);
      expect((await t.client.job(hard.json.job_id)).json.entities.sub_jobs[0]).toMatchObject({
        status: "FAIL",
        error_code: "Ecs.0100",
      });
    } finally {
      await t.emulator.stop();
    }
  });
});

describe("a server already in the target state", () => {
  it("alreadyInState reject: stop on SHUTOFF is 400 Ecs.0100 naming the server", async () => {
    const t = await startTestEmulator({ servers: fleet, alreadyInState: "reject" });
    try {
      const response = await t.client.stop([A, S]);
      expect(response.status).toBe(400);
      expect(response.json.error).toMatchObject({ code: "Ecs.0100", message: expect.stringContaining(S) });
      expect((await t.client.show(A)).json.server["OS-EXT-STS:task_state"]).toBeNull();
      const start = await t.client.start([A]);
      expect(start.status).toBe(400);
      expect(start.json.error.code).toBe("Ecs.0100");
    } finally {
      await t.emulator.stop();
    }
  });

  it("alreadyInState fail-subjob: accepted, that sub-job FAILs with Ecs.0100, the job FAILs", async () => {
    const t = await startTestEmulator({ servers: fleet, alreadyInState: "fail-subjob" });
    try {
      const response = await t.client.stop([A, S]);
      expect(response.status).toBe(200);
      t.clock.advance(10_000);
      const job = (await t.client.job(response.json.job_id)).json;
      expect(job).toMatchObject({ status: "FAIL", error_code: "Ecs.0100" });
      const sub = job.entities.sub_jobs.find((entry: any) => entry.entities.server_id === S);
      expect(sub).toMatchObject({
        status: "FAIL",
        error_code: "Ecs.0100",
        fail_reason: expect.stringContaining("Ecs.0100"),
      });
      expect(sub.entities.errorcode_message).toContain(S);
      expect((await t.client.show(S)).json.server.status).toBe("SHUTOFF");
      expect((await t.client.show(A)).json.server.status).toBe("SHUTOFF");
    } finally {
      await t.emulator.stop();
    }
  });

  it("alreadyInState noop: the sub-job SUCCEEDs as soon as the job runs", async () => {
    const t = await startTestEmulator({ servers: fleet, alreadyInState: "noop", jobInitMs: 50 });
    try {
      const response = await t.client.start([A]);
      expect(response.status).toBe(200);
      t.clock.advance(50);
      const job = (await t.client.job(response.json.job_id)).json;
      expect(job.status).toBe("SUCCESS");
      expect(job.entities.sub_jobs[0]).toMatchObject({ status: "SUCCESS", error_code: null });
      expect((await t.client.show(A)).json.server).toMatchObject({ status: "ACTIVE", "OS-EXT-STS:task_state": null });
    } finally {
      await t.emulator.stop();
    }
  });

  it("alreadyInState noop still fails a reboot of a stopped server", async () => {
    const t = await startTestEmulator({ servers: fleet, alreadyInState: "noop" });
    try {
      const response = await t.client.reboot([S], "SOFT");
      t.clock.advance(1_000);
      const job = (await t.client.job(response.json.job_id)).json;
      expect(job.entities.sub_jobs[0]).toMatchObject({ status: "FAIL", error_code: "Ecs.0100" });
    } finally {
      await t.emulator.stop();
    }
  });
});
