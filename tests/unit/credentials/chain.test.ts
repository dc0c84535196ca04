/** The credential chain's static links, the shared config file, the agency settings, and its errors (no network). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentialSettingsProblems, loadCredentials } from "../../../provider/credentials";
import { agencySetting } from "../../../provider/credentials/agencySettings";
import { readProviderConfig } from "../../../provider/settings";

const config = (entries: Record<string, string>) => readProviderConfig((k) => entries[k]);
const OFF = { HUAWEICLOUD_ECS_POWER_METADATA_URL: "off" };

describe("static credentials: stack config, then the environment (as before the chain)", () => {
  it("prefers stack config to the environment, key by key", async () => {
    const found = await loadCredentials({
      config: config({ "huaweicloud:accessKey": "cfg-ak", "huaweicloud:secretKey": "cfg-sk" }),
      env: { ...OFF, HW_ACCESS_KEY: "env-ak", HW_SECRET_KEY: "env-sk" },
    });
    expect(found).toEqual({
      credentials: { accessKey: "cfg-ak", secretKey: "cfg-sk" },
      source: "stack config (huaweicloud:accessKey)",
    });
  });

  it("falls back to the SDKs' variable names and carries a security token", async () => {
    const env = { ...OFF, HUAWEICLOUD_SDK_AK: "ak", HUAWEICLOUD_SDK_SK: "sk", HUAWEICLOUD_SDK_SECURITY_TOKEN: "tok" };
    const found = await loadCredentials({ config: {}, env });
    expect(found.credentials).toEqual({ accessKey: "ak", secretKey: "sk", securityToken: "tok" });
    expect(found.source).toBe("the environment (HUAWEICLOUD_SDK_AK)");
    expect(found.expiresAtMs).toBeUndefined();
  });

  it("stops at half a key pair, naming the missing half and never the value", async () => {
    const onlySecret = config({ "huaweicloud:secretKey": "TOPSECRET" });
    const error = await loadCredentials({ config: onlySecret, env: OFF }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "CONFIG_INVALID",
      message:
        "huaweicloud:accessKey is not set (nor HW_ACCESS_KEY, nor HUAWEICLOUD_SDK_AK): expected the access key (AK) that signs the ECS calls; pulumi config set huaweicloud:accessKey <AK>",
    });
    expect((error as Error).message).not.toContain("TOPSECRET");
  });

  it("with no source at all, lists every source tried and what to do", async () => {
    const error = (await loadCredentials({ config: {}, env: OFF }).catch((e: unknown) => e)) as Error;
    expect(error.message.split("\n")).toEqual([
      expect.stringMatching(/^huaweicloud:accessKey is not set \(nor HW_ACCESS_KEY, nor HUAWEICLOUD_SDK_AK\)/),
      expect.stringMatching(/^huaweicloud:secretKey is not set \(nor HW_SECRET_KEY, nor HUAWEICLOUD_SDK_SK\)/),
      "no credentials from any other source either: tried the shared config file (huaweicloud:sharedConfigFile and HW_SHARED_CONFIG_FILE not set); " +
        "the ECS metadata service (disabled by HUAWEICLOUD_ECS_POWER_METADATA_URL=off). Set a key as above, name an hcloud config.json with " +
        "huaweicloud:sharedConfigFile, or run on an ECS server with an agency",
    ]);
  });

  it("refuses a metadata URL that is not loopback (it is for tests only)", async () => {
    const error = await loadCredentials({
      config: {},
      env: { HUAWEICLOUD_ECS_POWER_METADATA_URL: "http://10.0.0.1" },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message:
        'HUAWEICLOUD_ECS_POWER_METADATA_URL "http://10.0.0.1" is invalid: it is for tests only and must be a loopback URL (or off)',
    });
  });
});

describe("the shared config file (hcloud config.json)", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "sps-shared-config-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };
  const profiles = {
    current: "ops",
    profiles: [
      { name: "ops", mode: "AKSK", accessKeyId: "OPSAK", secretAccessKey: "OPS-SECRET-1", region: "cn-north-4" },
      { name: "ci", mode: "AKSK", accessKeyId: "CIAK", secretAccessKey: "CI-SECRET-2", securityToken: "CI-TOKEN" },
      { name: "enc", mode: "AKSK", accessKeyId: "", secretAccessKey: "" },
    ],
  };

  it("reads the current profile by default, another when named (config before HW_PROFILE)", async () => {
    const path = file("config.json", profiles);
    const current = await loadCredentials({ config: config({ "huaweicloud:sharedConfigFile": path }), env: OFF });
    expect(current.credentials).toEqual({ accessKey: "OPSAK", secretKey: "OPS-SECRET-1" });
    expect(current.source).toBe(`the shared config file ${path} (huaweicloud:sharedConfigFile), profile "ops"`);
    const named = await loadCredentials({
      config: config({ "huaweicloud:profile": "ci" }),
      env: { ...OFF, HW_SHARED_CONFIG_FILE: path, HW_PROFILE: "ops" },
    });
    expect(named.credentials).toEqual({ accessKey: "CIAK", secretKey: "CI-SECRET-2", securityToken: "CI-TOKEN" });
  });

  it("comes after a static key", async () => {
    const path = file("config2.json", profiles);
    const found = await loadCredentials({
      config: config({ "huaweicloud:sharedConfigFile": path }),
      env: { ...OFF, HW_ACCESS_KEY: "a", HW_SECRET_KEY: "b" },
    });
    expect(found.credentials.accessKey).toBe("a");
  });

  it.each([
    [
      "a missing file",
      () => join(dir, "nope.json"),
      undefined,
      /cannot be read \(ENOENT\); check the path, or unset huaweicloud:sharedConfigFile$/,
    ],
    [
      "a file that is not JSON",
      () => file("bad.json", '{"secretAccessKey": "LEAKED-SECRET"'),
      undefined,
      /is not valid JSON$/,
    ],
    [
      "an unknown profile",
      () => file("c3.json", profiles),
      "dev",
      /has no profile named "dev" \(profiles: ops, ci, enc\)$/,
    ],
    [
      "an encrypted profile",
      () => file("c4.json", profiles),
      "enc",
      /profile "enc" holds no accessKeyId and secretAccessKey in clear/,
    ],
  ])("stops at %s with what to fix, quoting nothing of the file", async (_name, path, profile, message) => {
    const entries: Record<string, string> = { "huaweicloud:sharedConfigFile": path() };
    if (profile) entries["huaweicloud:profile"] = profile;
    const error = (await loadCredentials({ config: config(entries), env: OFF }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/LEAKED-SECRET|OPS-SECRET|CI-SECRET/);
  });
});

describe("the agency to assume", () => {
  it("reads huaweicloud:assumeRole (an object) before Terraform's variables", () => {
    const fromConfig = config({ "huaweicloud:assumeRole": '{"agencyName":"parker","domainName":"member-1"}' });
    expect(agencySetting(fromConfig, { HW_ASSUME_ROLE_AGENCY_NAME: "other", HW_ASSUME_ROLE_DOMAIN_NAME: "x" })).toEqual(
      {
        agency: { agencyName: "parker", domainName: "member-1", durationSeconds: 3600 },
      },
    );
    expect(
      agencySetting(
        {},
        { HW_ASSUME_ROLE_AGENCY_NAME: "a", HW_ASSUME_ROLE_DOMAIN_NAME: "d", HW_ASSUME_ROLE_DURATION: "900" },
      ),
    ).toEqual({ agency: { agencyName: "a", domainName: "d", durationSeconds: 900 } });
    expect(agencySetting({}, {})).toEqual({});
  });

  it.each([
    [{ "huaweicloud:assumeRole": "parker" }, {}, /^huaweicloud:assumeRole is invalid: it is not an object/],
    [{ "huaweicloud:assumeRole": '{"agencyName":"a"}' }, {}, /agencyName and domainName are required/],
    [{ "huaweicloud:assumeRole": '{"agencyName":"a","domainName":"d","role":"x"}' }, {}, /unknown field role/],
    [
      { "huaweicloud:assumeRole": '{"agencyName":"a","domainName":"d","durationSeconds":60}' },
      {},
      /durationSeconds 60 is invalid: expected a whole number of seconds from 900 to 86400/,
    ],
    [{}, { HW_ASSUME_ROLE_AGENCY_NAME: "a" }, /^HW_ASSUME_ROLE_DOMAIN_NAME is not set/],
    [
      {},
      { HW_ASSUME_ROLE_AGENCY_NAME: "a", HW_ASSUME_ROLE_DOMAIN_NAME: "d", HW_ASSUME_ROLE_DURATION: "1d" },
      /^HW_ASSUME_ROLE_DURATION "1d" is invalid/,
    ],
  ])("refuses %j %j at preview, naming the key and the rule", (entries, env, message) => {
    const problems = credentialSettingsProblems(config(entries as Record<string, string>), env);
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  it("needs an IAM endpoint to assume it", async () => {
    const error = await loadCredentials({
      config: config({ "huaweicloud:assumeRole": '{"agencyName":"a","domainName":"d"}' }),
      env: { ...OFF, HW_ACCESS_KEY: "a", HW_SECRET_KEY: "b" },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringMatching(/^an agency is to be assumed \(a\) but there is no IAM endpoint/),
    });
  });
});
