/**
 * What the converger asks of the API, and when, and what it says meanwhile: the progress lines' pace on
 * a pinned clock.
 */
import { converge, type ConvergeOptions, type PowerApi } from "../../provider/converge";

const S1 = "00000000-0000-4000-8000-000000000301";

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
