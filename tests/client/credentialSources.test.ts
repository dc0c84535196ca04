/**
 * The credential sources over real HTTP against the emulator: the metadata service in each of its
 * protocols, an agency assumed with the metadata key, and the transport's rule for a 401 (renew once;
 * an action re-sent only on the gateway's own refusal).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import { loadCredentials, refreshingCredentials } from "../../provider/credentials";
import { refusedBeforeAccepted } from "../../provider/transport/send";

const started: RunningEmulator[] = [];
afterAll(() => Promise.all(started.map((e) => e.stop())));
async function start(options: Parameters<typeof startEmulator>[0]) {
  const emulator = await startEmulator(options);
  started.push(emulator);
  return { emulator, admin: new EmulatorAdmin(emulator.url) };
}
const metadataEnv = (url: string) => ({ HUAWEICLOUD_ECS_POWER_METADATA_URL: url });

describe("fromInstanceMetadata", () => {
  it.each([
    ["token-optional", 1],
    ["token-required", 1],
    ["plain", 1],
  ] as const)("%s: credentials with their expiry, the handshake tried first", async (mode, puts) => {
    const { emulator, admin } = await start({ metadata: mode });
    const found = await loadCredentials({ config: {}, env: metadataEnv(emulator.url) });
    expect(found).toEqual({
      credentials: {
        accessKey: expect.stringMatching(/^TMP/),
        secretKey: expect.any(String),
        securityToken: expect.any(String),
      },
      source: "the ECS metadata service",
      expiresAtMs: expect.any(Number),
    });
    expect(found.expiresAtMs! - Date.now()).toBeGreaterThan(3500_000);
    const requests = (await admin.stats()).requests;
    expect(requests["PUT metadata /meta-data/latest/api/token"]).toBe(puts);
    expect(requests["GET metadata /openstack/latest/securitykey"]).toBe(1);
  });

  it("a server without an agency: the chain says so among the sources it tried", async () => {
    const { emulator } = await start({ metadata: "no-agency" });
    await expect(loadCredentials({ config: {}, env: metadataEnv(emulator.url) })).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining(
        `the ECS metadata service at ${emulator.url} (answered 404: Please configure Cloud Service Agency first (the server has no agency))`,
      ),
    });
  });

  it("a key from stack config means the metadata service is never asked", async () => {
    const { emulator, admin } = await start({});
    await loadCredentials({ config: { accessKey: "a", secretKey: "b" }, env: metadataEnv(emulator.url) });
    expect((await admin.stats()).total).toBe(0);
  });
});

describe("an agency on top of the metadata key", () => {
  it("is assumed with the metadata service's temporary key and its token", async () => {
    const { emulator, admin } = await start({ agencies: [{ domainName: "member-1", agencyName: "parker" }] });
    const found = await loadCredentials({
      config: { assumeRole: JSON.stringify({ agencyName: "parker", domainName: "member-1", durationSeconds: 900 }) },
      env: metadataEnv(emulator.url),
      iamEndpoint: emulator.url,
    });
    expect(found.source).toBe("agency parker of account member-1, assumed with the ECS metadata service");
    expect(found.expiresAtMs! - Date.now()).toBeGreaterThan(890_000);
    const stats = await admin.stats();
    expect(stats.requests["POST securitytokens"]).toBe(1);
    // The securitytokens call was signed with the metadata key (accepted only with its token).
    expect(Object.keys(stats.accessKeys)).toEqual([expect.stringMatching(/^TMP/)]);
    expect(Object.keys(stats.accessKeys)).not.toContain(found.credentials.accessKey);
  });

  it("a profile's agencyName and agencyDomainName are assumed with the profile's key, as Terraform does", async () => {
    const { emulator, admin } = await start({ agencies: [{ domainName: "member-1", agencyName: "parker" }] });
    const dir = mkdtempSync(join(tmpdir(), "sps-profile-"));
    try {
      const path = join(dir, "config.json");
      const { accessKey, secretKey } = DEFAULT_EMULATOR_CREDENTIALS;
      const profile = { name: "ops", mode: "AKSK", accessKeyId: accessKey, secretAccessKey: secretKey };
      writeFileSync(
        path,
        JSON.stringify({
          current: "ops",
          profiles: [{ ...profile, agencyName: "parker", agencyDomainName: "member-1" }],
        }),
      );
      const found = await loadCredentials({
        config: { sharedConfigFile: path },
        env: metadataEnv("off"),
        iamEndpoint: emulator.url,
      });
      expect(found.source).toBe(
        `agency parker of account member-1, assumed with the shared config file ${path} (huaweicloud:sharedConfigFile), profile "ops"`,
      );
      expect(found.credentials.accessKey).toMatch(/^TMP/);
      expect((await admin.stats()).accessKeys).toEqual({ [accessKey]: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a holder over the chain renews the agency's short-lived key", async () => {
    const { emulator } = await start({
      agencies: [{ domainName: "member-1", agencyName: "parker" }],
      temporaryCredentialSeconds: 1,
    });
    const holder = refreshingCredentials(() =>
      loadCredentials({
        config: { assumeRole: JSON.stringify({ agencyName: "parker", domainName: "member-1" }) },
        env: metadataEnv(emulator.url),
        iamEndpoint: emulator.url,
      }),
    );
    const first = await holder.current();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await holder.current()).accessKey).not.toBe(first.accessKey);
  });
});

describe("refusedBeforeAccepted: when a 401 allows renewing and sending again", () => {
  const call = (method: "GET" | "POST", idempotent = false) => ({
    method,
    path: "/",
    route: "r",
    operation: "o",
    idempotent,
  });
  it.each([
    ["a read refused 401", { code: "ECS_AUTH_FAILED", statusCode: 401, huaweiCode: "APIGW.0301" }, call("GET"), true],
    ["a read refused 401 without a code", { code: "ECS_AUTH_FAILED", statusCode: 401 }, call("GET"), true],
    [
      "an action refused by the gateway",
      { code: "ECS_AUTH_FAILED", statusCode: 401, huaweiCode: "APIGW.0301" },
      call("POST"),
      true,
    ],
    [
      "an action refused by the gateway (APIG.)",
      { code: "ECS_AUTH_FAILED", statusCode: 401, huaweiCode: "APIG.0307" },
      call("POST"),
      true,
    ],
    [
      "an action 401 not from the gateway",
      { code: "ECS_AUTH_FAILED", statusCode: 401, huaweiCode: "Ecs.0001" },
      call("POST"),
      false,
    ],
    ["an action 401 without a code", { code: "ECS_AUTH_FAILED", statusCode: 401 }, call("POST"), false],
    ["securitytokens refused", { code: "ECS_AUTH_FAILED", statusCode: 401 }, call("POST", true), true],
    ["a 403", { code: "ECS_FORBIDDEN", statusCode: 403, huaweiCode: "APIGW.0302" }, call("GET"), false],
    ["an ambiguous action", { code: "ECS_AMBIGUOUS", statusCode: 500 }, call("POST"), false],
  ])("%s: %s", (_name, error, signed, expected) => {
    expect(refusedBeforeAccepted(error, signed)).toBe(expected);
  });
});
