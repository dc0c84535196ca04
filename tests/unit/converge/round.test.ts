/** The pure decisions of a round over a RunState: what to read, list, send and escalate; the result. */
import {
  batchesToSend,
  dueForHardStop,
  isSettled,
  jobsToRead,
  openJobs,
  planRound,
  resultOf,
  serversToList,
  youngestJobAcceptedAt,
} from "../../../provider/converge/round";
import { CONFIG, NOW, following, job, seen, server, state } from "./kit";

describe("a round's decisions", () => {
  it("reads each followed job once and lists the servers to look at", () => {
    const s = state(
      [following("a", "j1"), following("b", "j1"), following("c", "j2", { phase: "observe" }), server("d")],
      [job("j1", ["a", "b"]), job("j2", ["c"])],
    );
    expect(jobsToRead(s)).toEqual(["j1"]);
    expect(serversToList(s)).toEqual(["c", "d"]);
  });

  it("plans only servers listed and unsettled; never acts twice on a server sent an action", () => {
    const s = state([
      server("a", { last: seen("a", "ACTIVE") }),
      server("b", { last: seen("b", "ACTIVE"), submitted: true }),
      server("c"), // not listed yet
      server("d", { last: seen("d", "ACTIVE"), phase: "job" }),
    ]);
    const plan = planRound(s);
    expect(plan.act).toEqual(["a"]);
    expect(plan.failed).toEqual([expect.objectContaining({ id: "b", code: "STILL_ACTIVE", still: "ACTIVE" })]);
  });

  it("sends the stops first, with the resource's stop type, then the starts", () => {
    const s = {
      ...state([server("a"), { ...server("b"), goal: "running" as const }, server("c")]),
      config: { ...CONFIG, stopType: "HARD" as const },
    };
    expect(batchesToSend(s, { done: [], wait: [], failed: [], act: ["b", "a", "c"] })).toEqual([
      { action: "os-stop", serverIds: ["a", "c"], type: "HARD" },
      { action: "os-start", serverIds: ["b"], type: null },
    ]);
    expect(batchesToSend(s, { done: [], wait: [], failed: [], act: [] })).toEqual([]);
  });

  it("escalates the SOFT stops that outlasted hardStopAfterSeconds, once", () => {
    const s = {
      ...state([
        following("due", "j1", { stop: { softSentAt: NOW - 10_000, hard: "not-sent" } }),
        following("young", "j1", { stop: { softSentAt: NOW - 9_999, hard: "not-sent" } }),
        following("sent", "j1", { stop: { softSentAt: NOW - 60_000, hard: "sent" } }),
        following("done", "j1", { phase: "done", stop: { softSentAt: NOW - 60_000, hard: "not-sent" } }),
        server("never"),
      ]),
      config: { ...CONFIG, hardStopAfterSeconds: 10 },
    };
    expect(dueForHardStop(s, NOW)).toEqual(["due"]);
    expect(dueForHardStop({ ...s, config: CONFIG }, NOW)).toEqual([]);
    expect(dueForHardStop({ ...s, config: { ...s.config, stopType: "HARD" } }, NOW)).toEqual([]);
  });

  it("a SOFT stop still within hardStopAfterSeconds is not due while the server shows ACTIVE without a task, unless its sub-job failed", () => {
    const idle = (fields = {}) =>
      following("a", "j1", {
        phase: "observe",
        stop: { softSentAt: NOW - 5_000, hard: "not-sent" },
        last: seen("a", "ACTIVE"),
        ...fields,
      });
    const config = { ...CONFIG, hardStopAfterSeconds: 10 };
    expect(dueForHardStop({ ...state([idle()]), config }, NOW)).toEqual([]);
    const failed = idle({ subJobError: { code: "SUBJOB_FAILED", message: "the message" } });
    expect(dueForHardStop({ ...state([failed]), config }, NOW)).toEqual(["a"]);
  });

  it("the youngest job is the latest accepted, whatever the order, and only among jobs a server still waits on", () => {
    const s = state(
      [following("a", "j1"), following("b", "j2"), following("c", "j3", { phase: "observe" })],
      [
        job("j1", ["a"], { acceptedAt: 30 }),
        job("j2", ["b"], { acceptedAt: 10 }),
        job("j3", ["c"], { acceptedAt: 50 }),
      ],
    );
    expect(youngestJobAcceptedAt(s)).toBe(30);
  });

  it("paces polls by the youngest job still followed; lists jobs whose end the record lacks", () => {
    const s = state(
      [following("a", "j1"), following("b", "j2"), following("c", "j3")],
      [
        job("j1", ["a"], { acceptedAt: 10 }),
        job("j2", ["b"], { acceptedAt: 30 }),
        job("j3", ["c"], { acceptedAt: 50, followable: false }),
        job("j4", [], {}, "SUCCESS"),
      ],
    );
    expect(youngestJobAcceptedAt(s)).toBe(30);
    expect(youngestJobAcceptedAt(state([server("a")]))).toBeUndefined();
    expect(openJobs(s)).toEqual(["j1", "j2"]);
    expect(isSettled(s)).toBe(false);
    expect(isSettled(state([server("a", { phase: "done" }), server("b", { phase: "failed" })]))).toBe(true);
  });

  it("the result: each server's record, the failures, the jobs and the first observations", () => {
    const error = { code: "Ecs.0605", message: "locked" } as const;
    const s = state(
      [
        following("a", "j1", { phase: "done", last: seen("a", "SHUTOFF") }),
        server("b", { phase: "failed", error, last: seen("b", "ACTIVE") }),
      ],
      [job("j1", ["a"], {}, "SUCCESS")],
      { before: { a: seen("a", "ACTIVE") } },
    );
    expect(resultOf(s, "SUCCESS")).toEqual({
      outcome: "SUCCESS",
      servers: {
        a: { status: "SHUTOFF", taskState: null, lastJobId: "j1", error: null },
        b: { status: "ACTIVE", taskState: null, lastJobId: null, error },
      },
      jobs: [s.jobs.j1.record],
      failures: [{ id: "b", ...error }],
      before: { a: seen("a", "ACTIVE") },
    });
  });
});
