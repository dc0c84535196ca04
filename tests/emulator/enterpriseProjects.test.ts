/**
 * Enterprise projects: servers belong to one (default "0"); the access key may be authorized only for
 * some (`authorizedEnterpriseProjects`); the list honours `enterprise_project_id` (`all_granted_eps` or
 * one EP) and answers its absence as `listWithoutEnterpriseProject` says (terraform-provider-huaweicloud
 * PR #1996: calls without it failed for users authorized per EP).
 */
import { parseCliArgs } from "../../emulator/parseCliArgs";
import { resolveEmulatorOptions } from "../../emulator/resolveEmulatorOptions";
import type { EmulatorOptions } from "../../emulator";
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const EP_A = "1a2b3c4d-0000-4000-8000-00000000000a";
const EP_B = "1a2b3c4d-0000-4000-8000-00000000000b";
// id(1) in the default EP, id(2) and id(3) in EP A, id(4) in EP B.
const SERVERS = [
  { id: id(1), status: "ACTIVE" as const, name: "default-1" },
  { id: id(2), status: "ACTIVE" as const, name: "a-2", enterpriseProjectId: EP_A },
  { id: id(3), status: "SHUTOFF" as const, name: "a-3", enterpriseProjectId: EP_A },
  { id: id(4), status: "ACTIVE" as const, name: "b-4", enterpriseProjectId: EP_B },
];

async function withEmulator(options: EmulatorOptions, body: (t: TestEmulator) => Promise<void>): Promise<void> {
  const t = await startTestEmulator({ servers: SERVERS, ...options });
  try {
    await body(t);
  } finally {
    await t.emulator.stop();
  }
}

async function listIds(t: TestEmulator, query: string): Promise<string[]> {
  const response = await t.client.list(query);
  expect(response.status).toBe(200);
  return response.json.servers.map((server: { id: string }) => server.id);
}

function expectDenied(response: { status: number; json: any; headers: Headers }, iamAction: string, detail: RegExp) {
  expect(response.status).toBe(403);
  expect(response.json).toEqual({
    error_code: "Pdp.0001",
    error_msg: expect.stringMatching(detail),
    request_id: response.headers.get("x-request-id"),
  });
  expect(response.json.error_msg).toContain(`Policy doesn't allow ${iamAction} to be performed.`);
}

describe("a key authorized at project level (no authorizedEnterpriseProjects): today's tests are unaffected", () => {
  it("a list without enterprise_project_id shows every EP; each server says its EP, default 0", async () => {
    await withEmulator({}, async (t) => {
      const response = await t.client.list("limit=1000");
      expect(response.json.servers.map((s: any) => [s.id, s.enterprise_project_id])).toEqual([
        [id(1), "0"],
        [id(2), EP_A],
        [id(3), EP_A],
        [id(4), EP_B],
      ]);
      expect((await t.client.show(id(4))).json.server.enterprise_project_id).toBe(EP_B);
    });
  });

  it("enterprise_project_id filters to one EP; all_granted_eps shows them all; an unknown EP is an empty list", async () => {
    await withEmulator({}, async (t) => {
      expect(await listIds(t, `enterprise_project_id=${EP_A}`)).toEqual([id(2), id(3)]);
      expect(await listIds(t, "enterprise_project_id=0")).toEqual([id(1)]);
      expect(await listIds(t, "enterprise_project_id=all_granted_eps")).toEqual([id(1), id(2), id(3), id(4)]);
      expect(await listIds(t, "enterprise_project_id=ffffffff-0000-4000-8000-000000000000")).toEqual([]);
      expect(await listIds(t, `enterprise_project_id=${EP_A}&status=SHUTOFF`)).toEqual([id(3)]);
      const count = await t.client.list(`enterprise_project_id=${EP_A}&limit=1`);
      expect(count.json.count).toBe(2);
    });
  });

  it("with server_id, a server of another EP than the one asked for comes back like an unknown id", async () => {
    await withEmulator({}, async (t) => {
      const servers = (await t.client.list(`server_id=${id(2)},${id(4)}&enterprise_project_id=${EP_A}`)).json.servers;
      expect(servers[0]).toMatchObject({ id: id(2), enterprise_project_id: EP_A, status: "ACTIVE" });
      expect(servers[1]).toMatchObject({ id: id(4), status: null, enterprise_project_id: null, name: null });
      expect(servers[1].fault).toMatchObject({ code: 404 });
    });
  });

  it("listWithoutEnterpriseProject default-only: a list without the parameter shows EP 0 only", async () => {
    await withEmulator({ listWithoutEnterpriseProject: "default-only" }, async (t) => {
      expect(await listIds(t, "")).toEqual([id(1)]);
      expect(await listIds(t, "enterprise_project_id=all_granted_eps")).toEqual([id(1), id(2), id(3), id(4)]);
    });
  });
});

describe("a key authorized for EP A only", () => {
  const scoped: EmulatorOptions = { authorizedEnterpriseProjects: [EP_A] };

  it("by default (forbidden) a list without enterprise_project_id is refused 403 Pdp.0001, with and without server_id", async () => {
    await withEmulator(scoped, async (t) => {
      expectDenied(await t.client.list(), "ecs:cloudServers:list", /give enterprise_project_id \(all_granted_eps/);
      expectDenied(
        await t.client.list(`server_id=${id(2)}`),
        "ecs:cloudServers:list",
        /authorized per enterprise project/,
      );
      expect((await t.admin.stats()).answers).toEqual({ "GET list 403": 2 });
    });
  });

  it("all_granted_eps shows EP A's servers; EP A shows them; EP B or the default EP is refused 403", async () => {
    await withEmulator(scoped, async (t) => {
      expect(await listIds(t, "enterprise_project_id=all_granted_eps&limit=1000")).toEqual([id(2), id(3)]);
      expect(await listIds(t, `enterprise_project_id=${EP_A}`)).toEqual([id(2), id(3)]);
      expectDenied(
        await t.client.list(`enterprise_project_id=${EP_B}`),
        "ecs:cloudServers:list",
        new RegExp(`not authorized for enterprise project \\[${EP_B}\\]`),
      );
      expectDenied(await t.client.list("enterprise_project_id=0"), "ecs:cloudServers:list", /\[0\]/);
    });
  });

  it("server_id with all_granted_eps: servers of other EPs come back like unknown ids", async () => {
    await withEmulator(scoped, async (t) => {
      const response = await t.client.list(
        `server_id=${id(1)},${id(2)},${id(4)}&enterprise_project_id=all_granted_eps`,
      );
      expect(response.status).toBe(200);
      const [first, second, third] = response.json.servers;
      expect(second).toMatchObject({ id: id(2), status: "ACTIVE", enterprise_project_id: EP_A, fault: null });
      for (const [entry, serverId] of [
        [first, id(1)],
        [third, id(4)],
      ] as const) {
        expect(entry.id).toBe(serverId);
        expect(entry.fault).toMatchObject({ code: 404, message: `Instance ${serverId} could not be found` });
        expect(
          Object.entries(entry).filter(([key, value]) => value !== null && key !== "id" && key !== "fault"),
        ).toEqual([]);
      }
    });
  });

  it("listWithoutEnterpriseProject all: a list without the parameter shows every EP the key may see", async () => {
    await withEmulator({ ...scoped, listWithoutEnterpriseProject: "all" }, async (t) => {
      expect(await listIds(t, "")).toEqual([id(2), id(3)]);
    });
  });

  it("listWithoutEnterpriseProject default-only: EP 0 only, so nothing unless the key may see EP 0", async () => {
    await withEmulator({ ...scoped, listWithoutEnterpriseProject: "default-only" }, async (t) => {
      expect(await listIds(t, "")).toEqual([]);
      await t.admin.setVariants({ authorizedEnterpriseProjects: [EP_A, "0"] });
      expect(await listIds(t, "")).toEqual([id(1)]);
      expect(await listIds(t, "enterprise_project_id=all_granted_eps")).toEqual([id(1), id(2), id(3)]);
    });
  });

  it("GET /cloudservers/{id} of a server in another EP is refused 403 (not 404); EP A's is served", async () => {
    await withEmulator(scoped, async (t) => {
      expect((await t.client.show(id(2))).json.server).toMatchObject({ id: id(2), enterprise_project_id: EP_A });
      expectDenied(
        await t.client.show(id(4)),
        "ecs:cloudServers:get",
        new RegExp(`Instance\\[${id(4)}\\] belongs to enterprise project \\[${EP_B}\\]`),
      );
      expectDenied(await t.client.show(id(1)), "ecs:cloudServers:get", /enterprise project \[0\]/);
      expect((await t.client.show(id(9))).status).toBe(404);
    });
  });

  it("an action naming a server of another EP is refused whole (403, no job, nothing moves); EP A's servers are served", async () => {
    await withEmulator(scoped, async (t) => {
      expectDenied(
        await t.client.stop([id(2), id(4)]),
        "ecs:cloudServers:stop",
        new RegExp(`Instance\\[${id(4)}\\] \\(enterprise project \\[${EP_B}\\]\\)`),
      );
      expectDenied(
        await t.client.start([id(1)]),
        "ecs:cloudServers:start",
        /Instance\[.*\] \(enterprise project \[0\]\)/,
      );
      expectDenied(await t.client.reboot([id(4)], "SOFT"), "ecs:cloudServers:reboot", /its enterprise project/);
      expect((await t.admin.stats()).serversSubmitted).toEqual({});
      expect((await t.admin.listServers()).find((s) => s.id === id(2))?.taskState).toBeNull();
      const accepted = await t.client.stop([id(2)]);
      expect(accepted.status).toBe(200);
      expect(accepted.json.job_id).toEqual(expect.any(String));
    });
  });

  it("the tag query (resource_instances/action) finds only the servers of EP A", async () => {
    await withEmulator(scoped, async (t) => {
      const query = await t.client.call("POST", `/v1/${t.client.projectId}/cloudservers/resource_instances/action`, {
        body: JSON.stringify({ action: "filter" }),
      });
      expect(query.status).toBe(200);
      expect(query.json.resources.map((r: { resource_id: string }) => r.resource_id)).toEqual([id(2), id(3)]);
      expect(query.json.total_count).toBe(2);
    });
  });

  it("an unknown id in the same call is still Ecs.0114 when no server of another EP is named", async () => {
    await withEmulator(scoped, async (t) => {
      const response = await t.client.stop([id(2), id(9)]);
      expect(response.status).toBe(404);
      expect(response.json.error.code).toBe("Ecs.0114");
    });
  });
});

describe("enterprise projects in the admin API, the options and the CLI", () => {
  it("servers take enterpriseProjectId on input and patch, and show it in their view; bad ids are refused", async () => {
    await withEmulator({}, async (t) => {
      expect((await t.admin.listServers()).map((s) => s.enterpriseProjectId)).toEqual(["0", EP_A, EP_A, EP_B]);
      expect((await t.admin.setServer(id(1), { enterpriseProjectId: EP_B })).enterpriseProjectId).toBe(EP_B);
      expect(await listIds(t, `enterprise_project_id=${EP_B}`)).toEqual([id(1), id(4)]);
      // Re-putting a server without an EP keeps the one it has.
      await t.admin.putServers([{ id: id(1), status: "SHUTOFF" }]);
      expect((await t.client.show(id(1))).json.server.enterprise_project_id).toBe(EP_B);
      await expect(t.admin.setServer(id(1), { enterpriseProjectId: "all_granted_eps" })).rejects.toThrow(
        /enterpriseProjectId: must be 1–64 characters/,
      );
      await expect(t.admin.putServers([{ id: id(5), status: "ACTIVE", enterpriseProjectId: "" }])).rejects.toThrow(
        /servers\[0\]\.enterpriseProjectId/,
      );
    });
  });

  it("authorizedEnterpriseProjects is checked as a list of EP ids by options and PATCH", async () => {
    expect(() => resolveEmulatorOptions({ authorizedEnterpriseProjects: ["a b"] })).toThrow(
      /authorizedEnterpriseProjects\[0\]/,
    );
    await withEmulator({}, async (t) => {
      await expect(t.admin.setVariants({ authorizedEnterpriseProjects: ["all_granted_eps"] })).rejects.toMatchObject({
        statusCode: 400,
        message: expect.stringContaining("authorizedEnterpriseProjects[0]"),
      });
      await expect(t.admin.setVariants({ listWithoutEnterpriseProject: "none" as "all" })).rejects.toMatchObject({
        statusCode: 400,
      });
      expect(await t.admin.setVariants({ authorizedEnterpriseProjects: [EP_B] })).toMatchObject({
        authorizedEnterpriseProjects: [EP_B],
        listWithoutEnterpriseProject: "forbidden",
      });
      expect((await t.client.list()).status).toBe(403);
      await t.admin.reset();
      expect((await t.client.list()).status).toBe(200);
    });
  });

  it("the CLI takes a comma-separated list of EP ids, and the mode of a list without the parameter", () => {
    expect(
      parseCliArgs([
        "--authorized-enterprise-projects",
        ` ${EP_A},0 `,
        "--list-without-enterprise-project",
        "default-only",
      ]),
    ).toEqual({
      kind: "run",
      options: expect.objectContaining({
        authorizedEnterpriseProjects: [EP_A, "0"],
        listWithoutEnterpriseProject: "default-only",
      }),
    });
    expect(parseCliArgs(["--authorized-enterprise-projects", ""])).toEqual({
      kind: "run",
      options: expect.objectContaining({ authorizedEnterpriseProjects: [] }),
    });
    expect(() => parseCliArgs(["--list-without-enterprise-project", "some"])).toThrow(
      "--list-without-enterprise-project [some] must be one of forbidden, all, default-only",
    );
  });
});
