/**
 * A run's defaults: the last look after the deadline gets 30 s of its own (docs/limits.md), a progress
 * line comes every 15 s (docs/calls.md), an ambiguous submission and the list's lag get 30 s of grace.
 * Each option given wins over its default. Pure: startRun builds the run and makes no call.
 */
import type { PowerApi } from "../../../provider/converge/model";
import { callOptions, startRun } from "../../../provider/converge/run";
import { LIST_LAG_GRACE_MS } from "../../../provider/constants";

/** Never called: startRun only builds the run. */
const api = {} as PowerApi;
const base = { api, goals: { a: "stopped" as const }, stopType: "SOFT" as const, timeoutSeconds: 60 };

describe("startRun", () => {
  it("fills the documented defaults", () => {
    const run = startRun(base);
    expect({
      finalLookMs: run.finalLookMs,
      progressIntervalMs: run.progressIntervalMs,
      label: run.label,
      ambiguousGraceMs: run.state.config.ambiguousGraceMs,
      listLagGraceMs: run.state.config.listLagGraceMs,
    }).toEqual({
      finalLookMs: 30_000,
      progressIntervalMs: 15_000,
      label: "ServerPowerState",
      ambiguousGraceMs: 30_000,
      listLagGraceMs: LIST_LAG_GRACE_MS,
    });
    expect(run.signal).toBeUndefined();
    expect(run.firstRound).toBe(true);
  });

  it("takes each option given over its default", () => {
    const signal = new AbortController().signal;
    const run = startRun({
      ...base,
      finalLookMs: 1_000,
      progressIntervalMs: 2_000,
      label: "L",
      ambiguousGraceMs: 3_000,
      listLagGraceMs: 4_000,
      now: () => 42,
      signal,
    });
    expect({
      finalLookMs: run.finalLookMs,
      progressIntervalMs: run.progressIntervalMs,
      label: run.label,
      ambiguousGraceMs: run.state.config.ambiguousGraceMs,
      listLagGraceMs: run.state.config.listLagGraceMs,
      lastProgressAt: run.lastProgressAt,
      signal: run.signal,
    }).toEqual({
      finalLookMs: 1_000,
      progressIntervalMs: 2_000,
      label: "L",
      ambiguousGraceMs: 3_000,
      listLagGraceMs: 4_000,
      lastProgressAt: 42,
      signal,
    });
  });

  it("the operation's signal fires with the caller's signal, and the deadline does not wait for it", async () => {
    const caller = new AbortController();
    const withCaller = startRun({ ...base, signal: caller.signal });
    expect(withCaller.operationSignal.aborted).toBe(false);
    caller.abort();
    expect(withCaller.operationSignal.aborted).toBe(true);
    expect(withCaller.deadline.aborted).toBe(false);
    const alone = startRun({ ...base, timeoutSeconds: 0.05 });
    expect(alone.operationSignal).toBe(alone.deadline);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(alone.deadline.aborted).toBe(true);
  });
});

describe("callOptions: the throttling line", () => {
  it("says so at the first throttled answer, then at most once per progress interval (a full interval counts)", () => {
    let now = 0;
    const lines: string[] = [];
    const run = startRun({ ...base, progressIntervalMs: 1_000, now: () => now, log: (line) => lines.push(line) });
    const { onThrottled } = callOptions(run);
    const noticeAt = (ms: number) => {
      now = ms;
      onThrottled!({
        operation: "listing 1 server",
        huaweiCode: "APIGW.0308",
        throttledForMs: ms,
        nextAttemptInMs: 0,
        attempts: 1,
      });
    };
    for (const ms of [0, 500, 999, 1_000, 1_999, 2_500, 2_600]) noticeAt(ms);
    expect(lines.map((line) => line.match(/throttled for (\d+) s/)?.[1])).toEqual(["0", "1", "3"]);
    expect(lines[0]).toBe(
      "ServerPowerState: the API is throttling this account (APIGW.0308) while listing 1 server: throttled for 0 s, " +
        "next attempt in 0 s; a throttled call did nothing, so it is sent again until the 60s deadline",
    );
  });
});
