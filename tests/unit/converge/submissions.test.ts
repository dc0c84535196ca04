/** submissionAccepted and submissionFailed: given a RunState and a batch call's answer, the next RunState. */
import type { ServerTrack } from "../../../provider/converge/model";
import { submissionAccepted, submissionFailed, type Refused } from "../../../provider/converge/transitions";
import { NOW, following, info, job, seen, server, state } from "./kit";

describe("submissionAccepted", () => {
  it("records the job and follows it for each of its servers; a SOFT stop's age counts from the call", () => {
    const start = state([
      server("a", { last: seen("a", "ACTIVE"), subJobError: { code: "Ecs.1000", message: "old" } }),
      server("b", { last: seen("b", "ACTIVE") }),
    ]);
    const next = submissionAccepted(
      start,
      { action: "os-stop", type: "SOFT", submission: { jobId: "j1", serverIds: ["a"] }, sentAt: NOW - 100 },
      NOW,
    );
    expect(next.jobs).toEqual({
      j1: {
        record: {
          jobId: "j1",
          action: "os-stop",
          type: "SOFT",
          status: "SUBMITTED",
          serverIds: ["a"],
          beginTime: null,
          endTime: null,
        },
        acceptedAt: NOW,
        readFailures: 0,
        followable: true,
      },
    });
    expect(next.servers).toEqual({
      a: {
        ...start.servers.a,
        phase: "job",
        jobId: "j1",
        submitted: true,
        subJobError: null,
        stop: { softSentAt: NOW - 100, hard: "not-sent" },
      },
      b: start.servers.b,
    });
  });

  it("a HARD stop or a start leaves the SOFT stop's track as it was", () => {
    const soft = { softSentAt: NOW - 60_000, hard: "sent" } as const;
    const start = state([following("a", "j1", { stop: soft, phase: "job" })], [job("j1", ["a"])]);
    const hard = submissionAccepted(
      start,
      { action: "os-stop", type: "HARD", submission: { jobId: "j2", serverIds: ["a"] }, sentAt: NOW },
      NOW,
    );
    expect(hard.servers.a).toMatchObject({ jobId: "j2", stop: soft });
    expect(Object.keys(hard.jobs)).toEqual(["j1", "j2"]);
    const started = submissionAccepted(
      state([server("s", { last: seen("s", "SHUTOFF") })]),
      { action: "os-start", type: null, submission: { jobId: "j3", serverIds: ["s"] }, sentAt: NOW },
      NOW,
    );
    expect(started.servers.s).toMatchObject({ phase: "job", jobId: "j3", stop: null });
    expect(started.jobs.j3.record).toMatchObject({ action: "os-start", type: null });
  });
  it("a server the answer names that this run did not send is recorded in the job, not invented", () => {
    const start = state([server("a", { last: seen("a", "ACTIVE") })]);
    const next = submissionAccepted(
      start,
      { action: "os-stop", type: "SOFT", submission: { jobId: "j1", serverIds: ["a", "not-ours"] }, sentAt: NOW },
      NOW,
    );
    expect(Object.keys(next.servers)).toEqual(["a"]);
    expect(next.servers.a).toMatchObject({ phase: "job", jobId: "j1" });
    expect(next.jobs.j1.record.serverIds).toEqual(["a", "not-ours"]);
  });
});

describe("submissionFailed", () => {
  const planned = (id: string, fields: Partial<ServerTrack> = {}) =>
    server(id, { last: seen(id, "ACTIVE"), ...fields });
  const refused = (fields: Partial<Refused>): Refused => ({
    serverIds: ["a"],
    accepted: [],
    failedCall: ["a"],
    info: info("ECS_FORBIDDEN", "Pdp.0001", "os-stop: denied (request id r) grant it"),
    deadlineReached: false,
    ...fields,
  });

  it.each<[string, Partial<Refused>, Partial<ServerTrack>, Partial<ServerTrack>]>([
    [
      "unanswered: may have been accepted; never sent again, watched",
      { info: info("ECS_AMBIGUOUS_SUBMIT", "Common.0001") },
      {},
      { phase: "observe", submitted: true, watch: { since: NOW, reason: "unanswered" } },
    ],
    [
      "unanswered, but in a later call that was never sent: planned again",
      { info: info("ECS_AMBIGUOUS_SUBMIT"), failedCall: ["other"] },
      {},
      { phase: "observe" },
    ],
    [
      "a server-state rejection (Ecs.0100), the first: looked at again and re-planned",
      { info: info("ECS_SERVER_STATE", "Ecs.0100") },
      {},
      { phase: "observe", rejectedOnce: true },
    ],
    [
      "a server-state rejection of a call it was not in: planned again, its one re-plan kept",
      { info: info("ECS_NOT_FOUND", "Ecs.0114"), failedCall: ["other"] },
      {},
      { phase: "observe" },
    ],
    [
      "a server-state rejection, the second: fails with Huawei's code",
      { info: info("ECS_SERVER_LOCKED", "Ecs.0605", "locked") },
      { rejectedOnce: true },
      { phase: "failed", error: { code: "Ecs.0605", message: "locked" } },
    ],
    [
      "cut off by the deadline (pacing): TIMEOUT, not sent",
      { info: info("ECS_ABORTED"), deadlineReached: true },
      {},
      {
        phase: "failed",
        error: {
          code: "TIMEOUT",
          message:
            "not sent: the 60s deadline came first (submissions are paced at the servers-per-minute limit); run pulumi up again, or raise timeoutSeconds",
        },
      },
    ],
    [
      "cut off by the deadline while the gateway throttled it: TIMEOUT, not sent, saying so with the gateway's code",
      {
        info: info("ECS_ABORTED", "APIGW.0308", "os-stop of 1 server: over ratelimit (throttled for 598 s)"),
        deadlineReached: true,
      },
      {},
      {
        phase: "failed",
        error: {
          code: "TIMEOUT",
          message:
            "not sent: the 60s deadline came first (the API was throttling this account: APIGW.0308: os-stop of 1 server: over ratelimit (throttled for 598 s)); run pulumi up again, or raise timeoutSeconds",
        },
      },
    ],
    [
      "cancelled: fails with the client's code",
      { info: info("ECS_ABORTED", undefined, "cancelled") },
      {},
      { phase: "failed", error: { code: "ECS_ABORTED", message: "cancelled" } },
    ],
    [
      "refused for good: fails with Huawei's code and the message",
      {},
      {},
      { phase: "failed", error: { code: "Pdp.0001", message: "os-stop: denied (request id r) grant it" } },
    ],
    [
      "refused for good, in a later call: fails all the same (only ambiguity and server state spare the unsent)",
      { failedCall: ["other"] },
      {},
      { phase: "failed", error: { code: "Pdp.0001", message: "os-stop: denied (request id r) grant it" } },
    ],
    [
      "refused without a Huawei code: fails with ours",
      { info: info("ECS_TOO_MANY_SERVERS", undefined, "too many") },
      {},
      { phase: "failed", error: { code: "ECS_TOO_MANY_SERVERS", message: "too many" } },
    ],
  ])("%s", (_row, event, fields, expected) => {
    const start = state([planned("a", fields)]);
    expect(submissionFailed(start, refused(event), NOW).servers.a).toEqual({ ...start.servers.a, ...expected });
  });

  it("leaves the servers of earlier, accepted chunks to their jobs", () => {
    const start = state([following("a", "j1"), planned("b")], [job("j1", ["a"])]);
    const next = submissionFailed(
      start,
      refused({ serverIds: ["a", "b"], accepted: ["a"], failedCall: ["b"], info: info("ECS_AMBIGUOUS_SUBMIT") }),
      NOW,
    );
    expect(next.servers.a).toBe(start.servers.a);
    expect(next.servers.b).toMatchObject({ submitted: true, watch: { since: NOW, reason: "unanswered" } });
  });

  it("an error naming no call (not an EcsError): every server of the batch is concerned", () => {
    const start = state([planned("a"), planned("b")]);
    const next = submissionFailed(
      start,
      refused({ serverIds: ["a", "b"], failedCall: [], info: info("ECS_AMBIGUOUS_SUBMIT") }),
      NOW,
    );
    expect([next.servers.a.watch, next.servers.b.watch]).toEqual([
      { since: NOW, reason: "unanswered" },
      { since: NOW, reason: "unanswered" },
    ]);
  });
});
