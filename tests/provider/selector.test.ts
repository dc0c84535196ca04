/**
 * The provider's lifecycle methods with a selector, called in-process against the emulator over real
 * HTTP (tests/lifecycle/selector.test.ts drives the same through Pulumi's host).
 */
import { serverPowerStateProvider as provider } from "../../provider/provider";
import { emulatorPerSuite } from "../emulatorPerSuite";
import { configureProvider } from "./configureProvider";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

const handle = emulatorPerSuite({ stopSeconds: 0.2, startSeconds: 0.2 }, [
  { id: id(1), status: "ACTIVE", name: "web-1", tags: { env: "dev" } },
  { id: id(2), status: "SHUTOFF", name: "web-2", tags: { env: "dev" } },
  { id: id(3), status: "ACTIVE", tags: { env: "prod" } },
  { id: id(4), status: "ACTIVE" },
  { id: id(5), status: "ACTIVE" },
]);

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await provider.check({}, { __provider: "test", ...news });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

beforeEach(async () => {
  await configureProvider(handle.emulator.url);
});

describe("a selector with serverIds: their union", () => {
  it("create converges the members and the declared ids; serverIds stays as declared", async () => {
    const inputs = await checked({ serverIds: [id(5)], selector: { tags: { env: "dev" } } });
    const { outs } = await provider.create(inputs);
    expect(outs.serverIds).toEqual([id(5)]);
    expect(outs.members).toEqual([id(1), id(2)]);
    expect(Object.keys(outs.servers as object).sort()).toEqual([id(1), id(2), id(5)]);
    expect((outs.jobs as { serverIds: string[] }[]).map((j) => j.serverIds)).toEqual([[id(1), id(5)]]);
    expect((await handle.admin.listServers()).find((s) => s.id === id(3))?.status).toBe("ACTIVE");
  });
});

describe("read re-resolves; diff reports joined members as an in-place update, with no API call", () => {
  it("a newly tagged server joins", async () => {
    const inputs = await checked({ selector: { tags: { env: "dev" } } });
    const { id: resourceId, outs } = await provider.create(inputs);
    await handle.admin.setServer(id(4), { tags: { env: "dev" } });
    const read = await provider.read(resourceId, outs);
    expect(read.props?.members).toEqual([id(1), id(2), id(4)]);
    await handle.admin.reset();
    const diff = await provider.diff(resourceId, read.props!, inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    expect((await handle.admin.stats()).total).toBe(0);
  });

  it("changing the selector updates in place, never replaces", async () => {
    const inputs = await checked({ selector: { tags: { env: "dev" } } });
    const { id: resourceId, outs } = await provider.create(inputs);
    const next = await checked({ selector: { tags: { env: "prod" } } });
    expect(await provider.diff(resourceId, outs, next)).toMatchObject({ changes: true, replaces: [] });
    const updated = await provider.update(resourceId, outs, next);
    expect(updated.outs?.members).toEqual([id(3)]);
  });
});

describe("the maxMembers guard (issue 18)", () => {
  it("more members than maxMembers: the create acts on nothing and names them", async () => {
    // The earlier tests tag server 4 env=dev too: the name pattern keeps to web-1 and web-2.
    const inputs = await checked({ selector: { tags: { env: "dev" }, namePattern: "^web-", maxMembers: 1 } });
    await expect(provider.create(inputs)).rejects.toThrow(
      `the selector (env=dev, name ~ /^web-/u) matches 2 servers, more than its maxMembers 1: "web-1" (${id(1)}), "web-2" (${id(2)}). Nothing was acted on.`,
    );
    expect((await handle.admin.stats()).requests).toEqual({ "GET list": 1 });
  });

  it("within maxMembers: converged, each record with the server's enterprise project", async () => {
    const inputs = await checked({ selector: { tags: { env: "dev" }, namePattern: "^web-", maxMembers: 2 } });
    const { outs } = await provider.create(inputs);
    expect(outs.members).toEqual([id(1), id(2)]);
    expect((outs.servers as Record<string, object>)[id(1)]).toMatchObject({
      status: "SHUTOFF",
      enterpriseProjectId: "0",
    });
  });
});

describe("failures keep Huawei's code and say what to do", () => {
  it("a refused listing fails the create before any action, naming the listing and the IAM action", async () => {
    await handle.admin.injectFault({ route: "list", kind: "forbidden", times: 1 });
    const inputs = await checked({ selector: { tags: { env: "dev" } } });
    const error = await provider.create(inputs).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/listing the servers tagged env=dev/);
    expect(error?.message).toMatch(/Pdp\.0001/);
    expect(error?.message).toMatch(/ecs:cloudServers:list/);
    expect((await handle.admin.stats()).requests["POST action"]).toBeUndefined();
  });
});
