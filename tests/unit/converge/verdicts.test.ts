/** verdictsApplied: given a RunState and the plan's verdicts, the next RunState. */
import type { ServerTrack } from "../../../provider/converge/model";
import { verdictsApplied } from "../../../provider/converge/transitions";
import type { ConvergencePlan } from "../../../provider/plan";
import { CONFIG, NOW, following, job, seen, server, state } from "./kit";

const plan = (fields: Partial<ConvergencePlan>): ConvergencePlan => ({
  done: [],
  act: [],
  wait: [],
  failed: [],
  ...fields,
});
const STILL = {
  id: "a",
  code: "STILL_ACTIVE",
  message: "still ACTIVE after its job ended; it was not sent the action again: run pulumi up again to retry",
  still: "ACTIVE",
} as const;
const stillActive = (fields: Partial<ServerTrack>): ServerTrack =>
  server("a", { submitted: true, jobId: "j1", last: seen("a", "ACTIVE"), ...fields });

describe("verdictsApplied", () => {
  it("done: in its goal status, with no error", () => {
    const start = state([server("a", { last: seen("a", "SHUTOFF"), error: { code: "TIMEOUT", message: "x" } })]);
    expect(verdictsApplied(start, plan({ done: ["a"] }), NOW).servers.a).toMatchObject({ phase: "done", error: null });
  });

  it("a failure that is not 'still there' fails at once, with the plan's code", () => {
    const start = state([server("a", { last: { ...seen("a", null), found: false } })]);
    const failure = { id: "a", code: "Ecs.0114", message: "server not found" } as const;
    expect(verdictsApplied(start, plan({ failed: [failure] }), NOW).servers.a).toMatchObject({
      phase: "failed",
      error: { code: "Ecs.0114", message: "server not found" },
    });
  });

  it.each<[string, Partial<ServerTrack>, Partial<typeof CONFIG>]>([
    ["its unanswered call within the grace", { watch: { since: NOW - 1_000, reason: "unanswered" } }, {}],
    ["its HARD stop due later", { stop: { softSentAt: NOW - 1_000, hard: "not-sent" } }, { hardStopAfterSeconds: 60 }],
    ["its job's SUCCESS within the list-lag grace", { succeededAt: NOW - 1_000 }, {}],
    ["its sub-job's own error", { subJobError: { code: "Ecs.1000", message: "guest did not shut down" } }, {}],
  ])("a failure that is not 'still there' fails at once with the plan's code, whatever %s", (_row, fields, config) => {
    const start = {
      ...state([stillActive({ ...fields, last: { ...seen("a", null), found: false } })]),
      config: { ...CONFIG, ...config },
    };
    const failure = { id: "a", code: "Ecs.0114", message: "server not found" } as const;
    expect(verdictsApplied(start, plan({ failed: [failure] }), NOW).servers.a).toEqual({
      ...start.servers.a,
      phase: "failed",
      error: { code: "Ecs.0114", message: "server not found" },
    });
  });

  it.each<[string, Partial<ServerTrack>, Partial<typeof CONFIG>, number, Partial<ServerTrack> | "unchanged"]>([
    [
      "its job ended: STILL_<status>",
      {},
      {},
      NOW,
      { phase: "failed", error: { code: STILL.code, message: STILL.message } },
    ],
    [
      "its sub-job failed: the sub-job's error, not STILL_",
      { subJobError: { code: "Ecs.1000", message: "guest did not shut down" } },
      {},
      NOW,
      { phase: "failed", error: { code: "Ecs.1000", message: "guest did not shut down" } },
    ],
    [
      "its SOFT stop's job FAILed for its state (Ecs.0100) while it stood idle: watched, never sent again",
      {
        stop: { softSentAt: NOW - 1_000, hard: "not-sent" },
        subJobError: { code: "Ecs.0100", message: "the server is executing another task" },
      },
      {},
      NOW,
      "unchanged",
    ],
    [
      "a SOFT stop with its HARD stop due later: waits for it",
      { stop: { softSentAt: NOW - 1_000, hard: "not-sent" } },
      { hardStopAfterSeconds: 60 },
      NOW,
      "unchanged",
    ],
    [
      "the HARD stop already sent: fails",
      { stop: { softSentAt: NOW - 1_000, hard: "sent" } },
      { hardStopAfterSeconds: 60 },
      NOW,
      { phase: "failed", error: { code: STILL.code, message: STILL.message } },
    ],
    [
      "a SOFT stop without hardStopAfterSeconds: fails",
      { stop: { softSentAt: NOW - 1_000, hard: "not-sent" } },
      {},
      NOW,
      { phase: "failed", error: { code: STILL.code, message: STILL.message } },
    ],
    [
      "an unanswered call, within the grace: watched",
      { jobId: null, watch: { since: NOW - 29_999, reason: "unanswered" } },
      {},
      NOW,
      "unchanged",
    ],
    [
      "an unanswered call, the grace passed: ECS_AMBIGUOUS_SUBMIT",
      { jobId: null, watch: { since: NOW - 30_000, reason: "unanswered" } },
      {},
      NOW,
      {
        phase: "failed",
        error: {
          code: "ECS_AMBIGUOUS_SUBMIT",
          message:
            "the os-stop call for this server got no answer and the server has not moved, so it may not have been accepted; it was not sent again: run pulumi up again",
        },
      },
    ],
    [
      "a job that could not be read, the grace passed: JOB_UNREADABLE (not its sub-job's error)",
      {
        watch: { since: NOW - 30_000, reason: "job-unreadable" },
        subJobError: { code: "Ecs.1000", message: "x" },
      },
      {},
      NOW,
      {
        phase: "failed",
        error: {
          code: "JOB_UNREADABLE",
          message:
            "its job j1 could not be read and the server has not moved; it was not sent the action again: run pulumi up again",
        },
      },
    ],
  ])("still in the other status, %s", (_row, fields, config, now, expected) => {
    const start = { ...state([stillActive(fields)]), config: { ...CONFIG, ...config } };
    const after = verdictsApplied(start, plan({ failed: [STILL] }), now);
    if (expected === "unchanged") expect(after).toEqual(start);
    else expect(after.servers.a).toEqual({ ...start.servers.a, ...expected });
  });

  it.each([
    ["its job runs and can be read: follows it again", job("j1", ["a"]), "job"],
    ["its job was given up: stays listed", job("j1", ["a"], { followable: false }), "observe"],
    ["its job has ended: stays listed", job("j1", ["a"], {}, "SUCCESS"), "observe"],
  ] as const)("waiting, %s", (_row, j1, phase) => {
    const start = state([following("a", "j1", { phase: "observe", last: seen("a", "ACTIVE", "powering-off") })], [j1]);
    expect(verdictsApplied(start, plan({ wait: ["a"] }), NOW).servers.a.phase).toBe(phase);
  });

  it("waiting without a job of ours (someone else's task): stays listed; servers to act on are left as they are", () => {
    const start = state([
      server("a", { last: seen("a", "ACTIVE", "rebooting") }),
      server("b", { last: seen("b", "ACTIVE") }),
    ]);
    expect(verdictsApplied(start, plan({ wait: ["a"], act: ["b"] }), NOW)).toEqual(start);
  });
});
