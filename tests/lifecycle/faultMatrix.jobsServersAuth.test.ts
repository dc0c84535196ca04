/** The fault matrix: job, server and auth faults (docs/reliability.md, "Faults"); the kit says what each row pins. */
import {
  expectAtMostOnePostPerServer,
  expectFailureNaming,
  expectFaultsServed,
  expectNextUpConverges,
  expectSuccess,
  freshIds,
  running,
  Scenario,
  setUpFaultMatrix,
  withEmulator,
} from "./faultScenario";
import { DEFAULT_EMULATOR_CREDENTIALS } from "../../emulator";
import { PACKAGED_PROJECT } from "./lifecycleKit";

setUpFaultMatrix();

describe("job faults", () => {
  it("the whole job FAILs: every server is named with the job's code; the next up converges", async () => {
    const ids = freshIds(3);
    const s = await Scenario.start({ name: "job-fail", servers: running(ids) });
    await s.inject({ kind: "fail-job", errorCode: "Ecs.0611", reason: "Batch operation failed." });
    const first = await s.up();
    await expectFaultsServed(s);
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
    await s.inject({
      serverId: bad,
      kind: "fail-subjob",
      errorCode: "Ecs.1000",
      reason: "Nova could not power off the instance",
    });
    const first = await s.up();
    await expectFaultsServed(s);
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
    await expectFaultsServed(s);
    expectFailureNaming(
      first,
      [ids[0]],
      /: TIMEOUT: not SHUTOFF after 3s: it is ACTIVE \(powering-off\), job \w+ is RUNNING; run pulumi up again/,
    );
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
    await expectFaultsServed(s);
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
    await expectFaultsServed(s);
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
    const s = await Scenario.start({
      name: "locked",
      servers: [...running(ids.slice(0, 2)), { id: ids[2], status: "ACTIVE", locked: true }],
    });
    const first = await s.up();
    expectFailureNaming(
      first,
      [ids[2]],
      /: Ecs\.0605: server is locked, so it cannot be stopped: unlock it, then run pulumi up again$/,
    );
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
        await expectFaultsServed(s);
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
    await expectFaultsServed(s);
    expectFailureNaming(first, [ids[1]], /: TIMEOUT: not ACTIVE after 3s: it is SHUTOFF \(powering-on\)/);
    expectAtMostOnePostPerServer(first);
    await s.expectStateTellsTheTruth();
    await s.admin.setServer(ids[1], { status: "ACTIVE" });
    await expectNextUpConverges(s, "ACTIVE");
  });

  it("a SOFT stop the guest ignores, with hardStopAfterSeconds: one SOFT then one HARD for that server only; success", async () => {
    const ids = freshIds(2);
    const s = await Scenario.start({
      name: "soft-ignored",
      servers: running(ids),
      inputs: { hardStopAfterSeconds: 1 },
    });
    await s.inject({ serverId: ids[0], kind: "stuck" });
    const first = await s.up();
    await expectFaultsServed(s);
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
    const reasons = expectFailureNaming(
      first,
      ids,
      /: APIGW\.0301: .*request id [0-9a-f]{32}.*check the access key \/ secret key.*5 failures in a row lock the access key/,
    );
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
      expectFailureNaming(
        first,
        ids,
        /: APIGW\.0301: .*this machine's clock is about 20 minutes off the server's.*fix the clock/,
      );
      skewMs = 0;
      await expectNextUpConverges(s);
    });
  });

  it("a 403 policy denial on the action: not retried; each server named with the IAM action to grant; the next up converges", async () => {
    const ids = freshIds(2);
    const s = await Scenario.start({ name: "forbidden", servers: running(ids) });
    await s.inject({ route: "action", kind: "forbidden" });
    const first = await s.up();
    await expectFaultsServed(s);
    expect(first.stats.requests["POST action"]).toBe(1);
    expectFailureNaming(first, ids, /: Pdp\.0001: .*grant the IAM action ecs:cloudServers:stop/);
    expectAtMostOnePostPerServer(first);
    await s.expectStateTellsTheTruth();
    await expectNextUpConverges(s);
  });
});
