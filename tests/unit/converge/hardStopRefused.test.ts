/**
 * hardStopAfterSeconds when the cloud will not let a HARD stop supersede a SOFT one (emulator
 * variant hardDuringSoft), or the SOFT stop fails (ignoredSoftStop fail): a HARD stop refused
 * because a task was running is sent once more, as soon as that task has ended with the server
 * still ACTIVE; a SOFT stop whose sub-job FAILed is escalated at once.
 */
import type { ServerTrack, StopTrack } from "../../../provider/converge/model";
import { awaitingHardStop, dueForHardStop, hardStopReason, planRound } from "../../../provider/converge/round";
import {
  hardStopsSent,
  jobRead,
  submissionFailed,
  verdictsApplied,
  type Refused,
} from "../../../provider/converge/transitions";
import { CONFIG, NOW, following, info, job, seen, state } from "./kit";

const ARMED = { ...CONFIG, hardStopAfterSeconds: 10 };
const stop = (hard: StopTrack["hard"], softSentAt = NOW - 11_000): StopTrack => ({ softSentAt, hard });
const armed = (servers: ServerTrack[], jobs = [job("soft", ["a"])]) => ({ ...state(servers, jobs), config: ARMED });
/** Listed just before the escalation: still powering-off under its SOFT stop. */
const busy = (fields: Partial<ServerTrack> = {}): ServerTrack =>
  following("a", "soft", {
    phase: "observe",
    stop: stop("sent"),
    last: seen("a", "ACTIVE", "powering-off"),
    ...fields,
  });

const refusal = (fields: Partial<Refused> = {}): Refused => ({
  serverIds: ["a"],
  accepted: [],
  failedCall: ["a"],
  info: info("ECS_SERVER_STATE", "Ecs.0100", "Instance[a] is executing os-stop"),
  deadlineReached: false,
  hardStop: true,
  ...fields,
});

describe("submissionFailed: a HARD stop refused synchronously", () => {
  it.each<[string, Partial<ServerTrack>, Partial<Refused>, Partial<ServerTrack>]>([
    [
      "Ecs.0100 while its SOFT stop still ran: refused, to be sent again once that task ends",
      {},
      {},
      { phase: "observe", stop: stop("refused") },
    ],
    [
      "a 409 Ecs.0100 (the client's code may differ) reads the same: classified by Huawei's code",
      {},
      { info: info("ECS_BAD_REQUEST", "Ecs.0100") },
      { phase: "observe", stop: stop("refused") },
    ],
    [
      "the server showed no task: the ordinary server-state rule (look again once)",
      { last: seen("a", "ACTIVE") },
      {},
      { phase: "observe", rejectedOnce: true, stop: stop("sent") },
    ],
    [
      "not a HARD stop: the ordinary rule",
      {},
      { hardStop: false },
      { phase: "observe", rejectedOnce: true, stop: stop("sent") },
    ],
    [
      "the second HARD stop refused: never re-armed (the ordinary rule)",
      { stop: stop("resent") },
      {},
      { phase: "observe", rejectedOnce: true, stop: stop("resent") },
    ],
    [
      "refused for another reason (locked): fails",
      {},
      { info: info("ECS_BAD_REQUEST", "Ecs.0005", "bad") },
      { phase: "failed", error: { code: "Ecs.0005", message: "bad" } },
    ],
  ])("%s", (_row, fields, event, expected) => {
    const start = armed([busy(fields)]);
    expect(submissionFailed(start, refusal(event), NOW).servers.a).toEqual({ ...start.servers.a, ...expected });
  });
});

describe("jobRead: a HARD stop accepted, whose sub-job (or job) FAILed Ecs.0100", () => {
  const hardJob = () => ({ ...job("hard", ["a"]), record: { ...job("hard", ["a"]).record, type: "HARD" as const } });

  it.each<[string, Parameters<typeof jobRead>[2], StopTrack["hard"]]>([
    [
      "its sub-job FAILed Ecs.0100 (busy with the SOFT stop): refused",
      { status: "FAIL", subJobs: [{ status: "FAIL", serverId: "a", errorCode: "Ecs.0100" }] },
      "refused",
    ],
    [
      "no sub-jobs, the job FAILed Ecs.0100: refused",
      { status: "FAIL", errorCode: "Ecs.0100", subJobs: [] },
      "refused",
    ],
    [
      "its sub-job FAILed for another reason: stays sent",
      { status: "FAIL", subJobs: [{ status: "FAIL", serverId: "a", errorCode: "Ecs.1000" }] },
      "sent",
    ],
  ])("%s", (_row, answer, hard) => {
    const start = armed([following("a", "hard", { stop: stop("sent") })], [job("soft", ["a"]), hardJob()]);
    expect(jobRead(start, "hard", answer, NOW).servers.a.stop).toEqual(stop(hard));
  });

  it.each<[string, StopTrack | null]>([
    ["the HARD stop already sent again (resent): stays resent, never a third", stop("resent")],
    ["a HARD stop with no SOFT one before it (stopType HARD): nothing to send again", null],
  ])("its sub-job FAILed Ecs.0100, %s", (_row, track) => {
    const start = armed([following("a", "hard", { stop: track })], [hardJob()]);
    const answer = { status: "FAIL", subJobs: [{ status: "FAIL", serverId: "a", errorCode: "Ecs.0100" }] };
    expect(jobRead(start, "hard", answer, NOW).servers.a.stop).toEqual(track);
  });

  it("a SOFT job's Ecs.0100 is not a refused HARD stop", () => {
    const start = armed([following("a", "soft", { stop: stop("sent") })]);
    const answer = { status: "FAIL", subJobs: [{ status: "FAIL", serverId: "a", errorCode: "Ecs.0100" }] };
    expect(jobRead(start, "soft", answer, NOW).servers.a.stop).toEqual(stop("sent"));
  });
});

describe("dueForHardStop and hardStopsSent", () => {
  it.each<[string, Partial<ServerTrack>, boolean]>([
    [
      "refused, its task ended, still ACTIVE: due at once",
      { stop: stop("refused", NOW), last: seen("a", "ACTIVE") },
      true,
    ],
    ["refused, the SOFT stop still powering-off: not yet", { stop: stop("refused", NOW) }, false],
    [
      "refused, following a job again: not yet",
      { phase: "job", stop: stop("refused", NOW), last: seen("a", "ACTIVE") },
      false,
    ],
    ["resent: never again", { stop: stop("resent"), last: seen("a", "ACTIVE") }, false],
    [
      "SOFT sub-job FAILed, ACTIVE with no task: due before hardStopAfterSeconds",
      {
        stop: stop("not-sent", NOW - 1_000),
        last: seen("a", "ACTIVE"),
        subJobError: { code: "Ecs.1000", message: "guest ignored it" },
      },
      true,
    ],
    ["SOFT stop young and running: not yet", { stop: stop("not-sent", NOW - 1_000) }, false],
  ])("%s", (_row, fields, due) => {
    expect(dueForHardStop(armed([busy(fields)]), NOW)).toEqual(due ? ["a"] : []);
  });

  it.each<[string, StopTrack, "timed" | "soft-failed" | "refused"]>([
    ["outlasted hardStopAfterSeconds", stop("not-sent", NOW - 10_000), "timed"],
    ["due before it: the SOFT stop failed", stop("not-sent", NOW - 9_999), "soft-failed"],
    ["a HARD stop refused while the SOFT stop ran", stop("refused", NOW - 60_000), "refused"],
  ])("the reason said in the progress line: %s", (_row, track, reason) => {
    expect(hardStopReason(busy({ stop: track }), NOW, 10)).toBe(reason);
  });

  it("a refused HARD stop is sent once more, and then counts as the last", () => {
    const start = armed([busy({ stop: stop("refused"), last: seen("a", "ACTIVE") })]);
    const resent = hardStopsSent(start, ["a"]);
    expect(resent.servers.a.stop).toEqual(stop("resent"));
    expect(awaitingHardStop(resent.servers.a, ARMED)).toBe(false);
    expect(hardStopsSent(armed([busy()]), ["a"]).servers.a.stop).toEqual(stop("sent"));
  });

  it("while refused, a server still ACTIVE is waited for, not failed, and never planned a SOFT stop again", () => {
    const start = armed([busy({ stop: stop("refused"), last: seen("a", "ACTIVE") })]);
    const plan = planRound(start);
    expect(plan.act).toEqual([]);
    expect(verdictsApplied(start, plan, NOW)).toBe(start);
  });
});
