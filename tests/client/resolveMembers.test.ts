/** Resolving a selector over real HTTP against the emulator: every page of every listing, AND of keys, notTags. */
import { checkInputs } from "../../provider/inputs";
import { listingTags, matchesSelector, resolveMembers } from "../../provider/resolveMembers";
import type { Selector } from "../../provider/selector";
import { newClient, startTestEmulator, type EmulatorHandle } from "./clientTestKit";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const selector = (raw: unknown): Selector => checkInputs({ selector: raw }).inputs.selector as Selector;

let handle: EmulatorHandle;
beforeAll(async () => {
  handle = await startTestEmulator();
  await handle.admin.putServers([
    ...Array.from({ length: 7 }, (_, i) => ({
      id: id(i + 1),
      status: "ACTIVE" as const,
      name: `web-${i + 1}`,
      tags: { env: "dev", team: i % 2 === 0 ? "web" : "api" },
    })),
    { id: id(8), status: "SHUTOFF", name: "db-1", tags: { env: "test", team: "web" } },
    { id: id(9), status: "ACTIVE", name: "db-2", tags: { env: "dev", team: "web", keep: "yes" } },
    { id: id(10), status: "ACTIVE", name: "ops", tags: { env: "prod" } },
  ]);
});
afterAll(() => handle.emulator.stop());

async function resolve(raw: unknown, pageLimit?: number) {
  const client = newClient(handle.emulator.url);
  try {
    await handle.admin.reset();
    const resolution = await resolveMembers(client, selector(raw), pageLimit);
    return { ...resolution, calls: (await handle.admin.stats()).requests };
  } finally {
    await client.close();
  }
}

describe("resolveMembers", () => {
  it("reads every page (marker paging) and returns the sorted ids", async () => {
    const result = await resolve({ tags: { env: "dev" } }, 3);
    expect(result.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 9].map(id));
    // 8 matches at 3 a page: 3, 3, 2.
    expect(result.pages).toBe(3);
    expect(result.calls).toEqual({ "GET list": 3 });
  });

  it("keys are AND'd, values of a key OR'd: one listing per value of the key with the fewest values", async () => {
    const result = await resolve({ tags: { env: ["dev", "test"], team: "web" } });
    expect(result.ids).toEqual([1, 3, 5, 7, 8, 9].map(id));
    // team has one value: one listing (team=web), env matched on each server's tags.
    expect(result.calls).toEqual({ "GET list": 1 });
  });

  it("notTags leaves out the servers carrying any listed pair", async () => {
    expect((await resolve({ tags: { team: "web" }, notTags: { keep: "yes", env: "test" } })).ids).toEqual(
      [1, 3, 5, 7].map(id),
    );
  });

  it("name alone is passed to the API's name filter", async () => {
    expect((await resolve({ name: "^db-" })).ids).toEqual([8, 9].map(id));
  });

  it("a selector matching nothing resolves to no id", async () => {
    expect((await resolve({ tags: { env: "nowhere" } })).ids).toEqual([]);
  });

  it("an API refusal surfaces with Huawei's code and the listing it was making", async () => {
    const client = newClient(handle.emulator.url);
    try {
      await expect(resolveMembers(client, selector({ name: "(" }))).rejects.toThrow(
        /listing the servers named like "\("[\s\S]*Ecs\.0005/,
      );
    } finally {
      await client.close();
    }
  });
});

describe("listingTags and matchesSelector (pure)", () => {
  it("picks the key with the fewest values; none without tags", () => {
    expect(listingTags(selector({ tags: { a: ["1", "2"], b: "3" } }))).toEqual(["b=3"]);
    expect(listingTags(selector({ name: "x" }))).toEqual([undefined]);
  });

  it.each([
    [["env=dev", "team=web"], true],
    [["env=dev"], false],
    [["env=dev", "team=web", "keep=yes"], false],
    [["env=test", "team=web"], false],
  ])("tags %j match {env: dev, team: web, not keep=yes}: %s", (tags, expected) => {
    const s = selector({ tags: { env: "dev", team: "web" }, notTags: { keep: "yes" } });
    expect(matchesSelector({ tags }, s)).toBe(expected);
  });
});
