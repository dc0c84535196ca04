/**
 * The emulator's variants (emulator/variants.ts), over real HTTP: each answer no source settles,
 * switched by option, CLI flag or `PATCH /_emulator/variants`, with the defaults unchanged.
 */
import { DEFAULT_VARIANTS } from "../../emulator";
import { formatStartupBanner } from "../../emulator/formatStartupBanner";
import { parseCliArgs } from "../../emulator/parseCliArgs";
import { resolveEmulatorOptions } from "../../emulator/resolveEmulatorOptions";
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const OFF = "cccccccc-0000-4000-8000-000000000003";

const fleet = [
  { id: A, status: "ACTIVE" as const },
  { id: B, status: "ACTIVE" as const },
  { id: OFF, status: "SHUTOFF" as const },
];

async function withEmulator(
  options: Parameters<typeof startTestEmulator>[0],
  body: (t: TestEmulator) => Promise<void>,
): Promise<void> {
  const t = await startTestEmulator({ servers: fleet, jobInitMs: 50, stopSeconds: 2, ...options });
  try {
    await body(t);
  } finally {
    await t.emulator.stop();
  }
}

async function listed(t: TestEmulator, id: string): Promise<{ status: string; task: string | null }> {
  const server = (await t.client.list(`server_id=${id}`)).json.servers[0];
  return { status: server.status, task: server["OS-EXT-STS:task_state"] };
}

describe("the variants' switches", () => {
  it("default to today's answers, change with PATCH, refuse bad values naming them, and come back on reset", async () => {
    await withEmulator({}, async (t) => {
      expect(await t.admin.variants()).toEqual(DEFAULT_VARIANTS);
      expect(DEFAULT_VARIANTS).toMatchObject({
        throttleRetryAfter: false,
        rateLimitWindowSeconds: 60,
        listNameMatch: "case-sensitive",
        hardDuringSoft: "supersede",
        ignoredSoftStop: "stay",
        listLagSeconds: 0,
        subJobs: "per-server",
        errorBodies: "nested",
        batchLimitAnswer: "throttle",
        alreadyInState: "reject",
        requireEncodedCommas: false,
      });
      const changed = await t.admin.setVariants({ subJobs: "none", listLagSeconds: 3 });
      expect(changed).toEqual({ ...DEFAULT_VARIANTS, subJobs: "none", listLagSeconds: 3 });
      // A later PATCH changes only what it names.
      expect(await t.admin.setVariants({ errorBodies: "flat" })).toEqual({ ...changed, errorBodies: "flat" });
      await expect(t.admin.setVariants({ subJobs: "some" as "none" })).rejects.toMatchObject({
        statusCode: 400,
        message: expect.stringMatching(/subJobs: .*per-server.*none.*no-server-id/),
      });
      await expect(t.admin.setVariants({})).rejects.toMatchObject({ statusCode: 400 });
      await t.admin.reset();
      expect(await t.admin.variants()).toEqual(DEFAULT_VARIANTS);
    });
  });

  it("the startup banner names the switches set away from their defaults, and only those", () => {
    const banner = (options: Parameters<typeof resolveEmulatorOptions>[0]) =>
      formatStartupBanner({ url: "http://127.0.0.1:1", options: resolveEmulatorOptions(options) });
    expect(banner({ listLagSeconds: 2, subJobs: "none" })).toContain(
      "  variants          listLagSeconds=2, subJobs=none",
    );
    expect(banner({}).some((line) => line.startsWith("  variants"))).toBe(false);
  });

  it("are CLI flags, each read with its rule", () => {
    const command = parseCliArgs([
      "--throttle-retry-after",
      "true",
      "--hard-during-soft",
      "reject-409",
      "--list-lag-seconds",
      "2.5",
      "--sub-jobs",
      "no-server-id",
      "--error-bodies",
      "top-level",
      "--batch-limit-answer",
      "ecs-0118",
      "--require-encoded-commas",
      "true",
    ]);
    expect(command).toEqual({
      kind: "run",
      options: expect.objectContaining({
        throttleRetryAfter: true,
        hardDuringSoft: "reject-409",
        listLagSeconds: 2.5,
        subJobs: "no-server-id",
        errorBodies: "top-level",
        batchLimitAnswer: "ecs-0118",
        requireEncodedCommas: true,
      }),
    });
    expect(() => parseCliArgs(["--ignored-soft-stop", "maybe"])).toThrow(
      "--ignored-soft-stop [maybe] must be one of stay, fail, force",
    );
    expect(() => parseCliArgs(["--throttle-retry-after", "no"])).toThrow(
      "--throttle-retry-after [no] must be true or false",
    );
  });
});

describe("throttling", () => {
  it("throttleRetryAfter false: the 429 carries no Retry-After; rateLimitWindowSeconds words the window as APIG does", async () => {
    await withEmulator({ rateLimit: 1, rateLimitWindowSeconds: 300, throttleRetryAfter: false }, async (t) => {
      expect((await t.client.list()).status).toBe(200);
      const throttled = await t.client.list();
      expect(throttled.status).toBe(429);
      expect(throttled.headers.has("retry-after")).toBe(false);
      expect(throttled.json).toMatchObject({
        error_code: "APIGW.0308",
        error_msg: expect.stringContaining("over ratelimit,limit:1,time:5 minute"),
      });
      t.clock.advance(299_000);
      expect((await t.client.list()).status).toBe(429);
      t.clock.advance(1_000);
      expect((await t.client.list()).status).toBe(200);
    });
  });

  it("by default the 429 carries no Retry-After and words the window as a minute", async () => {
    await withEmulator({ rateLimit: 1 }, async (t) => {
      await t.client.list();
      const throttled = await t.client.list();
      expect(throttled.status).toBe(429);
      expect(throttled.headers.has("retry-after")).toBe(false);
      expect(throttled.json.error_msg).toContain("limit:1,time:1 minute");
    });
  });

  it("throttleRetryAfter true: the 429 says how long to wait in Retry-After", async () => {
    await withEmulator({ rateLimit: 1, rateLimitWindowSeconds: 1, throttleRetryAfter: true }, async (t) => {
      await t.client.list();
      const throttled = await t.client.list();
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get("retry-after")).toBe("1");
    });
  });

  it("batchLimitAnswer ecs-0118: over the servers-per-minute limit is 400 Ecs.0118, no job", async () => {
    await withEmulator({ batchPerMinute: 1, batchLimitAnswer: "ecs-0118" }, async (t) => {
      expect((await t.client.stop([A])).status).toBe(200);
      const refused = await t.client.stop([B]);
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatchObject({ code: "Ecs.0118", message: expect.stringContaining("1 minute") });
      expect((await t.admin.stats()).submissionsPerServer).toEqual({ [A]: 1 });
    });
  });

  it("batchLimitAnswer throttle (default) with throttleRetryAfter false: 429 APIGW.0308 without Retry-After", async () => {
    await withEmulator({ batchPerMinute: 1, throttleRetryAfter: false }, async (t) => {
      await t.client.stop([A]);
      const refused = await t.client.stop([B]);
      expect(refused.status).toBe(429);
      expect(refused.json.error_code).toBe("APIGW.0308");
      expect(refused.headers.has("retry-after")).toBe(false);
    });
  });
});

describe("a HARD stop while a SOFT stop is still powering-off (hardDuringSoft)", () => {
  async function softStuck(t: TestEmulator): Promise<string> {
    await t.admin.injectFault({ serverId: A, kind: "stuck" });
    const soft = await t.client.stop([A], "SOFT");
    t.clock.advance(5_000);
    expect(await listed(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
    return soft.json.job_id as string;
  }

  it("supersede (default): accepted; the SOFT sub-job FAILs as superseded, the HARD one stops it", async () => {
    await withEmulator({}, async (t) => {
      const softJob = await softStuck(t);
      const hard = await t.client.stop([A], "HARD");
      expect(hard.status).toBe(200);
      t.clock.advance(3_000);
      expect((await t.client.job(softJob)).json.status).toBe("FAIL");
      expect((await t.client.job(hard.json.job_id)).json.status).toBe("SUCCESS");
      expect(await listed(t, A)).toEqual({ status: "SHUTOFF", task: null });
    });
  });

  it.each([
    ["reject-400", 400],
    ["reject-409", 409],
  ] as const)("%s: refused synchronously with Ecs.0100 naming the server, no job", async (mode, status) => {
    await withEmulator({ hardDuringSoft: mode }, async (t) => {
      await softStuck(t);
      const hard = await t.client.stop([A], "HARD");
      expect(hard.status).toBe(status);
      expect(hard.json.error).toMatchObject({ code: "Ecs.0100", message: expect.stringContaining(A) });
      expect((await t.admin.stats()).submissionsPerServer).toEqual({ [A]: 1 });
      expect(await listed(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
    });
  });

  it("fail-subjob: accepted, its sub-job FAILs with Ecs.0100, the SOFT stop runs on", async () => {
    await withEmulator({ hardDuringSoft: "fail-subjob" }, async (t) => {
      await softStuck(t);
      const hard = await t.client.stop([A], "HARD");
      expect(hard.status).toBe(200);
      t.clock.advance(100);
      const job = (await t.client.job(hard.json.job_id)).json;
      expect(job.status).toBe("FAIL");
      expect(job.entities.sub_jobs[0]).toMatchObject({ status: "FAIL", error_code: "Ecs.0100" });
      expect(await listed(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
    });
  });
});

describe("a SOFT stop the guest ignores (ignoredSoftStop)", () => {
  it("stay (default): powering-off for good", async () => {
    await withEmulator({}, async (t) => {
      await t.admin.injectFault({ serverId: A, kind: "stuck" });
      const job = (await t.client.stop([A], "SOFT")).json.job_id;
      t.clock.advance(3_600_000);
      expect(await listed(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
      expect((await t.client.job(job)).json.status).toBe("RUNNING");
    });
  });

  it("fail: after ignoredSoftStopSeconds its sub-job FAILs and the server is ACTIVE with no task", async () => {
    await withEmulator({ ignoredSoftStop: "fail", ignoredSoftStopSeconds: 30 }, async (t) => {
      await t.admin.injectFault({ serverId: A, kind: "stuck" });
      const job = (await t.client.stop([A], "SOFT")).json.job_id;
      t.clock.advance(29_000);
      expect(await listed(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
      t.clock.advance(2_000);
      expect(await listed(t, A)).toEqual({ status: "ACTIVE", task: null });
      const ended = (await t.client.job(job)).json;
      expect(ended.status).toBe("FAIL");
      expect(ended.entities.sub_jobs[0]).toMatchObject({
        status: "FAIL",
        error_code: "Ecs.1000",
        entities: { server_id: A, errorcode_message: expect.stringContaining("did not shut down within 30 s") },
      });
    });
  });

  it("force: after ignoredSoftStopSeconds the cloud powers it off (Nova's shutdown_timeout); the sub-job SUCCEEDs", async () => {
    await withEmulator({ ignoredSoftStop: "force", ignoredSoftStopSeconds: 30 }, async (t) => {
      await t.admin.injectFault({ serverId: A, kind: "stuck" });
      const job = (await t.client.stop([A], "SOFT")).json.job_id;
      t.clock.advance(31_000);
      expect(await listed(t, A)).toEqual({ status: "SHUTOFF", task: null });
      expect((await t.client.job(job)).json.status).toBe("SUCCESS");
    });
  });

  it("a HARD stop is never 'ignored': a stuck fault on it stays stuck whatever the variant", async () => {
    await withEmulator({ ignoredSoftStop: "force", ignoredSoftStopSeconds: 1 }, async (t) => {
      await t.admin.injectFault({ serverId: A, kind: "stuck" });
      await t.client.stop([A], "HARD");
      t.clock.advance(60_000);
      expect(await listed(t, A)).toEqual({ status: "ACTIVE", task: "powering-off" });
    });
  });
});

describe("the list lags the job (listLagSeconds)", () => {
  it("after the job's SUCCESS the list shows the old status with no task for that long, then the new one", async () => {
    await withEmulator({ listLagSeconds: 5 }, async (t) => {
      const job = (await t.client.stop([A], "HARD")).json.job_id;
      t.clock.advance(2_100);
      expect((await t.client.job(job)).json.status).toBe("SUCCESS");
      expect(await listed(t, A)).toEqual({ status: "ACTIVE", task: null });
      t.clock.advance(4_000);
      expect(await listed(t, A)).toEqual({ status: "ACTIVE", task: null });
      t.clock.advance(1_000);
      expect(await listed(t, A)).toEqual({ status: "SHUTOFF", task: null });
    });
  });

  it("a failed transition and an out-of-band change show at once", async () => {
    await withEmulator({ listLagSeconds: 5 }, async (t) => {
      await t.admin.injectFault({ serverId: A, kind: "fail-subjob" });
      await t.client.stop([A], "HARD");
      t.clock.advance(2_100);
      expect(await listed(t, A)).toEqual({ status: "ACTIVE", task: null });
      await t.client.stop([B], "HARD");
      t.clock.advance(2_100);
      await t.admin.setServer(B, { status: "ACTIVE" });
      expect(await listed(t, B)).toEqual({ status: "ACTIVE", task: null });
    });
  });
});

describe("the shape of batch jobs (subJobs)", () => {
  it.each([
    ["none", (job: any) => expect(job.entities).toEqual({})],
    [
      "no-server-id",
      (job: any) => {
        expect(job.entities.sub_jobs_total).toBe(2);
        for (const sub of job.entities.sub_jobs) {
          expect(sub.status).toBe("SUCCESS");
          expect(sub.entities).toEqual({});
        }
      },
    ],
  ] as const)("%s", async (shape, check) => {
    await withEmulator({ subJobs: shape }, async (t) => {
      const job = (await t.client.stop([A, B], "HARD")).json.job_id;
      t.clock.advance(2_100);
      const ended = (await t.client.job(job)).json;
      expect(ended.status).toBe("SUCCESS");
      check(ended);
    });
  });
});

describe("the shape of ECS's own error bodies (errorBodies)", () => {
  it.each([
    ["nested", () => ({ error: { code: "Ecs.0100", message: expect.any(String), details: expect.any(Array) } })],
    ["flat", (r: any) => ({ error_code: "Ecs.0100", error_msg: expect.any(String), request_id: r.requestId })],
    ["top-level", () => ({ code: "Ecs.0100", message: expect.any(String) })],
  ] as const)("%s", async (shape, expected) => {
    await withEmulator({ errorBodies: shape }, async (t) => {
      const refused = await t.client.stop([OFF]);
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual(expected({ requestId: refused.headers.get("x-request-id") }));
    });
  });

  it("leaves the gateway's own flat bodies alone", async () => {
    await withEmulator({ errorBodies: "top-level", rateLimit: 1 }, async (t) => {
      await t.client.list();
      expect((await t.client.list()).json).toMatchObject({ error_code: "APIGW.0308" });
    });
  });
});

describe("an action on a server already in the target state (alreadyInState)", () => {
  it.each([
    ["reject", 400, undefined],
    ["fail-subjob", 200, "FAIL"],
    ["noop", 200, "SUCCESS"],
  ] as const)("%s", async (mode, status, jobStatus) => {
    await withEmulator({ alreadyInState: mode }, async (t) => {
      const answer = await t.client.stop([OFF]);
      expect(answer.status).toBe(status);
      if (jobStatus === undefined) return expect(answer.json.error.code).toBe("Ecs.0100");
      t.clock.advance(100);
      expect((await t.client.job(answer.json.job_id)).json.status).toBe(jobStatus);
    });
  });
});

describe("the wire form of server_id lists (requireEncodedCommas)", () => {
  it("counts literal and encoded commas; by default both are served", async () => {
    await withEmulator({}, async (t) => {
      expect((await t.client.list(`server_id=${A},${B}`)).json.count).toBe(2);
      expect((await t.client.list(`server_id=${A}%2C${B}`)).json.count).toBe(2);
      expect((await t.client.list(`server_id=${A}%2c${B}`)).json.count).toBe(2);
      expect((await t.client.list(`server_id=${A}`)).json.count).toBe(1);
      expect((await t.admin.stats()).listServerIdCommas).toEqual({ literal: 1, encoded: 2 });
    });
  });

  it("true: literal commas are refused with 400 Ecs.0005 saying why; %2C is served", async () => {
    await withEmulator({ requireEncodedCommas: true }, async (t) => {
      const refused = await t.client.list(`server_id=${A},${B}`);
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatchObject({ code: "Ecs.0005", message: expect.stringContaining("%2C") });
      expect((await t.client.list(`server_id=${A}%2C${B}`)).status).toBe(200);
      expect((await t.admin.stats()).listServerIdCommas).toEqual({ literal: 1, encoded: 1 });
    });
  });
});
