import type { ConvergeResult, ServerRecord } from "../../provider/converge";
import type { PowerStateInputs } from "../../provider/inputs";
import {
  goalsFor,
  outputsFor,
  partialFailureMessage,
  recordsRead,
  restoreFailureMessage,
} from "../../provider/operation";
import { readRecord } from "../../provider/recorded";
import { missingServerObservation, type ServerObservation } from "../../provider/schemas";

const A = "616fb98f-46ca-475e-917e-2563e5a8cd19";
const B = "726fb98f-46ca-475e-917e-2563e5a8cd20";
const C = "826fb98f-46ca-475e-917e-2563e5a8cd21";
const inputs = (patch: Partial<PowerStateInputs> = {}): PowerStateInputs => ({
  serverIds: [A],
  state: "stopped",
  stopType: "SOFT",
  timeoutSeconds: 900,
  onDelete: "leave",
  ...patch,
});
const target = { endpoint: "https://ecs.cn-north-4.myhuaweicloud.com", projectId: "p".repeat(32) };
const settled: ServerRecord = { status: "SHUTOFF", taskState: null, lastJobId: "j", error: null };
const observed = (id: string, status: string): ServerObservation => ({
  ...missingServerObservation(id),
  found: true,
  status,
});
const result = (patch: Partial<ConvergeResult> = {}): ConvergeResult => ({
  outcome: "SUCCESS",
  servers: { [A]: settled },
  jobs: [],
  failures: [],
  before: { [A]: observed(A, "ACTIVE") },
  ...patch,
});

describe("readRecord", () => {
  it("reads the recorded state as it was written", () => {
    const props = {
      serverIds: [A],
      state: "running",
      servers: { [A]: settled },
      resolvedRegion: null,
      __provider: "x",
    };
    expect(readRecord(props)).toEqual({
      serverIds: [A],
      state: "running",
      servers: { [A]: settled },
      resolvedRegion: null,
    });
  });

  it.each([
    ["a state that is no longer an option", { state: "paused" }],
    ["server ids that are not a list", { serverIds: "a,b" }],
    ["a timeout that is not a number", { timeoutSeconds: "900" }],
    ["initial states that are not strings", { initialStates: { [A]: 1 } }],
  ])("reads %s as absent, never as an error", (_what, props) => {
    expect(readRecord(props)).toEqual({});
  });
});

describe("goalsFor", () => {
  it.each<[string, Partial<PowerStateInputs>, Record<string, unknown> | undefined, Record<string, string>]>([
    [
      "a create: the declared servers, towards the declared state",
      { serverIds: [A, B] },
      undefined,
      { [A]: "stopped", [B]: "stopped" },
    ],
    [
      "leave: a dropped server is not acted on",
      { serverIds: [A] },
      { serverIds: [A, B], initialStates: { [B]: "ACTIVE" } },
      { [A]: "stopped" },
    ],
    [
      "restore: a dropped server goes back to its initial status, one still awaiting its restore too",
      { serverIds: [A], onDelete: "restore", state: "running" },
      { serverIds: [A, B], initialStates: { [A]: "SHUTOFF", [B]: "SHUTOFF", [C]: "ACTIVE" } },
      { [B]: "stopped", [C]: "running", [A]: "running" },
    ],
    [
      "restore: a declared server's goal wins over its initial status",
      { serverIds: [A], onDelete: "restore" },
      { serverIds: [A], initialStates: { [A]: "ACTIVE" } },
      { [A]: "stopped" },
    ],
  ])("%s", (_what, patch, recorded, goals) => {
    expect(goalsFor(inputs(patch), recorded && readRecord(recorded))).toEqual(goals);
  });
});

describe("outputsFor", () => {
  const now = "2026-12-04T00:00:00.000Z";

  it("records the declared servers, their first-seen status, the target, and when it converged", () => {
    expect(outputsFor(inputs(), undefined, result(), target, now)).toEqual({
      outputs: {
        servers: { [A]: settled },
        jobs: [],
        initialStates: { [A]: "ACTIVE" },
        convergedAt: now,
        resolvedEndpoint: target.endpoint,
        resolvedProjectId: target.projectId,
        resolvedRegion: null,
      },
      failures: [],
    });
  });

  it("keeps the recorded initial status and, on failure, the last convergence time", () => {
    const failure = { id: A, code: "Ecs.1000" as const, message: "backend" };
    const record = readRecord({ initialStates: { [A]: "SHUTOFF" }, convergedAt: "before" });
    const { outputs, failures } = outputsFor(inputs(), record, result({ failures: [failure] }), target, now);
    expect(outputs).toMatchObject({ initialStates: { [A]: "SHUTOFF" }, convergedAt: "before" });
    expect(failures).toEqual([failure]);
  });

  it("records no initial status for a server the converger never saw (no list answered before the deadline)", () => {
    const timedOut = { id: A, code: "TIMEOUT" as const, message: "not observed" };
    const unseen = result({ outcome: "TIMEOUT", failures: [timedOut], before: {} });
    const { outputs, failures } = outputsFor(inputs(), undefined, unseen, target, now);
    expect(outputs).toMatchObject({ initialStates: {}, convergedAt: null });
    expect(failures).toEqual([timedOut]);
  });

  it("forgets a dropped server deleted meanwhile, keeps one whose restore failed", () => {
    const gone = { id: B, code: "Ecs.0114" as const, message: "gone" };
    const failed = { id: C, code: "Ecs.1000" as const, message: "backend" };
    const record = readRecord({ initialStates: { [A]: "SHUTOFF", [B]: "ACTIVE", [C]: "ACTIVE" } });
    const { outputs, failures } = outputsFor(inputs(), record, result({ failures: [gone, failed] }), target, now);
    expect(outputs.initialStates).toEqual({ [A]: "SHUTOFF", [C]: "ACTIVE" });
    expect(failures).toEqual([failed]);
  });
});

describe("recordsRead", () => {
  it("keeps the last job, clears the error of a server now settled, keeps it otherwise, and marks one not found", () => {
    const error = { code: "Ecs.1000" as const, message: "backend" };
    const record = readRecord({
      state: "stopped",
      servers: { [A]: { ...settled, error }, [B]: { ...settled, status: "ACTIVE", error } },
    });
    const servers = recordsRead(record, [
      { ...observed(A, "SHUTOFF"), enterpriseProjectId: "0" },
      observed(B, "ACTIVE"),
      missingServerObservation(C),
    ]);
    expect(servers).toEqual({
      [A]: { status: "SHUTOFF", taskState: null, lastJobId: "j", error: null, enterpriseProjectId: "0" },
      [B]: { status: "ACTIVE", taskState: null, lastJobId: "j", error, enterpriseProjectId: null },
      [C]: {
        status: null,
        taskState: null,
        lastJobId: null,
        enterpriseProjectId: null,
        error: {
          code: "Ecs.0114",
          message: "server not found in this project: it may have been deleted; remove it from serverIds",
        },
      },
    });
  });
});

describe("failure messages", () => {
  it("a partial failure: how many of how many servers, towards what, then one line per server", () => {
    expect(
      partialFailureMessage("fleet", inputs({ state: "running" }), 3, ["server a: X: x", "server b: Y: y"], 2),
    ).toBe(
      "ServerPowerState fleet: 2 of 3 servers did not reach their desired state (ACTIVE for the declared ones); " +
        "the stack records what was observed, and the next pulumi up retries only these:\nserver a: X: x\nserver b: Y: y",
    );
  });

  it("a failed restore at delete: the resource stays, one line per server", () => {
    const failures = [{ id: A, code: "Ecs.1000" as const, message: "backend" }];
    expect(restoreFailureMessage("fleet", failures)).toBe(
      "ServerPowerState fleet: could not restore 1 server to their initial state; the resource stays in the stack, " +
        `run pulumi destroy again:\nserver ${A}: Ecs.1000: backend`,
    );
    const two = [...failures, { id: B, code: "Ecs.0605" as const, message: "locked" }];
    expect(restoreFailureMessage("fleet", two)).toBe(
      "ServerPowerState fleet: could not restore 2 servers to their initial state; the resource stays in the stack, " +
        `run pulumi destroy again:\nserver ${A}: Ecs.1000: backend\nserver ${B}: Ecs.0605: locked`,
    );
  });
});
