/**
 * Preview's live plan, in-process against the emulator over real HTTP: check (a create) and diff (an
 * update) read the servers with GET calls only and print what the up will do; a diff that finds
 * nothing makes no call; a read that fails leaves preview successful with one line saying why.
 * tests/lifecycle/preview.test.ts drives the same through Pulumi's host.
 */
import { startEmulator } from "../../emulator";
import { serverPowerStateProvider as provider } from "../../provider/provider";
import { emulatorPerSuite } from "../emulatorPerSuite";
import { configureProvider } from "./configureProvider";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const UNKNOWN = "00000000-0000-4000-8000-0000000000ff";

const handle = emulatorPerSuite({ stopSeconds: 0.2, startSeconds: 0.2 }, [
  { id: id(1), name: "web-1", status: "ACTIVE", tags: { env: "dev" } },
  { id: id(2), name: "web-2", status: "SHUTOFF", tags: { env: "dev" } },
  { id: id(3), name: "web-3", status: "ACTIVE", locked: true, tags: { env: "dev" } },
  { id: id(4), name: "db-4", status: "ACTIVE" },
]);

let lines: string[];
beforeEach(async () => {
  // Preview reads on, as users have them by default.
  await configureProvider(handle.emulator.url, { "huaweicloud:ecsPreviewReads": undefined });
  lines = [];
  jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
});
afterEach(() => jest.restoreAllMocks());

async function check(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await provider.check({}, { __provider: "test", ...news });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

/** The requests the emulator saw, by route: preview may only read. */
async function requests(): Promise<Record<string, number>> {
  return (await handle.admin.stats()).requests;
}

function planLines(prefix = "ServerPowerState"): string[] {
  return lines.filter((line) => line.startsWith(`${prefix}: live plan`) || line.startsWith(`${prefix}:   `));
}

describe("a create's preview (check)", () => {
  it("reads a half-stopped fleet with one list call and prints the exact plan", async () => {
    await check({ serverIds: [id(1), id(2), id(3), UNKNOWN] });
    expect(await requests()).toEqual({ "GET list": 1 });
    expect(planLines()).toEqual([
      "ServerPowerState: live plan (read now with GET calls only; nothing was changed): 4 servers declared stopped: 1 will be stopped, 1 already SHUTOFF, 2 cannot be acted on",
      `ServerPowerState:   will be stopped: web-1 (${id(1)})`,
      `ServerPowerState:   already SHUTOFF, left as they are: web-2 (${id(2)})`,
      `ServerPowerState:   cannot be acted on (the up will report them): web-3 (${id(3)}): Ecs.0605 server is locked, so it cannot be stopped: unlock it, then run pulumi up again, ${UNKNOWN}: Ecs.0114 server not found in this project: check the id, the region and the project, or remove it from serverIds`,
    ]);
    expect(await handle.admin.listServers()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: id(1), status: "ACTIVE" }),
        expect.objectContaining({ id: id(3), status: "ACTIVE" }),
      ]),
    );
  });

  it("resolves a selector with its listing, then reads its members: GET calls only", async () => {
    await check({ selector: { tags: { env: "dev" } }, state: "running" });
    expect(await requests()).toEqual({ "GET list": 2 });
    expect(planLines()).toEqual([
      "ServerPowerState: live plan (read now with GET calls only; nothing was changed): 3 servers declared running: 1 will be started, 2 already ACTIVE, 0 cannot be acted on",
      `ServerPowerState:   will be started: web-2 (${id(2)})`,
      `ServerPowerState:   already ACTIVE, left as they are: web-1 (${id(1)}), web-3 (${id(3)})`,
    ]);
  });

  it("a selector matching more than its maxMembers: check fails naming the count and the members, GET calls only", async () => {
    const result = await provider.check({}, { selector: { tags: { env: "dev" }, maxMembers: 2 } });
    expect(result.failures).toEqual([
      {
        property: "selector.maxMembers",
        reason:
          `the selector (env=dev) matches 3 servers, more than its maxMembers 2: "web-1" (${id(1)}), "web-2" (${id(2)}), "web-3" (${id(3)}). ` +
          "Nothing was acted on. Narrow the selector (one more tag, an exact name, an enterpriseProjectId), or, if all of them are meant, raise selector.maxMembers to at least 3",
      },
    ]);
    expect(Object.keys(await requests())).toEqual(["GET list"]);
    expect(await provider.check({}, { selector: { tags: { env: "dev" }, maxMembers: 3 } })).toMatchObject({
      failures: [],
    });
  });

  it("huaweicloud:ecsPreviewReads false: no call, and only the lines the inputs give", async () => {
    await configureProvider(handle.emulator.url, { "huaweicloud:ecsPreviewReads": "false" });
    await check({ serverIds: [id(1)] });
    expect((await handle.admin.stats()).total).toBe(0);
    expect(lines).toEqual([
      `ServerPowerState: 1 server declared stopped: ${id(1)}; those not already SHUTOFF will be stopped`,
    ]);
  });

  it("a selector with declared ids, declared running: one line for the selector, one for the ids, exact", async () => {
    await configureProvider(handle.emulator.url, { "huaweicloud:ecsPreviewReads": "false" });
    await check({ selector: { tags: { env: "dev" } }, serverIds: [id(4)], state: "running" });
    expect(lines).toEqual([
      "ServerPowerState: selector env=dev: membership is resolved again at up",
      `ServerPowerState: 1 server declared running: ${id(4)}; those not already ACTIVE will be started`,
    ]);
  });

  it("a selector alone: its line only, not the empty-serverIds one", async () => {
    await configureProvider(handle.emulator.url, { "huaweicloud:ecsPreviewReads": "false" });
    await check({ selector: { tags: { env: "dev" } } });
    expect(lines).toEqual(["ServerPowerState: selector env=dev: membership is resolved again at up"]);
  });

  it("nothing declared and no selector: nothing to read, no call", async () => {
    await check({ serverIds: [] });
    expect((await handle.admin.stats()).total).toBe(0);
    expect(lines).toEqual([
      "ServerPowerState: no server declared (serverIds is empty): nothing will be acted on until ids are added",
    ]);
  });

  it("huaweicloud:ecsPreviewReads neither true nor false: a check failure naming the key, the value and the rule", async () => {
    await configureProvider(handle.emulator.url, { "huaweicloud:ecsPreviewReads": "no" });
    const result = await provider.check({}, { serverIds: [id(1)] });
    expect(result.failures).toEqual([
      {
        property: "",
        reason:
          'huaweicloud:ecsPreviewReads "no" is invalid: expected true (preview reads the servers\' live status with GET calls and prints the plan) or false (no call at preview)',
      },
    ]);
  });

  it("an endpoint where nothing listens: preview still succeeds, with one line saying why there is no live plan", async () => {
    const closed = await startEmulator({});
    const url = closed.url;
    await closed.stop();
    await configureProvider(url, { "huaweicloud:ecsPreviewReads": undefined });
    const inputs = await check({ serverIds: [id(1)] });
    expect(inputs.serverIds).toEqual([id(1)]);
    expect(lines.filter((line) => line.includes("live plan"))).toEqual([
      expect.stringMatching(
        /^ServerPowerState: live plan unavailable \(.*connection refused \(ECONNREFUSED\).*\); the lines above come from the inputs and the record alone$/,
      ),
    ]);
  });

  it("reads slower than huaweicloud:ecsPreviewReadTimeoutSeconds: preview stops waiting and succeeds, with one line saying so", async () => {
    await configureProvider(handle.emulator.url, {
      "huaweicloud:ecsPreviewReads": undefined,
      "huaweicloud:ecsPreviewReadTimeoutSeconds": "1",
    });
    await handle.admin.injectFault({ route: "list", kind: "delay", delayMs: 3000, times: 1 });
    await check({ serverIds: [id(1)] });
    expect(lines).toEqual([
      `ServerPowerState: 1 server declared stopped: ${id(1)}; those not already SHUTOFF will be stopped`,
      "ServerPowerState: live plan unavailable (the reads took longer than 1 s); the lines above come from the inputs and the record alone",
    ]);
  });

  it("a read refused for permission (403): preview succeeds with one line naming Huawei's code, the request id and what to do", async () => {
    await handle.admin.injectFault({ route: "list", kind: "forbidden", code: "Pdp.0001" });
    await check({ serverIds: [id(1)] });
    expect(lines.filter((line) => line.includes("live plan"))).toEqual([
      expect.stringMatching(
        new RegExp(
          '^ServerPowerState: live plan unavailable \\(listing 1 server failed: HTTP 403 Pdp\\.0001 "The IAM policy of the user denies this action\\." ' +
            `\\(request id [0-9a-f]{32}\\); server: ${id(1)}\\. Grant the IAM action ecs:cloudServers:list in this project ` +
            "to the user of these credentials, or use credentials that have it\\.\\); the lines above come from the inputs and the record alone$",
        ),
      ),
    ]);
  });
});

describe("an update's preview (diff)", () => {
  async function created(news: Record<string, unknown>) {
    await configureProvider(handle.emulator.url);
    const inputs = await check(news);
    const { id: rid, outs } = await provider.create(inputs);
    await configureProvider(handle.emulator.url, { "huaweicloud:ecsPreviewReads": undefined });
    await handle.admin.reset();
    lines = [];
    return { rid, outs: { __provider: "test", ...outs } as Record<string, unknown> };
  }

  it("names the drift since the record and the server added, with GET calls only", async () => {
    const { rid, outs } = await created({ serverIds: [id(1), id(2)] });
    await handle.admin.setServer(id(1), { status: "ACTIVE" }); // started out of band, not refreshed
    await handle.admin.reset();
    const news = { __provider: "test", ...(await provider.check(outs, { serverIds: [id(1), id(2), id(4)] })).inputs };
    expect(lines).toEqual([]); // check of an update reads nothing: diff does
    expect(await provider.diff(rid, outs, news)).toMatchObject({ changes: true });
    expect(await requests()).toEqual({ "GET list": 1 });
    // The change from the inputs and the record first (no selector: nothing joined before it), then the live plan.
    expect(lines).toEqual([
      `ServerPowerState ${rid}: stop 1 added server unless already SHUTOFF: ${id(4)}`,
      `ServerPowerState ${rid}: live plan (read now with GET calls only; nothing was changed): 3 servers declared stopped: 2 will be stopped, 1 already SHUTOFF, 0 cannot be acted on`,
      `ServerPowerState ${rid}:   will be stopped: web-1 (${id(1)}), db-4 (${id(4)})`,
      `ServerPowerState ${rid}:   already SHUTOFF, left as they are: web-2 (${id(2)})`,
      `ServerPowerState ${rid}:   changed since the last up or refresh: web-1 (${id(1)}) recorded SHUTOFF, now ACTIVE`,
    ]);
  });

  it("a selector's fleet: who joined and who left since the last up", async () => {
    const { rid, outs } = await created({ selector: { tags: { env: "dev" } }, state: "running", onDelete: "restore" });
    await handle.admin.setServer(id(4), { tags: { env: "dev" } });
    await handle.admin.setServer(id(2), { tags: {} });
    await handle.admin.reset();
    const news = {
      __provider: "test",
      ...(await provider.check(outs, { selector: { tags: { env: "dev" } }, state: "stopped", onDelete: "restore" }))
        .inputs,
    };
    expect((await provider.diff(rid, outs, news)).changes).toBe(true);
    expect(Object.keys(await requests())).toEqual(["GET list"]);
    // The membership note and the change from the record, joined by "; ", on one line before the live plan.
    expect(lines[0]).toMatch(
      new RegExp(
        `^ServerPowerState ${rid}: selector env=dev: membership is resolved at up; 3 servers matched at the last resolution \\([0-9T:.Z-]+\\); ` +
          `stop or wait for 3 servers not SHUTOFF in the record: ${id(1)} \\(ACTIVE\\), ${id(2)} \\(ACTIVE\\), ${id(3)} \\(ACTIVE\\)$`,
      ),
    );
    const plan = planLines(`ServerPowerState ${rid}`);
    expect(plan).toContain(`ServerPowerState ${rid}:   joined the selection since the last up: db-4 (${id(4)})`);
    expect(plan).toContain(
      `ServerPowerState ${rid}:   left the selection since the last up, restored to their initial status: web-2 (${id(2)})`,
    );
    expect(plan[0]).toContain("3 servers declared stopped: 2 will be stopped");
  });

  it("an update whose selector now matches more than its maxMembers: the preview fails before any action", async () => {
    const { rid, outs } = await created({ selector: { tags: { env: "dev" } }, state: "running" });
    await handle.admin.setServer(id(4), { tags: { env: "dev" } });
    await handle.admin.reset();
    const news = {
      __provider: "test",
      ...(await provider.check(outs, { selector: { tags: { env: "dev" }, maxMembers: 3 }, state: "running" })).inputs,
    };
    await expect(provider.diff(rid, outs, news)).rejects.toThrow(
      new RegExp(
        `^ServerPowerState ${rid}: the selector \\(env=dev\\) matches 4 servers, more than its maxMembers 3: .*"db-4"`,
      ),
    );
    expect(Object.keys(await requests())).toEqual(["GET list"]);
  });

  it("a change that replaces the resource reads nothing at preview", async () => {
    const { rid, outs } = await created({ serverIds: [id(1), id(2)] });
    const news = {
      __provider: "test",
      ...(await provider.check(outs, { serverIds: [id(1), id(2), id(4)], projectId: "another-project" })).inputs,
    };
    expect(await provider.diff(rid, outs, news)).toMatchObject({ changes: true, replaces: ["projectId"] });
    expect((await handle.admin.stats()).total).toBe(0);
    expect(lines.filter((line) => line.includes("live plan"))).toEqual([]);
  });

  it("a diff that finds nothing makes no call", async () => {
    const { rid, outs } = await created({ serverIds: [id(1), id(2)] });
    const news = { __provider: "test", ...(await provider.check(outs, { serverIds: [id(2), id(1)] })).inputs };
    expect((await provider.diff(rid, outs, news)).changes).toBe(false);
    expect((await handle.admin.stats()).total).toBe(0);
    expect(lines).toEqual([]);
  });
});
