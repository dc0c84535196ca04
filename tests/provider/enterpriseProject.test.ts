/**
 * huaweicloud:enterpriseProjectId reaches every listing the provider makes: a refresh against a bare
 * capture server, in-process, asserting the URLs that arrive (issue 18).
 */
import { serverPowerStateProvider as provider } from "../../provider/provider";
import { PROJECT_ID, startCaptureServer, type CaptureServer } from "../client/clientTestKit";
import { configureProvider } from "./configureProvider";

const A = "616fb98f-46ca-475e-917e-2563e5a8cd19";
const B = "726fb98f-46ca-475e-917e-2563e5a8cd20";
const EP = "9c2e1b7a-4f0e-4c5d-8a51-3b2f6c7d8e9f";

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer((request) =>
    request.url.includes("server_id=")
      ? { status: 200, body: { count: 1, servers: [{ id: A, status: "SHUTOFF", enterprise_project_id: EP }] } }
      : {
          status: 200,
          body: {
            count: 2,
            servers: [
              { id: B, name: "b", status: "ACTIVE", tags: ["env=dev"], enterprise_project_id: EP },
              { id: "c", name: "c", status: "ACTIVE", tags: ["env=dev"], enterprise_project_id: "0" },
            ],
          },
        },
  );
});
afterAll(() => server.stop());
beforeEach(() => server.requests.splice(0));

const record = (selector: Record<string, unknown>) => ({
  serverIds: [A],
  state: "stopped",
  timeoutSeconds: 900,
  selector: { tags: { env: ["dev"] }, notTags: {}, ...selector },
});

describe("the enterprise project of every listing", () => {
  it("huaweicloud:enterpriseProjectId scopes the selector's listing and the server_id listing", async () => {
    await configureProvider(server.url, { "huaweicloud:enterpriseProjectId": EP });
    const read = await provider.read("sps-1", record({}));
    expect(server.requests.map((r) => r.url)).toEqual([
      `/v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=${EP}&limit=1000&tags=env%3Ddev`,
      `/v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=${EP}&limit=1&server_id=${A}`,
    ]);
    expect(read.props?.members).toEqual([B, "c"]);
    expect((read.props?.servers as Record<string, object>)[A]).toMatchObject({
      status: "SHUTOFF",
      enterpriseProjectId: EP,
    });
  });

  it("unset: all_granted_eps; a selector's own enterpriseProjectId is sent on its listing and checked on each server", async () => {
    await configureProvider(server.url);
    const read = await provider.read("sps-1", record({ enterpriseProjectId: EP }));
    expect(server.requests.map((r) => r.url)).toEqual([
      `/v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=${EP}&limit=1000&tags=env%3Ddev`,
      `/v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=all_granted_eps&limit=1&server_id=${A}`,
    ]);
    // "c" was listed, but it is in project 0: not a member.
    expect(read.props?.members).toEqual([B]);
  });
});
