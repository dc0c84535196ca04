/**
 * Issue 20's emulator switches, over real HTTP on a pinned clock: `hiddenTaskMs` (an accepted job
 * stays INIT with its servers showing no task) and `hiddenTaskAction` (what an action on such a
 * server gets: 400 Ecs.0100, or a second job whose sub-job FAILs Ecs.0100).
 */
import { DEFAULT_VARIANTS } from "../../emulator";
import { parseCliArgs } from "../../emulator/parseCliArgs";
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";

async function withEmulator(
  options: Parameters<typeof startTestEmulator>[0],
  body: (t: TestEmulator) => Promise<void>,
): Promise<void> {
  const t = await startTestEmulator({
    servers: [
      { id: A, status: "ACTIVE" },
      { id: B, status: "ACTIVE" },
    ],
    jobInitMs: 50,
    stopSeconds: 2,
    ...options,
  });
  try {
    await body(t);
  } finally {
    await t.emulator.stop();
  }
}

async function seen(t: TestEmulator, id: string) {
  const listed = (await t.client.list(`server_id=${id}`)).json.servers[0];
  const shown = (await t.client.show(id)).json.server;
  expect(shown.status).toBe(listed.status); // one truth for both reads
  expect(shown["OS-EXT-STS:task_state"]).toBe(listed["OS-EXT-STS:task_state"]);
  return { status: listed.status as string, task: listed["OS-EXT-STS:task_state"] as string | null };
}

const jobStatus = async (t: TestEmulator, jobId: string): Promise<string> => (await t.client.job(jobId)).json.status;

describe("hiddenTaskMs", () => {
  it("defaults to 0 with hiddenTaskAction reject: an accepted stop shows powering-off at once, while its job is INIT", async () => {
    expect(DEFAULT_VARIANTS).toMatchObject({ hiddenTaskMs: 0, hiddenTaskAction: "reject" });
    await withEmulator({}, async (t) => {
      const jobId = (await t.client.stop([A])).json.job_id;
      expect(await jobStatus(t, jobId)).toBe("INIT");
      expect(await seen(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
    });
  });

  it("3000: the job stays INIT and the server shows no task for 3 s, then RUNNING powering-off, then SHUTOFF", async () => {
    await withEmulator({ hiddenTaskMs: 3_000 }, async (t) => {
      const jobId = (await t.client.stop([A])).json.job_id;
      expect(await seen(t, A)).toEqual({ status: "ACTIVE", task: null });
      t.clock.advance(2_999);
      expect(await jobStatus(t, jobId)).toBe("INIT");
      expect(await seen(t, A)).toEqual({ status: "ACTIVE", task: null });
      t.clock.advance(1);
      expect(await jobStatus(t, jobId)).toBe("RUNNING");
      expect(await seen(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
      t.clock.advance(2_000); // stopSeconds after the hidden window
      expect(await jobStatus(t, jobId)).toBe("SUCCESS");
      expect(await seen(t, A)).toEqual({ status: "SHUTOFF", task: null });
    });
  });

  it("shorter than jobInitMs: the task shows once the window ends, the job turns RUNNING at jobInitMs as before", async () => {
    await withEmulator({ hiddenTaskMs: 20, jobInitMs: 500 }, async (t) => {
      const jobId = (await t.client.stop([A])).json.job_id;
      expect(await seen(t, A)).toEqual({ status: "ACTIVE", task: null });
      t.clock.advance(20);
      expect(await seen(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
      expect(await jobStatus(t, jobId)).toBe("INIT");
      t.clock.advance(480);
      expect(await jobStatus(t, jobId)).toBe("RUNNING");
    });
  });
});

describe("hiddenTaskAction", () => {
  it("reject: an action naming a server with a hidden task is refused whole, 400 Ecs.0100 naming it, no job; the first job goes on", async () => {
    await withEmulator({ hiddenTaskMs: 3_000 }, async (t) => {
      const first = (await t.client.stop([A])).json.job_id;
      t.clock.advance(1_000);
      const before = await t.admin.stats();
      const again = await t.client.stop([A, B]);
      expect(again.status).toBe(400);
      expect(again.json.error).toMatchObject({
        code: "Ecs.0100",
        details: [{ code: "Ecs.0100", message: expect.stringContaining(`Instance[${A}]`) }],
      });
      const after = await t.admin.stats();
      expect(after.submissionsPerServer).toEqual(before.submissionsPerServer); // nothing accepted: B neither
      t.clock.advance(4_000);
      expect(await jobStatus(t, first)).toBe("SUCCESS");
      expect(await seen(t, A)).toEqual({ status: "SHUTOFF", task: null });
      expect(await seen(t, B)).toEqual({ status: "ACTIVE", task: null });
    });
  });

  it("fail-subjob: accepted as a second job whose sub-job FAILs Ecs.0100; the first job stops the server", async () => {
    await withEmulator({ hiddenTaskMs: 3_000, hiddenTaskAction: "fail-subjob" }, async (t) => {
      const first = (await t.client.stop([A])).json.job_id;
      t.clock.advance(1_000);
      const second = await t.client.stop([A]);
      expect(second.status).toBe(200);
      t.clock.advance(3_000); // the second job's own INIT window has passed
      const job = (await t.client.job(second.json.job_id)).json;
      expect(job).toMatchObject({ status: "FAIL", error_code: "Ecs.0100" });
      expect(job.entities.sub_jobs).toEqual([
        expect.objectContaining({
          status: "FAIL",
          error_code: "Ecs.0100",
          entities: expect.objectContaining({ server_id: A }),
        }),
      ]);
      t.clock.advance(1_000);
      expect(await jobStatus(t, first)).toBe("SUCCESS");
      expect(await seen(t, A)).toEqual({ status: "SHUTOFF", task: null });
      expect((await t.admin.stats()).submissionsPerServer).toEqual({ [A]: 2 });
    });
  });

  it("once the task shows, each switch answers as while it was hidden: reject refuses until the job ends, fail-subjob accepts a job that FAILs as busy", async () => {
    await withEmulator({ hiddenTaskMs: 1_000, hiddenTaskAction: "reject" }, async (t) => {
      const first = (await t.client.stop([A])).json.job_id;
      t.clock.advance(1_000);
      expect(await seen(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
      expect(await jobStatus(t, first)).toBe("RUNNING");
      const again = await t.client.stop([A]);
      expect(again.status).toBe(400);
      expect(again.json.error).toMatchObject({
        code: "Ecs.0100",
        message: expect.stringContaining("is executing os-stop"),
      });
      expect((await t.admin.stats()).submissionsPerServer).toEqual({ [A]: 1 });
      t.clock.advance(2_000);
      expect(await jobStatus(t, first)).toBe("SUCCESS");
      expect((await t.client.start([A])).status).toBe(200); // the job ended: actions are answered again
    });
    await withEmulator({ hiddenTaskMs: 1_000, hiddenTaskAction: "fail-subjob" }, async (t) => {
      await t.client.stop([A]);
      t.clock.advance(1_000);
      expect(await seen(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
      const second = await t.client.stop([A]);
      expect(second.status).toBe(200);
      t.clock.advance(1_000); // its own INIT (hiddenTaskMs), the first stop still running
      expect(await jobStatus(t, second.json.job_id)).toBe("FAIL");
      expect((await t.admin.stats()).submissionsPerServer).toEqual({ [A]: 2 });
    });
  });

  it("are CLI flags and admin switches", async () => {
    expect(parseCliArgs(["--hidden-task-ms", "4000", "--hidden-task-action", "fail-subjob"])).toEqual({
      kind: "run",
      options: expect.objectContaining({ hiddenTaskMs: 4_000, hiddenTaskAction: "fail-subjob" }),
    });
    expect(() => parseCliArgs(["--hidden-task-action", "maybe"])).toThrow(
      "--hidden-task-action [maybe] must be one of reject, fail-subjob",
    );
    await withEmulator({}, async (t) => {
      expect(await t.admin.setVariants({ hiddenTaskMs: 2_000, hiddenTaskAction: "fail-subjob" })).toEqual({
        ...DEFAULT_VARIANTS,
        hiddenTaskMs: 2_000,
        hiddenTaskAction: "fail-subjob",
      });
      await expect(t.admin.setVariants({ hiddenTaskMs: -1 })).rejects.toMatchObject({ statusCode: 400 });
    });
  });
});
