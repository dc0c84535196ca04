/**
 * The converger's poll schedule on a fake API and a pinned clock: pauses stay a fraction of the
 * age of the job awaited, not of the whole operation (whose first minutes may be pacing).
 */
import {
  converge,
  type ConvergeOptions,
  type JobView,
  type ObservationView,
  type PowerApi,
  type SubmissionView,
} from "../../provider/converge";
import type { FaultInput } from "../../emulator";
import { emulatorPerSuite } from "../emulatorPerSuite";
import { clientPerTest, convergeCollecting, type ConvergeInput } from "./convergeKit";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

/** Two servers stopped in two paced chunks: the second is accepted `paceMs` after the first; each job takes 3 s. */
function pacedFleet(paceMs: number) {
  let t = 1_000_000;
  const sleeps: number[] = [];
  const accepted: Record<string, { at: number; id: string }> = {};
  const stoppedAt = (id: string): number | undefined => {
    const job = Object.values(accepted).find((j) => j.id === id);
    return job ? job.at + 3_000 : undefined;
  };
  const api: PowerApi = {
    async batchAction(_action, ids, options): Promise<SubmissionView[]> {
      const out: SubmissionView[] = [];
      for (const [i, id] of ids.entries()) {
        if (i > 0) t += paceMs; // the pacing wait between chunks
        const submission = { jobId: `job-${id}`, serverIds: [id] };
        accepted[submission.jobId] = { at: t, id };
        options?.onSubmitted?.(submission);
        out.push(submission);
      }
      return out;
    },
    async getJob(jobId): Promise<JobView> {
      const job = accepted[jobId];
      const ended = t >= job.at + 3_000;
      return {
        status: ended ? "SUCCESS" : "RUNNING",
        subJobs: [{ status: ended ? "SUCCESS" : "RUNNING", serverId: job.id }],
      };
    },
    async listServers(ids): Promise<ObservationView[]> {
      return ids.map((id) => {
        const end = stoppedAt(id);
        const moving = end !== undefined && t < end;
        const stopped = end !== undefined && t >= end;
        return {
          id,
          found: true,
          status: stopped ? "SHUTOFF" : "ACTIVE",
          taskState: moving ? "powering-off" : null,
          locked: false,
        };
      });
    },
  };
  return {
    api,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

describe("converge: the poll schedule", () => {
  it("after 60 s of pacing, polls the last job every second (its age), not every 8% of the minute", async () => {
    const fleet = pacedFleet(60_000);
    const result = await converge({
      api: fleet.api,
      goals: { [A]: "stopped", [B]: "stopped" },
      stopType: "SOFT",
      timeoutSeconds: 600,
      now: fleet.now,
      sleep: fleet.sleep,
      random: () => 0.999999,
    });
    expect(result.failures).toEqual([]);
    expect(Object.values(result.servers).map((s) => s.status)).toEqual(["SHUTOFF", "SHUTOFF"]);
    // The second job is accepted at +60 s and ends at +63 s: seen on the third one-second poll.
    expect(fleet.sleeps).toEqual([1000, 1000, 1000]);
  });
});

/**
 * One SOFT job for A and B that never reports an end (its sub-jobs stay RUNNING): A's guest ignores
 * the SOFT stop, B's obeys it after 1 s, which only the server list shows. A HARD stop turns a
 * server off at once, in a job that succeeds.
 */
function softJobThatLags() {
  let t = 1_000_000;
  const softAt = new Map<string, number>();
  const hardOff = new Set<string>();
  const calls: { action: string; type: string | undefined; ids: readonly string[] }[] = [];
  const jobs: Record<string, readonly string[]> = {};
  const status = (id: string): string =>
    hardOff.has(id) || (id === B && softAt.has(id) && t >= softAt.get(id)! + 1_000) ? "SHUTOFF" : "ACTIVE";
  const api: PowerApi = {
    async batchAction(action, ids, options): Promise<SubmissionView[]> {
      calls.push({ action, type: options?.type, ids: [...ids] });
      const hard = options?.type === "HARD";
      for (const id of ids)
        if (hard) hardOff.add(id);
        else softAt.set(id, t);
      const submission = { jobId: hard ? `hard-${calls.length}` : "soft", serverIds: [...ids] };
      jobs[submission.jobId] = submission.serverIds;
      options?.onSubmitted?.(submission);
      return [submission];
    },
    async getJob(jobId): Promise<JobView> {
      const ended = jobId !== "soft";
      const ids = jobs[jobId];
      return {
        status: ended ? "SUCCESS" : "RUNNING",
        subJobs: ids.map((serverId) => ({ status: ended ? "SUCCESS" : "RUNNING", serverId })),
      };
    },
    async listServers(ids): Promise<ObservationView[]> {
      return ids.map((id) => {
        const s = status(id);
        return {
          id,
          found: true,
          status: s,
          taskState: s === "ACTIVE" && softAt.has(id) ? "powering-off" : null,
          locked: false,
        };
      });
    },
  };
  return {
    api,
    calls,
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

describe("converge: the HARD stop", () => {
  it("is not sent when every due server is already off at the look before it", async () => {
    // B obeys its SOFT stop 1 s after it; the HARD stop falls due at 1 s: the look finds it SHUTOFF.
    const fleet = softJobThatLags();
    const result = await converge({
      api: fleet.api,
      goals: { [B]: "stopped" },
      stopType: "SOFT",
      hardStopAfterSeconds: 1,
      timeoutSeconds: 60,
      now: fleet.now,
      sleep: fleet.sleep,
      random: () => 0.5,
    });
    expect(fleet.calls).toEqual([{ action: "os-stop", type: "SOFT", ids: [B] }]);
    expect(result.failures).toEqual([]);
    expect(result.servers[B].status).toBe("SHUTOFF");
  });

  it("goes only to the due servers still running when it falls due, not to one of the same job already off", async () => {
    const fleet = softJobThatLags();
    const result = await converge({
      api: fleet.api,
      goals: { [A]: "stopped", [B]: "stopped" },
      stopType: "SOFT",
      hardStopAfterSeconds: 2,
      timeoutSeconds: 60,
      now: fleet.now,
      sleep: fleet.sleep,
      random: () => 0.5,
    });
    expect(fleet.calls).toEqual([
      { action: "os-stop", type: "SOFT", ids: [A, B] },
      { action: "os-stop", type: "HARD", ids: [A] },
    ]);
    expect(result.failures).toEqual([]);
    expect(Object.values(result.servers).map((s) => s.status)).toEqual(["SHUTOFF", "SHUTOFF"]);
  });
});

/*
 * The converger's failure paths end to end, over real HTTP against the emulator (the behaviour each
 * transition must keep): a job that cannot be read, an unanswered call, reads failing until the
 * deadline, a call failing for good, a cancellation, and the progress lines.
 */
describe("converge over the emulator", () => {
  const S1 = "00000000-0000-4000-8000-000000000101";
  const S2 = "00000000-0000-4000-8000-000000000102";
  const S3 = "00000000-0000-4000-8000-000000000103";
  const handle = emulatorPerSuite({ stopSeconds: 0.2, startSeconds: 0.2 }, [
    { id: S1, status: "ACTIVE" },
    { id: S2, status: "ACTIVE" },
    { id: S3, status: "SHUTOFF" },
  ]);
  // One attempt per call: each failure reaches the converger as it would after the client's retries.
  const client = clientPerTest(handle, { retry: { maxAttempts: 1 } });

  const posts = async (): Promise<number> => (await handle.admin.stats()).requests["POST action"] ?? 0;

  /** A SOFT-stop convergence through the one-attempt client (unless `options.api` names another). */
  const convergeSoft = (options: Pick<ConvergeOptions, "goals" | "timeoutSeconds"> & Partial<ConvergeInput>) =>
    convergeCollecting({ api: client(), ...options });

  // 5 s, not 2: the first job read must fail before the deadline even on a loaded machine (at 2 s a
  // mutation-testing run beside it left the job unread: TIMEOUT, a different outcome).
  it("a job that cannot be read, for a server that never moves: JOB_UNREADABLE at the deadline", async () => {
    await handle.admin.injectFault({ kind: "fail-job" });
    await handle.admin.injectFault({ route: "job", kind: "expired-job", times: 1000 });
    const { result, lines } = await convergeSoft({ goals: { [S1]: "stopped" }, timeoutSeconds: 5 });
    const jobId = result.jobs[0].jobId;
    expect(result.outcome).toBe("TIMEOUT");
    expect(result.failures).toEqual([
      {
        id: S1,
        code: "JOB_UNREADABLE",
        message: `its job ${jobId} could not be read and the server has not moved; it was not sent the action again: run pulumi up again`,
      },
    ]);
    expect(result.jobs).toEqual([expect.objectContaining({ jobId, status: "UNKNOWN", serverIds: [S1] })]);
    expect(result.servers[S1]).toEqual({
      status: "ACTIVE",
      taskState: null,
      lastJobId: jobId,
      error: { code: "JOB_UNREADABLE", message: expect.any(String) },
      // As the list gave it (the emulator's servers are in the default project).
      enterpriseProjectId: "0",
    });
    expect(lines.filter((line) => line.includes("cannot read job"))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^L: cannot read job ${jobId} \\(reading job ${jobId}: .* has expired\\. .*\\); following its servers instead$`,
        ),
      ),
    ]);
    expect(await posts()).toBe(1);
  });

  it("a job that cannot be read: JOB_UNREADABLE once the grace has passed, before the deadline", async () => {
    await handle.admin.injectFault({ kind: "fail-job" });
    await handle.admin.injectFault({ route: "job", kind: "expired-job", times: 1000 });
    const { result } = await convergeSoft({
      goals: { [S1]: "stopped", [S2]: "stopped" },
      timeoutSeconds: 60,
      ambiguousGraceMs: 300,
    });
    expect(result.outcome).toBe("SUCCESS");
    expect(result.failures.map((f) => [f.id, f.code])).toEqual([
      [S1, "JOB_UNREADABLE"],
      [S2, "JOB_UNREADABLE"],
    ]);
    expect(await posts()).toBe(1);
  });

  it("an unanswered call for a server that never moves: ECS_AMBIGUOUS_SUBMIT once the grace has passed, never re-sent", async () => {
    await handle.admin.injectFault({ route: "action", kind: "reset", times: 1 });
    const { result } = await convergeSoft({ goals: { [S1]: "stopped" }, timeoutSeconds: 60, ambiguousGraceMs: 300 });
    expect(result.outcome).toBe("SUCCESS");
    expect(result.failures).toEqual([
      {
        id: S1,
        code: "ECS_AMBIGUOUS_SUBMIT",
        message:
          "the os-stop call for this server got no answer and the server has not moved, so it may not have been accepted; it was not sent again: run pulumi up again",
      },
    ]);
    expect(result.jobs).toEqual([]);
    expect(await posts()).toBe(1);
  });

  it("job reads failing twice are tried again; the third failure in a row gives the job up", async () => {
    await handle.admin.injectFault({ route: "job", kind: "server-error", times: 2 });
    const { result: first, lines } = await convergeSoft({ goals: { [S1]: "stopped" }, timeoutSeconds: 60 });
    expect(first.failures).toEqual([]);
    expect(first.jobs.map((j) => j.status)).toEqual(["SUCCESS"]);
    expect(lines.filter((line) => line.includes("cannot read job"))).toEqual([
      expect.stringMatching(/^L: cannot read job \w+ \(Common\.0001: .*\); trying again$/),
      expect.stringMatching(/^L: cannot read job \w+ \(Common\.0001: .*\); trying again$/),
    ]);

    await handle.admin.injectFault({ route: "job", kind: "server-error", times: 3 });
    const { result: second, lines: again } = await convergeSoft({ goals: { [S2]: "stopped" }, timeoutSeconds: 60 });
    expect(second.failures).toEqual([]);
    expect(second.servers[S2]).toMatchObject({ status: "SHUTOFF", error: null });
    expect(second.jobs.map((j) => j.status)).toEqual(["UNKNOWN"]);
    expect(again.filter((line) => line.includes("cannot read job"))).toEqual([
      expect.stringMatching(/trying again$/),
      expect.stringMatching(/trying again$/),
      expect.stringMatching(/^L: cannot read job \w+ \(.*\); following its servers instead$/),
    ]);
  });

  /** The client, with list calls failing with `fault` from the second call on (the first has worked). */
  function listFailingAfterFirst(fault: FaultInput): PowerApi {
    let lists = 0;
    return {
      batchAction: (action, ids, options) => client().batchAction(action, ids, options),
      getJob: (jobId, options) => client().getJob(jobId, options),
      async listServers(ids, options) {
        const observations = await client().listServers(ids, options);
        lists += 1;
        if (lists === 1) await handle.admin.injectFault(fault);
        return observations;
      },
    };
  }

  it("server lists failing transiently until the deadline: tried again, then each server fails with the last error", async () => {
    const { result, lines } = await convergeSoft({
      api: listFailingAfterFirst({ route: "list", kind: "server-error", times: 1000 }),
      goals: { [S1]: "stopped" },
      timeoutSeconds: 5,
    });
    expect(result.outcome).toBe("TIMEOUT");
    expect(result.failures).toEqual([
      {
        id: S1,
        code: "Common.0001",
        message: expect.stringMatching(
          /^listing 1 server: .*\(request id \w+\) .* \(still failing at the 5s deadline\)$/,
        ),
      },
    ]);
    expect(lines.filter((line) => line.includes("cannot read the servers"))[0]).toMatch(
      /^L: cannot read the servers \(Common\.0001: listing 1 server: .*\); trying again until the 5s deadline$/,
    );
    expect(result.jobs.map((j) => j.status)).toEqual(["SUCCESS"]);
  });

  it("a list refused for good mid-operation: FAILURE, each unfinished server named with Huawei's code", async () => {
    const { result } = await convergeSoft({
      api: listFailingAfterFirst({ route: "list", kind: "forbidden", times: 1000 }),
      goals: { [S1]: "stopped", [S3]: "stopped" },
      timeoutSeconds: 60,
    });
    expect(result.outcome).toBe("FAILURE");
    expect(result.failures).toEqual([
      { id: S1, code: "Pdp.0001", message: expect.stringMatching(/^listing 1 server: .*request id/) },
    ]);
    expect(result.failures[0].message).not.toContain("deadline");
    expect(result.servers[S3]).toMatchObject({ status: "SHUTOFF", error: null });
    // No last look after a call failed for good: the job stays as last read.
    expect(result.jobs.map((j) => j.status)).toEqual(["SUCCESS"]);
  });

  it("a cancelled operation: ABORTED, with what was last seen (its job was followed, the server not listed again)", async () => {
    await handle.admin.injectFault({ serverId: S1, kind: "stuck" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const { result } = await convergeSoft({
      goals: { [S1]: "stopped" },
      timeoutSeconds: 60,
      signal: controller.signal,
    });
    const jobId = result.jobs[0].jobId;
    expect(result.outcome).toBe("ABORTED");
    expect(result.failures).toEqual([
      {
        id: S1,
        code: "ABORTED",
        message: `the operation was cancelled: it is ACTIVE, job ${jobId} is RUNNING; run pulumi up again to keep waiting (servers already moving are not sent the action again), or raise timeoutSeconds`,
      },
    ]);
  });

  it("says what it does: the first round's counts, the HARD stop, the end", async () => {
    await handle.admin.injectFault({ serverId: S1, kind: "stuck" });
    const { result, lines } = await convergeSoft({
      goals: { [S1]: "stopped", [S2]: "running", [S3]: "running" },
      hardStopAfterSeconds: 1,
      timeoutSeconds: 60,
    });
    expect(result.failures).toEqual([]);
    expect(lines[0]).toBe("L: 3 servers: 1 already in state, stopping 1, starting 1");
    expect(lines).toContain(`L: 1 server still running 1s after a SOFT stop; sending a HARD stop: ${S1}`);
    expect(lines[lines.length - 1]).toBe("L: 3/3 servers done");
    expect(result.jobs.map((j) => [j.action, j.type, j.serverIds])).toEqual([
      ["os-stop", "SOFT", [S1]],
      ["os-start", null, [S3]],
      ["os-stop", "HARD", [S1]],
    ]);
  });

  it('without a label, its lines are labelled "ServerPowerState"', async () => {
    const { lines } = await convergeSoft({ goals: { [S1]: "stopped" }, timeoutSeconds: 60, label: undefined });
    expect(lines[0]).toBe("ServerPowerState: 1 server: 0 already in state, stopping 1");
  });

  it("with a caller's signal that never fires, a list cut off by the deadline still ends as TIMEOUT (not as a cancellation or a read error)", async () => {
    await handle.admin.injectFault({ route: "list", kind: "delay", delayMs: 8000, times: 1 });
    const { result } = await convergeSoft({
      goals: { [S1]: "stopped" },
      timeoutSeconds: 2,
      signal: new AbortController().signal,
    });
    expect(result.outcome).toBe("TIMEOUT");
    expect(result.failures).toEqual([
      {
        id: S1,
        code: "TIMEOUT",
        message:
          "not SHUTOFF after 2s: it is ACTIVE; run pulumi up again to keep waiting (servers already moving are not sent the action again), or raise timeoutSeconds",
      },
    ]);
    expect(await posts()).toBe(0);
  });

  it('a one-server fleet: "1 server", not "1 servers"', async () => {
    const { lines } = await convergeSoft({ goals: { [S1]: "stopped" }, timeoutSeconds: 60 });
    expect(lines[0]).toBe("L: 1 server: 0 already in state, stopping 1");
    expect(lines[lines.length - 1]).toBe("L: 1/1 server done");
  });

  describe("throttled as the real gateway throttles (429 APIGW.0308, no Retry-After)", () => {
    // Still one attempt per call for everything else: only throttling is retried, until the deadline.
    const patient = clientPerTest(handle, {
      retry: { maxAttempts: 1, throttleBaseDelayMs: 10, maxThrottleDelayMs: 40 },
    });

    it("far over the old 5-attempt budget, on the first list and the action alike: converges, one action per server, and says it was throttled", async () => {
      await handle.admin.injectFault({ route: "list", kind: "throttle", times: 12, retryAfterSeconds: null });
      await handle.admin.injectFault({ route: "action", kind: "throttle", times: 12, retryAfterSeconds: null });
      const { result, lines } = await convergeSoft({
        api: patient(),
        goals: { [S1]: "stopped", [S2]: "stopped" },
        timeoutSeconds: 60,
      });
      expect(result.outcome).toBe("SUCCESS");
      expect(result.failures).toEqual([]);
      const stats = await handle.admin.stats();
      expect(stats.serversSubmitted).toEqual({ "os-stop": 2 });
      expect(stats.requests["POST action"]).toBe(13);
      // The first throttled answer of the run is told; the next ones within the progress interval are not.
      expect(lines.filter((line) => line.includes("throttling"))).toEqual([
        expect.stringMatching(
          /^L: the API is throttling this account \(APIGW\.0308\) while listing 2 servers: throttled for \d+ s, next attempt in \d+ s; a throttled call did nothing, so it is sent again until the 60s deadline$/,
        ),
      ]);
    });

    // 3 s, not 1: the first throttled answer must come back before the deadline even on a loaded machine
    // (at 1 s a slow first answer on CI turned the run into "not observed", a different outcome).
    it("throttled until the deadline: nothing sent, each server TIMEOUT naming the gateway's refusal", async () => {
      await handle.admin.injectFault({ route: "action", kind: "throttle", times: 100_000, retryAfterSeconds: null });
      const { result } = await convergeSoft({ api: patient(), goals: { [S1]: "stopped" }, timeoutSeconds: 3 });
      expect(result.failures).toEqual([
        {
          id: S1,
          code: "TIMEOUT",
          message: expect.stringMatching(
            /^not sent: the 3s deadline came first \(the API was throttling this account: APIGW\.0308: .*over ratelimit.*\(throttled for \d+ s\).*\); run pulumi up again, or raise timeoutSeconds$/,
          ),
        },
      ]);
      expect((await handle.admin.stats()).serversSubmitted).toEqual({});
    });

    it("with a caller's signal that never fires, the deadline still ends a throttled first list", async () => {
      await handle.admin.injectFault({ route: "list", kind: "throttle", times: 100_000, retryAfterSeconds: null });
      const { result } = await convergeSoft({
        api: patient(),
        goals: { [S1]: "stopped" },
        timeoutSeconds: 3,
        signal: new AbortController().signal,
        finalLookMs: 1_000, // the last look is throttled too: 1 s of it, not the 30 s a run gets
      });
      expect(result.failures).toEqual([
        {
          id: S1,
          code: "APIGW.0308",
          message: expect.stringMatching(/throttled for \d+ s.*\(still failing at the 3s deadline\)$/),
        },
      ]);
      expect((await handle.admin.stats()).requests["POST action"] ?? 0).toBe(0);
    });

    it("the first list throttled until the deadline: each server fails with APIGW.0308, still failing at the deadline", async () => {
      await handle.admin.injectFault({ route: "list", kind: "throttle", times: 100_000, retryAfterSeconds: null });
      const { result, lines } = await convergeSoft({
        api: patient(),
        goals: { [S1]: "stopped" },
        timeoutSeconds: 3,
        finalLookMs: 1_000, // the last look is throttled too: 1 s of it, not the 30 s a run gets
      });
      // A list cut off by the deadline is not a read failure to retry: no "cannot read the servers" line.
      expect(lines.filter((line) => line.includes("cannot read the servers"))).toEqual([]);
      expect(result.failures).toEqual([
        {
          id: S1,
          code: "APIGW.0308",
          message: expect.stringMatching(/throttled for \d+ s.*\(still failing at the 3s deadline\)$/),
        },
      ]);
      expect((await handle.admin.stats()).requests["POST action"] ?? 0).toBe(0);
    });
  });
});
