/** The fault matrix, transport faults (docs/reliability.md, "Faults › Transport"); the kit says what each row pins. */
import {
  delay,
  expectSucceededAndConverged,
  expectAtMostOnePostPerServer,
  expectFailureNaming,
  expectFaultsServed,
  expectNextUpConverges,
  expectSuccess,
  freshIds,
  running,
  Scenario,
  setUpFaultMatrix,
} from "./faultScenario";

const { emulator } = setUpFaultMatrix();

/**
 * A 5xx on the action through Pulumi's host: a JSON error (500) and a proxy's HTML page (503) by default;
 * `FAULT_MATRIX_FULL=1` adds the gateway's 502 and 504, JSON like the 500 (each status's code and request id
 * are kept by the client: tests/client/faults.test.ts).
 */
const ACTION_5XX = process.env.FAULT_MATRIX_FULL === "1" ? ([500, 502, 503, 504] as const) : ([500, 503] as const);

describe("transport faults", () => {
  it.each([
    ["with Retry-After", { retryAfterSeconds: 1 }],
    ["without Retry-After", { retryAfterSeconds: null }],
  ] as const)("429 APIGW.0308 %s on the action: retried, one job, success", async (label, extra) => {
    const s = await Scenario.start({ name: `throttle-${label.replace(/\W+/g, "-")}`, servers: running(freshIds(3)) });
    await s.inject({ route: "action", kind: "throttle", times: 2, ...extra });
    const first = await s.up();
    await expectFaultsServed(s);
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
    await expectFaultsServed(s);
    expectSuccess(first);
    expect(first.stats.answers).toMatchObject({ "POST action 202": 2, "POST action 200": 1 });
    expectAtMostOnePostPerServer(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it.each(ACTION_5XX)(
    "%i on the action: never re-posted; the servers are re-read and reported; the next up converges",
    async (status) => {
      const ids = freshIds(2);
      const s = await Scenario.start({
        name: `action-${status}`,
        servers: running(ids),
        inputs: { timeoutSeconds: 4 },
      });
      await s.inject({ route: "action", kind: "server-error", status });
      const first = await s.up();
      await expectFaultsServed(s);
      expect(first.stats.requests["POST action"]).toBe(1);
      expectFailureNaming(
        first,
        ids,
        /: ECS_AMBIGUOUS_SUBMIT: the os-stop call for this server got no answer and the server has not moved.*run pulumi up again/,
      );
      await s.expectStateTellsTheTruth();
      await expectNextUpConverges(s);
    },
  );

  it.each(["job", "list"] as const)("500, 502, 503 and 504 on %s: reads are retried; success", async (route) => {
    const s = await Scenario.start({ name: `get-5xx-${route}`, servers: running(freshIds(2)) });
    for (const status of [500, 502, 503, 504] as const) await s.inject({ route, kind: "server-error", status });
    const first = await s.up();
    await expectFaultsServed(s);
    expectSuccess(first);
    for (const status of [500, 502, 503, 504]) expect(first.stats.answers[`GET ${route} ${status}`]).toBe(1);
    expectAtMostOnePostPerServer(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("500, 502 and 503 on IAM's project lookup (region only, no project id): retried; success", async () => {
    const s = await Scenario.start({
      name: "projects-5xx",
      servers: running(freshIds(2)),
      config: {
        "huaweicloud:projectId": "",
        "huaweicloud:region": "cn-north-4",
        "huaweicloud:iamEndpoint": emulator().url,
      },
    });
    for (const status of [500, 502, 503] as const) await s.inject({ route: "projects", kind: "server-error", status });
    const first = await s.up();
    await expectFaultsServed(s);
    expectSuccess(first);
    expect(first.stats.answers).toMatchObject({
      "GET projects 500": 1,
      "GET projects 502": 1,
      "GET projects 503": 1,
      "GET projects 200": 1,
    });
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("a connection reset before the action is processed: not re-posted, re-read, reported; the next up sends it once", async () => {
    const ids = freshIds(2);
    const s = await Scenario.start({ name: "reset-before", servers: running(ids), inputs: { timeoutSeconds: 4 } });
    await s.inject({ route: "action", kind: "reset" });
    const first = await s.up();
    await expectFaultsServed(s);
    expect(first.stats.requests["POST action"]).toBe(1);
    expect(first.stats.submissionsPerServer).toEqual({});
    expectFailureNaming(
      first,
      ids,
      /: ECS_AMBIGUOUS_SUBMIT: .*has not moved, so it may not have been accepted; it was not sent again/,
    );
    expect(first.stats.requests["GET list"]).toBeGreaterThanOrEqual(2);
    await s.expectStateTellsTheTruth();
    await expectNextUpConverges(s);
  });

  it("a connection reset after the action was accepted: not re-posted; the servers are followed to the end; success", async () => {
    const s = await Scenario.start({ name: "reset-after", servers: running(freshIds(3)) });
    await s.inject({ route: "action", kind: "reset", afterProcessing: true });
    const first = await s.up();
    // The connection was dropped, and yet every server was accepted (once).
    expect(first.stats.answers).toEqual(expect.objectContaining({ "POST action reset": 1 }));
    expect(first.stats.answers["POST action 200"]).toBeUndefined();
    expect(first.stats.submissionsPerServer).toEqual(Object.fromEntries(s.ids.map((id) => [id, 1])));
    await expectFaultsServed(s);
    await expectSucceededAndConverged(s, first, 1);
  });

  it("connection resets on job and list reads: retried; success", async () => {
    const s = await Scenario.start({ name: "reset-gets", servers: running(freshIds(2)) });
    await s.inject({ route: "job", kind: "reset" }, { route: "list", kind: "reset" });
    const first = await s.up();
    await expectFaultsServed(s);
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
    // The client gave up after 1 s: the job id never arrived, the servers were followed through the list.
    expect(s.fleet().outputs.jobs).toEqual([]);
    await expectFaultsServed(s);
    await expectSucceededAndConverged(s, first, 1);
  });

  it("job and list answers slower than the client's timeout: retried; success", async () => {
    const s = await Scenario.start({
      name: "slow-gets",
      servers: running(freshIds(2)),
      inputs: { timeoutSeconds: 10 },
      config: { "huaweicloud:ecsRequestTimeoutSeconds": "1" },
    });
    // Each delay outlasts the whole operation's deadline: only a client that gives up after 1 s and
    // reads again can succeed.
    await s.inject({ route: "list", kind: "delay", delayMs: 20_000 }, { route: "job", kind: "delay", delayMs: 20_000 });
    const first = await s.up();
    expectSuccess(first);
    await expectFaultsServed(s);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("a malformed JSON answer to the action: not re-posted (it may have been accepted); followed; success", async () => {
    const s = await Scenario.start({ name: "malformed-action", servers: running(freshIds(2)) });
    await s.inject({ route: "action", kind: "malformed-json" });
    const first = await s.up();
    // The answer could not be read: the job id never arrived, the servers were followed through the list.
    expect(s.fleet().outputs.jobs).toEqual([]);
    await expectFaultsServed(s);
    await expectSucceededAndConverged(s, first, 1);
  });

  it("malformed JSON answers to job and list reads: retried; success", async () => {
    const s = await Scenario.start({ name: "malformed-gets", servers: running(freshIds(2)) });
    await s.inject({ route: "list", kind: "malformed-json" }, { route: "job", kind: "malformed-json" });
    const first = await s.up();
    await expectFaultsServed(s);
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
    expect(first.result!.hostOutput.join("\n")).toMatch(
      /cannot read (job \w+ \(ECS_NETWORK: .*ECONNREFUSED.*\); trying again|the servers .*trying again until the 60s deadline)/,
    );
    expect(s.fleet().outputs.jobs.map((j) => j.status)).toEqual(["SUCCESS"]);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });

  it("a server list failing past the client's own retries (five 502s in a row): retried at the polling pace; success", async () => {
    const s = await Scenario.start({
      name: "list-exhausted",
      servers: running(freshIds(2)),
      inputs: { timeoutSeconds: 60 },
    });
    const first = await s.up(async (admin) => {
      for (let i = 0; i < 600 && ((await admin.stats()).requests["POST action"] ?? 0) === 0; i += 1) await delay(25);
      await admin.injectFault({ route: "list", kind: "server-error", status: 502, times: 5 });
    });
    await expectFaultsServed(s);
    expectSuccess(first);
    expect(first.stats.answers["GET list 502"]).toBe(5);
    expect(first.result!.hostOutput.join("\n")).toMatch(
      /cannot read the servers \(APIGW\.0202: listing 2 servers: Backend unavailable\. \(request id [0-9a-f]{32}\) .*\); trying again until the 60s deadline/,
    );
    expectAtMostOnePostPerServer(first);
    await s.expectConverged();
    await expectNextUpConverges(s);
  });
});
