/**
 * A run's defaults: the last look after the deadline gets 30 s of its own (docs/limits.md), a progress
 * line comes every 15 s (docs/calls.md), an ambiguous submission and the list's lag get 30 s of grace.
 * Each option given wins over its default. Pure: startRun builds the run and makes no call.
 */
import type { PowerApi } from "../../../provider/converge/model";
import { startRun } from "../../../provider/converge/run";
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
