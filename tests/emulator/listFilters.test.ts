/**
 * The list's `name` filter is fuzzy (ListServersDetails: `.` matches any character; golangsdk
 * `cloudservers.ListOpts.Name`: "?name=bob returns both bob and bobb"), its case handling a variant
 * (`listNameMatch`); `status=ACTIVE` also returns servers in REBOOT / HARD_REBOOT (OTC listing page).
 */
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const NAMES = ["web", "web-prod", "legacy-web2", "WEB", "webXprod", "db"];

async function listNames(t: TestEmulator, query: string): Promise<string[]> {
  const response = await t.client.list(`${query}&limit=1000`);
  expect(response.status).toBe(200);
  return response.json.servers.map((server: { name: string }) => server.name);
}

describe("the list's name filter", () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({
      servers: NAMES.map((name, n) => ({ id: id(n + 1), status: "ACTIVE" as const, name })),
    });
  });
  afterAll(() => t.emulator.stop());

  it("name=web is a fuzzy search: every name containing web, case-sensitive by default", async () => {
    expect(await listNames(t, "name=web")).toEqual(["web", "web-prod", "legacy-web2", "webXprod"]);
  });

  it("a dot matches any character, as Huawei documents", async () => {
    expect(await listNames(t, "name=web.prod")).toEqual(["web-prod", "webXprod"]);
    expect(await listNames(t, "name=w.b")).toEqual(["web", "web-prod", "legacy-web2", "webXprod"]);
  });

  it("anchors still narrow it (the filter is a regular expression)", async () => {
    expect(await listNames(t, "name=%5Eweb%24")).toEqual(["web"]);
  });

  it("listNameMatch case-insensitive also returns WEB; an invalid pattern is still Ecs.0005", async () => {
    await t.admin.setVariants({ listNameMatch: "case-insensitive" });
    try {
      expect(await listNames(t, "name=web")).toEqual(["web", "web-prod", "legacy-web2", "WEB", "webXprod"]);
      expect(await listNames(t, "name=%5EWEB%24")).toEqual(["web", "WEB"]);
      const bad = await t.client.list("name=%28");
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe("Ecs.0005");
    } finally {
      await t.admin.setVariants({ listNameMatch: "case-sensitive" });
    }
  });

  it("an unknown listNameMatch is refused by the admin API", async () => {
    await expect(t.admin.setVariants({ listNameMatch: "fuzzy" as never })).rejects.toThrow(/listNameMatch/);
  });
});

describe("the list's status filter", () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({
      rebootSeconds: 60,
      servers: [
        { id: id(1), status: "ACTIVE", name: "a" },
        { id: id(2), status: "ACTIVE", name: "rebooting" },
        { id: id(3), status: "SHUTOFF", name: "off" },
        { id: id(4), status: "ACTIVE", name: "hard" },
      ],
    });
  });
  afterAll(() => t.emulator.stop());

  it("status=ACTIVE also returns REBOOT and HARD_REBOOT servers; status=REBOOT only those", async () => {
    expect((await t.client.reboot([id(2)], "SOFT")).status).toBe(200);
    expect((await t.client.reboot([id(4)], "HARD")).status).toBe(200);
    t.clock.advance(1_000);
    expect(await listNames(t, "status=ACTIVE")).toEqual(["a", "rebooting", "hard"]);
    expect(await listNames(t, "status=REBOOT")).toEqual(["rebooting"]);
    expect(await listNames(t, "status=HARD_REBOOT")).toEqual(["hard"]);
    expect(await listNames(t, "status=SHUTOFF")).toEqual(["off"]);
  });
});
