/** The emulated API gateway: SDK-HMAC-SHA256 verification, project checks, request ids, unknown routes. */
import { DEFAULT_EMULATOR_CREDENTIALS, type RunningEmulator, startEmulator } from "../../emulator";
import { formatSdkDate, signRequest } from "../../provider/signer";
import { EmulatorTestClient, rawRequest } from "./emulatorTestClient";

const SERVER = "616fb98f-46ca-475e-917e-2563e5a8cd19";

describe("signature verification", () => {
  let emulator: RunningEmulator;
  let client: EmulatorTestClient;

  beforeAll(async () => {
    // Many failures in a row here: the key lock has its own tests below.
    emulator = await startEmulator({ servers: [{ id: SERVER, status: "ACTIVE" }], authLockSeconds: 0 });
    client = new EmulatorTestClient(emulator.url);
  });
  afterAll(() => emulator.stop());

  it("accepts a correctly signed request and tags the answer with a request id", async () => {
    const response = await client.show(SERVER);
    expect(response.status).toBe(200);
    expect(response.json.server.id).toBe(SERVER);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("gives every answer its own request id, repeated in gateway error bodies", async () => {
    const a = await client.show(SERVER);
    const b = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, {
      credentials: { ...client.credentials, secretKey: "wrong" },
    });
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
    expect(b.json.request_id).toBe(b.headers.get("x-request-id"));
  });

  it("rejects a signature made with the wrong secret key", async () => {
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, {
      credentials: { accessKey: DEFAULT_EMULATOR_CREDENTIALS.accessKey, secretKey: "not-the-secret" },
    });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      error_code: "APIGW.0301",
      error_msg: "Incorrect IAM authentication information: verify aksk signature fail",
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it("rejects an unknown access key, naming it", async () => {
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, {
      credentials: { accessKey: "SOMEOTHERAK", secretKey: DEFAULT_EMULATOR_CREDENTIALS.secretKey },
    });
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe("APIGW.0301");
    expect(response.json.error_msg).toContain("ak:SOMEOTHERAK,err:ak not exist");
  });

  it("rejects a body changed after signing", async () => {
    const body = JSON.stringify({ "os-stop": { servers: [{ id: SERVER }] } });
    const url = `${emulator.url}/v1/${client.projectId}/cloudservers/action`;
    const headers = { "Content-Type": "application/json" };
    const signed = signRequest(
      { method: "POST", url, headers, body, projectId: client.projectId },
      client.credentials,
      new Date(),
    );
    const response = await fetch(url, {
      method: "POST",
      headers: { ...headers, ...signed },
      body: body.replace("os-stop", "os-start"),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error_msg: string }).error_msg).toBe(
      "Incorrect IAM authentication information: verify aksk signature fail",
    );
  });

  it("rejects a changed query string", async () => {
    const url = `${emulator.url}/v1/${client.projectId}/cloudservers/detail?limit=5`;
    const signed = signRequest(
      { method: "GET", url, headers: { "Content-Type": "application/json" }, projectId: client.projectId },
      client.credentials,
      new Date(),
    );
    const response = await fetch(url.replace("limit=5", "limit=6"), {
      headers: { "Content-Type": "application/json", ...signed },
    });
    expect(response.status).toBe(401);
  });

  it.each([
    ["16 minutes behind", -16 * 60_000],
    ["16 minutes ahead", 16 * 60_000],
  ])("rejects an X-Sdk-Date %s as expired", async (_label, offsetMs) => {
    const date = new Date(Date.now() + offsetMs);
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, { date });
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain(`x-sdk-date expired, signature time:${formatSdkDate(date)}`);
  });

  it("accepts an X-Sdk-Date 14 minutes off", async () => {
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, {
      date: new Date(Date.now() - 14 * 60_000),
    });
    expect(response.status).toBe(200);
  });

  it("rejects an unparseable X-Sdk-Date", async () => {
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, {
      extraHeaders: { "X-Sdk-Date": "2024-01-15T08:30:00Z" },
    });
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain("x-sdk-date [2024-01-15T08:30:00Z] is not of the form YYYYMMDDTHHMMSSZ");
  });

  it("rejects a request without Authorization", async () => {
    const response = await fetch(`${emulator.url}/v1/${client.projectId}/cloudservers/${SERVER}`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error_msg: string }).error_msg).toBe(
      "Incorrect IAM authentication information: x-auth-token not found",
    );
  });

  it("rejects an Authorization header of another scheme", async () => {
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, {
      extraHeaders: { Authorization: "Bearer abc" },
    });
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain("unsupported Authorization header");
  });

  it("rejects a request missing a header it claims to have signed", async () => {
    const path = `/v1/${client.projectId}/cloudservers/${SERVER}`;
    const signed = signRequest(
      {
        method: "GET",
        url: `${emulator.url}${path}`,
        headers: { "Content-Type": "application/json" },
        projectId: client.projectId,
      },
      client.credentials,
      new Date(),
    );
    // Sent without the Content-Type the signature covers.
    const response = await rawRequest(emulator.port, "GET", path, {
      Host: `127.0.0.1:${emulator.port}`,
      ...signed,
    });
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain("signed header content-type not found in the request");
  });

  it("rejects a signature that does not cover X-Sdk-Date", async () => {
    const signed = signRequest(
      {
        method: "GET",
        url: `${emulator.url}/v1/${client.projectId}/cloudservers/${SERVER}`,
        projectId: client.projectId,
      },
      client.credentials,
      new Date(),
    );
    const authorization = signed.Authorization.replace("x-project-id;x-sdk-date", "x-project-id");
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, {
      extraHeaders: { Authorization: authorization },
    });
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain("SignedHeaders must include x-sdk-date");
  });

  it("rejects an X-Security-Token that is not signed", async () => {
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, {
      extraHeaders: { "X-Security-Token": "temporary-token" },
    });
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain("x-security-token is present but not signed");
  });

  it("accepts temporary credentials whose token is signed", async () => {
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, {
      credentials: { ...client.credentials, securityToken: "temporary-token" },
    });
    expect(response.status).toBe(200);
  });

  it("answers an unknown API with the gateway's 404", async () => {
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}/os-interface`);
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ error_code: "APIGW.0101" });
    expect(response.headers.get("x-request-id")).toBe(response.json.request_id);
  });
});

describe("the reference signature vectors", () => {
  // Vector 1 of the reference, produced by the official SDK for host ecs.cn-north-4.myhuaweicloud.com.
  const projectId = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  const body =
    '{"os-stop":{"servers":[{"id":"616fb98f-46ca-475e-917e-2563e5a8cd19"},{"id":"726fb98f-46ca-475e-917e-2563e5a8cd20"}],"type":"SOFT"}}';
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      accessKey: "HPUAEXAMPLEAK0000001",
      secretKey: "exampleSecretKey0000000000000000000000000",
      projectId,
      clockMs: () => Date.parse("2024-01-15T08:31:00Z"),
      servers: [
        { id: "616fb98f-46ca-475e-917e-2563e5a8cd19", status: "ACTIVE" },
        { id: "726fb98f-46ca-475e-917e-2563e5a8cd20", status: "ACTIVE" },
      ],
    });
  });
  afterAll(() => emulator.stop());

  const headers = (signature: string) => ({
    Host: "ecs.cn-north-4.myhuaweicloud.com",
    "Content-Type": "application/json",
    "X-Project-Id": projectId,
    "X-Sdk-Date": "20240115T083000Z",
    Authorization: `SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=${signature}`,
  });

  it("accepts the SDK's own signature of the batch stop, byte for byte", async () => {
    const response = await rawRequest(
      emulator.port,
      "POST",
      `/v1/${projectId}/cloudservers/action`,
      headers("860f692985711643aba35a492b3e16bd8ebd11b31ec20dddf08dd188a2e03a9a"),
      body,
    );
    expect(response.status).toBe(200);
    expect(response.json.job_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("accepts the SDK's signature of a query with a comma (vector 2)", async () => {
    const response = await rawRequest(
      emulator.port,
      "GET",
      `/v1/${projectId}/cloudservers/detail?server_id=616fb98f-46ca-475e-917e-2563e5a8cd19,726fb98f-46ca-475e-917e-2563e5a8cd20&limit=100`,
      headers("115c914fac45d15eb5ecfbad8e1b0dd7c67eb9436cda959b322a14e9c9905e21"),
    );
    expect(response.status).toBe(200);
    expect(response.json.count).toBe(2);
  });

  it("accepts the SDK's signature with a security token (vector 3): the job lookup, not the gateway, answers", async () => {
    const response = await rawRequest(emulator.port, "GET", `/v1/${projectId}/jobs/ff80808288d41e1b018990260955686a`, {
      ...headers("c078e5c78c6b6bec3b8093feffce9824f809d72d934af619877dc1034268a07d"),
      Authorization:
        "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, Signature=c078e5c78c6b6bec3b8093feffce9824f809d72d934af619877dc1034268a07d",
      "X-Security-Token": "EXAMPLE-SECURITY-TOKEN",
    });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("Common.0011");
  });

  it("rejects the same signature with one signature digit changed", async () => {
    const response = await rawRequest(
      emulator.port,
      "POST",
      `/v1/${projectId}/cloudservers/action`,
      headers("960f692985711643aba35a492b3e16bd8ebd11b31ec20dddf08dd188a2e03a9a"),
      body,
    );
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe("APIGW.0301");
  });
});

describe("projects", () => {
  let emulator: RunningEmulator;
  let client: EmulatorTestClient;

  beforeAll(async () => {
    emulator = await startEmulator({ region: "ap-southeast-1", servers: [{ id: SERVER, status: "ACTIVE" }] });
    client = new EmulatorTestClient(emulator.url);
  });
  afterAll(() => emulator.stop());

  it("rejects a project id in the path that is not the emulator's", async () => {
    const other = "ffffffffffffffffffffffffffffffff";
    const response = await client.call("GET", `/v1/${other}/cloudservers/${SERVER}`, { projectId: other });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: { code: "Common.0018", message: expect.stringContaining(other) } });
  });

  it("rejects an X-Project-Id that differs from the path", async () => {
    const other = "ffffffffffffffffffffffffffffffff";
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, { projectId: other });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("Common.0018");
    expect(response.json.error.message).toContain("X-Project-Id");
  });

  it("accepts a project-level call without X-Project-Id", async () => {
    const response = await client.call("GET", `/v1/${client.projectId}/cloudservers/${SERVER}`, { projectId: null });
    expect(response.status).toBe(200);
  });

  it("answers IAM's project query with the exact region only, not its prefix-variant", async () => {
    const response = await client.projects("ap-southeast-1");
    expect(response.status).toBe(200);
    expect(response.json.projects).toEqual([
      expect.objectContaining({
        id: client.projectId,
        name: "ap-southeast-1",
        enabled: true,
        domain_id: expect.any(String),
      }),
    ]);
  });

  it("lists the region's project and a decoy whose name only starts with the region", async () => {
    const response = await client.projects();
    expect(response.json.projects.map((project: { name: string }) => project.name)).toEqual([
      "ap-southeast-1",
      "ap-southeast-1_sub",
    ]);
    const decoy = response.json.projects[1];
    expect(decoy.id).toMatch(/^[0-9a-f]{32}$/);
    expect(decoy.id).not.toBe(client.projectId);
  });

  it("answers an unknown region with an empty list", async () => {
    const response = await client.projects("cn-north-4");
    expect(response.status).toBe(200);
    expect(response.json.projects).toEqual([]);
  });

  it("requires a signature on IAM too", async () => {
    const response = await client.call("GET", "/v3/projects?name=ap-southeast-1", {
      projectId: null,
      credentials: { ...client.credentials, secretKey: "wrong" },
    });
    expect(response.status).toBe(401);
  });
});
