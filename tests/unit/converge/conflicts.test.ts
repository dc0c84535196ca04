/**
 * Issue 20: a batch action refused for the servers' state (Ecs.0100) while they show no task is a
 * reason to look, not to give up. The cloud may be starting a job this run does not know of (an
 * interrupted run's, still INIT, its task not shown yet). Each event's transition, tabled.
 */
import type { Conflict, ServerTrack } from "../../../provider/converge/model";
import { conflictLine } from "../../../provider/converge/progress";
import { heldForResend, planRound } from "../../../provider/converge/round";
import {
  conflictResendDelayMs,
  jobRead,
  observationsRecorded,
  submissionFailed,
  unfinishedSettled,
  verdictsApplied,
  type Refused,
} from "../../../provider/converge/transitions";
import type { ConvergencePlan } from "../../../provider/plan";
import { NOW, following, info, job, seen, server, state } from "./kit";

const REFUSED = info(
  "ECS_SERVER_STATE",
  "Ecs.0100",
  "os-stop: The ECS status does not meet requirements (request id r)",
);
const idle = (id: string, fields: Partial<ServerTrack> = {}) => server(id, { last: seen(id, "ACTIVE"), ...fields });
const refused = (fields: Partial<Refused> = {}): Refused => ({
  serverIds: ["a"],
  accepted: [],
  failedCall: ["a"],
  info: REFUSED,
  deadlineReached: false,
  ...fields,
});
const conflict = (fields: Partial<Conflict> = {}): Conflict => ({
  error: { code: "Ecs.0100", message: REFUSED.message },
  firstAt: NOW - 10_000,
  refusals: 1,
  resendAt: NOW,
  ...fields,
});
const plan = (fields: Partial<ConvergencePlan>): ConvergencePlan => ({
  done: [],
  act: [],
  wait: [],
  failed: [],
  ...fields,
});

describe("conflictResendDelayMs: the pause before sending again", () => {
  it("at once after the first refusal, then 2 s doubling, capped at 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(conflictResendDelayMs)).toEqual([
      0, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});

describe("submissionFailed: refused for its state", () => {
  it.each<[string, Partial<Refused>, Partial<ServerTrack>, Conflict | undefined, Partial<ServerTrack>]>([
    [
      "Ecs.0100 while it showed no task, the first: looked at again, sent again at once if still idle",
      {},
      {},
      conflict({ firstAt: NOW, refusals: 1, resendAt: NOW }),
      { phase: "observe", rejectedOnce: true },
    ],
    [
      "Ecs.0100 while it showed no task, the second: not failed; sent again 2 s later, the first refusal's time kept",
      {},
      { rejectedOnce: true },
      conflict({ firstAt: NOW - 10_000, refusals: 2, resendAt: NOW + 2_000 }),
      { phase: "observe", rejectedOnce: true },
    ],
    [
      "a 409 Ecs.0100 (the client's code may differ): classified by Huawei's code",
      { info: { ...REFUSED, code: "ECS_BAD_REQUEST" } },
      {},
      conflict({ firstAt: NOW, refusals: 1, resendAt: NOW }),
      { phase: "observe", rejectedOnce: true },
    ],
  ])("%s", (_row, event, fields, expected, track) => {
    const start = state([idle("a", fields)], [], fields.rejectedOnce ? { conflicts: { a: conflict() } } : {});
    const next = submissionFailed(start, refused(event), NOW);
    expect(next.servers.a).toEqual({ ...start.servers.a, ...track });
    expect(next.conflicts.a).toEqual(expected);
  });

  it.each<[string, Partial<Refused>, Partial<ServerTrack>, Partial<ServerTrack>]>([
    [
      "Ecs.0100 while it showed a task: the one re-plan of any server-state refusal, no conflict",
      {},
      { last: seen("a", "ACTIVE", "powering-off") },
      { phase: "observe", rejectedOnce: true },
    ],
    [
      "Ecs.0605 (locked) is not a state conflict: its second refusal fails it as before",
      { info: info("ECS_SERVER_LOCKED", "Ecs.0605", "locked") },
      { rejectedOnce: true },
      { phase: "failed", error: { code: "Ecs.0605", message: "locked" } },
    ],
    [
      "Ecs.0114 (not found): no conflict",
      { info: info("ECS_NOT_FOUND", "Ecs.0114", "gone") },
      {},
      { phase: "observe", rejectedOnce: true },
    ],
    [
      "in a later call that was never sent: planned again, no conflict",
      { failedCall: ["other"] },
      {},
      { phase: "observe" },
    ],
    [
      "a SOFT-then-HARD escalation's HARD stop: its own rule, no conflict",
      { hardStop: true },
      { stop: { softSentAt: NOW - 60_000, hard: "sent" } },
      { phase: "observe", rejectedOnce: true },
    ],
  ])("%s", (_row, event, fields, track) => {
    const start = state([idle("a", fields)]);
    const next = submissionFailed(start, refused(event), NOW);
    expect(next.servers.a).toEqual({ ...start.servers.a, ...track });
    expect(next.conflicts).toEqual({});
  });

  it("a batch refused whole: every server of the call it named is looked at again; accepted chunks are left to their jobs", () => {
    const start = state([following("a", "j1"), idle("b"), idle("c")], [job("j1", ["a"])]);
    const next = submissionFailed(
      start,
      refused({ serverIds: ["a", "b", "c"], accepted: ["a"], failedCall: ["b", "c"] }),
      NOW,
    );
    expect(next.servers.a).toBe(start.servers.a);
    expect(Object.keys(next.conflicts)).toEqual(["b", "c"]);
  });
});

describe("heldForResend", () => {
  it.each<[string, Record<string, Conflict>, string[]]>([
    ["no conflict: the plan as it is", {}, ["a", "b"]],
    ["a conflict whose pause has passed: sent", { a: conflict({ resendAt: NOW }) }, ["a", "b"]],
    ["a conflict still pausing: held back, looked at again next round", { a: conflict({ resendAt: NOW + 1 }) }, ["b"]],
  ])("%s", (_row, conflicts, act) => {
    const start = state([idle("a"), idle("b")], [], { conflicts });
    expect(heldForResend(start, plan({ act: ["a", "b"] }), NOW).act).toEqual(act);
  });
});

describe("verdictsApplied: its accepted action FAILed for its state while it stood idle", () => {
  const STILL = { id: "a", code: "STILL_ACTIVE", message: "still ACTIVE", still: "ACTIVE" } as const;
  const failedWith = (code: string, fields: Partial<ServerTrack> = {}) =>
    idle("a", { submitted: true, jobId: "j2", subJobError: { code: code as "Ecs.0100", message: "m" }, ...fields });

  it.each<[string, Partial<ServerTrack>, string, "watched" | "failed"]>([
    ["Ecs.0100: watched (a job we do not know may yet move it), never sent again", {}, "Ecs.0100", "watched"],
    ["another code: fails with it, as before", {}, "Ecs.1000", "failed"],
    [
      "a HARD stop escalated from a SOFT one: its own rule (fails once it is not due again)",
      { stop: { softSentAt: NOW - 60_000, hard: "resent" } },
      "Ecs.0100",
      "failed",
    ],
  ])("%s", (_row, fields, code, outcome) => {
    const start = state([failedWith(code, fields)]);
    const next = verdictsApplied(start, plan({ failed: [STILL] }), NOW).servers.a;
    if (outcome === "watched") expect(next).toBe(start.servers.a);
    else expect(next).toMatchObject({ phase: "failed", error: { code, message: "m" } });
  });

  it("jobRead of that FAIL leaves it to be looked at with its sub-job's error", () => {
    const start = state([following("a", "j2", { stop: null })], [job("j2", ["a"])]);
    const next = jobRead(
      start,
      "j2",
      { status: "FAIL", subJobs: [{ status: "FAIL", serverId: "a", errorCode: "Ecs.0100" }] },
      NOW,
    );
    expect(next.servers.a).toMatchObject({ phase: "observe", subJobError: { code: "Ecs.0100" } });
  });
});

describe("unfinishedSettled: the deadline with a conflict", () => {
  it.each<[string, Partial<ServerTrack>, object]>([
    [
      "still idle in the other status: fails naming the refusal's code, how often, and that nothing was accepted",
      {},
      {
        phase: "failed",
        error: {
          code: "Ecs.0100",
          message:
            "its os-stop was refused 3 times (os-stop: The ECS status does not meet requirements (request id r)) while it showed ACTIVE with no task, " +
            "until the 60s deadline: the cloud may be running a job this run does not know of (an interrupted pulumi up?); " +
            "no action was accepted for it: look at the server, then run pulumi up again",
        },
      },
    ],
    [
      "moving at the last look: the usual TIMEOUT (it is followed, not refused)",
      { last: seen("a", "ACTIVE", "powering-off") },
      { phase: "failed", error: { code: "TIMEOUT" } },
    ],
    ["in its goal status at the last look: done", { last: seen("a", "SHUTOFF") }, { phase: "done", error: null }],
  ])("%s", (_row, fields, expected) => {
    const start = state([idle("a", fields)], [], { conflicts: { a: conflict({ refusals: 3 }) } });
    expect(unfinishedSettled(start, "TIMEOUT").servers.a).toMatchObject(expected);
  });

  it("refused once: says once, not 1 times", () => {
    const start = state([idle("a")], [], { conflicts: { a: conflict({ refusals: 1 }) } });
    expect(unfinishedSettled(start, "TIMEOUT").servers.a.error?.message).toMatch(
      /^its os-stop was refused once \(os-stop: The ECS status does not meet requirements \(request id r\)\) while/,
    );
  });

  it("its one accepted action FAILed for its state and it never moved: fails with that code, never sent again", () => {
    const start = state(
      [idle("a", { submitted: true, jobId: "j2", subJobError: { code: "Ecs.0100", message: "busy" } })],
      [job("j2", ["a"], {}, "FAIL")],
    );
    expect(unfinishedSettled(start, "TIMEOUT").servers.a).toMatchObject({
      phase: "failed",
      error: {
        code: "Ecs.0100",
        message:
          "its os-stop job j2 FAILed (busy) and it still showed ACTIVE with no task at the 60s deadline: the cloud may be running a job this run does not know of; " +
          "it was not sent again: look at the server, then run pulumi up again",
      },
    });
  });
});

describe("conflictLine", () => {
  it("says what was refused, what it may mean, and when it is sent again", () => {
    const start = state([idle("a"), idle("b")], [], {
      conflicts: { a: conflict({ resendAt: NOW + 4_000 }), b: conflict({ resendAt: NOW + 4_000 }) },
    });
    expect(conflictLine("ServerPowerState", "os-stop", start, ["a", "b"], REFUSED, NOW)).toBe(
      "ServerPowerState: os-stop of 2 servers refused for their state (Ecs.0100) although they showed no task: " +
        "the cloud may be starting a job this run does not know of (an interrupted pulumi up?); looking again, and sending again in 4 s " +
        "if they are still idle, until the 60s deadline: a, b",
    );
  });
});

/**
 * The sweep's open finding (issue 20): a resend's list saw no task, and the first job's task showed
 * before its POST arrived. Refused for that (reject: the cloud refuses a server whose job runs), it is
 * looked at again: what the next look shows decides, and only an idle server past its pause is sent
 * again. Never a second accepted action because of the race.
 */
describe("refused while idle, then the next look: observationsRecorded → planRound → heldForResend → verdictsApplied", () => {
  it.each<[string, string, string | null, number, "act" | "wait" | "held" | "done"]>([
    ["the first job's task now shows: followed through the list, not sent", "ACTIVE", "powering-off", 1, "wait"],
    ["the first job already ended at the target: done, nothing sent", "SHUTOFF", null, 1, "done"],
    ["still idle, the first refusal (sent again at once)", "ACTIVE", null, 1, "act"],
    ["still idle, the second refusal (2 s pause not passed): held", "ACTIVE", null, 2, "held"],
  ])("%s", (_row, status, task, refusals, expected) => {
    const before = state([idle("a")], [], { conflicts: {} });
    let next = submissionFailed(before, refused(), NOW);
    if (refusals === 2) next = submissionFailed(next, refused(), NOW);
    expect(next.servers.a).toMatchObject({ phase: "observe", submitted: false });
    next = observationsRecorded(next, [seen("a", status, task)]);
    const planned = planRound(next);
    const sendable = heldForResend(next, planned, NOW).act;
    next = verdictsApplied(next, planned, NOW);
    const outcome = sendable.includes("a")
      ? "act"
      : planned.act.includes("a")
        ? "held"
        : next.servers.a.phase === "done"
          ? "done"
          : "wait";
    expect(outcome).toBe(expected);
    expect(next.servers.a.submitted).toBe(false);
    if (expected === "done") expect(next.servers.a.error).toBeNull();
  });
});
