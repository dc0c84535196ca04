/** Every route against the emulator over real HTTP: the happy paths and the documented error shapes. */
import { EcsClient } from "../../provider/ecsClient";
import { findProjectId } from "../../provider/findProjectId";
import { CREDENTIALS, newClient, PROJECT_ID, REGION, testEmulatorPerSuite } from "./clientTestKit";

const handle = testEmulatorPerSuite({ stopSeconds: 0.05, startSeconds: 0.05, rebootSeconds: 0.05, jobInitMs: 10 }, [
  { id: "web-1", status: "ACTIVE" },
  { id: "web-2", status: "ACTIVE" },
  { id: "db-1", status: "SHUTOFF" },
  { id: "locked-1", status: "ACTIVE", locked: true },
]);
let client: EcsClient;

beforeEach(() => {
  client = newClient(handle.emulator.url);
});
afterEach(async () => {
  await client.close();
});

async function waitForJob(jobId: string): Promise<Awaited<ReturnType<EcsClient["getJob"]>>> {
  for (;;) {
    const job = await client.getJob(jobId);
    if (job.status === "SUCCESS" || job.status === "FAIL") return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("batchAction → getJob → listServers", () => {
  it("stops servers: one job, sub-jobs per server, then SHUTOFF with no task", async () => {
    const seen: string[] = [];
    const submissions = await client.batchAction("os-stop", ["web-1", "web-2", "web-1"], {
      onSubmitted: (s) => seen.push(s.jobId),
    });
    expect(submissions).toEqual([
      {
        jobId: expect.stringMatching(/^[0-9a-f]{32}$/),
        action: "os-stop",
        type: "SOFT",
        serverIds: ["web-1", "web-2"],
        submittedAt: expect.any(Date),
      },
    ]);
    expect(seen).toEqual([submissions[0].jobId]);

    const job = await waitForJob(submissions[0].jobId);
    expect(job).toMatchObject({
      jobId: submissions[0].jobId,
      status: "SUCCESS",
      endTime: expect.any(String),
      errorCode: undefined,
    });
    expect(job.subJobs.map((s) => [s.serverId, s.status]).sort()).toEqual([
      ["web-1", "SUCCESS"],
      ["web-2", "SUCCESS"],
    ]);

    const servers = await client.listServers(["web-2", "web-1"]);
    expect(servers.map((s) => [s.id, s.found, s.status, s.taskState])).toEqual([
      ["web-2", true, "SHUTOFF", null],
      ["web-1", true, "SHUTOFF", null],
    ]);
    expect((await handle.admin.stats()).serversSubmitted).toEqual({ "os-stop": 2 });
  });

  it("shows a stop in progress as ACTIVE + powering-off (status hides transitions)", async () => {
    await handle.admin.putServers([{ id: "slow-1", status: "ACTIVE" }]);
    await handle.admin.injectFault({ serverId: "slow-1", kind: "stuck" });
    await client.batchAction("os-stop", ["slow-1"]);
    await expect(client.getServer("slow-1")).resolves.toMatchObject({
      found: true,
      status: "ACTIVE",
      taskState: "powering-off",
    });
  });

  it("starts a server (no type in the body) and reboots one (type SOFT by default, HARD on request)", async () => {
    const [start] = await client.batchAction("os-start", ["db-1"]);
    expect(start).toMatchObject({ action: "os-start", serverIds: ["db-1"] });
    expect(start).not.toHaveProperty("type");
    expect((await waitForJob(start.jobId)).status).toBe("SUCCESS");

    const [soft] = await client.batchAction("reboot", ["web-1"]);
    expect(soft).toMatchObject({ action: "reboot", type: "SOFT" });
    expect((await waitForJob(soft.jobId)).status).toBe("SUCCESS");
    const [hard] = await client.batchAction("reboot", ["web-2"], { type: "HARD" });
    expect(hard).toMatchObject({ action: "reboot", type: "HARD" });
    expect((await waitForJob(hard.jobId)).status).toBe("SUCCESS");
  });

  it("reports a failed sub-job with its code and reason", async () => {
    await handle.admin.injectFault({
      serverId: "web-2",
      kind: "fail-subjob",
      errorCode: "Ecs.1000",
      reason: "nova exploded",
    });
    const [submission] = await client.batchAction("os-stop", ["web-1", "web-2"], { type: "HARD" });
    const job = await waitForJob(submission.jobId);
    expect(job.status).toBe("FAIL");
    expect(job.subJobs.find((s) => s.serverId === "web-2")).toMatchObject({
      status: "FAIL",
      errorCode: "Ecs.1000",
      failReason: expect.stringContaining("nova exploded"),
    });
    expect(job.subJobs.find((s) => s.serverId === "web-1")).toMatchObject({ status: "SUCCESS" });
  });

  it("does nothing for an empty id list", async () => {
    await expect(client.batchAction("os-stop", [])).resolves.toEqual([]);
    await expect(client.listServers([])).resolves.toEqual([]);
    expect((await handle.admin.stats()).total).toBe(0);
  });
});

describe("listServers and getServer", () => {
  it("keeps unknown ids as found: false, in the order asked, never dropped", async () => {
    const servers = await client.listServers(["ghost-1", "web-1", "ghost-2", "db-1"]);
    expect(servers.map((s) => [s.id, s.found, s.status])).toEqual([
      ["ghost-1", false, null],
      ["web-1", true, "ACTIVE"],
      ["ghost-2", false, null],
      ["db-1", true, "SHUTOFF"],
    ]);
    expect(servers[0].fault).toMatchObject({ message: expect.stringContaining("could not be found") });
    expect(servers[1]).toEqual({
      id: "web-1",
      name: "server-web-1",
      found: true,
      status: "ACTIVE",
      taskState: null,
      vmState: "active",
      powerState: 1,
      locked: false,
      fault: null,
      enterpriseProjectId: "0",
    });
  });

  it("reads lock state", async () => {
    await expect(client.getServer("locked-1")).resolves.toMatchObject({ found: true, locked: true });
  });

  it("getServer answers found: false for 404 Ecs.0114 (absence is an observation)", async () => {
    await expect(client.getServer("ghost-1")).resolves.toEqual({
      id: "ghost-1",
      name: null,
      found: false,
      status: null,
      taskState: null,
      vmState: null,
      powerState: null,
      locked: null,
      fault: null,
      enterpriseProjectId: null,
    });
    expect((await handle.admin.stats()).requests).toEqual({ "GET show": 1 });
  });
});

describe("errors the emulator answers", () => {
  it("a locked server: ECS_SERVER_LOCKED naming it, the nested ECS code, the request id and the unlock hint", async () => {
    await expect(client.batchAction("os-stop", ["web-1", "locked-1"])).rejects.toMatchObject({
      name: "EcsError",
      code: "ECS_SERVER_LOCKED",
      statusCode: 400,
      huaweiCode: "Ecs.0605",
      huaweiMessage: "Instance[locked-1] is locked.",
      requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
      route: "POST /v1/{project_id}/cloudservers/action",
      serverIds: ["web-1", "locked-1"],
      submitted: [],
      hint: expect.stringMatching(/^unlock the server/),
      message: expect.stringMatching(
        /^os-stop \(SOFT\) of 2 servers failed: HTTP 400 Ecs\.0605 "Instance\[locked-1\] is locked\." \(request id [0-9a-f]{32}\); servers: web-1, locked-1\. Unlock the server/,
      ),
    });
    expect((await handle.admin.stats()).requests["POST action"]).toBe(1);
  });

  it("an unknown server in the body: ECS_NOT_FOUND (404 Ecs.0114), not retried", async () => {
    await expect(client.batchAction("os-start", ["ghost-9"])).rejects.toMatchObject({
      code: "ECS_NOT_FOUND",
      statusCode: 404,
      huaweiCode: "Ecs.0114",
      serverIds: ["ghost-9"],
      attempts: 1,
    });
    expect((await handle.admin.stats()).requests["POST action"]).toBe(1);
  });

  it("a server already in the target state: ECS_SERVER_STATE (400 Ecs.0100)", async () => {
    await expect(client.batchAction("os-stop", ["db-1"])).rejects.toMatchObject({
      code: "ECS_SERVER_STATE",
      huaweiCode: "Ecs.0100",
      serverIds: ["db-1"],
    });
  });

  it("a wrong secret key: 401 APIGW.0301 from the gateway (flat body), with request id, never retried", async () => {
    const wrong = newClient(handle.emulator.url, {
      credentials: { accessKey: CREDENTIALS.accessKey, secretKey: "not-the-secret-key-0000000000000000000000" },
    });
    try {
      for (const call of [
        () => wrong.listServers(["web-1"]),
        () => wrong.batchAction("os-stop", ["web-1"]),
        () => wrong.getJob("x"),
      ]) {
        await expect(call()).rejects.toMatchObject({
          code: "ECS_AUTH_FAILED",
          statusCode: 401,
          huaweiCode: "APIGW.0301",
          huaweiMessage: expect.stringContaining("verify aksk signature fail"),
          requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
          attempts: 1,
          hint: expect.stringContaining("clock is within 15 minutes of UTC"),
        });
      }
    } finally {
      await wrong.close();
    }
    expect((await handle.admin.stats()).total).toBe(3);
  });

  it("a clock 20 minutes off: 401 whose hint says the clock is off, not the keys", async () => {
    const skewed = newClient(handle.emulator.url, { now: () => new Date(Date.now() - 20 * 60_000) });
    try {
      await expect(skewed.getServer("web-1")).rejects.toMatchObject({
        code: "ECS_AUTH_FAILED",
        huaweiMessage: expect.stringContaining("x-sdk-date expired"),
        hint: expect.stringMatching(/clock is about 20 minutes off/),
      });
    } finally {
      await skewed.close();
    }
  });

  it("an unknown or expired job: ECS_JOB_NOT_FOUND (400 Common.0011)", async () => {
    await expect(client.getJob("ff80808288d41e1b018990260955686a")).rejects.toMatchObject({
      code: "ECS_JOB_NOT_FOUND",
      statusCode: 400,
      huaweiCode: "Common.0011",
      route: "GET /v1/{project_id}/jobs/{job_id}",
      hint: expect.stringContaining("deleted after one day"),
    });
  });

  it("a project id that is not the credentials': the ECS error comes through as ECS_BAD_REQUEST", async () => {
    const other = newClient(handle.emulator.url, { projectId: "ffffffffffffffffffffffffffffffff" });
    try {
      await expect(other.listServers(["web-1"])).rejects.toMatchObject({
        code: "ECS_BAD_REQUEST",
        statusCode: 400,
        huaweiCode: "Common.0018",
      });
    } finally {
      await other.close();
    }
  });
});

describe("findProjectId", () => {
  it("finds the exact-name project through IAM, ignoring the prefix decoy", async () => {
    await expect(
      findProjectId({ region: REGION, credentials: CREDENTIALS, iamEndpoint: handle.emulator.url }),
    ).resolves.toBe(PROJECT_ID);
    expect((await handle.admin.stats()).requests).toEqual({ "GET projects": 1 });
  });

  it("fails with ECS_PROJECT_NOT_FOUND naming the region when no project has that name", async () => {
    await expect(
      findProjectId({ region: "cn-south-1", credentials: CREDENTIALS, iamEndpoint: handle.emulator.url }),
    ).rejects.toMatchObject({
      code: "ECS_PROJECT_NOT_FOUND",
      message: expect.stringMatching(
        /^finding the project id of region cn-south-1 failed: no project named cn-south-1 .*\. Wrong region or no access/,
      ),
    });
  });

  it("fails with ECS_AUTH_FAILED on bad keys, without retrying", async () => {
    await expect(
      findProjectId({
        region: REGION,
        credentials: { ...CREDENTIALS, secretKey: "wrong-secret-key-00000000000000000000000" },
        iamEndpoint: handle.emulator.url,
      }),
    ).rejects.toMatchObject({ code: "ECS_AUTH_FAILED", attempts: 1 });
    expect((await handle.admin.stats()).total).toBe(1);
  });
});

describe("close", () => {
  it("is idempotent, and a closed client refuses new calls without touching the network", async () => {
    const c = newClient(handle.emulator.url);
    await c.close();
    await c.close();
    await expect(c.listServers(["web-1"])).rejects.toMatchObject({
      code: "ECS_INTERNAL",
      message: expect.stringContaining("the client is closed"),
    });
    expect((await handle.admin.stats()).total).toBe(0);
  });
});
