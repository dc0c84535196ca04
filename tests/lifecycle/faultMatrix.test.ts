/**
 * The fault matrix (docs/reliability.md): each fault, injected into the emulator, under a real
 * `pulumi up` through Pulumi's dynamic-provider host. For each one the test pins
 *   - the outcome: success after retries, or a failure naming exactly the servers concerned;
 *   - action POSTs per server: never more than one per server per `up` (a HARD escalation aside);
 *   - what the state records: the truth about every server, as the emulator has it;
 *   - that the next `up`, once the fault has cleared, converges.
 * Sessions use the package as a user installs it (a one-line stored provider), because a partial
 * failure travels in one gRPC trailer that this harness's HTTP/2 client caps at 64 KiB.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEFAULT_EMULATOR_CREDENTIALS,
  EmulatorAdmin,
  startEmulator,
  type AdminServerInput,
  type EmulatorOptions,
  type EmulatorStatsSnapshot,
  type FaultInput,
  type RunningEmulator,
} from "../../emulator";
import { type PulumiSession, StepFailedError, type StepResult } from "../harness";
import {
  buildPackagedProgram,
  fleetOf,
  newSession,
  PACKAGED_PROJECT,
  PACKAGED_URN,
  serverId,
  type FleetResource,
} from "./lifecycleKit";

const FAST = { stopSeconds: 0.3, startSeconds: 0.3 } as const;

let workDir: string;
let programDir: string;
let shared: RunningEmulator;
let nextServer = 1;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "sps-faults-"));
  programDir = buildPackagedProgram(workDir);
  shared = await startEmulator(FAST);
});
afterAll(async () => {
  await shared?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Fresh server ids for each row, so rows never see each other's servers. */
function freshIds(count: number): string[] {
  const ids = Array.from({ length: count }, (_, i) => serverId(100_000 + nextServer + i));
  nextServer += count;
  return ids;
}

interface Row {
  readonly name: string;
  readonly servers: readonly AdminServerInput[];
  readonly emulator?: RunningEmulator;
  readonly inputs?: Readonly<Record<string, string | number>>;
  readonly config?: Readonly<Record<string, string>>;
}

interface Attempt {
  readonly result?: StepResult;
  readonly failure?: StepFailedError;
  /** The emulator's counters for this attempt alone. */
  readonly stats: EmulatorStatsSnapshot;
}

class Scenario {
  readonly admin: EmulatorAdmin;
  readonly session: PulumiSession;
  readonly ids: string[];

  constructor(
    readonly row: Row,
    readonly emulator: RunningEmulator,
  ) {
    this.admin = new EmulatorAdmin(emulator.url);
    this.ids = row.servers.map((s) => s.id);
    this.session = newSession({
      workDir,
      name: row.name,
      emulatorUrl: emulator.url,
      serverIds: this.ids,
      programDir,
      project: PACKAGED_PROJECT,
      inputs: row.inputs,
      config: row.config,
    });
  }

  static async start(row: Row): Promise<Scenario> {
    const emulator = row.emulator ?? shared;
    const scenario = new Scenario(row, emulator);
    await scenario.admin.reset();
    await scenario.admin.putServers(row.servers);
    return scenario;
  }

  async inject(...faults: FaultInput[]): Promise<void> {
    for (const fault of faults) await this.admin.injectFault(fault);
  }

  /** One `pulumi up`; `during` runs alongside it (to take the emulator away mid-operation). */
  async up(during?: (admin: EmulatorAdmin) => Promise<void>): Promise<Attempt> {
    const before = await this.admin.stats();
    const running = this.session.up().then(
      (result) => ({ result }),
      (error: unknown) => {
        if (error instanceof StepFailedError) return { failure: error };
        throw error;
      },
    );
    await during?.(this.admin);
    const outcome = await running;
    return { ...outcome, stats: difference(await this.admin.stats(), before) };
  }

  fleet(): FleetResource {
    return fleetOf(this.session, PACKAGED_URN);
  }

  /** The state records the truth: each server's status and task state as the emulator shows them now. */
  async expectStateTellsTheTruth(): Promise<void> {
    const actual = new Map((await this.admin.listServers()).map((s) => [s.id, s]));
    const recorded = this.fleet().outputs.servers;
    expect(Object.keys(recorded).sort()).toEqual([...this.ids].sort());
    for (const id of this.ids) {
      const server = actual.get(id);
      expect({ id, status: recorded[id].status, taskState: recorded[id].taskState }).toEqual({
        id,
        status: server?.status ?? null,
        taskState: server?.taskState ?? null,
      });
    }
  }

  /** Every declared server is where the program says, with no error, and the state says so. */
  async expectConverged(target: "SHUTOFF" | "ACTIVE" = "SHUTOFF"): Promise<void> {
    const actual = new Map((await this.admin.listServers()).map((s) => [s.id, s]));
    const recorded = this.fleet().outputs.servers;
    for (const id of this.ids) {
      expect({ id, status: actual.get(id)?.status, taskState: actual.get(id)?.taskState }).toEqual({ id, status: target, taskState: null });
      expect({ id, ...recorded[id] }).toMatchObject({ id, status: target, taskState: null, error: null });
    }
    expect(this.fleet().outputs.convergedAt).not.toBeNull();
  }
}

function difference(after: EmulatorStatsSnapshot, before: EmulatorStatsSnapshot): EmulatorStatsSnapshot {
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
  return {
    requests: minus(after.requests, before.requests),
    total: after.total - before.total,
    answers: minus(after.answers, before.answers),
    serversSubmitted: minus(after.serversSubmitted, before.serversSubmitted),
    submissionsPerServer: minus(after.submissionsPerServer, before.submissionsPerServer),
  };
}

/** Never more than `limit` accepted action calls per server in one attempt. */
function expectAtMostOnePostPerServer(attempt: Attempt, limit = 1): void {
  const over = Object.entries(attempt.stats.submissionsPerServer).filter(([, n]) => n > limit);
  expect(over).toEqual([]);
}

/** The up succeeded: the resource was created or updated (or, with `orSame`, had nothing to do). */
function expectSuccess(attempt: Attempt, orSame = false): void {
  if (attempt.failure) throw new Error(`expected success, got: ${attempt.failure.message}`);
  expect(attempt.result?.operations.map((o) => o.op)).toEqual([expect.stringMatching(orSame ? /^(create|update|same)$/ : /^(create|update)$/)]);
}

/** The up failed, naming exactly `servers`, each reason matching `reason`. */
function expectFailureNaming(attempt: Attempt, servers: readonly string[], reason: RegExp): string[] {
  expect(attempt.failure).toBeInstanceOf(StepFailedError);
  const reasons = attempt.failure!.errors.flatMap((e) => e.reasons);
  const named = reasons.map((r) => /^server ([0-9a-f-]{36}): /.exec(r)?.[1]);
  expect(named.sort()).toEqual([...servers].sort());
  for (const line of reasons) expect(line).toMatch(reason);
  return reasons;
}

/** The next `up` after the fault cleared converges, posting each server at most once. */
async function expectNextUpConverges(s: Scenario, target: "SHUTOFF" | "ACTIVE" = "SHUTOFF"): Promise<Attempt> {
  const next = await s.up();
  expectSuccess(next, true);
  // Nothing left to do is done without a single API call.
  if (next.result!.operations[0].op === "same") expect(next.stats.total).toBe(0);
  expectAtMostOnePostPerServer(next);
  await s.expectConverged(target);
  return next;
}

/** Servers running now, for a program that declares them stopped. */
const running = (ids: readonly string[]) => ids.map((id) => ({ id, status: "ACTIVE" as const }));

async function withEmulator<T>(options: EmulatorOptions, body: (emulator: RunningEmulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ ...FAST, ...options });
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

describe("transport faults", () => {
  it.each([
    ["with Retry-After", { retryAfterSeconds: 1 }],
    ["without Retry-After", { retryAfterSeconds: null }],
  ] as const)("429 APIGW.0308 %s on the action: retried, one job, success", async (label, extra) => {
    const s = await Scenario.start({ name: `throttle-${label.replace(/\W+/g, "-")}`, servers: running(freshIds(3)) });
    await s.inject({ route: "action", kind: "throttle", times: 2, ...extra });
    const first = await s.up();
    expectSuccess(first);
    expect(first.stats.answers).toMatchObject({ "POST action 429": 2, "POST action 200": 1 });
    expect(s.fleet().outputs.jobs).toHaveLength(1);
    expectAtMostOnePostPerServer(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("202 Common.0024 without job_id: a throttle in disguise, retried, one job", async () => {
    const s = await Scenario.start({ name: "accepted-no-job", servers: running(freshIds(2)) });
    await s.inject({ route: "action", kind: "accepted-no-job", times: 2 });
    const first = await s.up();
    expectSuccess(first);
    expect(first.stats.answers).toMatchObject({ "POST action 202": 2, "POST action 200": 1 });
    expectAtMostOnePostPerServer(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it.each([500, 502, 503] as const)(
    "%i on the action: never re-posted; the servers are re-read and reported; the next up converges",
    async (status) => {
      const ids = freshIds(2);
      const s = await Scenario.start({ name: `action-${status}`, servers: running(ids), inputs: { timeoutSeconds: 4 } });
      await s.inject({ route: "action", kind: "server-error", status });
      const first = await s.up();
      expect(first.stats.requests["POST action"]).toBe(1);
      expectFailureNaming(first, ids, /: ECS_AMBIGUOUS_SUBMIT: the os-stop call for this server got no answer and the server has not moved.*run pulumi up again/);
      await s.expectStateTellsTheTruth();
      await expectNextUpConverges(s);
    },
  );

  it.each(["job", "list"] as const)("500, 502 and 503 on %s: reads are retried; success", async (route) => {
    const s = await Scenario.start({ name: `get-5xx-${route}`, servers: running(freshIds(2)) });
    for (const status of [500, 502, 503] as const) await s.inject({ route, kind: "server-error", status });
    const first = await s.up();
    expectSuccess(first);
    for (const status of [500, 502, 503]) expect(first.stats.answers[`GET ${route} ${status}`]).toBe(1);
    expectAtMostOnePostPerServer(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("500, 502 and 503 on IAM's project lookup (region only, no project id): retried; success", async () => {
    const s = await Scenario.start({
      name: "projects-5xx",
      servers: running(freshIds(2)),
      config: { "huaweicloud:projectId": "", "huaweicloud:region": "cn-north-4", "huaweicloud:iamEndpoint": shared.url },
    });
    for (const status of [500, 502, 503] as const) await s.inject({ route: "projects", kind: "server-error", status });
    const first = await s.up();
    expectSuccess(first);
    expect(first.stats.answers).toMatchObject({ "GET projects 500": 1, "GET projects 502": 1, "GET projects 503": 1, "GET projects 200": 1 });
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("a connection reset before the action is processed: not re-posted, re-read, reported; the next up sends it once", async () => {
    const ids = freshIds(2);
    const s = await Scenario.start({ name: "reset-before", servers: running(ids), inputs: { timeoutSeconds: 4 } });
    await s.inject({ route: "action", kind: "reset" });
    const first = await s.up();
    expect(first.stats.requests["POST action"]).toBe(1);
    expect(first.stats.submissionsPerServer).toEqual({});
    expectFailureNaming(first, ids, /: ECS_AMBIGUOUS_SUBMIT: .*has not moved, so it may not have been accepted; it was not sent again/);
    expect(first.stats.requests["GET list"]).toBeGreaterThanOrEqual(2);
    await s.expectStateTellsTheTruth();
    await expectNextUpConverges(s);
  });

  it("a connection reset after the action was accepted: not re-posted; the servers are followed to the end; success", async () => {
    const s = await Scenario.start({ name: "reset-after", servers: running(freshIds(3)) });
    await s.inject({ route: "action", kind: "reset", afterProcessing: true });
    const first = await s.up();
    expectSuccess(first);
    expect(first.stats.requests["POST action"]).toBe(1);
    expectAtMostOnePostPerServer(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("connection resets on job and list reads: retried; success", async () => {
    const s = await Scenario.start({ name: "reset-gets", servers: running(freshIds(2)) });
    await s.inject({ route: "job", kind: "reset" }, { route: "list", kind: "reset" });
    const first = await s.up();
    expectSuccess(first);
    expect(first.stats.answers).toMatchObject({ "GET job reset": 1, "GET list reset": 1 });
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("an action answer slower than the client's timeout: not re-posted; the accepted job's servers are followed; success", async () => {
    const s = await Scenario.start({
      name: "slow-action",
      servers: running(freshIds(2)),
      config: { "huaweicloud:ecsRequestTimeoutSeconds": "1" },
    });
    await s.inject({ route: "action", kind: "delay", delayMs: 2500 });
    const first = await s.up();
    expectSuccess(first);
    expect(first.stats.requests["POST action"]).toBe(1);
    expectAtMostOnePostPerServer(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("job and list answers slower than the client's timeout: retried; success", async () => {
    const s = await Scenario.start({
      name: "slow-gets",
      servers: running(freshIds(2)),
      config: { "huaweicloud:ecsRequestTimeoutSeconds": "1" },
    });
    await s.inject({ route: "list", kind: "delay", delayMs: 2500 }, { route: "job", kind: "delay", delayMs: 2500 });
    const first = await s.up();
    expectSuccess(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("a malformed JSON answer to the action: not re-posted (it may have been accepted); followed; success", async () => {
    const s = await Scenario.start({ name: "malformed-action", servers: running(freshIds(2)) });
    await s.inject({ route: "action", kind: "malformed-json" });
    const first = await s.up();
    expectSuccess(first);
    expect(first.stats.requests["POST action"]).toBe(1);
    expectAtMostOnePostPerServer(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("malformed JSON answers to job and list reads: retried; success", async () => {
    const s = await Scenario.start({ name: "malformed-gets", servers: running(freshIds(2)) });
    await s.inject({ route: "list", kind: "malformed-json" }, { route: "job", kind: "malformed-json" });
    const first = await s.up();
    expectSuccess(first);
    // The job is read again after the garbled answer, not given up on.
    expect(first.stats.requests["GET job"]).toBeGreaterThanOrEqual(2);
    expect(s.fleet().outputs.jobs.map((j) => j.status)).toEqual(["SUCCESS"]);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("the emulator goes away mid-operation for longer than the client's retries, and comes back: success", async () => {
    const s = await Scenario.start({ name: "outage", servers: running(freshIds(3)), inputs: { timeoutSeconds: 60 } });
    const first = await s.up(async (admin) => {
      // Away as soon as the action is accepted: every job poll and list fails until it is back.
      for (let i = 0; i < 600 && ((await admin.stats()).requests["POST action"] ?? 0) === 0; i += 1) await delay(25);
      await s.emulator.suspend();
      await delay(9000); // the client's five attempts back off 0.5+1+2+4 s at most
      await s.emulator.resume();
    });
    expectSuccess(first);
    expect(first.stats.requests["POST action"]).toBe(1);
    expectAtMostOnePostPerServer(first);
    // Which read meets the outage first depends on the retries' jitter: the job's (tried again next
    // round), or the list's (the same); either way the job is followed to its end.
    expect(first.result!.hostOutput.join("\n")).toMatch(/cannot read (job \w+ \(ECS_NETWORK: .*ECONNREFUSED.*\); trying again|the servers .*trying again until the 60s deadline)/);
    expect(s.fleet().outputs.jobs.map((j) => j.status)).toEqual(["SUCCESS"]);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("a server list failing past the client's own retries (five 503s in a row): retried at the polling pace; success", async () => {
    const s = await Scenario.start({ name: "list-exhausted", servers: running(freshIds(2)), inputs: { timeoutSeconds: 60 } });
    const first = await s.up(async (admin) => {
      for (let i = 0; i < 600 && ((await admin.stats()).requests["POST action"] ?? 0) === 0; i += 1) await delay(25);
      await admin.injectFault({ route: "list", kind: "server-error", status: 503, times: 5 });
    });
    expectSuccess(first);
    expect(first.stats.answers["GET list 503"]).toBe(5);
    expect(first.result!.hostOutput.join("\n")).toMatch(/cannot read the servers \(APIGW\.0203: listing 2 servers: The backend service is unavailable\. \(request id [0-9a-f]{32}\) .*\); trying again until the 60s deadline/);
    expectAtMostOnePostPerServer(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });
});

describe("job faults", () => {
  it("the whole job FAILs: every server is named with the job's code; the next up converges", async () => {
    const ids = freshIds(3);
    const s = await Scenario.start({ name: "job-fail", servers: running(ids) });
    await s.inject({ kind: "fail-job", errorCode: "Ecs.0611", reason: "Batch operation failed." });
    const first = await s.up();
    expectFailureNaming(first, ids, /: Ecs\.0611: Batch operation failed\./);
    expectAtMostOnePostPerServer(first);
    await s.expectStateTellsTheTruth();
    await expectNextUpConverges(s);
  });

  it("one sub-job failing among a hundred and more: only that server is named; the next up sends only it", async () => {
    // 120: a partial failure's properties travel in one gRPC trailer, which this harness's HTTP/2
    // client caps at 64 KiB (the engine takes 16 MiB); about 130 servers' records fit, 200 do not.
    const ids = freshIds(120);
    const bad = ids[77];
    const s = await Scenario.start({ name: "one-of-hundreds", servers: running(ids) });
    await s.inject({ serverId: bad, kind: "fail-subjob", errorCode: "Ecs.1000", reason: "Nova could not power off the instance" });
    const first = await s.up();
    expectFailureNaming(first, [bad], /: Ecs\.1000: Nova could not power off the instance$/);
    expect(first.stats.requests["POST action"]).toBe(1);
    expectAtMostOnePostPerServer(first);
    await s.expectStateTellsTheTruth();
    const next = await expectNextUpConverges(s);
    expect(next.stats.submissionsPerServer).toEqual({ [bad]: 1 });
  });

  it("a job stuck in RUNNING past the deadline: the server is named with TIMEOUT; never re-posted; the next up waits, then converges", async () => {
    const ids = freshIds(2);
    const s = await Scenario.start({ name: "job-stuck", servers: running(ids), inputs: { timeoutSeconds: 3 } });
    await s.inject({ serverId: ids[0], kind: "stuck" });
    const first = await s.up();
    expectFailureNaming(first, [ids[0]], /: TIMEOUT: not SHUTOFF after 3s: it is ACTIVE \(powering-off\), job \w+ is RUNNING; run pulumi up again/);
    expectAtMostOnePostPerServer(first);
    await s.expectStateTellsTheTruth();
    // Still stuck: the next up does not send it again, it waits, and fails the same way.
    const again = await s.up();
    expect(again.stats.requests["POST action"]).toBeUndefined();
    expectFailureNaming(again, [ids[0]], /: TIMEOUT: not SHUTOFF after 3s: it is ACTIVE \(powering-off\)/);
    await s.admin.setServer(ids[0], { status: "SHUTOFF" }); // the transition finally ends
    const next = await expectNextUpConverges(s);
    expect(next.stats.submissionsPerServer).toEqual({});
  });

  it("an expired job id (Common.0011): the servers are followed through the server list; success", async () => {
    const s = await Scenario.start({ name: "job-expired", servers: running(freshIds(2)) });
    await s.inject({ route: "job", kind: "expired-job", times: 1000 });
    const first = await s.up();
    expectSuccess(first);
    expect(first.stats.answers["GET job 400"]).toBeGreaterThanOrEqual(1);
    expect(s.fleet().outputs.jobs.map((j) => j.status)).toEqual(["UNKNOWN"]);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("PENDING_PAYMENT: not terminal; waited through; success", async () => {
    const s = await Scenario.start({ name: "pending-payment", servers: running(freshIds(2)) });
    await s.inject({ route: "job", kind: "pending-payment", times: 2 });
    const first = await s.up();
    expectSuccess(first);
    // Read while pending (no sub-jobs to go by), then again once it showed its real state.
    expect(first.stats.requests["GET job"]).toBeGreaterThanOrEqual(3);
    expect(s.fleet().outputs.jobs.map((j) => j.status)).toEqual(["SUCCESS"]);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });
});

describe("server faults", () => {
  it("a server deleted between plan and action (404 Ecs.0114): named; the others converge; dropping it converges", async () => {
    const ids = freshIds(3);
    const s = await Scenario.start({ name: "vanished", servers: running(ids) });
    await s.inject({ serverId: ids[1], kind: "vanish" });
    const first = await s.up();
    expectFailureNaming(first, [ids[1]], /: Ecs\.0114: /);
    expectAtMostOnePostPerServer(first);
    expect(first.stats.submissionsPerServer).toEqual({ [ids[0]]: 1, [ids[2]]: 1 });
    expect(first.stats.answers).toMatchObject({ "POST action 404": 1, "POST action 200": 1 });
    await s.expectStateTellsTheTruth();
    s.session.config[`${PACKAGED_PROJECT}:serverIds`] = JSON.stringify([ids[0], ids[2]]);
    s.ids.splice(1, 1);
    const next = await expectNextUpConverges(s);
    expect(next.stats.submissionsPerServer).toEqual({});
  });

  it("a locked server (Ecs.0605): named with what to do; the others converge; after unlocking, the next up converges", async () => {
    const ids = freshIds(3);
    const s = await Scenario.start({ name: "locked", servers: [...running(ids.slice(0, 2)), { id: ids[2], status: "ACTIVE", locked: true }] });
    const first = await s.up();
    expectFailureNaming(first, [ids[2]], /: Ecs\.0605: server is locked, so it cannot be stopped: unlock it, then run pulumi up again$/);
    expectAtMostOnePostPerServer(first);
    await s.expectStateTellsTheTruth();
    await s.admin.setServer(ids[2], { locked: false });
    const next = await expectNextUpConverges(s);
    expect(next.stats.submissionsPerServer).toEqual({ [ids[2]]: 1 });
  });

  it.each(["reject", "fail-subjob", "noop"] as const)(
    "a server that reached the target state between plan and action, with --already-in-state %s: success",
    async (mode) => {
      await withEmulator({ alreadyInState: mode }, async (emulator) => {
        const ids = freshIds(3);
        const s = await Scenario.start({ name: `already-${mode}`, servers: running(ids), emulator });
        await s.inject({ serverId: ids[0], kind: "drift", status: "SHUTOFF" });
        const first = await s.up();
        expectSuccess(first);
        expectAtMostOnePostPerServer(first);
        expect((await s.admin.pendingFaults()).server).toEqual([]); // the drift did happen
        if (mode === "reject") {
          // The call naming it was refused whole; it was re-read and left out of the call sent again.
          expect(first.stats.answers).toMatchObject({ "POST action 400": 1, "POST action 200": 1 });
          expect(first.stats.submissionsPerServer).toEqual({ [ids[1]]: 1, [ids[2]]: 1 });
        } else {
          // Accepted with it; its sub-job FAILed Ecs.0100 (fail-subjob) or did nothing (noop).
          expect(first.stats.answers).toMatchObject({ "POST action 200": 1 });
          expect(first.stats.submissionsPerServer).toEqual({ [ids[0]]: 1, [ids[1]]: 1, [ids[2]]: 1 });
          expect(s.fleet().outputs.jobs.map((j) => j.status)).toEqual([mode === "noop" ? "SUCCESS" : "FAIL"]);
        }
        await s.expectConverged();
        await expectNextUpConverges(s);
      });
    },
  );

  it("a start that never finishes (stuck): named with TIMEOUT; the next up converges once it ends", async () => {
    const ids = freshIds(2);
    const s = await Scenario.start({
      name: "start-stuck",
      servers: ids.map((id) => ({ id, status: "SHUTOFF" as const })),
      inputs: { state: "running", timeoutSeconds: 3 },
    });
    await s.inject({ serverId: ids[1], kind: "stuck" });
    const first = await s.up();
    expectFailureNaming(first, [ids[1]], /: TIMEOUT: not ACTIVE after 3s: it is SHUTOFF \(powering-on\)/);
    expectAtMostOnePostPerServer(first);
    await s.expectStateTellsTheTruth();
    await s.admin.setServer(ids[1], { status: "ACTIVE" });
    await expectNextUpConverges(s, "ACTIVE");
  });

  it("a SOFT stop the guest ignores, with hardStopAfterSeconds: one SOFT then one HARD for that server only; success", async () => {
    const ids = freshIds(2);
    const s = await Scenario.start({ name: "soft-ignored", servers: running(ids), inputs: { hardStopAfterSeconds: 1 } });
    await s.inject({ serverId: ids[0], kind: "stuck" });
    const first = await s.up();
    expectSuccess(first);
    expect(first.stats.submissionsPerServer).toEqual({ [ids[0]]: 2, [ids[1]]: 1 });
    expect(s.fleet().outputs.jobs.map((j) => [j.type, j.serverIds])).toEqual([
      ["SOFT", ids],
      ["HARD", [ids[0]]],
    ]);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });
});

describe("auth faults", () => {
  it("a wrong secret key (401): one request, not retried, named with what to check; the next up with the right key converges", async () => {
    const ids = freshIds(2);
    const s = await Scenario.start({
      name: "wrong-key",
      servers: running(ids),
      config: { "huaweicloud:secretKey": "wrongSecretKey000000000000000000000000000" },
    });
    const first = await s.up();
    expect(first.stats.total).toBe(1);
    const reasons = expectFailureNaming(first, ids, /: APIGW\.0301: .*request id [0-9a-f]{32}.*check the access key \/ secret key.*5 failures in a row lock the access key/);
    expect(reasons.join("\n")).not.toContain("wrongSecretKey");
    expect(s.fleet().outputs.servers[ids[0]]).toMatchObject({ status: null, error: { code: "APIGW.0301" } });
    s.session.config["huaweicloud:secretKey"] = DEFAULT_EMULATOR_CREDENTIALS.secretKey;
    await expectNextUpConverges(s);
  });

  it("clock skew over 15 minutes (401): one request, the hint says to fix the clock; once fixed, the next up converges", async () => {
    let skewMs = 20 * 60_000;
    await withEmulator({ clockMs: () => Date.now() + skewMs }, async (emulator) => {
      const ids = freshIds(2);
      const s = await Scenario.start({ name: "clock-skew", servers: running(ids), emulator });
      const first = await s.up();
      expect(first.stats.total).toBe(1);
      expectFailureNaming(first, ids, /: APIGW\.0301: .*this machine's clock is about 20 minutes off the server's.*fix the clock/);
      skewMs = 0;
      await expectNextUpConverges(s);
    });
  });

  it("a 403 policy denial on the action: not retried; each server named with the IAM action to grant; the next up converges", async () => {
    const ids = freshIds(2);
    const s = await Scenario.start({ name: "forbidden", servers: running(ids) });
    await s.inject({ route: "action", kind: "forbidden" });
    const first = await s.up();
    expect(first.stats.requests["POST action"]).toBe(1);
    expectFailureNaming(first, ids, /: Pdp\.0001: .*grant the IAM action ecs:cloudServers:stop/);
    expectAtMostOnePostPerServer(first);
    await s.expectStateTellsTheTruth();
    await expectNextUpConverges(s);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
