/**
 * The emulator's identity services over real HTTP: the ECS metadata service (both protocols), IAM's
 * securitytokens with agencies, and the gateway's treatment of temporary keys (token required,
 * expiry enforced, Huawei's wording).
 */
import { request } from "undici";
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import { parseCliArgs } from "../../emulator/parseCliArgs";
import { EmulatorTestClient, FakeClock } from "./emulatorTestClient";

const LIST = `/v1/${DEFAULT_EMULATOR_CREDENTIALS.projectId}/cloudservers/detail?limit=1`;
const ASSUME = (agency: string, domain: string, duration?: number) =>
  JSON.stringify({
    auth: {
      identity: {
        methods: ["assume_role"],
        assume_role: { agency_name: agency, domain_name: domain, ...(duration ? { duration_seconds: duration } : {}) },
      },
    },
  });

async function metadata(url: string, method: "PUT" | "GET", path: string, headers: Record<string, string> = {}) {
  const response = await request(`${url}${path}`, { method, headers });
  return { status: response.statusCode, text: await response.body.text() };
}

describe("the ECS metadata service", () => {
  const started: RunningEmulator[] = [];
  afterAll(() => Promise.all(started.map((e) => e.stop())));
  const start = async (options: Parameters<typeof startEmulator>[0]) => {
    const emulator = await startEmulator(options);
    started.push(emulator);
    return emulator;
  };

  it("token-optional (default): the handshake's token or none both give the agency's credentials", async () => {
    const emulator = await start({});
    const token = await metadata(emulator.url, "PUT", "/meta-data/latest/api/token", {
      "X-Metadata-Token-Ttl-Seconds": "21600",
    });
    expect(token.status).toBe(200);
    const withToken = await metadata(emulator.url, "GET", "/openstack/latest/securitykey", {
      "X-Metadata-Token": token.text,
    });
    const plain = await metadata(emulator.url, "GET", "/openstack/latest/securitykey");
    const body = JSON.parse(withToken.text);
    expect(body.credential).toEqual({
      access: expect.stringMatching(/^TMP/),
      secret: expect.any(String),
      securitytoken: expect.any(String),
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
    });
    // Not yet due for renewal: the same credentials.
    expect(JSON.parse(plain.text).credential.access).toBe(body.credential.access);
    expect(
      (await metadata(emulator.url, "GET", "/openstack/latest/securitykey", { "X-Metadata-Token": "forged" })).status,
    ).toBe(401);
  });

  it("token-required refuses a GET without a token; plain has no handshake; no-agency says so", async () => {
    const required = await start({ metadata: "token-required" });
    expect((await metadata(required.url, "GET", "/openstack/latest/securitykey")).status).toBe(401);
    const plain = await start({ metadata: "plain" });
    expect(
      (await metadata(plain.url, "PUT", "/meta-data/latest/api/token", { "X-Metadata-Token-Ttl-Seconds": "60" }))
        .status,
    ).toBe(404);
    expect((await metadata(plain.url, "GET", "/openstack/latest/securitykey")).status).toBe(200);
    const none = await start({ metadata: "no-agency" });
    expect(await metadata(none.url, "GET", "/openstack/latest/securitykey")).toEqual({
      status: 404,
      text: "Please configure Cloud Service Agency first",
    });
  });

  it("renews its credentials a sixth of their life ahead, the old ones staying valid until they expire", async () => {
    const clock = new FakeClock();
    const emulator = await start({ temporaryCredentialSeconds: 60, clockMs: clock.read });
    const first = JSON.parse((await metadata(emulator.url, "GET", "/openstack/latest/securitykey")).text).credential;
    clock.advance(49_000);
    expect(
      JSON.parse((await metadata(emulator.url, "GET", "/openstack/latest/securitykey")).text).credential.access,
    ).toBe(first.access);
    clock.advance(1_000);
    const second = JSON.parse((await metadata(emulator.url, "GET", "/openstack/latest/securitykey")).text).credential;
    expect(second.access).not.toBe(first.access);
    const client = new EmulatorTestClient(emulator.url, { now: clock.read });
    const old = { accessKey: first.access, secretKey: first.secret, securityToken: first.securitytoken };
    expect((await client.call("GET", LIST, { credentials: old })).status).toBe(200);
    clock.advance(10_000);
    const expired = await client.call("GET", LIST, { credentials: old });
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({
      error_code: "APIGW.0301",
      error_msg: "Incorrect IAM authentication information: calc ak sk signature fail:signature expired",
    });
  });
});

describe("IAM securitytokens and temporary keys at the gateway", () => {
  let emulator: RunningEmulator;
  let client: EmulatorTestClient;
  beforeAll(async () => {
    emulator = await startEmulator({ agencies: [{ domainName: "member-1", agencyName: "parker" }] });
    client = new EmulatorTestClient(emulator.url);
  });
  afterAll(() => emulator.stop());

  it("issues an agency's credentials to a signed caller, for the duration asked", async () => {
    const before = Date.now();
    const answer = await client.call("POST", "/v3.0/OS-CREDENTIAL/securitytokens", {
      body: ASSUME("parker", "member-1", 900),
      projectId: null,
    });
    expect(answer.status).toBe(201);
    const expires = Date.parse(answer.json.credential.expires_at.replace(/(\.\d{3})\d+/, "$1"));
    expect(expires - before).toBeGreaterThanOrEqual(899_000);
    expect(expires - before).toBeLessThanOrEqual(901_000);
  });

  it("refuses an agency it does not know, an unsigned call, and a bad body", async () => {
    const unknown = await client.call("POST", "/v3.0/OS-CREDENTIAL/securitytokens", {
      body: ASSUME("parker", "member-2"),
      projectId: null,
    });
    expect(unknown.status).toBe(403);
    expect(unknown.json.error.message).toBe("You are not allowed to assume agency parker of account member-2.");
    const unsigned = await request(`${emulator.url}/v3.0/OS-CREDENTIAL/securitytokens`, {
      method: "POST",
      body: ASSUME("parker", "member-1"),
    });
    expect(unsigned.statusCode).toBe(401);
    await unsigned.body.dump();
    const tooLong = await client.call("POST", "/v3.0/OS-CREDENTIAL/securitytokens", {
      body: ASSUME("parker", "member-1", 86401),
      projectId: null,
    });
    expect(tooLong.status).toBe(400);
  });

  it("accepts a temporary key only with its own token, and counts which keys signed", async () => {
    const admin = new EmulatorAdmin(emulator.url);
    const issued = (
      await client.call("POST", "/v3.0/OS-CREDENTIAL/securitytokens", {
        body: ASSUME("parker", "member-1"),
        projectId: null,
      })
    ).json.credential;
    const temporary = { accessKey: issued.access, secretKey: issued.secret, securityToken: issued.securitytoken };
    const before = await admin.stats();
    expect((await client.call("GET", LIST, { credentials: temporary })).status).toBe(200);
    const noToken = await client.call("GET", LIST, {
      credentials: { accessKey: issued.access, secretKey: issued.secret },
    });
    expect(noToken.status).toBe(401);
    expect(noToken.json.error_msg).toBe("Incorrect IAM authentication information: decrypt token fail");
    const otherToken = await client.call("GET", LIST, { credentials: { ...temporary, securityToken: "someone-else" } });
    expect(otherToken.json.error_msg).toBe("Incorrect IAM authentication information: decrypt token fail");
    const after = await admin.stats();
    expect(after.accessKeys[issued.access] - (before.accessKeys[issued.access] ?? 0)).toBe(1);
  });
});

describe("the identity options as CLI flags", () => {
  it("--metadata, --agencies and --temporary-credential-seconds map onto the options, checked", () => {
    expect(
      parseCliArgs([
        "--metadata",
        "plain",
        "--agencies",
        "member-1/parker, member-2/ops",
        "--temporary-credential-seconds",
        "20",
      ]),
    ).toEqual({
      kind: "run",
      options: expect.objectContaining({
        metadata: "plain",
        agencies: [
          { domainName: "member-1", agencyName: "parker" },
          { domainName: "member-2", agencyName: "ops" },
        ],
        temporaryCredentialSeconds: 20,
      }),
    });
    expect(parseCliArgs([])).toEqual({
      kind: "run",
      options: expect.not.objectContaining({ metadata: expect.anything() }),
    });
    expect(() => parseCliArgs(["--metadata", "imds"])).toThrow(
      "--metadata [imds] must be one of token-optional, token-required, plain, no-agency",
    );
    expect(() => parseCliArgs(["--agencies", "parker"])).toThrow(
      "--agencies [parker] must be <domainName>/<agencyName>",
    );
  });
});
