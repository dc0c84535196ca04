/** Jobs and servers over time: INIT → RUNNING → SUCCESS/FAIL, and what servers show while they move. */
import { startEmulator } from "../../emulator";
import { EmulatorTestClient, startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const S = "cccccccc-0000-4000-8000-000000000003";
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("a batch stop over time", () => {
  let t: TestEmulator;
  let jobId: string;
  let submittedMs: number;

  beforeAll(async () => {
    t = await startTestEmulator({
      servers: [
        { id: A, status: "ACTIVE" },
        { id: B, status: "ACTIVE" },
      ],
      jobInitMs: 100,
      stopSeconds: 2,
    });
    submittedMs = t.clock.nowMs;
    const response = await t.client.stop([A, B], "HARD");
    jobId = response.json.job_id;
  });
  afterAll(() => t.emulator.stop());

  it("is INIT at first, without sub-jobs and with an empty end_time", async () => {
    const job = (await t.client.job(jobId)).json;
    expect(job).toEqual({
      status: "INIT",
      entities: {},
      job_id: jobId,
      job_type: "batchStopServers",
      begin_time: new Date(submittedMs).toISOString(),
      end_time: "",
    });
  });

  it("shows the servers still ACTIVE but powering-off from the moment it is accepted", async () => {
    const server = (await t.client.show(A)).json.server;
    expect(server).toMatchObject({
      status: "ACTIVE",
      "OS-EXT-STS:task_state": "powering-off",
      "OS-EXT-STS:vm_state": "active",
      "OS-EXT-STS:power_state": 1,
    });
  });

  it("turns RUNNING after jobInitMs, one RUNNING sub-job per server, error fields absent", async () => {
    t.clock.advance(100);
    const job = (await t.client.job(jobId)).json;
    expect(job.status).toBe("RUNNING");
    expect(job.end_time).toBe("");
    expect(job).not.toHaveProperty("error_code");
    expect(job).not.toHaveProperty("fail_reason");
    expect(job.entities.sub_jobs_total).toBe(2);
    expect(job.entities.sub_jobs.map((sub: any) => sub.entities.server_id)).toEqual([A, B]);
    for (const sub of job.entities.sub_jobs) {
      expect(sub).toEqual({
        status: "RUNNING",
        entities: { server_id: expect.any(String) },
        job_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        job_type: "stopServer",
        begin_time: new Date(submittedMs + 100).toISOString(),
        end_time: "",
      });
    }
  });

  it("is still RUNNING just before the stop duration has passed", async () => {
    t.clock.advance(1_999);
    expect((await t.client.job(jobId)).json.status).toBe("RUNNING");
    expect((await t.client.show(B)).json.server["OS-EXT-STS:task_state"]).toBe("powering-off");
  });

  it("ends SUCCESS with null error fields and ISO times once the servers are off", async () => {
    t.clock.advance(1);
    const job = (await t.client.job(jobId)).json;
    expect(job).toMatchObject({ status: "SUCCESS", error_code: null, fail_reason: null });
    expect(job.end_time).toBe(new Date(submittedMs + 2_100).toISOString());
    expect(job.begin_time).toMatch(ISO_MS);
    for (const sub of job.entities.sub_jobs) {
      expect(sub).toMatchObject({ status: "SUCCESS", error_code: null, fail_reason: null, end_time: job.end_time });
    }
  });

  it("shows the servers SHUTOFF, stopped, power state 4 and no task afterwards", async () => {
    const server = (await t.client.show(A)).json.server;
    expect(server).toMatchObject({
      status: "SHUTOFF",
      "OS-EXT-STS:task_state": null,
      "OS-EXT-STS:vm_state": "stopped",
      "OS-EXT-STS:power_state": 4,
    });
  });
});

describe("start and reboot", () => {
  it("a starting server stays SHUTOFF with powering-on until it is ACTIVE", async () => {
    const t = await startTestEmulator({ servers: [{ id: S, status: "SHUTOFF" }], jobInitMs: 0, startSeconds: 1 });
    try {
      const response = await t.client.start([S]);
      expect((await t.client.show(S)).json.server).toMatchObject({
        status: "SHUTOFF",
        "OS-EXT-STS:task_state": "powering-on",
        "OS-EXT-STS:vm_state": "stopped",
      });
      const running = (await t.client.job(response.json.job_id)).json;
      expect(running).toMatchObject({ status: "RUNNING", job_type: "batchStartServers" });
      expect(running.entities.sub_jobs[0].job_type).toBe("startServer");
      t.clock.advance(1_000);
      expect((await t.client.show(S)).json.server).toMatchObject({ status: "ACTIVE", "OS-EXT-STS:task_state": null });
      expect((await t.client.job(response.json.job_id)).json.status).toBe("SUCCESS");
    } finally {
      await t.emulator.stop();
    }
  });

  it.each([
    ["SOFT", "REBOOT", "rebooting"],
    ["HARD", "HARD_REBOOT", "rebooting_hard"],
  ] as const)("a %s reboot shows status %s and task_state %s, then ACTIVE", async (type, status, task) => {
    const t = await startTestEmulator({ servers: [{ id: A, status: "ACTIVE" }], rebootSeconds: 0.5 });
    try {
      const response = await t.client.reboot([A], type);
      expect((await t.client.show(A)).json.server).toMatchObject({ status, "OS-EXT-STS:task_state": task });
      t.clock.advance(t.emulator.options.jobInitMs + 500);
      expect((await t.client.show(A)).json.server).toMatchObject({ status: "ACTIVE", "OS-EXT-STS:task_state": null });
      const job = (await t.client.job(response.json.job_id)).json;
      expect(job).toMatchObject({ status: "SUCCESS", job_type: "batchRebootServers" });
      expect(job.entities.sub_jobs[0].job_type).toBe("rebootServer");
    } finally {
      await t.emulator.stop();
    }
  });
});

describe("failed sub-jobs", () => {
  it("a job whose sub-job fails stays RUNNING until every sub-job ended, then FAILs", async () => {
    const t = await startTestEmulator({
      servers: [
        { id: A, status: "ACTIVE" },
        { id: S, status: "SHUTOFF" },
      ],
      alreadyInState: "fail-subjob",
      jobInitMs: 0,
      stopSeconds: 1,
    });
    try {
      const response = await t.client.stop([A, S]);
      const running = (await t.client.job(response.json.job_id)).json;
      expect(running.status).toBe("RUNNING");
      expect(running).not.toHaveProperty("error_code");
      const [runningSub, failedSub] = running.entities.sub_jobs;
      expect(runningSub).toMatchObject({ status: "RUNNING", end_time: "" });
      expect(runningSub).not.toHaveProperty("error_code");
      expect(failedSub).toMatchObject({
        status: "FAIL",
        error_code: "Ecs.0100",
        end_time: expect.stringMatching(ISO_MS),
      });
      t.clock.advance(1_000);
      const ended = (await t.client.job(response.json.job_id)).json;
      expect(ended).toMatchObject({ status: "FAIL", error_code: "Ecs.0100", fail_reason: expect.stringContaining(S) });
      expect(ended.end_time).toMatch(ISO_MS);
    } finally {
      await t.emulator.stop();
    }
  });
});

describe("with the real clock", () => {
  it("finishes a stop on its own as time passes", async () => {
    const emulator = await startEmulator({ servers: [{ id: A, status: "ACTIVE" }], stopSeconds: 0.1, jobInitMs: 10 });
    const client = new EmulatorTestClient(emulator.url);
    try {
      const jobId = (await client.stop([A])).json.job_id;
      let status = "";
      for (let attempt = 0; attempt < 100 && status !== "SUCCESS"; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = (await client.job(jobId)).json.status;
      }
      expect(status).toBe("SUCCESS");
      expect((await client.show(A)).json.server.status).toBe("SHUTOFF");
    } finally {
      await emulator.stop();
    }
  });
});
