/** hardStopsSent, callFailed and unfinishedSettled: given a RunState and the event, the next RunState. */
import type { ServerTrack } from "../../../provider/converge/model";
import { callFailed, hardStopsSent, unfinishedSettled } from "../../../provider/converge/transitions";
import type { WaiterState } from "../../../provider/waiter";
import { NOW, following, info, job, seen, server, state } from "./kit";

describe("hardStopsSent", () => {
  it("marks each due SOFT stop as escalated; a server no longer running is listed again instead", () => {
    const start = state(
      [
        following("a", "j1", { last: seen("a", "ACTIVE") }),
        following("b", "j1", { last: seen("b", "SHUTOFF") }),
        following("c", "j1", { last: seen("c", "ACTIVE", "powering-off") }),
      ],
      [job("j1", ["a", "b", "c"])],
    );
    const next = hardStopsSent(start, ["a", "b", "c"]);
    const sent = { softSentAt: NOW - 5_000, hard: "sent" };
    expect(next.servers).toEqual({
      a: { ...start.servers.a, stop: sent },
      b: { ...start.servers.b, stop: sent, phase: "observe" },
      c: { ...start.servers.c, stop: sent },
    });
  });
});

describe("callFailed", () => {
  it("keeps the call's failure for every unfinished server", () => {
    const start = state([server("a")]);
    expect(callFailed(start, info("ECS_FORBIDDEN", "Pdp.0001"))).toEqual({
      ...start,
      callError: info("ECS_FORBIDDEN", "Pdp.0001"),
    });
  });
});

describe("unfinishedSettled", () => {
  const MOVING =
    "run pulumi up again to keep waiting (servers already moving are not sent the action again), or raise timeoutSeconds";

  it.each<[string, Partial<ServerTrack>, object, WaiterState, object]>([
    [
      "settled in its goal status at the last look: done",
      { last: seen("a", "SHUTOFF") },
      {},
      "TIMEOUT",
      { phase: "done", error: null },
    ],
    [
      "its job still running at the deadline: TIMEOUT, with what was seen",
      { last: seen("a", "ACTIVE", "powering-off") },
      {},
      "TIMEOUT",
      {
        phase: "failed",
        error: {
          code: "TIMEOUT",
          message: `not SHUTOFF after 60s: it is ACTIVE (powering-off), job j1 is RUNNING; ${MOVING}`,
        },
      },
    ],
    [
      "cancelled: ABORTED",
      { last: seen("a", "ACTIVE") },
      {},
      "ABORTED",
      {
        phase: "failed",
        error: { code: "ABORTED", message: `the operation was cancelled: it is ACTIVE, job j1 is RUNNING; ${MOVING}` },
      },
    ],
    [
      "not found at the last look (deleted meanwhile): TIMEOUT saying so",
      { last: { ...seen("a", null), found: false } },
      {},
      "TIMEOUT",
      {
        phase: "failed",
        error: { code: "TIMEOUT", message: `not SHUTOFF after 60s: it is not found, job j1 is RUNNING; ${MOVING}` },
      },
    ],
    [
      "never observed, no job",
      { jobId: null, last: null, phase: "observe" },
      {},
      "TIMEOUT",
      { phase: "failed", error: { code: "TIMEOUT", message: `not SHUTOFF after 60s: it is not observed; ${MOVING}` } },
    ],
    [
      "a call failed for good: its code and message, even if the last look found it settled",
      { last: seen("a", "SHUTOFF") },
      { callError: info("ECS_FORBIDDEN", "Pdp.0001", "listing 1 server: denied") },
      "FAILURE",
      { phase: "failed", error: { code: "Pdp.0001", message: "listing 1 server: denied" } },
    ],
    [
      "lists still failing at the deadline: the last failure, said to last",
      { last: seen("a", "ACTIVE") },
      { readError: info("ECS_SERVER_ERROR", "Common.0001", "listing 1 server: oops") },
      "TIMEOUT",
      {
        phase: "failed",
        error: { code: "Common.0001", message: "listing 1 server: oops (still failing at the 60s deadline)" },
      },
    ],
    [
      "lists still failing, without a Huawei code: ours",
      { last: seen("a", "ACTIVE") },
      { readError: info("ECS_NETWORK", undefined, "listing 1 server: reset") },
      "TIMEOUT",
      {
        phase: "failed",
        error: { code: "ECS_NETWORK", message: "listing 1 server: reset (still failing at the 60s deadline)" },
      },
    ],
    [
      "its job could not be read and it never moved: JOB_UNREADABLE",
      { phase: "observe", last: seen("a", "ACTIVE"), watch: { since: NOW, reason: "job-unreadable" } },
      {},
      "TIMEOUT",
      {
        phase: "failed",
        error: { code: "JOB_UNREADABLE", message: expect.stringMatching(/^its job j1 could not be read/) },
      },
    ],
    [
      "its call got no answer and it never moved: ECS_AMBIGUOUS_SUBMIT",
      { phase: "observe", jobId: null, last: seen("a", "ACTIVE"), watch: { since: NOW, reason: "unanswered" } },
      {},
      "TIMEOUT",
      { phase: "failed", error: { code: "ECS_AMBIGUOUS_SUBMIT", message: expect.stringMatching(/^the os-stop call/) } },
    ],
    [
      "watched, and it did move (a task shows): TIMEOUT like any server still moving",
      {
        phase: "observe",
        jobId: null,
        last: seen("a", "ACTIVE", "powering-off"),
        watch: { since: NOW, reason: "unanswered" },
      },
      {},
      "TIMEOUT",
      {
        phase: "failed",
        error: { code: "TIMEOUT", message: `not SHUTOFF after 60s: it is ACTIVE (powering-off); ${MOVING}` },
      },
    ],
  ])("%s", (_row, fields, extra, outcome, expected) => {
    const start = state([following("a", "j1", fields)], [job("j1", ["a"])], extra);
    expect(unfinishedSettled(start, outcome).servers.a).toEqual({ ...start.servers.a, ...expected });
  });

  it("leaves servers already done or failed as they are", () => {
    const done = server("a", { phase: "done", last: seen("a", "SHUTOFF") });
    const failed = server("b", { phase: "failed", error: { code: "Ecs.0605", message: "locked" } });
    const start = state([done, failed]);
    expect(unfinishedSettled(start, "TIMEOUT")).toBe(start);
  });
});
