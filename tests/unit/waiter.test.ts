import {
  pollDelayMs,
  runWaiter,
  validateWaiterOptions,
  type PollResult,
  type WaiterOptions,
} from "../../provider/waiter";

/** A clock that only moves when the waiter sleeps; records every pause. */
function fakeTime(start = 1_000_000) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => (t += ms),
    sleeps,
  };
}

const base = { minDelayMs: 1000, maxDelayMs: 10_000, maxDelayFraction: 0.08, lastPollLeadMs: 500, maxWaitMs: 60_000 };

describe("pollDelayMs", () => {
  it("grows exponentially from the floor, capped, and never above the fraction of time waited", () => {
    const top = () => 0.999999; // jitter at its maximum
    expect(pollDelayMs(0, 0, base, top)).toBe(1000);
    // 8% of 50 s = 4 s holds the exponential 2^3 s = 8 s down
    expect(pollDelayMs(3, 50_000, base, top)).toBe(4000);
    // long waits: the absolute cap wins
    expect(pollDelayMs(10, 600_000, base, top)).toBe(10_000);
    // jitter at its minimum is the floor
    expect(pollDelayMs(10, 600_000, base, () => 0)).toBe(1000);
  });
});

describe("runWaiter", () => {
  it("polls on the exact schedule until success", async () => {
    const time = fakeTime();
    let polls = 0;
    const result = await runWaiter(
      { ...base, now: time.now, sleep: time.sleep, random: () => 0.5 },
      async (): Promise<PollResult<string>> => {
        polls += 1;
        return polls === 4 ? { state: "SUCCESS", value: "done" } : { state: "RETRY" };
      },
    );
    expect(result).toEqual({ state: "SUCCESS", value: "done", reason: undefined, attempts: 4, elapsedMs: 3000 });
    // elapsed stays small, so the 8% ceiling keeps every pause at the 1 s floor
    expect(time.sleeps).toEqual([1000, 1000, 1000]);
  });

  it("keeps the lag after completion under 10% of a long wait", async () => {
    const time = fakeTime();
    const start = time.now();
    const completesAt = start + 300_000;
    const result = await runWaiter(
      { ...base, maxWaitMs: 900_000, now: time.now, sleep: time.sleep, random: () => 0.999999 },
      async () => (time.now() >= completesAt ? { state: "SUCCESS" } : { state: "RETRY" }),
    );
    expect(result.state).toBe("SUCCESS");
    const lag = time.now() - completesAt;
    expect(lag).toBeLessThan(0.1 * 300_000);
    expect(lag).toBeLessThanOrEqual(10_000);
    expect(result.attempts).toBeLessThan(80);
  });

  it("holds the pause to a fraction of waitedMs when the caller gives it, not of the time since the first poll", async () => {
    const time = fakeTime();
    let polls = 0;
    // The first poll took 60 s (think: pacing); what is awaited from then on has just started.
    const startedWork = time.now() + 60_000;
    const options = { ...base, maxWaitMs: 600_000, now: time.now, sleep: time.sleep, random: () => 0.999999 };
    const poll = async (): Promise<PollResult<never>> => {
      polls += 1;
      if (polls === 1) time.advance(60_000);
      return polls === 4 ? { state: "SUCCESS" } : { state: "RETRY" };
    };
    await runWaiter({ ...options, waitedMs: () => time.now() - startedWork }, poll);
    expect(time.sleeps).toEqual([1000, 1000, 1000]);
    // Without it, 8% of the 60 s already elapsed lets the pauses grow at once.
    const before = time.sleeps.length;
    polls = 0;
    await runWaiter(options, poll);
    expect(time.sleeps.slice(before)).toEqual([1000, 2000, 4000]);
  });

  it("makes one last poll just before the deadline, then times out", async () => {
    const time = fakeTime();
    const pollTimes: number[] = [];
    const result = await runWaiter(
      { ...base, maxWaitMs: 3500, now: time.now, sleep: time.sleep, random: () => 0 },
      async () => {
        pollTimes.push(time.now() - 1_000_000);
        return { state: "RETRY", reason: "still running" };
      },
    );
    expect(result).toMatchObject({ state: "TIMEOUT", reason: "still running", attempts: 4 });
    expect(pollTimes).toEqual([0, 1000, 2000, 3000]);
  });

  it("returns FAILURE as soon as a poll says so", async () => {
    const time = fakeTime();
    const result = await runWaiter({ ...base, now: time.now, sleep: time.sleep }, async () => ({
      state: "FAILURE",
      reason: "job FAIL",
    }));
    expect(result).toMatchObject({ state: "FAILURE", reason: "job FAIL", attempts: 1 });
    expect(time.sleeps).toEqual([]);
  });

  it("stops with ABORTED when the signal fires during a pause", async () => {
    const controller = new AbortController();
    const result = await runWaiter(
      { ...base, minDelayMs: 50, maxDelayMs: 50, signal: controller.signal },
      async (attempt) => {
        if (attempt === 0) setTimeout(() => controller.abort(), 10);
        return { state: "RETRY" };
      },
    );
    expect(result).toMatchObject({ state: "ABORTED", attempts: 1 });
  });

  it("lets a poll's error propagate", async () => {
    await expect(
      runWaiter(base, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
  });
});

describe("validateWaiterOptions", () => {
  it.each([
    [{ minDelayMs: 0 }, "minDelayMs [0] must be a positive number"],
    [{ maxDelayMs: 500 }, "maxDelayMs [500] must be at least minDelayMs [1000]"],
    [{ maxDelayFraction: 1.5 }, "maxDelayFraction [1.5] must be in (0, 1]"],
    [{ maxWaitMs: -1 }, "maxWaitMs [-1] must be a positive number"],
  ] as [Partial<WaiterOptions>, string][])("rejects %j", (patch, message) => {
    expect(() => validateWaiterOptions({ ...base, ...patch })).toThrow(message);
  });
});
