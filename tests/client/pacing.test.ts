/**
 * Pacing batch actions to `serversPerMinute`: the pure schedule, then the client against an
 * emulator enforcing the same limit on a clock shared with the client (so a wait too short
 * would show up as a 429 in the emulator's stats).
 */
import { nextSubmitDelayMs, PACING_WINDOW_MS, type PacingLedger } from "../../provider/pacing";
import { ids, newClient, startTestEmulator } from "./clientTestKit";
import type { EmulatorHandle } from "./clientTestKit";

describe("nextSubmitDelayMs", () => {
  const T = 1_000_000;

  it("is 0 when the servers fit in the current window", () => {
    expect(nextSubmitDelayMs([], 1000, T, 1000)).toBe(0);
    expect(nextSubmitDelayMs([{ atMs: T - 1000, count: 400 }], 600, T, 1000)).toBe(0);
  });

  it("waits until enough earlier submissions leave the window", () => {
    expect(nextSubmitDelayMs([{ atMs: T - 1000, count: 400 }], 601, T, 1000)).toBe(59_000);
    const history = [
      { atMs: T - 50_000, count: 300 },
      { atMs: T - 20_000, count: 300 },
      { atMs: T - 10_000, count: 300 },
    ];
    // 900 in the window; 500 more need the first two gone (at +10 s and +40 s).
    expect(nextSubmitDelayMs(history, 100, T, 1000)).toBe(0);
    expect(nextSubmitDelayMs(history, 101, T, 1000)).toBe(10_000);
    expect(nextSubmitDelayMs(history, 500, T, 1000)).toBe(40_000);
    expect(nextSubmitDelayMs(history, 1000, T, 1000)).toBe(50_000);
  });

  it("does not depend on the order of the history", () => {
    const history = [
      { atMs: T - 10_000, count: 300 },
      { atMs: T - 50_000, count: 300 },
      { atMs: T - 20_000, count: 300 },
    ];
    expect(nextSubmitDelayMs(history, 500, T, 1000)).toBe(40_000);
  });

  it("ignores submissions that left the window, the boundary included", () => {
    expect(nextSubmitDelayMs([{ atMs: T - PACING_WINDOW_MS, count: 1000 }], 1000, T, 1000)).toBe(0);
    expect(nextSubmitDelayMs([{ atMs: T - PACING_WINDOW_MS + 1, count: 1000 }], 1000, T, 1000)).toBe(1);
  });

  it("takes another window length", () => {
    expect(nextSubmitDelayMs([{ atMs: T, count: 5 }], 1, T, 5, 1000)).toBe(1000);
  });

  it("counts a call still in flight as accepted now, however old its send", () => {
    const inFlight = { atMs: T - 5 * PACING_WINDOW_MS, count: 1000, pending: true as const };
    expect(nextSubmitDelayMs([inFlight], 1, T, 1000)).toBe(PACING_WINDOW_MS);
    expect(nextSubmitDelayMs([{ ...inFlight, count: 400 }], 600, T, 1000)).toBe(0);
  });

  it("refuses a count that could never fit", () => {
    expect(() => nextSubmitDelayMs([], 1001, T, 1000)).toThrow(
      expect.objectContaining({ code: "ECS_INVALID_ARGUMENT" }),
    );
  });
});

describe("batchAction pacing against the emulator", () => {
  let handle: EmulatorHandle;
  let nowMs: number;
  let delays: number[];
  /** The clock of both sides: sleeping advances it, nothing really waits. */
  const now = () => new Date(nowMs);
  const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) throw signal.reason;
    delays.push(ms);
    nowMs += ms;
  };

  beforeAll(async () => {
    nowMs = Date.now();
    handle = await startTestEmulator({
      batchPerMinute: 3,
      clockMs: () => nowMs,
      stopSeconds: 0.05,
      startSeconds: 0.05,
    });
  });
  afterAll(async () => {
    await handle.emulator.stop();
  });
  beforeEach(async () => {
    await handle.admin.reset();
    await handle.admin.putServers(ids("srv", 10).map((id) => ({ id, status: "ACTIVE" as const })));
    delays = [];
  });

  it("splits by serversPerMinute and waits exactly a window between full chunks; the emulator never throttles", async () => {
    const client = newClient(handle.emulator.url, { serversPerMinute: 3, now, sleep });
    const t0 = nowMs;
    try {
      const submissions = await client.batchAction("os-stop", ids("srv", 7));
      expect(submissions.map((s) => [s.serverIds.length, s.submittedAt.getTime() - t0])).toEqual([
        [3, 0],
        [3, 60_000],
        [1, 120_000],
      ]);
      expect(delays).toEqual([60_000, 60_000]);
    } finally {
      await client.close();
    }
    const stats = await handle.admin.stats();
    expect(stats.requests["POST action"]).toBe(3);
    expect(stats.serversSubmitted).toEqual({ "os-stop": 7 });
  });

  it("with a shortened pacing window (2 s), the next chunk goes out one such window later; an emulator counting the same window never throttles", async () => {
    const shortened = await startTestEmulator({
      batchPerMinute: 3,
      batchWindowSeconds: 2,
      clockMs: () => nowMs,
      stopSeconds: 0.05,
    });
    await shortened.admin.putServers(ids("srv", 7).map((id) => ({ id, status: "ACTIVE" as const })));
    const client = newClient(shortened.emulator.url, { serversPerMinute: 3, pacingWindowMs: 2_000, now, sleep });
    const t0 = nowMs;
    try {
      const submissions = await client.batchAction("os-stop", ids("srv", 7));
      expect(submissions.map((s) => [s.serverIds.length, s.submittedAt.getTime() - t0])).toEqual([
        [3, 0],
        [3, 2_000],
        [1, 4_000],
      ]);
      expect(delays).toEqual([2_000, 2_000]);
      const stats = await shortened.admin.stats();
      expect(stats.requests["POST action"]).toBe(3);
      expect(stats.serversSubmitted).toEqual({ "os-stop": 7 });
    } finally {
      await client.close();
      await shortened.emulator.stop();
    }
  });

  it("counts a chunk from the answer, not the send: the cloud may accept the call later than it was sent", async () => {
    // Each read of the emulator's clock moves time on by 10 ms: the request takes time to be accepted.
    const slow = await startTestEmulator({
      batchPerMinute: 3,
      batchWindowSeconds: 2,
      clockMs: () => (nowMs += 10),
      stopSeconds: 0.05,
    });
    await slow.admin.putServers(ids("srv", 3).map((id) => ({ id, status: "ACTIVE" as const })));
    const ledger: PacingLedger = { records: [] };
    const client = newClient(slow.emulator.url, {
      serversPerMinute: 3,
      pacingWindowMs: 2_000,
      now,
      sleep,
      pacing: ledger,
    });
    try {
      const sentAt = nowMs;
      const [submission] = await client.batchAction("os-stop", ids("srv", 3));
      const acceptedAt = Date.parse((await client.getJob(submission.jobId)).beginTime!);
      expect(acceptedAt).toBeGreaterThan(sentAt);
      expect(ledger.records).toEqual([{ atMs: submission.submittedAt.getTime(), count: 3 }]);
      expect(ledger.records[0].atMs).toBeGreaterThanOrEqual(acceptedAt);
    } finally {
      await client.close();
      await slow.emulator.stop();
    }
  });

  it("a client on the default minute sends too early for an emulator counting a longer window: the knob must match on both sides", async () => {
    const longer = await startTestEmulator({
      batchPerMinute: 3,
      batchWindowSeconds: 120,
      clockMs: () => nowMs,
      stopSeconds: 0.05,
    });
    await longer.admin.putServers(ids("srv", 6).map((id) => ({ id, status: "ACTIVE" as const })));
    const client = newClient(longer.emulator.url, { serversPerMinute: 3, now, sleep, retry: { maxAttempts: 1 } });
    try {
      await expect(client.batchAction("os-stop", ids("srv", 6))).rejects.toMatchObject({
        huaweiCode: "APIGW.0308",
        submitted: [{ serverIds: ids("srv", 3) }],
      });
      expect(delays).toEqual([60_000]);
    } finally {
      await client.close();
      await longer.emulator.stop();
    }
  });

  it("paces across calls on the same client: the second call waits for the first one's servers to leave the window", async () => {
    const client = newClient(handle.emulator.url, { serversPerMinute: 3, now, sleep });
    try {
      await client.batchAction("os-stop", ids("srv", 2));
      nowMs += 10_000;
      await client.batchAction("os-stop", ids("srv", 4).slice(2));
      expect(delays).toEqual([50_000]);
    } finally {
      await client.close();
    }
    expect((await handle.admin.stats()).requests["POST action"]).toBe(2);
  });

  it("clients sharing a ledger keep to the limit together, even when they submit at the same time", async () => {
    const ledger = { records: [] };
    // Let the other client's call reach the emulator before the shared clock jumps ahead.
    const settlingSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
      for (let i = 0; i < 500 && ((await handle.admin.stats()).requests["POST action"] ?? 0) === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await sleep(ms, signal);
    };
    const first = newClient(handle.emulator.url, { serversPerMinute: 3, now, sleep: settlingSleep, pacing: ledger });
    const second = newClient(handle.emulator.url, { serversPerMinute: 3, now, sleep: settlingSleep, pacing: ledger });
    const t0 = nowMs;
    try {
      const [a, b] = await Promise.all([
        first.batchAction("os-stop", ids("srv", 2)),
        second.batchAction("os-stop", ids("srv", 4).slice(2)),
      ]);
      // one of them went at once; the other waited for the window, whichever came first
      expect([a[0].submittedAt.getTime() - t0, b[0].submittedAt.getTime() - t0].sort((x, y) => x - y)).toEqual([
        0, 60_000,
      ]);
    } finally {
      await first.close();
      await second.close();
    }
    const stats = await handle.admin.stats();
    expect(stats.requests["POST action"]).toBe(2);
  });

  it("a chunk in flight longer than the window (throttled, waiting Retry-After) keeps its room until its answer", async () => {
    // Real time here: the other client must find the first one's chunk still in flight after a window.
    const h = await startTestEmulator({ batchPerMinute: 3, batchWindowSeconds: 0.5, stopSeconds: 0.05 });
    await h.admin.putServers([...ids("a", 3), ...ids("b", 3)].map((id) => ({ id, status: "ACTIVE" as const })));
    await h.admin.injectFault({ route: "action", kind: "throttle", retryAfterSeconds: 1 });
    const ledger: PacingLedger = { records: [] };
    // The kit caps Retry-After for speed; here A must really wait it out, a second, twice the window.
    const retry = { maxRetryAfterMs: 60_000 };
    const A = newClient(h.emulator.url, { serversPerMinute: 3, pacingWindowMs: 500, pacing: ledger, retry });
    const B = newClient(h.emulator.url, { serversPerMinute: 3, pacingWindowMs: 500, pacing: ledger, retry });
    try {
      const a = A.batchAction("os-stop", ids("a", 3));
      await new Promise((resolve) => setTimeout(resolve, 600)); // A waits out its Retry-After
      const [b] = await B.batchAction("os-stop", ids("b", 3));
      const [sa] = await a;
      // B waited for A's chunk, counted from A's answer: no second throttle.
      expect(b.submittedAt.getTime()).toBeGreaterThanOrEqual(sa.submittedAt.getTime() + 500);
      expect((await h.admin.stats()).answers).toEqual({ "POST action 429": 1, "POST action 200": 2 });
      expect(ledger.records.filter((r) => r.pending)).toEqual([]);
    } finally {
      await A.close();
      await B.close();
      await h.emulator.stop();
    }
  });

  it("an abort during a pacing wait stops before the next chunk and keeps the accepted job", async () => {
    const controller = new AbortController();
    const abortingSleep = async (_ms: number, signal?: AbortSignal): Promise<void> => {
      controller.abort();
      throw signal?.reason;
    };
    const client = newClient(handle.emulator.url, { serversPerMinute: 3, now, sleep: abortingSleep });
    try {
      await expect(client.batchAction("os-stop", ids("srv", 6), { signal: controller.signal })).rejects.toMatchObject({
        code: "ECS_ABORTED",
        serverIds: ids("srv", 6).slice(3),
        submitted: [{ serverIds: ids("srv", 3) }],
      });
    } finally {
      await client.close();
    }
    expect((await handle.admin.stats()).requests["POST action"]).toBe(1);
  });

  it("a throwing onSubmitted still hands back the accepted job in the error", async () => {
    const client = newClient(handle.emulator.url, { serversPerMinute: 3, now, sleep });
    try {
      await expect(
        client.batchAction("os-stop", ids("srv", 6), {
          onSubmitted: () => {
            throw new Error("state file is read-only");
          },
        }),
      ).rejects.toMatchObject({
        code: "ECS_INTERNAL",
        message: expect.stringContaining("state file is read-only"),
        submitted: [{ serverIds: ids("srv", 3) }],
      });
    } finally {
      await client.close();
    }
    expect((await handle.admin.stats()).requests["POST action"]).toBe(1);
  });

  it("rejects a bad serversPerMinute before any I/O, naming the setting and the value", () => {
    expect(() => newClient(handle.emulator.url, { serversPerMinute: 0 })).toThrow(
      /serversPerMinute \[0\] must be a positive integer/,
    );
    expect(() => newClient(handle.emulator.url, { serversPerMinute: 2.5 })).toThrow(
      /serversPerMinute \[2\.5\] must be a positive integer/,
    );
    expect(() => newClient(handle.emulator.url, { listConcurrency: -1 })).toThrow(/listConcurrency \[-1\]/);
    expect(() => newClient(handle.emulator.url, { pacingWindowMs: 0 })).toThrow(
      /pacingWindowMs \[0\] must be a positive integer/,
    );
    expect(() => newClient(handle.emulator.url, { headersTimeoutMs: 0 })).toThrow(
      /headersTimeoutMs \[0\] must be a positive number/,
    );
  });
});
