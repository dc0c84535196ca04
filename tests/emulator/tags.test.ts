/** Servers carry tags and names; the server list filters by `tags`, `not-tags` and `name`, and pages by `marker`. */
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("tags on servers and the list's tag, name and marker parameters", () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
    await t.admin.putServers([
      { id: id(1), status: "ACTIVE", name: "web-1", tags: { env: "dev", team: "web" } },
      { id: id(2), status: "SHUTOFF", name: "web-2", tags: { env: "dev" } },
      { id: id(3), status: "ACTIVE", name: "db-1", tags: { env: "prod" } },
      { id: id(4), status: "ACTIVE", name: "db-2" },
    ]);
  });
  afterAll(() => t.emulator.stop());

  const listIds = async (query: string) => {
    const response = await t.client.list(query);
    expect(response.status).toBe(200);
    return response.json.servers.map((server: { id: string }) => server.id);
  };

  it("lists each server's tags as key=value strings, and the admin view shows them", async () => {
    const response = await t.client.show(id(1));
    expect(response.json.server.tags).toEqual(["env=dev", "team=web"]);
    expect((await t.admin.listServers()).find((s) => s.id === id(4))?.tags).toEqual({});
  });

  it("tags=key%3Dvalue keeps the servers carrying that tag; not-tags leaves them out", async () => {
    expect(await listIds("tags=env%3Ddev&limit=1000")).toEqual([id(1), id(2)]);
    expect(await listIds("not-tags=env%3Ddev&limit=1000")).toEqual([id(3), id(4)]);
    expect(await listIds("tags=env%3Ddev&not-tags=team%3Dweb&limit=1000")).toEqual([id(2)]);
  });

  it("name matches as a pattern", async () => {
    expect(await listIds("name=web&limit=1000")).toEqual([id(1), id(2)]);
    expect(await listIds("name=%5Edb-2%24&limit=1000")).toEqual([id(4)]);
  });

  it("marker pages after the server it names; count is every match", async () => {
    const first = await t.client.list("limit=2");
    expect(first.json.servers.map((s: { id: string }) => s.id)).toEqual([id(1), id(2)]);
    const second = await t.client.list(`limit=2&marker=${id(2)}`);
    expect(second.json).toMatchObject({ count: 4 });
    expect(second.json.servers.map((s: { id: string }) => s.id)).toEqual([id(3), id(4)]);
    expect((await t.client.list(`limit=2&marker=${id(4)}`)).json.servers).toEqual([]);
  });

  it("an unknown marker, a bad name pattern or a limit over 1000 is Ecs.0005", async () => {
    for (const query of ["marker=nope", "name=%28", "limit=1001"]) {
      const response = await t.client.list(query);
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe("Ecs.0005");
    }
  });

  it("setting tags out of band replaces them; tags beyond ECS's limits are refused by the admin API", async () => {
    await t.admin.setServer(id(4), { tags: { env: "dev" } });
    expect(await listIds("tags=env%3Ddev&limit=1000")).toEqual([id(1), id(2), id(4)]);
    await t.admin.setServer(id(4), { tags: {} });
    expect(await listIds("tags=env%3Ddev&limit=1000")).toEqual([id(1), id(2)]);
    await expect(t.admin.setServer(id(4), { tags: { "a=b": "x" } })).rejects.toThrow(/tag key without "="/);
    // Huawei's current BatchCreateServerTags page: up to 20 tags a server (older pages and OTC: 10).
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "v"]));
    await t.admin.setServer(id(4), { tags: twenty });
    const twentyOne = { ...twenty, k20: "v" };
    await expect(t.admin.setServer(id(4), { tags: twentyOne })).rejects.toThrow(/at most 20 tags/);
  });

  describe("the tag query (POST cloudservers/resource_instances/action)", () => {
    const query = (body: unknown) =>
      t.client.call("POST", `/v1/${t.client.projectId}/cloudservers/resource_instances/action`, {
        body: JSON.stringify(body),
      });
    const resourceIds = async (body: unknown) =>
      (await query(body)).json.resources.map((r: { resource_id: string }) => r.resource_id);

    it("not_tags leaves out servers matching every entry; matches filters names by substring", async () => {
      expect(
        await resourceIds({
          action: "filter",
          tags: [{ key: "env", values: [] }],
          not_tags: [{ key: "team", values: ["web"] }],
        }),
      ).toEqual([id(2), id(3)]);
      expect(await resourceIds({ action: "filter", matches: [{ key: "resource_name", value: "db" }] })).toEqual([
        id(3),
        id(4),
      ]);
    });

    it("pages by offset and limit (strings); count answers total_count alone", async () => {
      expect(
        await resourceIds({ action: "filter", limit: "1", offset: "1", tags: [{ key: "env", values: ["dev"] }] }),
      ).toEqual([id(2)]);
      expect((await query({ action: "count", tags: [{ key: "env", values: ["dev", "prod"] }] })).json).toEqual({
        total_count: 3,
      });
    });

    it("refuses an unknown action, a limit over 1000 and an empty key with Ecs.0005", async () => {
      for (const body of [
        { action: "list" },
        { action: "filter", limit: "1001" },
        { action: "filter", tags: [{ key: "", values: [] }] },
      ]) {
        const response = await query(body);
        expect(response.status).toBe(400);
        expect(response.json.error.code).toBe("Ecs.0005");
      }
    });
  });
});
