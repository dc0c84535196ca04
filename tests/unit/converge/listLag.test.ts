/**
 * The list lags the job (emulator variant listLagSeconds): after a server's sub-job or job reported
 * SUCCESS, a list still showing the old status is read again for listLagGraceMs, never answered
 * with a second action; past the grace it is reported, saying so.
 */
import type { ServerTrack } from "../../../provider/converge/model";
import { awaitingHardStop, dueForHardStop, inListLagGrace, planRound } from "../../../provider/converge/round";
import { jobRead, verdictsApplied } from "../../../provider/converge/transitions";
import { CONFIG, NOW, following, job, seen, server, state } from "./kit";

const GRACE = CONFIG.listLagGraceMs;

/** A server whose SOFT stop's job reported SUCCESS at `succeededAt`, listed again and still seen ACTIVE. */
const lagging = (succeededAt: number | null, fields: Partial<ServerTrack> = {}): ServerTrack =>
  server("a", { submitted: true, jobId: "j1", last: seen("a", "ACTIVE"), succeededAt, ...fields });

describe("inListLagGrace", () => {
  it.each<[string, number | null, boolean]>([
    ["its job never reported SUCCESS", null, false],
    ["SUCCESS just now", NOW, true],
    ["SUCCESS a moment less than the grace ago", NOW - GRACE + 1, true],
    ["SUCCESS the whole grace ago", NOW - GRACE, false],
  ])("%s: %s", (_row, succeededAt, expected) => {
    expect(inListLagGrace(lagging(succeededAt), CONFIG, NOW)).toBe(expected);
  });
});

describe("verdictsApplied on a server still in its old status after its job's SUCCESS", () => {
  const still = (s: ServerTrack) => planRound(state([s])).failed;

  it.each<[string, number | null, Partial<ServerTrack> | "unchanged"]>([
    ["within the grace: looked at again, no verdict, no action", NOW - 1_000, "unchanged"],
    [
      "past the grace: STILL_ACTIVE, saying the list kept showing the old status",
      NOW - GRACE,
      {
        phase: "failed",
        error: {
          code: "STILL_ACTIVE",
          message: `still ACTIVE ${GRACE / 1000}s after its job reported SUCCESS (the server list kept showing the old status); it was not sent the action again: run pulumi up again to look again`,
        },
      },
    ],
    [
      "without a SUCCESS (its sub-job failed): its job's own error at once",
      null,
      { phase: "failed", error: { code: "Ecs.1000", message: "guest ignored it" } },
    ],
  ])("%s", (_row, succeededAt, expected) => {
    const s = lagging(
      succeededAt,
      succeededAt === null ? { subJobError: { code: "Ecs.1000", message: "guest ignored it" } } : {},
    );
    const start = state([s]);
    const plan = { done: [], act: [], wait: [], failed: still(s) };
    expect(plan.failed).toEqual([expect.objectContaining({ id: "a", code: "STILL_ACTIVE", still: "ACTIVE" })]);
    const next = verdictsApplied(start, plan, NOW);
    expect(next.servers.a).toEqual(expected === "unchanged" ? start.servers.a : { ...start.servers.a, ...expected });
  });

  it("is never planned an action, within the grace or after", () => {
    expect(planRound(state([lagging(NOW)])).act).toEqual([]);
    expect(planRound(state([lagging(NOW - GRACE)])).act).toEqual([]);
  });

  it("a SOFT stop that reported SUCCESS is never escalated to HARD, however long the list lags", () => {
    const armed = { ...CONFIG, hardStopAfterSeconds: 10 };
    const soft = { softSentAt: NOW - 60_000, hard: "not-sent" } as const;
    const s = { ...state([lagging(NOW - 1_000, { stop: soft })]), config: armed };
    expect(awaitingHardStop(s.servers.a, armed)).toBe(false);
    expect(dueForHardStop(s, NOW)).toEqual([]);
    expect(verdictsApplied(s, { done: [], act: [], wait: [], failed: planRound(s).failed }, NOW)).toBe(s);
  });
});

describe("jobRead remembers when a server's work reported SUCCESS", () => {
  it.each<[string, Parameters<typeof jobRead>[2]]>([
    ["its own sub-job", { status: "RUNNING", subJobs: [{ status: "SUCCESS", serverId: "a" }] }],
    ["the job, with no sub-jobs at all", { status: "SUCCESS", subJobs: [] }],
    ["the job, with sub-jobs naming no server", { status: "SUCCESS", subJobs: [{ status: "SUCCESS" }] }],
  ])("%s", (_row, answer) => {
    const start = state([following("a", "j1")], [job("j1", ["a"])]);
    expect(jobRead(start, "j1", answer, NOW).servers.a).toMatchObject({ phase: "observe", succeededAt: NOW });
  });

  it("keeps the first time it was read so (the grace is not extended by later reads)", () => {
    const start = state([following("a", "j1", { succeededAt: NOW - 5_000 })], [job("j1", ["a"])]);
    const next = jobRead(start, "j1", { status: "SUCCESS", subJobs: [{ status: "SUCCESS", serverId: "a" }] }, NOW);
    expect(next.servers.a.succeededAt).toBe(NOW - 5_000);
  });

  it("a FAIL is no SUCCESS", () => {
    const start = state([following("a", "j1")], [job("j1", ["a"])]);
    const next = jobRead(start, "j1", { status: "FAIL", subJobs: [{ status: "FAIL", serverId: "a" }] }, NOW);
    expect(next.servers.a.succeededAt).toBeNull();
  });
});
