/** jobRead and jobReadFailed: given a RunState and a job's answer (or failure), the next RunState. */
import type { JobView } from "../../../provider/converge/model";
import { jobRead, jobReadFailed, MAX_JOB_READ_FAILURES } from "../../../provider/converge/transitions";
import { NOW, following, info, job, server, state } from "./kit";

const running = (subJobs: JobView["subJobs"], fields: Partial<JobView> = {}): JobView => ({
  status: "RUNNING",
  subJobs,
  ...fields,
});

describe("jobRead", () => {
  it("records how the job stands, and that reads work again", () => {
    const start = state([following("a", "j1")], [job("j1", ["a"], { readFailures: 2 })]);
    const next = jobRead(
      start,
      "j1",
      running([{ status: "RUNNING", serverId: "a" }], { beginTime: "2026-12-01T08:00:00Z", endTime: "" }),
      NOW,
    );
    expect(next.jobs.j1).toEqual({
      ...start.jobs.j1,
      readFailures: 0,
      record: { ...start.jobs.j1.record, status: "RUNNING", beginTime: "2026-12-01T08:00:00Z", endTime: null },
    });
    expect(next.servers).toEqual(start.servers); // its sub-job still runs: still followed
  });

  it.each<[string, JobView["subJobs"][number], object]>([
    [
      "a sub-job that succeeded: listed again, its SUCCESS remembered (a list still showing ACTIVE lags)",
      { status: "SUCCESS", serverId: "a" },
      { phase: "observe", subJobError: null, succeededAt: NOW },
    ],
    [
      "a failed sub-job with errorcode_message: Huawei's code and that message",
      { status: "FAIL", serverId: "a", errorCode: "Ecs.1000", errorcodeMessage: "hypervisor said no", failReason: "x" },
      { phase: "observe", subJobError: { code: "Ecs.1000", message: "hypervisor said no" } },
    ],
    [
      "a failed sub-job with a fail_reason repeating the code: the code said once",
      { status: "FAIL", serverId: "a", errorCode: "Ecs.1000", failReason: "Ecs.1000: guest did not shut down" },
      { phase: "observe", subJobError: { code: "Ecs.1000", message: "guest did not shut down" } },
    ],
    [
      "a failed sub-job whose fail_reason does not start with its code: the reason whole",
      { status: "FAIL", serverId: "a", errorCode: "Ecs.1000", failReason: "Ecs.1000 guest did not shut down" },
      { phase: "observe", subJobError: { code: "Ecs.1000", message: "Ecs.1000 guest did not shut down" } },
    ],
    [
      "a failed sub-job without code or reason: SUBJOB_FAILED",
      { status: "FAIL", serverId: "a" },
      { phase: "observe", subJobError: { code: "SUBJOB_FAILED", message: "its sub-job in job j1 failed" } },
    ],
  ])("%s", (_row, sub, expected) => {
    const start = state([following("a", "j1")], [job("j1", ["a"])]);
    expect(jobRead(start, "j1", running([sub]), NOW).servers.a).toEqual({ ...start.servers.a, ...expected });
  });

  it("a job that ended: every server still on it is listed again; a FAILed job gives its error to those without one", () => {
    const start = state(
      [following("a", "j1"), following("b", "j1"), following("c", "j1")],
      [job("j1", ["a", "b", "c"])],
    );
    const failed = jobRead(
      start,
      "j1",
      {
        status: "FAIL",
        errorCode: "Ecs.0611",
        failReason: "Batch operation failed.",
        subJobs: [{ status: "FAIL", serverId: "a", errorCode: "Ecs.1000", errorcodeMessage: "own" }],
      },
      NOW,
    );
    expect([failed.servers.a, failed.servers.b, failed.servers.c].map((s) => [s.phase, s.subJobError])).toEqual([
      ["observe", { code: "Ecs.1000", message: "own" }],
      ["observe", { code: "Ecs.0611", message: "Batch operation failed." }],
      ["observe", { code: "Ecs.0611", message: "Batch operation failed." }],
    ]);
    const bare = jobRead(start, "j1", { status: "FAIL", subJobs: [] }, NOW);
    expect(bare.servers.b.subJobError).toEqual({ code: "JOB_FAILED", message: "job j1 failed" });
    const success = jobRead(start, "j1", { status: "SUCCESS", subJobs: [] }, NOW);
    expect(Object.values(success.servers).map((s) => [s.phase, s.subJobError, s.succeededAt])).toEqual([
      ["observe", null, NOW],
      ["observe", null, NOW],
      ["observe", null, NOW],
    ]);
  });

  it("leaves servers that moved on to another job, or are no longer followed", () => {
    const start = state(
      [following("a", "j2"), following("b", "j1", { phase: "observe" }), server("x")],
      [job("j1", ["a", "b"]), job("j2", ["a"])],
    );
    const next = jobRead(
      start,
      "j1",
      {
        status: "FAIL",
        subJobs: [
          { status: "FAIL", serverId: "a", errorCode: "Ecs.1000" },
          { status: "FAIL", serverId: "x", errorCode: "Ecs.1000" },
          { status: "FAIL" },
        ],
      },
      NOW,
    );
    expect(next.servers).toEqual(start.servers);
    expect(next.jobs.j1.record.status).toBe("FAIL");
  });
});

describe("jobReadFailed", () => {
  const start = state(
    [following("a", "j1"), following("b", "j1", { watch: { since: NOW - 99, reason: "unanswered" } })],
    [job("j1", ["a", "b"])],
  );

  it("cut off by the deadline or a cancellation: nothing learned, nothing counted", () => {
    expect(jobReadFailed(start, "j1", info("ECS_ABORTED"), NOW)).toBe(start);
  });

  it(`a failure that may pass: tried again next round, up to ${MAX_JOB_READ_FAILURES} in a row`, () => {
    const once = jobReadFailed(start, "j1", info("ECS_SERVER_ERROR", "Common.0001"), NOW);
    expect(once).toEqual({ ...start, jobs: { j1: { ...start.jobs.j1, readFailures: 1 } } });
    const twice = jobReadFailed(once, "j1", info("ECS_NETWORK"), NOW);
    expect(twice.jobs.j1).toMatchObject({ readFailures: 2, followable: true });
    expect(twice.servers).toEqual(start.servers);
    const third = jobReadFailed(twice, "j1", info("ECS_THROTTLED"), NOW);
    expect(third.jobs.j1).toMatchObject({ readFailures: 3, followable: false, record: { status: "UNKNOWN" } });
  });

  it.each([
    ["expired (Common.0011)", info("ECS_JOB_NOT_FOUND", "Common.0011")],
    ["denied", info("ECS_FORBIDDEN", "Ecs.0003")],
  ])("%s: given up at once; its servers are listed instead, with the grace of an unanswered call", (_row, failure) => {
    const next = jobReadFailed(start, "j1", failure, NOW);
    expect(next.jobs.j1).toEqual({
      ...start.jobs.j1,
      readFailures: 1,
      followable: false,
      record: { ...start.jobs.j1.record, status: "UNKNOWN" },
    });
    expect(next.servers).toEqual({
      a: { ...start.servers.a, phase: "observe", watch: { since: NOW, reason: "job-unreadable" } },
      // already watched (its HARD call went unanswered): that watch stands
      b: { ...start.servers.b, phase: "observe" },
    });
  });
  it("given up: leaves servers that moved on to another job, are no longer followed, or are not this run's", () => {
    const mixed = state(
      [
        following("a", "j2"), // its HARD stop's job now
        following("b", "j1", { phase: "observe" }), // its sub-job ended
        following("c", "j1", { phase: "done" }),
        following("d", "j1"),
      ],
      [job("j1", ["a", "b", "c", "d", "not-ours"]), job("j2", ["a"])],
    );
    const next = jobReadFailed(mixed, "j1", info("ECS_JOB_NOT_FOUND", "Common.0011"), NOW);
    expect(next.servers).toEqual({
      ...mixed.servers,
      d: { ...mixed.servers.d, phase: "observe", watch: { since: NOW, reason: "job-unreadable" } },
    });
    expect(next.jobs.j2).toBe(mixed.jobs.j2);
  });
});
