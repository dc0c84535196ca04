/**
 * Compatibility with Huawei's official Node SDK (dev-only oracle): the emulator must accept the
 * SDK's signatures and the SDK must parse the emulator's answers, errors included.
 */
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import {
  BatchStartServersOption,
  BatchStartServersRequest,
  BatchStartServersRequestBody,
  BatchStopServersOption,
  BatchStopServersOptionTypeEnum,
  BatchStopServersRequest,
  BatchStopServersRequestBody,
  EcsClient,
  ListServersByTagRequest,
  ListServersByTagRequestBody,
  ListServersDetailsRequest,
  ServerId,
  ServerTagMatch,
  ServerTags,
  ShowJobRequest,
} from "@huaweicloud/huaweicloud-sdk-ecs";
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, type RunningEmulator, startEmulator } from "../../emulator";

const A = "616fb98f-46ca-475e-917e-2563e5a8cd19";
const B = "726fb98f-46ca-475e-917e-2563e5a8cd20";
const MISSING = "826fb98f-46ca-475e-917e-2563e5a8cd21";

function sdkClient(url: string, secretKey = DEFAULT_EMULATOR_CREDENTIALS.secretKey): EcsClient {
  const credentials = new BasicCredentials()
    .withAk(DEFAULT_EMULATOR_CREDENTIALS.accessKey)
    .withSk(secretKey)
    .withProjectId(DEFAULT_EMULATOR_CREDENTIALS.projectId);
  return EcsClient.newBuilder().withCredential(credentials).withEndpoint(url).build();
}

/**
 * The SDK hands back the parsed JSON as is, typed as its model class: snake_case fields are
 * there, the camelCase getters of the class are not. Read the wire names.
 */
function wire(response: object): Record<string, any> {
  return response as Record<string, any>;
}

async function waitForJob(client: EcsClient, jobId: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const job = await client.showJob(new ShowJobRequest().withJobId(jobId));
    if (job.status === "SUCCESS" || job.status === "FAIL") return job.status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

describe("the official Huawei Cloud Node SDK against the emulator", () => {
  let emulator: RunningEmulator;
  let client: EcsClient;

  beforeAll(async () => {
    emulator = await startEmulator({
      servers: [
        { id: A, status: "ACTIVE" },
        { id: B, status: "SHUTOFF" },
      ],
      stopSeconds: 0.1,
      startSeconds: 0.1,
      jobInitMs: 10,
    });
    client = sdkClient(emulator.url);
  });
  afterAll(() => emulator.stop());

  it("BatchStopServers and ShowJob: signed, accepted, parsed to SUCCESS", async () => {
    const body = new BatchStopServersRequestBody(
      new BatchStopServersOption([new ServerId(A)]).withType(BatchStopServersOptionTypeEnum.HARD),
    );
    const accepted = await client.batchStopServers(new BatchStopServersRequest().withBody(body));
    expect(accepted.httpStatusCode).toBe(200);
    const jobId = wire(accepted).job_id;
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(await waitForJob(client, jobId)).toBe("SUCCESS");
    const job = wire(await client.showJob(new ShowJobRequest().withJobId(jobId)));
    expect(job.job_type).toBe("batchStopServers");
    expect(job.entities.sub_jobs_total).toBe(1);
    expect(job.entities.sub_jobs[0]).toMatchObject({ status: "SUCCESS", entities: { server_id: A } });
  });

  it("BatchStartServers: accepted and run to SUCCESS", async () => {
    const body = new BatchStartServersRequestBody(new BatchStartServersOption([new ServerId(B)]));
    const accepted = await client.batchStartServers(new BatchStartServersRequest().withBody(body));
    const jobId = wire(accepted).job_id;
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(await waitForJob(client, jobId)).toBe("SUCCESS");
  });

  it("ListServersDetails with a server_id filter (comma in the signed query)", async () => {
    const admin = new EmulatorAdmin(emulator.url);
    await admin.setServer(A, { status: "SHUTOFF" });
    await admin.setServer(B, { status: "ACTIVE" });
    const response = await client.listServersDetails(
      new ListServersDetailsRequest().withServerId(`${A},${B},${MISSING}`).withLimit(100),
    );
    expect(response.count).toBe(3);
    const byId = Object.fromEntries((response.servers ?? []).map((server) => [server.id, server]));
    expect(byId[A].status).toBe("SHUTOFF");
    expect(byId[B].status).toBe("ACTIVE");
    expect(byId[MISSING].status).toBeNull();
    expect(byId[MISSING].fault).toMatchObject({ code: 404 });
  });

  describe("selecting by tag", () => {
    const T1 = "936fb98f-46ca-475e-917e-2563e5a8cd22";
    const T2 = "a46fb98f-46ca-475e-917e-2563e5a8cd23";
    const T3 = "b56fb98f-46ca-475e-917e-2563e5a8cd24";
    beforeAll(async () => {
      await new EmulatorAdmin(emulator.url).putServers([
        { id: T1, status: "ACTIVE", name: "web-1", tags: { env: "dev", team: "web" } },
        { id: T2, status: "ACTIVE", name: "web-2", tags: { env: "dev" } },
        { id: T3, status: "SHUTOFF", name: "db-1", tags: { env: "prod" } },
      ]);
    });
    const idsOf = (response: { servers?: { id?: string }[] }) => (response.servers ?? []).map((s) => s.id);

    it("ListServersDetails with tags, not-tags and name (the '=' signed in the query)", async () => {
      expect(
        idsOf(await client.listServersDetails(new ListServersDetailsRequest().withTags("env=dev").withLimit(1000))),
      ).toEqual([T1, T2]);
      expect(
        idsOf(
          await client.listServersDetails(
            new ListServersDetailsRequest().withTags("env=dev").withNotTags("team=web").withLimit(1000),
          ),
        ),
      ).toEqual([T2]);
      expect(
        idsOf(await client.listServersDetails(new ListServersDetailsRequest().withName("^db-").withLimit(1000))),
      ).toEqual([T3]);
      const tagged = await client.listServersDetails(
        new ListServersDetailsRequest().withTags("env=dev").withLimit(1000),
      );
      expect(wire(tagged).servers[0].tags).toEqual(["env=dev", "team=web"]);
    });

    it("ListServersDetails pages by limit and marker", async () => {
      const first = await client.listServersDetails(new ListServersDetailsRequest().withTags("env=dev").withLimit(1));
      expect(idsOf(first)).toEqual([T1]);
      const next = await client.listServersDetails(
        new ListServersDetailsRequest().withTags("env=dev").withLimit(1).withMarker(T1),
      );
      expect(idsOf(next)).toEqual([T2]);
    });

    it("ListServersByTag: filter (keys AND'd, values OR'd, empty values any) and count", async () => {
      const filter = new ListServersByTagRequestBody("filter")
        .withLimit("100")
        .withOffset("0")
        .withTags([new ServerTags("env", ["dev", "prod"]), new ServerTags("team", [])]);
      const filtered = wire(await client.listServersByTag(new ListServersByTagRequest().withBody(filter)));
      expect(filtered.total_count).toBe(1);
      expect(filtered.resources).toEqual([
        {
          resource_id: T1,
          resource_name: "web-1",
          resource_detail: null,
          tags: [
            { key: "env", value: "dev" },
            { key: "team", value: "web" },
          ],
        },
      ]);
      const count = new ListServersByTagRequestBody("count")
        .withTags([new ServerTags("env", ["dev"])])
        .withMatches([new ServerTagMatch("resource_name", "web")]);
      expect(wire(await client.listServersByTag(new ListServersByTagRequest().withBody(count))).total_count).toBe(2);
    });

    it("ListServersByTag: a repeated key is refused with Ecs.0005", async () => {
      const body = new ListServersByTagRequestBody("filter").withTags([
        new ServerTags("env", ["dev"]),
        new ServerTags("env", []),
      ]);
      await expect(client.listServersByTag(new ListServersByTagRequest().withBody(body))).rejects.toMatchObject({
        httpStatusCode: 400,
        errorCode: "Ecs.0005",
      });
    });
  });

  it("parses the emulator's ECS error shape: Common.0011 for an unknown job", async () => {
    await expect(
      client.showJob(new ShowJobRequest().withJobId("ff80808288d41e1b018990260955686a")),
    ).rejects.toMatchObject({
      httpStatusCode: 400,
      errorCode: "Common.0011",
    });
  });

  it("parses the gateway's flat error shape: APIGW.0301 with the request id", async () => {
    const wrong = sdkClient(emulator.url, "not-the-secret-key");
    await expect(
      wrong.showJob(new ShowJobRequest().withJobId("ff80808288d41e1b018990260955686a")),
    ).rejects.toMatchObject({
      httpStatusCode: 401,
      errorCode: "APIGW.0301",
      errorMsg: "Incorrect IAM authentication information: verify aksk signature fail",
      requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it("reads a 202 throttle in disguise as a response without job_id", async () => {
    await new EmulatorAdmin(emulator.url).injectFault({ route: "action", kind: "accepted-no-job" });
    const body = new BatchStopServersRequestBody(new BatchStopServersOption([new ServerId(B)]));
    const response = await client.batchStopServers(new BatchStopServersRequest().withBody(body));
    expect(response.httpStatusCode).toBe(202);
    expect(wire(response).job_id).toBeUndefined();
    expect(wire(response).error_code).toBe("Common.0024");
  });
});
