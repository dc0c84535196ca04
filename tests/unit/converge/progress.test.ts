/** The converger's progress lines, from a RunState alone. */
import {
  firstRoundLine,
  hardStopLine,
  hardStopLines,
  jobReadFailureLine,
  listFailureLine,
  progressLine,
  throttledLine,
} from "../../../provider/converge/progress";
import { following, info, job, server, state } from "./kit";

describe("progress lines", () => {
  it("count servers with their noun in the right number", () => {
    const one = state([server("a")]);
    expect(firstRoundLine("L", one, { done: [], wait: [], failed: [], act: ["a"] })).toBe(
      "L: 1 server: 0 already in state, stopping 1",
    );
    expect(progressLine("L", one)).toBe("L: 0/1 server done");
    expect(hardStopLine("L", ["a"], 30)).toBe(
      "L: 1 server still running 30s after a SOFT stop; sending a HARD stop: a",
    );
    expect(hardStopLine("L", ["a", "b"], 30)).toMatch(/^L: 2 servers still running/);
  });

  it("HARD stops, one line per reason: timed out, SOFT stop failed, sent again after a refusal", () => {
    expect(
      hardStopLines(
        "L",
        [
          { id: "a", reason: "timed" },
          { id: "b", reason: "refused" },
          { id: "c", reason: "soft-failed" },
        ],
        30,
      ),
    ).toEqual([
      "L: 1 server still running 30s after a SOFT stop; sending a HARD stop: a",
      "L: 1 server still running after its SOFT stop failed; sending a HARD stop: c",
      "L: 1 server still running now that the SOFT stop has ended (the HARD stop was refused while it ran); sending the HARD stop again: b",
    ]);
    expect(hardStopLines("L", [], 30)).toEqual([]);
  });

  it("the first round: already in state, stopping, starting, the rest", () => {
    const s = state([
      server("a", { phase: "done" }),
      server("b"),
      { ...server("c"), goal: "running" },
      server("d", { phase: "failed" }),
    ]);
    expect(firstRoundLine("L", s, { done: ["a"], wait: [], failed: [], act: ["b", "c"] })).toBe(
      "L: 4 servers: 1 already in state, stopping 1, starting 1, 1 to wait for or failed",
    );
  });

  it("done and failed so far, and the jobs waited on", () => {
    const s = state([
      following("a", "j1"),
      following("b", "j2"),
      server("c", { phase: "done" }),
      server("d", { phase: "failed" }),
    ]);
    expect(progressLine("L", s)).toBe("L: 1/4 servers done, 1 failed; waiting on jobs j1, j2");
  });

  it('one job waited on is "job"; a server whose job has ended (its jobId kept) is not waited on', () => {
    const s = state([
      following("a", "j1"),
      following("b", "j1"),
      following("c", "j2", { phase: "observe" }),
      following("d", "j3", { phase: "done" }),
    ]);
    expect(progressLine("L", s)).toBe("L: 1/4 servers done; waiting on job j1");
  });

  it("say what a failed read led to, and nothing when nothing was learned", () => {
    const failure = info("ECS_SERVER_ERROR", "Common.0001", "reading job j1: oops");
    const fresh = job("j1", ["a"]);
    expect(jobReadFailureLine("L", "j1", failure, fresh, { ...fresh, readFailures: 1 })).toBe(
      "L: cannot read job j1 (Common.0001: reading job j1: oops); trying again",
    );
    expect(jobReadFailureLine("L", "j1", failure, fresh, { ...fresh, readFailures: 1, followable: false })).toBe(
      "L: cannot read job j1 (reading job j1: oops); following its servers instead",
    );
    expect(jobReadFailureLine("L", "j1", info("ECS_ABORTED"), fresh, fresh)).toBeUndefined();
    expect(listFailureLine("L", info("ECS_NETWORK", undefined, "listing 1 server: reset"), 60)).toBe(
      "L: cannot read the servers (ECS_NETWORK: listing 1 server: reset); trying again until the 60s deadline",
    );
  });

  it("say that the account is throttled, for how long, and that the call is sent again until the deadline", () => {
    const notice = {
      operation: "listing 3 servers",
      huaweiCode: "APIGW.0308",
      throttledForMs: 42_400,
      nextAttemptInMs: 15_200,
      attempts: 9,
    };
    expect(throttledLine("L", notice, 600)).toBe(
      "L: the API is throttling this account (APIGW.0308) while listing 3 servers: throttled for 42 s, next attempt in 15 s; a throttled call did nothing, so it is sent again until the 600s deadline",
    );
    expect(throttledLine("L", { ...notice, huaweiCode: undefined }, 600)).toMatch(
      /^L: the API is throttling this account while/,
    );
  });
});
