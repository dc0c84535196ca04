/**
 * Each lifecycle method of the ServerPowerState provider against the local ECS emulator, over real
 * HTTP (the provider object is called in-process; tests/lifecycle drives it through Pulumi's host).
 */
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, startEmulator } from "../../emulator";
import { EcsClient } from "../../provider/ecsClient";
import type { PowerStateOutputs } from "../../provider/recorded";
import { serverPowerStateProvider as provider, type PartialFailureError } from "../../provider/provider";
import { emulatorPerSuite } from "../emulatorPerSuite";
import { openConnectionsSettled } from "../openConnections";
import { configureProvider } from "./configureProvider";

const { accessKey, secretKey, projectId } = DEFAULT_EMULATOR_CREDENTIALS;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

const handle = emulatorPerSuite({ stopSeconds: 0.2, startSeconds: 0.2 }, [
  { id: id(1), status: "ACTIVE" },
  { id: id(2), status: "ACTIVE" },
  { id: id(3), status: "SHUTOFF" },
  { id: id(4), status: "ACTIVE" },
  { id: id(5), status: "SHUTOFF" },
]);

async function configure(extra: Record<string, string> = {}): Promise<void> {
  await configureProvider(handle.emulator.url, extra);
}

/** check, as the engine runs it before create/update; fails the test on any failure. */
async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await provider.check({}, { __provider: "test", ...news });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

async function actionCalls(): Promise<number> {
  return (await handle.admin.stats()).requests["POST action"] ?? 0;
}

async function statuses(): Promise<Record<string, string>> {
  return Object.fromEntries((await handle.admin.listServers()).map((s) => [s.id, s.status]));
}

beforeEach(async () => {
  await configure();
});

describe("check and diff", () => {
  it("make no API call when preview reads are off (huaweicloud:ecsPreviewReads false)", async () => {
    const inputs = await checked({ serverIds: [id(2), id(1)] });
    await provider.diff("x", { ...inputs, servers: {} }, inputs);
    expect((await handle.admin.stats()).total).toBe(0);
  });

  it("without credentials: preview succeeds and says why there is no live plan; create refuses, naming the keys", async () => {
    await provider.configure({
      config: {
        get: (k: string) => (k === "huaweicloud:ecsEndpoint" ? handle.emulator.url : undefined),
        require: () => "",
      },
    });
    const keys = ["HW_ACCESS_KEY", "HW_SECRET_KEY", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"];
    const saved = keys.map((k) => [k, process.env[k]] as const);
    for (const k of keys) delete process.env[k];
    const lines: string[] = [];
    const spy = jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      const result = await provider.check({}, { serverIds: [id(1)], projectId });
      expect(result.failures).toEqual([]);
      expect(lines.filter((line) => line.includes("live plan"))).toEqual([
        expect.stringMatching(
          /^ServerPowerState: live plan unavailable \(huaweicloud:accessKey is not set \(nor HW_ACCESS_KEY, nor HUAWEICLOUD_SDK_AK\).*; huaweicloud:secretKey is not set \(nor HW_SECRET_KEY, nor HUAWEICLOUD_SDK_SK\).*\); the lines above come from the inputs and the record alone$/,
        ),
      ]);
      await expect(provider.create(result.inputs as Record<string, unknown>)).rejects.toMatchObject({
        code: "CONFIG_INVALID",
        message: expect.stringMatching(
          /^huaweicloud:accessKey is not set \(nor HW_ACCESS_KEY, nor HUAWEICLOUD_SDK_AK\)[^\n]*\nhuaweicloud:secretKey is not set \(nor HW_SECRET_KEY, nor HUAWEICLOUD_SDK_SK\)/,
        ),
      });
      expect((await handle.admin.stats()).total).toBe(0);
    } finally {
      spy.mockRestore();
      for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
    }
  });

  it("reject a plain-http endpoint that is not loopback", async () => {
    const result = await provider.check({}, { serverIds: [id(1)], endpoint: "http://ecs.example.com" });
    expect(result.failures).toEqual([{ property: "endpoint", reason: expect.stringMatching(/https/) }]);
  });
});

describe("create", () => {
  it("stops a mixed fleet, acting only on the running servers, and records the truth", async () => {
    const inputs = await checked({ serverIds: [id(4), id(1), id(2), id(3), id(1)] });
    const { id: resourceId, outs } = await provider.create(inputs);
    const o = outs as PowerStateOutputs;
    expect(resourceId).toMatch(/^sps-/);
    expect(o.serverIds).toEqual([id(1), id(2), id(3), id(4)]);
    for (const n of [1, 2, 3, 4])
      expect(o.servers[id(n)]).toMatchObject({ status: "SHUTOFF", taskState: null, error: null });
    expect(o.servers[id(3)].lastJobId).toBeNull();
    expect(o.jobs).toHaveLength(1);
    expect(o.jobs[0]).toMatchObject({
      action: "os-stop",
      type: "SOFT",
      status: "SUCCESS",
      serverIds: [id(1), id(2), id(4)],
    });
    expect(o.jobs[0].endTime).toMatch(/Z$/);
    expect(o.servers[id(1)].lastJobId).toBe(o.jobs[0].jobId);
    expect(o.initialStates).toEqual({ [id(1)]: "ACTIVE", [id(2)]: "ACTIVE", [id(3)]: "SHUTOFF", [id(4)]: "ACTIVE" });
    expect(Date.parse(o.convergedAt!)).not.toBeNaN();
    expect(await actionCalls()).toBe(1);
    expect(await statuses()).toMatchObject({ [id(1)]: "SHUTOFF", [id(2)]: "SHUTOFF", [id(4)]: "SHUTOFF" });
    // outputs are stored in plain text in the stack: never a credential
    expect(JSON.stringify(outs)).not.toContain(secretKey);
    expect(JSON.stringify(outs)).not.toContain(accessKey);
  });

  /** The stack config of a project looked up through IAM: a region, no project id. */
  const configureWithoutProject = () =>
    provider.configure({
      config: {
        get: (key: string) =>
          ({
            "huaweicloud:accessKey": accessKey,
            "huaweicloud:secretKey": secretKey,
            "huaweicloud:region": DEFAULT_EMULATOR_CREDENTIALS.region,
            "huaweicloud:ecsEndpoint": handle.emulator.url,
            "huaweicloud:iamEndpoint": handle.emulator.url,
            "huaweicloud:ecsPreviewReads": "false", // the lookups counted are the up's
          })[key],
        require: () => "",
      },
    });

  it("looks the project id up from the region through IAM when none is configured", async () => {
    await configureWithoutProject();
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(3)] }));
    expect(outs).toMatchObject({ resolvedProjectId: projectId, resolvedRegion: DEFAULT_EMULATOR_CREDENTIALS.region });
    expect((await handle.admin.stats()).requests["GET projects"]).toBe(1);
    // The next up (a new provider process, configured afresh): an update in the same region reuses the
    // project its record names, with no lookup.
    await configureWithoutProject();
    await provider.update!(rid, { __provider: "test", ...outs }, await checked({ serverIds: [id(3), id(5)] }));
    expect((await handle.admin.stats()).requests["GET projects"]).toBe(1);
  });

  it("an update is never acted on with a project looked up for another region (diff replaces; this guard stands behind it)", async () => {
    await configureWithoutProject();
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(3)] }));
    await configureWithoutProject();
    const moved = await checked({ serverIds: [id(3)], region: "cn-south-1" });
    await expect(provider.update!(rid, { __provider: "test", ...outs }, moved)).rejects.toThrow(
      /^finding the project id of region cn-south-1 failed: no project named cn-south-1/,
    );
    expect((await handle.admin.stats()).requests["GET projects"]).toBe(2);
    expect(await actionCalls()).toBe(0);
  });

  it("a project looked up for one region is never used for another in the same run", async () => {
    await configureWithoutProject();
    await provider.create(await checked({ serverIds: [id(3)] }));
    // The emulator's IAM knows one region only: the other's lookup finds no project, and says so.
    await expect(provider.create(await checked({ serverIds: [id(3)], region: "cn-south-1" }))).rejects.toThrow(
      /^finding the project id of region cn-south-1 failed: no project named cn-south-1 among the 0 projects/,
    );
    expect((await handle.admin.stats()).requests["GET projects"]).toBe(2);
    expect(await actionCalls()).toBe(0);
  });

  it("adopts servers already in the declared state without any action", async () => {
    const { outs } = await provider.create(await checked({ serverIds: [id(3), id(5)] }));
    expect((outs as PowerStateOutputs).jobs).toEqual([]);
    expect(await actionCalls()).toBe(0);
  });

  it("waits for a server already stopping instead of sending it the action again", async () => {
    // Someone else's stop is under way on id(1), and takes a while.
    await handle.admin.injectFault({ serverId: id(1), kind: "stuck" });
    const other = new EcsClient({ endpoint: handle.emulator.url, projectId, credentials: { accessKey, secretKey } });
    await other.batchAction("os-stop", [id(1)]);
    await other.close();
    const finishLater = new Promise((resolve) => setTimeout(resolve, 1500)).then(() =>
      handle.admin.setServer(id(1), { status: "SHUTOFF" }),
    );
    const { outs } = await provider.create(await checked({ serverIds: [id(1)] }));
    await finishLater;
    expect((outs as PowerStateOutputs).servers[id(1)]).toMatchObject({
      status: "SHUTOFF",
      taskState: null,
      lastJobId: null,
    });
    expect((outs as PowerStateOutputs).jobs).toEqual([]);
    expect(await actionCalls()).toBe(1);
  });
});

describe("update", () => {
  async function created(news: Record<string, unknown>): Promise<{ rid: string; outs: Record<string, unknown> }> {
    const { id: rid, outs } = await provider.create(await checked(news));
    return { rid, outs: { __provider: "test", ...outs } };
  }

  it("stops only the servers added; leaves removed ones as they are", async () => {
    const { rid, outs } = await created({ serverIds: [id(1), id(3)] });
    await handle.admin.reset();
    const news = await checked({ serverIds: [id(2), id(3), id(4)] });
    expect((await provider.diff(rid, outs, news)).changes).toBe(true);
    const { outs: after } = await provider.update!(rid, outs, news);
    const o = after as PowerStateOutputs;
    expect(o.jobs).toHaveLength(1);
    expect(o.jobs[0].serverIds).toEqual([id(2), id(4)]);
    expect(Object.keys(o.servers).sort()).toEqual([id(2), id(3), id(4)]);
    expect(o.initialStates).toEqual({ [id(2)]: "ACTIVE", [id(3)]: "SHUTOFF", [id(4)]: "ACTIVE" });
    expect((await statuses())[id(1)]).toBe("SHUTOFF");
  });

  it("starts them when the state switches to running", async () => {
    const { rid, outs } = await created({ serverIds: [id(1), id(3)] });
    const { outs: after } = await provider.update!(
      rid,
      outs,
      await checked({ serverIds: [id(1), id(3)], state: "running" }),
    );
    const o = after as PowerStateOutputs;
    expect(o.jobs.map((j) => [j.action, j.type, j.serverIds])).toEqual([["os-start", null, [id(1), id(3)]]]);
    expect(o.servers[id(1)].status).toBe("ACTIVE");
    expect(o.initialStates).toEqual({ [id(1)]: "ACTIVE", [id(3)]: "SHUTOFF" });
  });

  it("after drift found by read, diff asks for an update that acts only on the drifted server", async () => {
    const { rid, outs } = await created({ serverIds: [id(1), id(2), id(3)] });
    const news = await checked({ serverIds: [id(1), id(2), id(3)] });
    expect((await provider.diff(rid, outs, news)).changes).toBe(false);
    await handle.admin.setServer(id(2), { status: "ACTIVE" });
    await handle.admin.reset();
    const read = await provider.read!(rid, outs);
    expect((read.props as PowerStateOutputs).servers[id(2)]).toMatchObject({ status: "ACTIVE", taskState: null });
    // the host adds __provider back to what read returns
    const { __provider: _code, ...declared } = news;
    expect(read.inputs).toEqual(declared);
    expect((await handle.admin.stats()).requests).toEqual({ "GET list": 1 });
    const refreshed = { ...read.props };
    expect((await provider.diff(rid, refreshed, news)).changes).toBe(true);
    const { outs: after } = await provider.update!(rid, refreshed, news);
    expect((after as PowerStateOutputs).jobs.map((j) => j.serverIds)).toEqual([[id(2)]]);
  });

  it("persists a new provider code without any API call", async () => {
    const { rid, outs } = await created({ serverIds: [id(1)] });
    await handle.admin.reset();
    const news = { ...(await checked({ serverIds: [id(1)] })), __provider: "new code" };
    expect(await provider.diff(rid, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const { outs: after } = await provider.update!(rid, outs, news);
    expect(after).toMatchObject({ servers: (outs as unknown as PowerStateOutputs).servers, serverIds: [id(1)] });
    expect((await handle.admin.stats()).total).toBe(0);
  });

  it("an endpoint given as a resource input is the one called, whatever the stack config says; a refresh reads where the up acted", async () => {
    const closed = await startEmulator({});
    const nowhere = closed.url;
    await closed.stop();
    await configureProvider(nowhere);
    const { rid, outs } = await created({ serverIds: [id(1)], endpoint: handle.emulator.url });
    expect(outs).toMatchObject({ resolvedEndpoint: handle.emulator.url });
    expect(await actionCalls()).toBe(1);
    await handle.admin.reset();
    await provider.read!(rid, outs);
    expect((await handle.admin.stats()).requests).toEqual({ "GET list": 1 });
  });

  it("replaces (delete first) when the endpoint changes", async () => {
    const { rid, outs } = await created({ serverIds: [id(1)] });
    const news = await checked({ serverIds: [id(1)], endpoint: handle.emulator.url.replace("127.0.0.1", "localhost") });
    expect(await provider.diff(rid, outs, news)).toEqual({
      changes: true,
      replaces: ["endpoint"],
      deleteBeforeReplace: true,
    });
  });
});

describe("failures", () => {
  it("a failed sub-job names the server, its code and reason; the rest converge; the next update retries only it", async () => {
    await handle.admin.injectFault({
      serverId: id(2),
      kind: "fail-subjob",
      errorCode: "Ecs.1000",
      reason: "hypervisor said no",
    });
    const inputs = await checked({ serverIds: [id(1), id(2), id(3)] });
    const error = await provider.create(inputs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "PARTIAL_FAILURE", message: expect.stringContaining("did not reach") });
    const failure = error as PartialFailureError;
    expect(failure.id).toMatch(/^sps-/);
    expect(failure.reasons).toEqual([`server ${id(2)}: Ecs.1000: hypervisor said no`]);
    expect(failure.message).toContain("1 of 3 servers did not reach");
    const props = failure.properties as unknown as PowerStateOutputs & { __provider: string };
    expect(props.__provider).toBe("test");
    expect(props.servers[id(1)]).toMatchObject({ status: "SHUTOFF", error: null });
    expect(props.servers[id(2)]).toMatchObject({
      status: "ACTIVE",
      error: { code: "Ecs.1000", message: "hypervisor said no" },
    });
    expect(props.convergedAt).toBeNull();

    const news = await checked({ serverIds: [id(1), id(2), id(3)] });
    expect((await provider.diff(failure.id, failure.properties, news)).changes).toBe(true);
    await handle.admin.reset();
    const { outs } = await provider.update!(failure.id, failure.properties, news);
    const o = outs as PowerStateOutputs;
    expect(o.jobs.map((j) => j.serverIds)).toEqual([[id(2)]]);
    expect(o.servers[id(2)]).toMatchObject({ status: "SHUTOFF", error: null });
    expect(o.initialStates[id(2)]).toBe("ACTIVE");
    expect(o.convergedAt).not.toBeNull();
  });

  it("two failed servers: one reason each, in server order, and no credential in what is kept", async () => {
    await handle.admin.injectFault({
      serverId: id(4),
      kind: "fail-subjob",
      errorCode: "Ecs.1000",
      reason: "disk busy",
    });
    await handle.admin.injectFault({
      serverId: id(2),
      kind: "fail-subjob",
      errorCode: "Ecs.1001",
      reason: "host busy",
    });
    const error = (await provider
      .create(await checked({ serverIds: [id(4), id(1), id(2)] }))
      .catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toMatchObject({
      code: "PARTIAL_FAILURE",
      message: expect.stringContaining("2 of 3 servers did not reach"),
    });
    expect(error.reasons).toEqual([`server ${id(2)}: Ecs.1001: host busy`, `server ${id(4)}: Ecs.1000: disk busy`]);
    expect(JSON.stringify(error.properties)).not.toContain(secretKey);
  });

  it("huaweicloud:ecsRequestTimeoutSeconds reaches the client: a list slower than it is given up and sent again", async () => {
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1)] }));
    await configure({ "huaweicloud:ecsRequestTimeoutSeconds": "1" });
    await handle.admin.reset();
    await handle.admin.injectFault({ route: "list", kind: "delay", delayMs: 4000, times: 1 });
    const started = Date.now();
    const read = await provider.read!(rid, { __provider: "test", ...outs });
    expect((read.props as PowerStateOutputs).servers[id(1)]).toMatchObject({ status: "SHUTOFF" });
    expect((await handle.admin.stats()).requests["GET list"]).toBe(2);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("huaweicloud:ecsRequestTimeoutSeconds is in seconds: a list answered well within it is waited for, not sent again", async () => {
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1)] }));
    await configure({ "huaweicloud:ecsRequestTimeoutSeconds": "10" });
    await handle.admin.reset();
    // Longer than undici's coarse (about 1 s) timer tick, so a timeout read as milliseconds would fire.
    await handle.admin.injectFault({ route: "list", kind: "delay", delayMs: 2500, times: 1 });
    const read = await provider.read!(rid, { __provider: "test", ...outs });
    expect((read.props as PowerStateOutputs).servers[id(1)]).toMatchObject({ status: "SHUTOFF" });
    expect((await handle.admin.stats()).requests["GET list"]).toBe(1);
  });

  it("two resources in one run share the servers-per-minute pacing: the second waits for the first's window", async () => {
    await configure({ "huaweicloud:ecsServersPerMinute": "2" });
    await provider.create(await checked({ serverIds: [id(1), id(2)] }));
    const error = (await provider
      .create(await checked({ serverIds: [id(4)], timeoutSeconds: 3 }))
      .catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toMatchObject({ code: "PARTIAL_FAILURE" });
    expect(error.reasons).toEqual([
      `server ${id(4)}: TIMEOUT: not sent: the 3s deadline came first (submissions are paced at the servers-per-minute limit); run pulumi up again, or raise timeoutSeconds`,
    ]);
    expect((await handle.admin.stats()).serversSubmitted).toEqual({ "os-stop": 2 });
  });

  it("a server that does not exist is named, and not sent to the API", async () => {
    const ghost = id(99);
    const error = await provider.create(await checked({ serverIds: [id(1), ghost] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PARTIAL_FAILURE", message: expect.stringContaining("did not reach") });
    expect((error as PartialFailureError).reasons).toEqual([
      expect.stringMatching(new RegExp(`^server ${ghost}: Ecs.0114: server not found`)),
    ]);
    expect(await statuses()).toMatchObject({ [id(1)]: "SHUTOFF" });
  });

  it("a locked server is named with Ecs.0605 and what to do", async () => {
    await handle.admin.setServer(id(1), { locked: true });
    const error = (await provider
      .create(await checked({ serverIds: [id(1), id(2)] }))
      .catch((e: unknown) => e)) as PartialFailureError;
    expect(error.reasons).toEqual([expect.stringMatching(new RegExp(`^server ${id(1)}: Ecs.0605: .*unlock it`))]);
    expect((await statuses())[id(2)]).toBe("SHUTOFF");
  });

  it("a transition that never ends hits the resource's own deadline", async () => {
    await handle.admin.injectFault({ serverId: id(1), kind: "stuck" });
    const error = (await provider
      .create(await checked({ serverIds: [id(1), id(2)], timeoutSeconds: 2 }))
      .catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toMatchObject({ code: "PARTIAL_FAILURE", message: expect.stringContaining("did not reach") });
    expect(error.reasons).toEqual([
      expect.stringMatching(
        new RegExp(
          `^server ${id(1)}: TIMEOUT: not SHUTOFF after 2s: it is ACTIVE \\(powering-off\\), job \\w+ is RUNNING; run pulumi up again`,
        ),
      ),
    ]);
    const props = error.properties as unknown as PowerStateOutputs;
    expect(props.servers[id(2)].status).toBe("SHUTOFF");
  });

  it("hardStopAfterSeconds forces the servers a SOFT stop did not stop, and only those", async () => {
    await handle.admin.injectFault({ serverId: id(1), kind: "stuck" }); // a guest that ignores ACPI
    const { outs } = await provider.create(await checked({ serverIds: [id(1), id(2)], hardStopAfterSeconds: 1 }));
    const o = outs as PowerStateOutputs;
    expect(o.jobs.map((j) => [j.action, j.type, j.serverIds])).toEqual([
      ["os-stop", "SOFT", [id(1), id(2)]],
      ["os-stop", "HARD", [id(1)]],
    ]);
    expect(o.servers[id(1)]).toMatchObject({ status: "SHUTOFF", error: null, lastJobId: o.jobs[1].jobId });
    expect(o.servers[id(2)]).toMatchObject({ status: "SHUTOFF", lastJobId: o.jobs[0].jobId });
    expect(await actionCalls()).toBe(2);
  });

  it("hardStopAfterSeconds also forces a server whose SOFT stop ended without stopping it", async () => {
    await handle.admin.injectFault({
      serverId: id(1),
      kind: "fail-subjob",
      errorCode: "Ecs.1000",
      reason: "guest did not shut down",
    });
    const { outs } = await provider.create(await checked({ serverIds: [id(1)], hardStopAfterSeconds: 1 }));
    const o = outs as PowerStateOutputs;
    expect(o.jobs.map((j) => [j.type, j.status])).toEqual([
      ["SOFT", "FAIL"],
      ["HARD", "SUCCESS"],
    ]);
    expect(o.servers[id(1)]).toMatchObject({ status: "SHUTOFF", error: null });
  });

  it("a HARD stop goes only to servers still running when it falls due", async () => {
    await handle.admin.injectFault({ serverId: id(1), kind: "stuck" });
    // id(2) stops normally long before the HARD stop is due and must not be in the HARD batch
    const { outs } = await provider.create(
      await checked({ serverIds: [id(1), id(2), id(4)], hardStopAfterSeconds: 2 }),
    );
    const o = outs as PowerStateOutputs;
    expect(o.jobs.filter((j) => j.type === "HARD").map((j) => j.serverIds)).toEqual([[id(1)]]);
    expect(o.jobs.find((j) => j.type === "SOFT")).toMatchObject({
      status: "FAIL",
      endTime: expect.stringMatching(/Z$/),
    });
  });

  it("pacing never runs past the deadline: servers not yet sent are reported, not waited for", async () => {
    await configure({ "huaweicloud:ecsServersPerMinute": "2" });
    const error = (await provider
      .create(await checked({ serverIds: [id(1), id(2), id(4)], timeoutSeconds: 3 }))
      .catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toMatchObject({ code: "PARTIAL_FAILURE" });
    expect(error.reasons).toEqual([
      `server ${id(4)}: TIMEOUT: not sent: the 3s deadline came first (submissions are paced at the servers-per-minute limit); run pulumi up again, or raise timeoutSeconds`,
    ]);
    const props = error.properties as unknown as PowerStateOutputs;
    expect(props.servers[id(1)].status).toBe("SHUTOFF");
    expect(await actionCalls()).toBe(1);
  });

  it("huaweicloud:ecsPacingWindowSeconds reaches the client: with a 1-s window the third server is sent well within the deadline", async () => {
    await configure({ "huaweicloud:ecsServersPerMinute": "2", "huaweicloud:ecsPacingWindowSeconds": "1" });
    const { outs } = await provider.create(await checked({ serverIds: [id(1), id(2), id(4)], timeoutSeconds: 30 }));
    const o = outs as PowerStateOutputs;
    expect(Object.values(o.servers).map((r) => [r.status, r.error])).toEqual([
      ["SHUTOFF", null],
      ["SHUTOFF", null],
      ["SHUTOFF", null],
    ]);
    expect(o.jobs.map((j) => j.serverIds.length)).toEqual([2, 1]);
    expect(await actionCalls()).toBe(2);
  });

  it("a job that cannot be read is followed through the servers instead", async () => {
    await handle.admin.injectFault({ route: "job", kind: "server-error", times: 1000 });
    const { outs } = await provider.create(await checked({ serverIds: [id(1), id(2)] }));
    const o = outs as PowerStateOutputs;
    expect(o.servers[id(1)]).toMatchObject({ status: "SHUTOFF", error: null });
    expect(o.jobs).toEqual([expect.objectContaining({ status: "UNKNOWN", serverIds: [id(1), id(2)] })]);
  });

  it("an unanswered call makes only its own chunk ambiguous; the chunks after it are still sent", async () => {
    const many = Array.from({ length: 2500 }, (_, i) => id(10_000 + i));
    const unpaced = await startEmulator({
      stopSeconds: 0.2,
      batchPerMinute: 0,
      servers: many.map((s) => ({ id: s, status: "ACTIVE" as const })),
    });
    try {
      const unpacedAdmin = new EmulatorAdmin(unpaced.url);
      await configure({ "huaweicloud:ecsEndpoint": unpaced.url, "huaweicloud:ecsServersPerMinute": "100000" });
      await unpacedAdmin.injectFault({ route: "action", kind: "reset", times: 1 });
      // Long enough for the two good chunks on a busy machine; far shorter than the 30 s grace of the unanswered one.
      const error = (await provider
        .create(await checked({ serverIds: many, timeoutSeconds: 10 }))
        .catch((e: unknown) => e)) as PartialFailureError;
      const props = error.properties as unknown as PowerStateOutputs;
      const failed = Object.entries(props.servers)
        .filter(([, r]) => r.error)
        .map(([s, r]) => [s, r.error!.code]);
      // the first call carried the first 1000 ids (sorted); it got no answer, so those are reported
      expect(failed).toEqual(many.slice(0, 1000).map((s) => [s, "ECS_AMBIGUOUS_SUBMIT"]));
      expect(props.jobs.map((j) => j.serverIds.length)).toEqual([1000, 500]);
      expect((await unpacedAdmin.stats()).requests["POST action"]).toBe(3);
    } finally {
      await unpaced.stop();
    }
  });

  it("throttling of the action is retried, and each server is submitted once", async () => {
    await handle.admin.injectFault({ route: "action", kind: "throttle", times: 1, retryAfterSeconds: 0 });
    await handle.admin.injectFault({ route: "action", kind: "accepted-no-job", times: 1 });
    const { outs } = await provider.create(await checked({ serverIds: [id(1)] }));
    expect((outs as PowerStateOutputs).servers[id(1)].status).toBe("SHUTOFF");
    expect(await actionCalls()).toBe(3);
    expect((outs as PowerStateOutputs).jobs).toHaveLength(1);
  });

  it("a lost answer to the action is never re-sent blindly; the server is reported", async () => {
    await handle.admin.injectFault({ route: "action", kind: "reset", times: 1 });
    const error = (await provider
      .create(await checked({ serverIds: [id(1)], timeoutSeconds: 3 }))
      .catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toMatchObject({ code: "PARTIAL_FAILURE", message: expect.stringContaining("did not reach") });
    expect(error.reasons[0]).toMatch(new RegExp(`^server ${id(1)}: ECS_AMBIGUOUS_SUBMIT: `));
    expect(await actionCalls()).toBe(1);
  });

  it("a slow answer to the action is waited for, not re-sent", async () => {
    await handle.admin.injectFault({ route: "action", kind: "delay", delayMs: 1500 });
    const { outs } = await provider.create(await checked({ serverIds: [id(1), id(2)] }));
    expect((outs as PowerStateOutputs).jobs).toHaveLength(1);
    expect((outs as PowerStateOutputs).servers[id(2)].status).toBe("SHUTOFF");
    expect(await actionCalls()).toBe(1);
  });

  it("job and list errors are retried (GETs are safe)", async () => {
    await handle.admin.injectFault({ route: "job", kind: "server-error", times: 2 });
    await handle.admin.injectFault({ route: "list", kind: "throttle", times: 1, retryAfterSeconds: 0 });
    const { outs } = await provider.create(await checked({ serverIds: [id(1)] }));
    expect((outs as PowerStateOutputs).servers[id(1)].status).toBe("SHUTOFF");
  });

  it("an endpoint where nothing listens fails at once: read failures are taken as transient only after a read has worked", async () => {
    const closed = await startEmulator({});
    const url = closed.url;
    await closed.stop();
    await configure({ "huaweicloud:ecsEndpoint": url });
    const lines: string[] = [];
    const spy = jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      const error = (await provider
        .create(await checked({ serverIds: [id(1)], timeoutSeconds: 600 }))
        .catch((e: unknown) => e)) as PartialFailureError;
      expect(error.reasons).toEqual([
        expect.stringMatching(
          new RegExp(`^server ${id(1)}: ECS_NETWORK: listing 1 server: connection refused \\(ECONNREFUSED\\)`),
        ),
      ]);
      expect(error.reasons[0]).not.toContain("deadline");
      expect(lines.filter((line) => line.includes("trying again"))).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it("after one 401, no resource of the run sends another call with that key: six resources, one failed call, no lock", async () => {
    await configure({ "huaweicloud:secretKey": "wrongSecretKey000000000000000000000000000" });
    const errors: PartialFailureError[] = [];
    for (let i = 0; i < 6; i += 1) {
      errors.push(
        (await provider.create(await checked({ serverIds: [id(1)] })).catch((e: unknown) => e)) as PartialFailureError,
      );
    }
    expect((await handle.admin.stats()).total).toBe(1);
    expect(errors[0].reasons[0]).toMatch(
      /: APIGW\.0301: listing 1 server: Incorrect IAM authentication information: verify aksk signature fail/,
    );
    for (const error of errors.slice(1)) {
      expect(error.reasons[0]).toMatch(
        /: APIGW\.0301: listing 1 server: not sent: an earlier call with this access key in this run was refused: Incorrect IAM authentication information: verify aksk signature fail .*5 failures in a row lock the access key/,
      );
    }
    // The next run (a new configure) with the right key works: the key was never locked.
    await configure();
    const { outs } = await provider.create(await checked({ serverIds: [id(1)] }));
    expect((outs as PowerStateOutputs).servers[id(1)].status).toBe("SHUTOFF");
  });

  it("wrong credentials fail at once with the gateway's code and request id, and never echo the secret", async () => {
    await configure({ "huaweicloud:secretKey": "wrongSecretKey000000000000000000000000000" });
    const error = (await provider
      .create(await checked({ serverIds: [id(1)] }))
      .catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toMatchObject({ code: "PARTIAL_FAILURE", message: expect.stringContaining("did not reach") });
    expect(error.reasons[0]).toMatch(/APIGW\.0301/);
    expect(error.reasons[0]).toMatch(/request id/);
    expect(error.reasons[0]).toMatch(/clock/);
    expect(JSON.stringify({ m: error.message, p: error.properties, r: error.reasons })).not.toContain("wrongSecretKey");
    expect((await handle.admin.stats()).requests["GET list"]).toBe(1);
  });
});

describe("read", () => {
  it("reports a deleted server as not found instead of dropping it", async () => {
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1), id(3)] }));
    await handle.admin.deleteServer(id(3));
    const read = await provider.read!(rid, { __provider: "test", ...outs });
    const servers = (read.props as PowerStateOutputs).servers;
    expect(Object.keys(servers).sort()).toEqual([id(1), id(3)]);
    expect(servers[id(3)]).toMatchObject({ status: null, error: { code: "Ecs.0114" } });
  });

  it("lists servers in ceil(n/100) calls", async () => {
    const many = Array.from({ length: 250 }, (_, i) => id(1000 + i));
    await handle.admin.putServers(many.map((s) => ({ id: s, status: "SHUTOFF" as const })));
    const inputs = await checked({ serverIds: many });
    const { id: rid, outs } = await provider.create(inputs);
    await handle.admin.reset();
    await provider.read!(rid, { __provider: "test", ...outs });
    expect((await handle.admin.stats()).requests).toEqual({ "GET list": 3 });
  });
});

describe("delete", () => {
  it('with onDelete "leave" makes no API call', async () => {
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1)] }));
    await handle.admin.reset();
    await provider.delete!(rid, outs);
    expect((await handle.admin.stats()).total).toBe(0);
    expect((await statuses())[id(1)]).toBe("SHUTOFF");
  });

  it('with onDelete "restore" returns each server to its initial status', async () => {
    const { id: rid, outs } = await provider.create(
      await checked({ serverIds: [id(1), id(2), id(3)], onDelete: "restore" }),
    );
    expect(await statuses()).toMatchObject({ [id(1)]: "SHUTOFF", [id(2)]: "SHUTOFF", [id(3)]: "SHUTOFF" });
    await provider.delete!(rid, outs);
    expect(await statuses()).toMatchObject({ [id(1)]: "ACTIVE", [id(2)]: "ACTIVE", [id(3)]: "SHUTOFF" });
  });

  it('with onDelete "restore", the restore says what it does, labelled "(restore)"', async () => {
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1)], onDelete: "restore" }));
    const lines: string[] = [];
    const spy = jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      await provider.delete!(rid, outs);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toContain(`ServerPowerState ${rid} (restore): 1 server: 0 already in state, starting 1`);
    expect((await statuses())[id(1)]).toBe("ACTIVE");
  });

  it('with onDelete "restore" and nothing to restore (no initial status recorded), the destroy needs no credentials and makes no call', async () => {
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1)], onDelete: "restore" }));
    // As recorded for servers that were neither ACTIVE nor SHUTOFF when the resource was created.
    const props = { ...outs, initialStates: {} };
    await handle.admin.reset();
    await configureProvider(handle.emulator.url, {
      "huaweicloud:accessKey": undefined,
      "huaweicloud:secretKey": undefined,
    });
    const keys = ["HW_ACCESS_KEY", "HW_SECRET_KEY", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"];
    const saved = keys.map((k) => [k, process.env[k]] as const);
    for (const k of keys) delete process.env[k];
    try {
      await expect(provider.delete!(rid, props)).resolves.toBeUndefined();
    } finally {
      for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
    }
    expect((await handle.admin.stats()).total).toBe(0);
    expect((await statuses())[id(1)]).toBe("SHUTOFF");
  });

  it('with onDelete "restore", a restore that fails fails the destroy, naming the server and why; the others are restored', async () => {
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1), id(2)], onDelete: "restore" }));
    await handle.admin.setServer(id(1), { locked: true });
    await expect(provider.delete!(rid, outs)).rejects.toMatchObject({
      message: expect.stringMatching(
        new RegExp(
          `^ServerPowerState ${rid}: could not restore 1 server to their initial state; the resource stays in the stack, run pulumi destroy again:\n` +
            `server ${id(1)}: Ecs.0605: .*unlock it`,
        ),
      ),
    });
    expect(await statuses()).toMatchObject({ [id(1)]: "SHUTOFF", [id(2)]: "ACTIVE" });
  });

  it('with onDelete "restore", a server deleted meanwhile has nothing to restore: the destroy succeeds', async () => {
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1), id(2)], onDelete: "restore" }));
    await handle.admin.deleteServer(id(1));
    await expect(provider.delete!(rid, outs)).resolves.toBeUndefined();
    expect(await statuses()).toEqual(expect.not.objectContaining({ [id(1)]: expect.anything() }));
    expect((await statuses())[id(2)]).toBe("ACTIVE");
  });

  it('with onDelete "restore", the restore stops with the recorded stopType (SOFT: a guest ignoring it is not forced off)', async () => {
    // id(3) starts SHUTOFF: the restore stops it again, SOFT as declared.
    const { id: rid, outs } = await provider.create(
      await checked({ serverIds: [id(3)], state: "running", onDelete: "restore", timeoutSeconds: 5 }),
    );
    expect((await statuses())[id(3)]).toBe("ACTIVE");
    // A SOFT stop the guest ignores FAILs after 0.2 s; a HARD one would not be ignored (nor end: the fault is stuck).
    await handle.admin.setVariants({ ignoredSoftStop: "fail", ignoredSoftStopSeconds: 0.2 });
    await handle.admin.injectFault({ serverId: id(3), kind: "stuck" });
    await expect(provider.delete!(rid, outs)).rejects.toMatchObject({
      message: expect.stringContaining(
        `server ${id(3)}: Ecs.1000: The guest OS of instance[${id(3)}] did not shut down`,
      ),
    });
  });

  it('with onDelete "restore", a dropped server whose restore failed stays recorded and is restored by the next update', async () => {
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1), id(2)], onDelete: "restore" }));
    await handle.admin.setServer(id(1), { locked: true });
    const news = await checked({ serverIds: [id(2)], onDelete: "restore" });
    const error = (await provider.update!(rid, { __provider: "test", ...outs }, news).catch(
      (e: unknown) => e,
    )) as PartialFailureError;
    expect(error.reasons).toEqual([expect.stringMatching(new RegExp(`^server ${id(1)}: Ecs.0605: `))]);
    const kept = error.properties as unknown as PowerStateOutputs;
    expect(kept.initialStates).toEqual({ [id(1)]: "ACTIVE", [id(2)]: "ACTIVE" });

    expect((await provider.diff(rid, error.properties, news)).changes).toBe(true);
    await handle.admin.setServer(id(1), { locked: false });
    const { outs: after } = await provider.update!(rid, error.properties, news);
    expect(await statuses()).toMatchObject({ [id(1)]: "ACTIVE", [id(2)]: "SHUTOFF" });
    expect((after as PowerStateOutputs).initialStates).toEqual({ [id(2)]: "ACTIVE" });
    expect((await provider.diff(rid, { __provider: "test", ...after }, news)).changes).toBe(false);
  });

  it('with onDelete "restore", servers dropped from serverIds are restored by the update', async () => {
    const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1), id(2)], onDelete: "restore" }));
    const { outs: after } = await provider.update!(
      rid,
      { __provider: "test", ...outs },
      await checked({ serverIds: [id(2)], onDelete: "restore" }),
    );
    expect(await statuses()).toMatchObject({ [id(1)]: "ACTIVE", [id(2)]: "SHUTOFF" });
    expect((after as PowerStateOutputs).initialStates).toEqual({ [id(2)]: "ACTIVE" });
  });
});

describe("connections", () => {
  it("each lifecycle method closes what it opened: no connection left idle after preview, create, refresh, update or destroy", async () => {
    await configure({ "huaweicloud:ecsPreviewReads": "true" });
    let calls = 0;
    /** The API calls since the last step (each step must have called, or it proves nothing), and the connections left open. */
    const afterStep = async () => {
      const total = (await handle.admin.stats()).total;
      const made = total - calls;
      calls = total;
      return { made: made > 0, open: await openConnectionsSettled(handle.admin, 0) };
    };
    const closed = { made: true, open: 0 };
    const inputs = await checked({ serverIds: [id(1)], onDelete: "restore" }); // a create's preview reads
    expect(await afterStep()).toEqual(closed);
    const { id: rid, outs } = await provider.create(inputs);
    expect(await afterStep()).toEqual(closed);
    const olds = { __provider: "test", ...outs };
    await provider.read!(rid, olds);
    expect(await afterStep()).toEqual(closed);
    const news = {
      __provider: "test",
      ...(await provider.check(olds, { serverIds: [id(1), id(2)], onDelete: "restore" })).inputs,
    };
    expect(await provider.diff(rid, olds, news)).toMatchObject({ changes: true }); // an update's preview reads
    expect(await afterStep()).toEqual(closed);
    const { outs: after } = await provider.update!(rid, olds, news);
    expect(await afterStep()).toEqual(closed);
    await provider.delete!(rid, { __provider: "test", ...after });
    expect(await afterStep()).toEqual(closed);
  });
});
