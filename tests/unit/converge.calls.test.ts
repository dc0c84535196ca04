/**
 * What the converger asks of the API, and when, and what it says meanwhile. Over real HTTP against the
 * emulator, every call in order, recorded by a pass-through around the client: none for nothing, none
 * after a call failed for good, a refused HARD stop waited out rather than reported, the list before a
 * HARD stop failing, the conflict line naming only the servers refused. Then the progress lines' pace on
 * a pinned clock.
 */
import type { FaultInput } from "../../emulator";
import { converge, type ConvergeOptions, type PowerApi } from "../../provider/converge";
import type { EcsClient } from "../../provider/ecsClient";
import { emulatorPerSuite } from "../emulatorPerSuite";
import { clientPerTest, convergeCollecting, emulatorClient, type ConvergeInput } from "./convergeKit";

const S1 = "00000000-0000-4000-8000-000000000301";
const S2 = "00000000-0000-4000-8000-000000000302";

/** One call the converger made, and how it ended. */
interface Call {
  readonly call: "list" | "job" | "action";
  readonly ids: readonly string[];
  readonly type?: string;
  readonly failed?: string;
}

/**
 * The client, recording each call. `beforeList` runs before each list call (after it is recorded), so a
 * test can put a fault in the way of the n-th one.
 */
function recording(
  client: EcsClient,
  beforeList: (ids: readonly string[], n: number) => Promise<void> = async () => {},
) {
  const calls: Call[] = [];
  const record = async <T>(entry: Omit<Call, "failed">, run: () => Promise<T>): Promise<T> => {
    const index = calls.push(entry) - 1;
    try {
      return await run();
    } catch (error) {
      calls[index] = { ...entry, failed: (error as { huaweiCode?: string }).huaweiCode ?? String(error) };
      throw error;
    }
  };
  let lists = 0;
  const api: PowerApi = {
    batchAction: (action, ids, options) =>
      record({ call: "action", ids: [...ids], ...(options?.type ? { type: options.type } : {}) }, () =>
        client.batchAction(action, ids, options),
      ),
    getJob: (jobId, options) => record({ call: "job", ids: [jobId] }, () => client.getJob(jobId, options)),
    listServers: (ids, options) =>
      record({ call: "list", ids: [...ids] }, async () => {
        lists += 1;
        await beforeList(ids, lists);
        return client.listServers(ids, options);
      }),
  };
  return { api, calls };
}

describe("the converger's calls", () => {
  const handle = emulatorPerSuite({ stopSeconds: 0.3, startSeconds: 0.3 }, [
    { id: S1, status: "ACTIVE" },
    { id: S2, status: "ACTIVE" },
  ]);
  // One attempt per call: each failure reaches the converger as it would after the client's retries.
  const client = clientPerTest(handle, { retry: { maxAttempts: 1 } });
  const convergeWith = (api: PowerApi, options: Omit<ConvergeInput, "api">) => convergeCollecting({ api, ...options });

  /** The calls as `list S1`, `action SOFT S1 S2 → Ecs.0100`, … (ids by their last three digits, jobs as `job`). */
  const shown = (calls: readonly Call[]): string[] =>
    calls.map((c) =>
      [c.call, c.type, ...(c.call === "job" ? [] : c.ids.map((id) => `S${id.slice(-1)}`)), c.failed && `→ ${c.failed}`]
        .filter(Boolean)
        .join(" "),
    );

  it("asks for no list of no servers: while a job runs, its rounds read the job alone", async () => {
    await handle.admin.injectFault({ serverId: S1, kind: "stuck" }); // its job stays RUNNING
    const { api, calls } = recording(client());
    const { result } = await convergeWith(api, { goals: { [S1]: "stopped" }, timeoutSeconds: 5 });
    expect(result.outcome).toBe("TIMEOUT");
    const shownCalls = shown(calls);
    // The first list, the stop, rounds that read the job (S1 is followed through it), then the last look
    // and the job read for the record.
    expect(shownCalls.slice(0, 2)).toEqual(["list S1", "action SOFT S1"]);
    expect(shownCalls.slice(-2)).toEqual(["list S1", "job"]);
    expect(shownCalls.slice(2, -2).length).toBeGreaterThanOrEqual(2);
    expect(new Set(shownCalls.slice(2, -2))).toEqual(new Set(["job"]));
  });

  it("after a call failed for good, calls nothing more: no last look, no job read for the record", async () => {
    await handle.admin.injectFault({ serverId: S2, kind: "stuck" }); // its job stays open
    const { api, calls } = recording(client(), async (_ids, n) => {
      if (n === 2) await handle.admin.injectFault({ route: "list", kind: "forbidden", times: 1000 });
    });
    const { result } = await convergeWith(api, { goals: { [S1]: "stopped", [S2]: "stopped" } });
    expect(result.outcome).toBe("FAILURE");
    expect(result.failures.map((f) => [f.id, f.code])).toEqual([
      [S1, "Pdp.0001"],
      [S2, "Pdp.0001"],
    ]);
    expect(result.jobs.map((j) => j.status)).toEqual(["RUNNING"]);
    const refused = calls.findIndex((c) => c.failed === "Pdp.0001");
    expect(shown(calls.slice(refused))).toEqual(["list S1 → Pdp.0001"]);
  });

  describe("the list before a HARD stop", () => {
    /** S1 ignores its SOFT stop; S2 obeys. The HARD stop's look is the first list of S1 alone. */
    async function escalating(fault: FaultInput) {
      await handle.admin.injectFault({ serverId: S1, kind: "stuck" });
      let injected = false;
      const { api, calls } = recording(client(), async (ids) => {
        if (injected || ids.length !== 1 || ids[0] !== S1) return;
        injected = true;
        await handle.admin.injectFault(fault);
      });
      const outcome = await convergeWith(api, { goals: { [S1]: "stopped", [S2]: "stopped" }, hardStopAfterSeconds: 1 });
      return { ...outcome, calls };
    }

    it("failing once (a server error): looked at again next round, then stopped HARD once", async () => {
      const { result, calls, lines } = await escalating({ route: "list", kind: "server-error", times: 1 });
      expect(result.failures).toEqual([]);
      expect(Object.values(result.servers).map((s) => s.status)).toEqual(["SHUTOFF", "SHUTOFF"]);
      const actions = shown(calls.filter((c) => c.call === "action"));
      expect(actions).toEqual(["action SOFT S1 S2", "action HARD S1"]);
      // The HARD stop follows a look that worked, after the one that failed.
      const hard = calls.findIndex((c) => c.type === "HARD");
      const looks = shown(
        calls.slice(0, hard).filter((c) => c.call === "list" && c.ids.length === 1 && c.ids[0] === S1),
      );
      expect(looks).toEqual(["list S1 → Common.0001", "list S1"]);
      expect(lines.filter((l) => l.includes("sending a HARD stop"))).toEqual([
        `L: 1 server still running 1s after a SOFT stop; sending a HARD stop: ${S1}`,
      ]);
      expect((await handle.admin.stats()).submissionsPerServer).toEqual({ [S1]: 2, [S2]: 1 });
    });

    it("refused for good: no HARD stop, the run fails naming Huawei's code", async () => {
      const { result, calls } = await escalating({ route: "list", kind: "forbidden", times: 1000 });
      expect(result.outcome).toBe("FAILURE");
      expect(result.failures).toEqual([
        { id: S1, code: "Pdp.0001", message: expect.stringMatching(/^listing 1 server: .*request id \w+/) },
      ]);
      expect(result.servers[S2]).toMatchObject({ status: "SHUTOFF", error: null });
      expect(shown(calls.filter((c) => c.call === "action"))).toEqual(["action SOFT S1 S2"]);
      expect(shown(calls).at(-1)).toBe("list S1 → Pdp.0001");
    });
  });

  it("a HARD stop refused while the SOFT stop runs is waited out, then sent again: not a conflict, not a failure", async () => {
    // The guest ignores the SOFT stop for 4 s (slack for a loaded machine: the HARD stop falls due at 1 s),
    // then it FAILs with the server still ACTIVE; a HARD stop meanwhile is refused (Ecs.0100, HTTP 409).
    await handle.admin.setVariants({
      hardDuringSoft: "reject-409",
      ignoredSoftStop: "fail",
      ignoredSoftStopSeconds: 4,
    });
    await handle.admin.injectFault({ serverId: S1, kind: "stuck" });
    const { api, calls } = recording(client());
    const { result, lines } = await convergeWith(api, { goals: { [S1]: "stopped" }, hardStopAfterSeconds: 1 });
    expect(result.outcome).toBe("SUCCESS");
    expect(result.servers[S1]).toMatchObject({ status: "SHUTOFF", error: null });
    expect(shown(calls.filter((c) => c.call === "action"))).toEqual([
      "action SOFT S1",
      "action HARD S1 → Ecs.0100",
      "action HARD S1",
    ]);
    expect(lines).toEqual([
      "L: 1 server: 0 already in state, stopping 1",
      `L: 1 server still running 1s after a SOFT stop; sending a HARD stop: ${S1}`,
      `L: 1 server still running now that the SOFT stop has ended (the HARD stop was refused while it ran); sending the HARD stop again: ${S1}`,
      "L: 1/1 server done",
    ]);
  });

  it("a list failing after a refusal: nothing is sent again until a list has answered (no plan on the looks of the round before)", async () => {
    await handle.admin.setVariants({ hiddenTaskMs: 5_000 });
    await client().batchAction("os-stop", [S1], { type: "SOFT" }); // a first run's stop, its task hidden
    const { api, calls } = recording(client(), async (_ids, n) => {
      if (n === 2) await handle.admin.injectFault({ route: "list", kind: "server-error" });
    });
    const { result } = await convergeWith(api, { goals: { [S1]: "stopped" } });
    expect(result.failures).toEqual([]);
    expect(shown(calls).slice(0, 4)).toEqual([
      "list S1",
      "action SOFT S1 → Ecs.0100",
      "list S1 → Common.0001",
      "list S1", // looked at again before it is sent again
    ]);
    expect((await handle.admin.stats()).submissionsPerServer).toEqual({ [S1]: 1 });
  });

  it("the conflict line names only the servers refused, not those of the batch never sent", async () => {
    // A first run's stop of S1 is accepted, its task hidden for 5 s; this run sends one server per call,
    // so S1's refusal leaves S2 unsent in that round.
    await handle.admin.setVariants({ hiddenTaskMs: 5_000 });
    await client().batchAction("os-stop", [S1], { type: "SOFT" });
    const paced = emulatorClient(handle, { serversPerMinute: 1, pacingWindowMs: 300 });
    try {
      const { api, calls } = recording(paced);
      const { result, lines } = await convergeWith(api, { goals: { [S1]: "stopped", [S2]: "stopped" } });
      expect(result.failures).toEqual([]);
      expect(calls.filter((c) => c.failed === "Ecs.0100").map((c) => c.ids)).toContainEqual([S1, S2]);
      const conflictLines = lines.filter((l) => l.includes("refused for their state"));
      expect(conflictLines.length).toBeGreaterThan(0);
      for (const line of conflictLines) expect(line).toMatch(new RegExp(`^L: os-stop of 1 server refused .*: ${S1}$`));
      expect((await handle.admin.stats()).submissionsPerServer).toEqual({ [S1]: 1, [S2]: 1 });
    } finally {
      await paced.close();
    }
  });
});

/**
 * One server whose stop job takes `jobMs` on a pinned clock (pauses advance it, nothing else does), so
 * every round and line falls at a known instant.
 */
function slowStop(jobMs: number) {
  let t = 5_000_000;
  const start = t;
  let acceptedAt: number | undefined;
  const ended = () => acceptedAt !== undefined && t >= acceptedAt + jobMs;
  const rounds: number[] = [];
  const api: PowerApi = {
    async batchAction(_action, ids, options) {
      acceptedAt = t;
      const submission = { jobId: "job-1", serverIds: [...ids] };
      options?.onSubmitted?.(submission);
      return [submission];
    },
    async getJob() {
      rounds.push(t - start);
      const status = ended() ? "SUCCESS" : "RUNNING";
      return { status, subJobs: [{ status, serverId: S1 }] };
    },
    async listServers(ids) {
      return ids.map((id) => ({
        id,
        found: true,
        status: ended() ? "SHUTOFF" : "ACTIVE",
        taskState: acceptedAt !== undefined && !ended() ? "powering-off" : null,
        locked: false,
      }));
    },
  };
  const lines: { at: number; line: string }[] = [];
  const options: ConvergeOptions = {
    api,
    goals: { [S1]: "stopped" },
    stopType: "SOFT",
    timeoutSeconds: 600,
    label: "L",
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    random: () => 0.5,
    log: (line) => lines.push({ at: t - start, line }),
  };
  return { options, lines, rounds };
}

describe("the progress lines' pace", () => {
  /** When the rule says lines fall: at the first round at least `intervalMs` after the last line (the start). */
  const dueRounds = (rounds: readonly number[], intervalMs: number): number[] => {
    const due: number[] = [];
    let last = 0;
    for (const at of rounds)
      if (at - last >= intervalMs) {
        due.push(at);
        last = at;
      }
    return due;
  };

  it.each([
    ["the default 15 s", undefined, 15_000],
    ["10 s", 10_000, 10_000],
  ])(
    "a 100-s stop job with %s between lines: the first round's line once, a progress line at each round the interval allows, the end",
    async (_name, progressIntervalMs, intervalMs) => {
      const fleet = slowStop(100_000);
      const result = await converge({
        ...fleet.options,
        ...(progressIntervalMs ? { progressIntervalMs } : {}),
      });
      expect(result.failures).toEqual([]);
      const end = fleet.rounds.at(-1)!;
      const during = dueRounds(fleet.rounds, intervalMs).filter((at) => at < end);
      expect(during.length).toBeGreaterThanOrEqual(3);
      expect(fleet.lines).toEqual([
        { at: 0, line: "L: 1 server: 0 already in state, stopping 1" },
        ...during.map((at) => ({ at, line: "L: 0/1 server done; waiting on job job-1" })),
        { at: end, line: "L: 1/1 server done" },
      ]);
    },
  );

  it("a round exactly one interval after the last line prints its line (the interval is a minimum, not exceeded)", async () => {
    const probe = slowStop(100_000);
    await converge({ ...probe.options, progressIntervalMs: 1_000_000 });
    // The interval set to the time of the third job read: that read prints the first progress line.
    const exact = probe.rounds[2];
    const fleet = slowStop(100_000);
    await converge({ ...fleet.options, progressIntervalMs: exact });
    expect(fleet.lines[1]).toEqual({ at: exact, line: "L: 0/1 server done; waiting on job job-1" });
  });
});

describe("the interrupt watch", () => {
  const SIGNALS = ["SIGINT", "SIGTERM"] as const;
  const listeners = () => SIGNALS.map((signal) => process.listenerCount(signal));

  /** `api` with the signal listeners counted at each list call. */
  function counting(api: PowerApi) {
    const seen: number[][] = [];
    const counted: PowerApi = {
      ...api,
      listServers: (ids, options) => {
        seen.push(listeners());
        return api.listServers(ids, options);
      },
    };
    return { counted, seen };
  }

  it("listens for SIGINT and SIGTERM while a converge runs, and no longer once it converged", async () => {
    const before = listeners();
    const fleet = slowStop(10_000);
    const { counted, seen } = counting(fleet.options.api);
    const result = await converge({ ...fleet.options, api: counted });
    expect(result.outcome).toBe("SUCCESS");
    expect(seen[0]).toEqual(before.map((n) => n + 1));
    expect(listeners()).toEqual(before);
  });

  it("no longer either once a call failed for good", async () => {
    const before = listeners();
    const fleet = slowStop(10_000);
    const { counted, seen } = counting({
      ...fleet.options.api,
      listServers: async () => {
        throw Object.assign(new Error("denied"), { huaweiCode: "Pdp.0001" });
      },
    });
    const result = await converge({ ...fleet.options, api: counted });
    expect(result.outcome).toBe("FAILURE");
    expect(seen).toEqual([before.map((n) => n + 1)]);
    expect(listeners()).toEqual(before);
  });
});
