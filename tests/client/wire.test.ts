/**
 * What the client puts on the wire and how it reads what comes back, against a bare node:http
 * server on port 0: exact request shapes, answers the emulator never gives (403, gateway 404,
 * malformed bodies, echoed secrets), and the endpoint rule.
 */
import * as querystring from "node:querystring";
import { inspect } from "node:util";
import { verifySignature } from "../../emulator/verifySignature";
import { EcsClient } from "../../provider/ecsClient";
import { findProjectId } from "../../provider/findProjectId";
import { formatSdkDate } from "../../provider/signer";
import { CLIENT_USER_AGENT } from "../../provider/constants";
import { CREDENTIALS, newClient, PROJECT_ID, recordingSleep, startCaptureServer } from "./clientTestKit";
import type { CaptureServer, CapturedRequest, Reply } from "./clientTestKit";

const NOW = new Date("2024-01-15T08:30:00.000Z");
const JOB = { job_id: "ff80808288d41e1b018990260955686a", status: "RUNNING", end_time: "", entities: { sub_jobs: [] } };

let server: CaptureServer;
let reply: (request: CapturedRequest, index: number) => Reply;

beforeAll(async () => {
  server = await startCaptureServer((request, index) => reply(request, index));
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  server.requests.length = 0;
  reply = () => ({ status: 200, body: { job_id: "job-1" } });
});

async function withClient<T>(
  options: Parameters<typeof newClient>[1],
  use: (client: EcsClient) => Promise<T>,
): Promise<T> {
  const client = newClient(server.url, { now: () => NOW, ...options });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

function expectValidSignature(request: CapturedRequest, secretKey = CREDENTIALS.secretKey): void {
  const verdict = verifySignature({
    method: request.method,
    rawUrl: request.url,
    headers: request.headers,
    body: request.body,
    accessKey: CREDENTIALS.accessKey,
    secretKey,
    nowMs: NOW.getTime(),
  });
  expect(verdict).toMatchObject({ ok: true });
}

describe("request shapes", () => {
  it("os-stop: the exact body, signed Content-Type / Host / X-Project-Id / X-Sdk-Date, unsigned User-Agent and Accept", async () => {
    await withClient({}, (c) => c.batchAction("os-stop", ["a", "b"]));
    const [request] = server.requests;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(`/v1/${PROJECT_ID}/cloudservers/action`);
    expect(request.body.toString()).toBe('{"os-stop":{"type":"SOFT","servers":[{"id":"a"},{"id":"b"}]}}');
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "x-project-id": PROJECT_ID,
      "x-sdk-date": formatSdkDate(NOW),
      "user-agent": CLIENT_USER_AGENT,
      accept: "application/json",
      authorization: expect.stringMatching(
        new RegExp(
          `^SDK-HMAC-SHA256 Access=${CREDENTIALS.accessKey}, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$`,
        ),
      ),
    });
    expect(request.headers["x-security-token"]).toBeUndefined();
    expectValidSignature(request);
  });

  it("os-start has no type; reboot defaults to SOFT; HARD when asked", async () => {
    await withClient({}, async (c) => {
      await c.batchAction("os-start", ["a"]);
      await c.batchAction("reboot", ["a"]);
      await c.batchAction("os-stop", ["a"], { type: "HARD" });
    });
    expect(server.requests.map((r) => r.body.toString())).toEqual([
      '{"os-start":{"servers":[{"id":"a"}]}}',
      '{"reboot":{"type":"SOFT","servers":[{"id":"a"}]}}',
      '{"os-stop":{"type":"HARD","servers":[{"id":"a"}]}}',
    ]);
  });

  it("temporary credentials: X-Security-Token sent and signed", async () => {
    reply = () => ({ status: 200, body: JOB });
    await withClient({ credentials: { ...CREDENTIALS, securityToken: "STS-TOKEN-123" } }, (c) => c.getJob(JOB.job_id));
    const [request] = server.requests;
    expect(request.headers["x-security-token"]).toBe("STS-TOKEN-123");
    expect(request.headers.authorization).toContain(
      "SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,",
    );
    expectValidSignature(request);
  });

  it("GET paths: job and server ids percent-encoded as one segment, list with commas encoded as %2C (as the official SDKs send them) and limit", async () => {
    reply = (request) =>
      request.url.includes("/jobs/")
        ? { status: 200, body: { ...JOB, job_id: "a b/c" } }
        : request.url.includes("/detail")
          ? { status: 200, body: { servers: [] } }
          : { status: 200, body: { server: { id: "x y", status: "ACTIVE" } } };
    await withClient({}, async (c) => {
      await c.getJob("a b/c");
      await c.getServer("x y");
      await c.listServers(["s1", "s2"]);
    });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /v1/${PROJECT_ID}/jobs/a%20b%2Fc`,
      `GET /v1/${PROJECT_ID}/cloudservers/x%20y`,
      `GET /v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=all_granted_eps&limit=2&server_id=s1%2Cs2`,
    ]);
    // The Node SDK builds its query with querystring.stringify, its keys in this order: the same bytes.
    expect(server.requests[2].url.split("?")[1]).toBe(
      querystring.stringify({ enterprise_project_id: "all_granted_eps", limit: 2, server_id: "s1,s2" }),
    );
    for (const request of server.requests) {
      expect(request.body.length).toBe(0);
      expectValidSignature(request);
    }
  });

  it("findProjectId: /v3/projects?name=<region>, signed, without X-Project-Id, and GET only", async () => {
    reply = () => ({
      status: 200,
      body: {
        projects: [
          { id: "p-sub", name: "cn-north-4_sub" },
          { id: "p-1", name: "cn-north-4" },
        ],
      },
    });
    await expect(
      findProjectId({ region: "cn-north-4", credentials: CREDENTIALS, iamEndpoint: server.url, now: () => NOW }),
    ).resolves.toBe("p-1");
    const [request] = server.requests;
    expect(`${request.method} ${request.url}`).toBe("GET /v3/projects?name=cn-north-4");
    expect(request.headers["x-project-id"]).toBeUndefined();
    expect(request.headers.authorization).toContain("SignedHeaders=content-type;host;x-sdk-date,");
    expectValidSignature(request);
  });

  it("findProjectId takes only an exact name match, never a prefix", async () => {
    reply = () => ({ status: 200, body: { projects: [{ id: "p-sub", name: "cn-north-4_sub" }] } });
    await expect(
      findProjectId({ region: "cn-north-4", credentials: CREDENTIALS, iamEndpoint: server.url }),
    ).rejects.toMatchObject({
      code: "ECS_PROJECT_NOT_FOUND",
      message: expect.stringContaining("no project named cn-north-4 among the 1 project these credentials can see"),
    });
    expect(server.requests.map((r) => r.method)).toEqual(["GET"]);
  });

  it("signs each attempt afresh: a retry carries the clock's new date", async () => {
    let nowMs = NOW.getTime();
    reply = (_r, index) =>
      index === 0 ? { status: 503, body: { error_code: "APIGW.0202", error_msg: "busy" } } : { status: 200, body: JOB };
    const recorder = recordingSleep();
    await withClient(
      {
        now: () => new Date(nowMs),
        sleep: async (ms) => {
          await recorder.sleep(ms);
          nowMs += 5000;
        },
      },
      (c) => c.getJob(JOB.job_id),
    );
    expect(server.requests.map((r) => r.headers["x-sdk-date"])).toEqual(["20240115T083000Z", "20240115T083005Z"]);
  });
});

describe("error shapes the emulator does not produce", () => {
  it("403 Ecs.0003 on the action: ECS_FORBIDDEN naming the IAM action", async () => {
    reply = () => ({
      status: 403,
      body: { error: { code: "Ecs.0003", message: "You do not have permission." } },
      headers: { "X-Request-Id": "rid-403" },
    });
    await expect(withClient({}, (c) => c.batchAction("os-stop", ["a"]))).rejects.toMatchObject({
      code: "ECS_FORBIDDEN",
      statusCode: 403,
      huaweiCode: "Ecs.0003",
      requestId: "rid-403",
      hint: expect.stringMatching(/ecs:cloudServers:stop.*balance is insufficient or the account is frozen/),
      attempts: 1,
    });
    reply = () => ({ status: 403, body: { error_code: "Pdp.0001", error_msg: "policy denies" } });
    await expect(withClient({}, (c) => c.listServers(["a"]))).rejects.toMatchObject({
      code: "ECS_FORBIDDEN",
      hint: expect.not.stringContaining("balance"),
    });
    await expect(withClient({}, (c) => c.listServers(["a"]))).rejects.toMatchObject({
      hint: expect.stringContaining("ecs:cloudServers:list"),
    });
    await expect(withClient({}, (c) => c.batchAction("os-start", ["a"]))).rejects.toMatchObject({
      hint: expect.stringContaining("ecs:cloudServers:start"),
    });
    await expect(withClient({}, (c) => c.batchAction("reboot", ["a"]))).rejects.toMatchObject({
      hint: expect.stringContaining("ecs:cloudServers:reboot"),
    });
    await expect(
      findProjectId({ region: "cn-north-4", credentials: CREDENTIALS, iamEndpoint: server.url }),
    ).rejects.toMatchObject({
      code: "ECS_FORBIDDEN",
      hint: expect.stringContaining("iam:projects:listProjects"),
    });
    expect(server.requests).toHaveLength(6);
  });

  it("error bodies in all three shapes give Huawei's code and message: nested, flat, and top-level", async () => {
    const bodies = [
      { error: { code: "Common.0011", message: "job not found" } },
      { error_code: "Common.0011", error_msg: "job not found" },
      { code: "Common.0011", message: "job not found" },
    ];
    for (const body of bodies) {
      reply = () => ({ status: 404, body });
      await expect(withClient({}, (c) => c.getJob("j"))).rejects.toMatchObject({
        code: "ECS_JOB_NOT_FOUND",
        huaweiCode: "Common.0011",
        huaweiMessage: "job not found",
      });
    }
    reply = () => ({ status: 400, body: { code: "Ecs.0100", message: "state not right" } });
    await expect(withClient({}, (c) => c.batchAction("os-stop", ["a"]))).rejects.toMatchObject({
      code: "ECS_SERVER_STATE",
      huaweiCode: "Ecs.0100",
      serverIds: ["a"],
    });
  });

  it("request id: the X-Request-Id header, else the body's request_id", async () => {
    reply = () => ({ status: 400, body: { error_code: "APIGW.0106", error_msg: "bad", request_id: "body-rid" } });
    await expect(withClient({}, (c) => c.getJob("j"))).rejects.toMatchObject({
      requestId: "body-rid",
      huaweiCode: "APIGW.0106",
      huaweiMessage: "bad",
    });
    reply = () => ({
      status: 400,
      body: { error_code: "APIGW.0106", error_msg: "bad", request_id: "body-rid" },
      headers: { "X-Request-Id": "header-rid" },
    });
    await expect(withClient({}, (c) => c.getJob("j"))).rejects.toMatchObject({ requestId: "header-rid" });
  });

  it("a gateway 404 (API not found) on getServer throws ECS_NOT_FOUND instead of reporting the server absent", async () => {
    reply = () => ({
      status: 404,
      body: {
        error_code: "APIGW.0101",
        error_msg: "The API does not exist or has not been published in the environment.",
      },
    });
    await expect(withClient({}, (c) => c.getServer("a"))).rejects.toMatchObject({
      code: "ECS_NOT_FOUND",
      huaweiCode: "APIGW.0101",
      serverIds: ["a"],
    });
  });

  it("getServer: 404 Ecs.0614 is found: false; an answer about another server is a bad response", async () => {
    reply = () => ({ status: 404, body: { error: { code: "Ecs.0614", message: "gone" } } });
    await expect(withClient({}, (c) => c.getServer("a"))).resolves.toMatchObject({ id: "a", found: false });
    reply = () => ({ status: 200, body: { server: { id: "b", status: "ACTIVE" } } });
    await expect(withClient({}, (c) => c.getServer("a"))).rejects.toMatchObject({
      code: "ECS_BAD_RESPONSE",
      message: expect.stringContaining('server.id: expected "a", received "b"'),
    });
  });

  it("a FAILed job whose own error_code looks like a throttle code is an answer, not a throttle", async () => {
    reply = () => ({
      status: 200,
      body: { ...JOB, status: "FAIL", error_code: "Common.0024", fail_reason: "flow limit inside the job" },
    });
    await expect(withClient({}, (c) => c.getJob(JOB.job_id))).resolves.toMatchObject({
      status: "FAIL",
      errorCode: "Common.0024",
    });
    expect(server.requests).toHaveLength(1);
  });

  it("a bare 202 {error_code: Common.0024} on the action (no message, no job id) is still a throttle, retried", async () => {
    reply = (_r, index) =>
      index === 0 ? { status: 202, body: { error_code: "Common.0024" } } : { status: 200, body: { job_id: "job-2" } };
    await expect(withClient({}, (c) => c.batchAction("os-stop", ["a"]))).resolves.toEqual([
      expect.objectContaining({ jobId: "job-2" }),
    ]);
    expect(server.requests).toHaveLength(2);
  });

  it("a list answer with ids that were not asked: ignored; ids asked but absent: found: false", async () => {
    reply = () => ({
      status: 200,
      body: {
        servers: [
          { id: "zzz", status: "ACTIVE" },
          { id: "b", status: "SHUTOFF" },
        ],
      },
    });
    const servers = await withClient({}, (c) => c.listServers(["a", "b"]));
    expect(servers.map((s) => [s.id, s.found, s.status])).toEqual([
      ["a", false, null],
      ["b", true, "SHUTOFF"],
    ]);
  });
});

describe("malformed answers", () => {
  it.each<[string, Reply, string]>([
    [
      "a job with a sub-job status of the wrong type",
      {
        status: 200,
        body: { ...JOB, entities: { sub_jobs: [{ status: "SUCCESS" }, { status: "SUCCESS" }, { status: 7 }] } },
      },
      "entities.sub_jobs[2].status: expected string, received number (7)",
    ],
    ["a job without status", { status: 200, body: { job_id: "j" } }, "status: missing (expected string)"],
    ["a JSON array", { status: 200, body: [JOB] }, "the body: expected object, received array (1 item)"],
    ["an empty 200", { status: 200 }, "the body: missing (expected object)"],
  ])("getJob: %s → ECS_BAD_RESPONSE naming the field", async (_label, answer, problem) => {
    reply = () => answer;
    await expect(withClient({}, (c) => c.getJob("j"))).rejects.toMatchObject({
      code: "ECS_BAD_RESPONSE",
      route: "GET /v1/{project_id}/jobs/{job_id}",
      statusCode: 200,
      message: expect.stringContaining(`unexpected answer: ${problem}`),
      hint: expect.stringContaining("check that the endpoint URL points at ECS"),
    });
  });

  it("a 200 that is not JSON on a GET: retried (a cut-short body), then ECS_BAD_RESPONSE quoting the start of the body, on one line", async () => {
    reply = () => ({ status: 200, body: "<html>\n<body>Proxy login required</body>\n</html>" });
    await expect(withClient({ retry: { maxAttempts: 2 } }, (c) => c.listServers(["a"]))).rejects.toMatchObject({
      code: "ECS_BAD_RESPONSE",
      attempts: 2,
      message: expect.stringContaining('the answer is not JSON: "<html> <body>Proxy login required</body> </html>"'),
    });
    expect(server.requests).toHaveLength(2);
    await expect(withClient({ retry: { maxAttempts: 1 } }, (c) => c.listServers(["a"]))).rejects.toMatchObject({
      message: expect.not.stringMatching(/\n/),
    });
  });

  it("a GET answer cut short, then a good one: retried and read", async () => {
    reply = (_r, index) =>
      index === 0
        ? { status: 200, body: '{"count":1,"servers":[{"id":"a","sta' }
        : { status: 200, body: { count: 1, servers: [{ id: "a", status: "SHUTOFF" }] } };
    const servers = await withClient({}, (c) => c.listServers(["a"]));
    expect(servers.map((s) => [s.id, s.status])).toEqual([["a", "SHUTOFF"]]);
    expect(server.requests).toHaveLength(2);
  });

  it("a 502 HTML page on a GET: retried, then ECS_SERVER_ERROR quoting it", async () => {
    reply = () => ({ status: 502, body: "<html>Bad Gateway</html>" });
    await expect(withClient({ retry: { maxAttempts: 2 } }, (c) => c.getServer("a"))).rejects.toMatchObject({
      code: "ECS_SERVER_ERROR",
      statusCode: 502,
      attempts: 2,
      message: expect.stringContaining('non-JSON answer: "<html>Bad Gateway</html>"'),
    });
    expect(server.requests).toHaveLength(2);
  });

  it.each<[string, Reply, string]>([
    ["a numeric job_id", { status: 200, body: { job_id: 12345 } }, "job_id: expected string, received number (12345)"],
    ["no job_id and no code", { status: 200, body: {} }, "job_id: missing (expected string)"],
    ["a non-JSON 200", { status: 200, body: "OK" }, 'non-JSON answer: "OK"'],
  ])(
    "the action POST answering 2xx with %s: ECS_AMBIGUOUS_SUBMIT (it may have been accepted), not retried",
    async (_label, answer, problem) => {
      reply = () => answer;
      await expect(withClient({}, (c) => c.batchAction("os-stop", ["a"]))).rejects.toMatchObject({
        code: "ECS_AMBIGUOUS_SUBMIT",
        statusCode: 200,
        message: expect.stringContaining(problem),
        attempts: 1,
      });
      expect(server.requests).toHaveLength(1);
    },
  );

  it("a list entry with a wrong type names the entry", async () => {
    reply = () => ({
      status: 200,
      body: {
        servers: [
          { id: "a", status: "ACTIVE" },
          { id: "b", status: "ACTIVE", locked: "yes" },
        ],
      },
    });
    await expect(withClient({}, (c) => c.listServers(["a", "b"]))).rejects.toMatchObject({
      code: "ECS_BAD_RESPONSE",
      serverIds: ["a", "b"],
      message: expect.stringContaining('servers[1].locked: expected boolean, received string ("yes")'),
    });
  });
});

describe("secrets never leak into errors", () => {
  const secretKey = "leakySecretKey00000000000000000000000000";
  const securityToken = "LEAKY-SECURITY-TOKEN-0123456789";

  it("even when the server echoes the secret key, the token and the Authorization header back", async () => {
    reply = (request) => ({
      status: 401,
      body: {
        error_code: "APIGW.0301",
        error_msg: `signature mismatch for ${String(request.headers.authorization)} token=${String(request.headers["x-security-token"])} sk=${secretKey}`,
        request_id: `rid-${secretKey}`,
      },
    });
    const client = new EcsClient({
      endpoint: server.url,
      projectId: PROJECT_ID,
      credentials: { accessKey: CREDENTIALS.accessKey, secretKey, securityToken },
    });
    let caught: unknown;
    try {
      await expect(client.getJob("j")).rejects.toMatchObject({ code: "ECS_AUTH_FAILED" });
      caught = await client.getJob("j").catch((error: unknown) => error);
      await expect(client.batchAction("os-stop", ["a"])).rejects.toMatchObject({ code: "ECS_AUTH_FAILED" });
    } finally {
      await client.close();
    }
    const signature = /Signature=([0-9a-f]+)/.exec(String(server.requests[1].headers.authorization))![1];
    const texts = [(caught as Error).message, JSON.stringify(caught), inspect(caught, { depth: 10, showHidden: true })];
    for (const text of texts) {
      expect(text).toContain("[REDACTED]");
      expect(text).not.toContain(secretKey);
      expect(text).not.toContain(securityToken);
      expect(text).not.toContain(signature);
    }
  });
});

describe("secrets never leak into errors about malformed answers", () => {
  it("a wrong-typed field quoting the secret key is redacted in the message", async () => {
    const secretKey = "anotherLeakySecretKey0000000000000000000";
    reply = () => ({ status: 200, body: { job_id: "j", status: "RUNNING", entities: secretKey } });
    const client = new EcsClient({
      endpoint: server.url,
      projectId: PROJECT_ID,
      credentials: { accessKey: CREDENTIALS.accessKey, secretKey },
    });
    try {
      await expect(client.getJob("j")).rejects.toMatchObject({
        code: "ECS_BAD_RESPONSE",
        message: expect.stringContaining('entities: expected object, received string ("[REDACTED]")'),
      });
    } finally {
      await client.close();
    }
  });
});

describe("the endpoint rule", () => {
  it("refuses plain http to a non-loopback host before any I/O", () => {
    expect(
      () =>
        new EcsClient({
          endpoint: "http://ecs.cn-north-4.myhuaweicloud.com",
          projectId: PROJECT_ID,
          credentials: CREDENTIALS,
        }),
    ).toThrow(
      expect.objectContaining({
        code: "ECS_INVALID_ENDPOINT",
        message: expect.stringContaining("[http://ecs.cn-north-4.myhuaweicloud.com]"),
      }),
    );
    expect(
      () => new EcsClient({ endpoint: `${server.url}/v1`, projectId: PROJECT_ID, credentials: CREDENTIALS }),
    ).toThrow(expect.objectContaining({ code: "ECS_INVALID_ENDPOINT" }));
  });

  it("refuses the same for the IAM endpoint", async () => {
    await expect(
      findProjectId({ region: "cn-north-4", credentials: CREDENTIALS, iamEndpoint: "http://iam.example.com" }),
    ).rejects.toMatchObject({
      code: "ECS_INVALID_ENDPOINT",
      message: expect.stringContaining("checking iamEndpoint [http://iam.example.com]"),
    });
    expect(server.requests).toHaveLength(0);
  });

  it("accepts a loopback endpoint with a trailing slash", async () => {
    reply = () => ({ status: 200, body: JOB });
    const client = new EcsClient({ endpoint: `${server.url}/`, projectId: PROJECT_ID, credentials: CREDENTIALS });
    try {
      await expect(client.getJob(JOB.job_id)).resolves.toMatchObject({
        jobId: JOB.job_id,
        status: "RUNNING",
        endTime: undefined,
      });
    } finally {
      await client.close();
    }
  });

  it("requires a project id and both keys", () => {
    expect(() => new EcsClient({ endpoint: server.url, projectId: "", credentials: CREDENTIALS })).toThrow(
      /projectId must be a non-empty string/,
    );
    expect(
      () =>
        new EcsClient({ endpoint: server.url, projectId: PROJECT_ID, credentials: { accessKey: "ak", secretKey: "" } }),
    ).toThrow(/credentials\.secretKey must be a non-empty string/);
  });
});
