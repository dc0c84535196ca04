import { describeDiff, diffPowerState, diffRecord } from "../../provider/diff";
import { failureLines } from "../../provider/operation";
import type { ProviderConfig } from "../../provider/settings";

const A = "616fb98f-46ca-475e-917e-2563e5a8cd19";
const B = "726fb98f-46ca-475e-917e-2563e5a8cd20";
const config: ProviderConfig = {
  ecsEndpoint: "https://ecs.cn-north-4.myhuaweicloud.com",
  projectId: "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
};
const inputs = {
  serverIds: [A, B],
  state: "stopped",
  stopType: "SOFT",
  timeoutSeconds: 900,
  onDelete: "leave",
  __provider: "code",
};
const settled = { status: "SHUTOFF", taskState: null, lastJobId: "j", error: null };
const olds = {
  ...inputs,
  servers: { [A]: settled, [B]: settled },
  jobs: [],
  initialStates: { [A]: "ACTIVE", [B]: "SHUTOFF" },
  convergedAt: "2026-11-26T00:00:00.000Z",
  resolvedEndpoint: config.ecsEndpoint,
  resolvedProjectId: config.projectId,
  resolvedRegion: null,
};

describe("diffPowerState", () => {
  it("reports no change when inputs match and every server is settled in the declared status", () => {
    expect(diffPowerState(olds, inputs, config, {})).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it.each([
    ["a server added", { serverIds: [A, B, "826fb98f-46ca-475e-917e-2563e5a8cd21"] }],
    ["a server removed", { serverIds: [A] }],
    ["the state", { state: "running" }],
    ["the stop type", { stopType: "HARD" }],
    ["the timeout", { timeoutSeconds: 60 }],
    ["onDelete", { onDelete: "restore" }],
    ["hardStopAfterSeconds", { hardStopAfterSeconds: 30 }],
    ["the provider code", { __provider: "new code" }],
  ])("changes on %s, in place", (_what, patch) => {
    expect(diffPowerState(olds, { ...inputs, ...patch }, config, {})).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it.each([
    ["drifted to ACTIVE (refresh)", { ...settled, status: "ACTIVE" }],
    ["still in a task", { ...settled, taskState: "powering-off" }],
    ["failed last time", { ...settled, status: "ACTIVE", error: { code: "Ecs.1000", message: "x" } }],
    ["not found", { ...settled, status: null, error: { code: "Ecs.0114", message: "gone" } }],
  ])("changes when a server is %s", (_what, record) => {
    expect(diffPowerState({ ...olds, servers: { ...olds.servers, [B]: record } }, inputs, config, {}).changes).toBe(
      true,
    );
  });

  it("changes when a declared server was never recorded (partial failure before it was seen)", () => {
    expect(diffPowerState({ ...olds, servers: { [A]: settled } }, inputs, config, {}).changes).toBe(true);
  });

  it("replaces, deleting first, when the endpoint or the project changes", () => {
    expect(
      diffPowerState(olds, { ...inputs, endpoint: "https://ecs.cn-north-4.myhuaweicloud.eu" }, config, {}),
    ).toEqual({
      changes: true,
      replaces: ["endpoint"],
      deleteBeforeReplace: true,
    });
    expect(diffPowerState(olds, { ...inputs, projectId: "ffffffffffffffffffffffffffffffff" }, config, {})).toEqual({
      changes: true,
      replaces: ["projectId"],
      deleteBeforeReplace: true,
    });
    // the config moving to another region moves the default endpoint too
    expect(diffPowerState(olds, inputs, { region: "cn-east-3", projectId: config.projectId }, {}).replaces).toEqual([
      "endpoint",
    ]);
  });

  it("cannot tell while inputs are unknown, so reports a change", () => {
    expect(diffPowerState(olds, { ...inputs, serverIds: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, config, {})).toEqual({
      changes: true,
    });
  });
});

describe("diffRecord", () => {
  it("says when only the provider's code changed (the update then makes no API call)", () => {
    const diff = (news: Record<string, unknown>) => diffRecord(olds, news, { config, env: {} });
    expect(diff({ ...inputs, __provider: "new code" })).toMatchObject({ changed: ["__provider"], codeOnly: true });
    expect(diff({ ...inputs, __provider: "new code", timeoutSeconds: 60 })).toMatchObject({
      changed: ["timeoutSeconds", "__provider"],
      codeOnly: false,
    });
    expect(diff(inputs)).toMatchObject({ changed: [], codeOnly: false });
  });

  it("lists the servers an update acts on: not settled in the record, added, removed", () => {
    const C = "826fb98f-46ca-475e-917e-2563e5a8cd21";
    const drifted = { ...olds, servers: { [A]: { ...settled, status: "ACTIVE" }, [B]: settled } };
    expect(diffRecord(drifted, { ...inputs, serverIds: [A, C] }, { config, env: {} })).toMatchObject({
      changed: ["serverIds", "servers"],
      servers: { unsettled: [{ id: A }], added: [C], removed: [B] },
    });
  });
});

describe("failureLines", () => {
  it("gives one line per failed server, then sums up the rest by cause", () => {
    const failures = Array.from({ length: 7 }, (_, i) => ({
      id: `s${i}`,
      code: i < 5 ? ("Ecs.1000" as const) : ("TIMEOUT" as const),
      message: i < 5 ? "backend" : "slow",
    }));
    expect(failureLines(failures, 3)).toEqual([
      "server s0: Ecs.1000: backend",
      "server s1: Ecs.1000: backend",
      "server s2: Ecs.1000: backend",
      "2 more servers (s3, s4): Ecs.1000: backend",
      "2 more servers (s5, s6): TIMEOUT: slow",
    ]);
  });
});

describe("describeDiff", () => {
  const describePlannedChange = (o: Record<string, unknown>, n: Record<string, unknown>) =>
    describeDiff(diffRecord(o, n, { config, env: {} }));

  it("names drifted, added and removed servers from the record alone", () => {
    const C = "826fb98f-46ca-475e-917e-2563e5a8cd21";
    const drifted = { ...olds, servers: { [A]: { ...settled, status: "ACTIVE" }, [B]: settled } };
    expect(describePlannedChange(drifted, { ...inputs, serverIds: [A, C] })).toBe(
      `stop or wait for 1 server not SHUTOFF in the record: ${A} (ACTIVE); ` +
        `stop 1 added server unless already SHUTOFF: ${C}; ` +
        `1 server removed, left as they are: ${B}`,
    );
    expect(describePlannedChange(olds, { ...inputs, state: "running", onDelete: "restore", serverIds: [A] })).toBe(
      `start or wait for 1 server not ACTIVE in the record: ${A} (SHUTOFF); 1 server removed, to be restored to their initial status: ${B}`,
    );
    expect(describePlannedChange(olds, { ...inputs, timeoutSeconds: 5 })).toBeUndefined();
  });
});
