/**
 * The credential chain end to end, in-process, over real HTTP against the emulator: the ECS metadata
 * service and an agency supply the keys of every ECS call; short-lived credentials are renewed
 * mid-operation with one action per server; an expired key is refused (401), renewed once and the
 * call sent again, the action accepted once; no temporary secret reaches outputs, logs or errors.
 * (tests/lifecycle/credentials.test.ts drives the same through Pulumi's host.)
 */
import { request } from "undici";
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import { serverPowerStateProvider as provider } from "../../provider/provider";
import { configureProvider } from "./configureProvider";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const MAIN_KEY = DEFAULT_EMULATOR_CREDENTIALS.accessKey;
const CHAIN_VARIABLES = [
  "HW_ACCESS_KEY",
  "HW_SECRET_KEY",
  "HUAWEICLOUD_SDK_AK",
  "HUAWEICLOUD_SDK_SK",
  "HUAWEICLOUD_ECS_POWER_METADATA_URL",
];
const savedEnv = CHAIN_VARIABLES.map((k) => [k, process.env[k]] as const);

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let logged: string[];
/** The emulator's clock: real time plus an offset a test can jump (credentials expire on it). */
const clock = { offsetMs: 0, read: () => Date.now() + clock.offsetMs };
/** Called with each answered API request's log line. */
let onAnswer: (line: string) => void = () => {};

async function fleet(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => id(i + 1));
  await admin.putServers(ids.map((serverId) => ({ id: serverId, status: "ACTIVE" as const })));
  return ids;
}

const inputs = (serverIds: string[]) => ({
  serverIds,
  state: "stopped",
  stopType: "SOFT",
  timeoutSeconds: 60,
  onDelete: "leave",
});

/** Each line and output checked for anything shaped like a temporary key or secret the emulator issues. */
function expectNoTemporarySecret(text: string, secrets: string[] = []): void {
  expect(text).not.toMatch(/TMP[0-9A-F]{16}/);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

beforeEach(async () => {
  clock.offsetMs = 0;
  onAnswer = () => {};
  emulator = await startEmulator({
    stopSeconds: 0.3,
    agencies: [{ domainName: "member-1", agencyName: "parker" }],
    clockMs: clock.read,
    log: (line) => onAnswer(line),
  });
  admin = new EmulatorAdmin(emulator.url);
  logged = [];
  jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args.join(" ")));
  for (const name of CHAIN_VARIABLES) delete process.env[name];
});

afterEach(async () => {
  jest.restoreAllMocks();
  await emulator.stop();
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("the ECS metadata service as the only source", () => {
  it("converges a fleet; every ECS call is signed with the metadata key and its token", async () => {
    process.env.HUAWEICLOUD_ECS_POWER_METADATA_URL = emulator.url;
    await configureProvider(emulator.url, { "huaweicloud:accessKey": undefined, "huaweicloud:secretKey": undefined });
    const ids = await fleet(3);
    const { outs } = await provider.create(inputs(ids));
    expect(Object.values(outs.servers as Record<string, { status: string }>).map((s) => s.status)).toEqual([
      "SHUTOFF",
      "SHUTOFF",
      "SHUTOFF",
    ]);
    const stats = await admin.stats();
    const keys = Object.keys(stats.accessKeys);
    expect(keys).toEqual([expect.stringMatching(/^TMP/)]);
    expect(keys).not.toContain(MAIN_KEY);
    // The provider got what the service hands out: those very secrets appear nowhere.
    const issued = JSON.parse(
      await (await request(`${emulator.url}/openstack/latest/securitykey`)).body.text(),
    ).credential;
    expect(issued.access).toBe(keys[0]);
    expectNoTemporarySecret(JSON.stringify(outs) + logged.join("\n"), [issued.secret, issued.securitytoken]);
  });

  it("when nothing answers, the error lists every source tried", async () => {
    process.env.HUAWEICLOUD_ECS_POWER_METADATA_URL = "http://127.0.0.1:1";
    await configureProvider(emulator.url, { "huaweicloud:accessKey": undefined, "huaweicloud:secretKey": undefined });
    await expect(provider.create(inputs([id(1)]))).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining("the ECS metadata service at http://127.0.0.1:1 (ECONNREFUSED)"),
    });
  });

  it("at preview, when nothing answers: check succeeds and one line says why there is no live plan, every source tried", async () => {
    process.env.HUAWEICLOUD_ECS_POWER_METADATA_URL = "http://127.0.0.1:1";
    await configureProvider(emulator.url, {
      "huaweicloud:accessKey": undefined,
      "huaweicloud:secretKey": undefined,
      "huaweicloud:ecsPreviewReads": undefined,
    });
    expect(await provider.check({}, inputs([id(1)]))).toMatchObject({ failures: [] });
    const unavailable = logged.filter((line) => line.includes("live plan unavailable"));
    // Each of the chain's lines joined by "; ", none cut: the preview output is one line per message.
    expect(unavailable).toEqual([
      "ServerPowerState: live plan unavailable (" +
        "huaweicloud:accessKey is not set (nor HW_ACCESS_KEY, nor HUAWEICLOUD_SDK_AK): expected the access key (AK) that signs the ECS calls; pulumi config set huaweicloud:accessKey <AK>; " +
        "huaweicloud:secretKey is not set (nor HW_SECRET_KEY, nor HUAWEICLOUD_SDK_SK): expected the secret key (SK) that signs the ECS calls; pulumi config set --secret huaweicloud:secretKey <SK> (--secret keeps it encrypted in the stack config); " +
        "no credentials from any other source either: tried the shared config file (huaweicloud:sharedConfigFile and HW_SHARED_CONFIG_FILE not set); the ECS metadata service at http://127.0.0.1:1 (ECONNREFUSED). " +
        "Set a key as above, name an hcloud config.json with huaweicloud:sharedConfigFile, or run on an ECS server with an agency); the lines above come from the inputs and the record alone",
    ]);
    expect(await admin.stats()).toMatchObject({ total: 0 });
  });
});

describe("an agency assumed with the key found", () => {
  const agency = (extra: Record<string, string> = {}) =>
    configureProvider(emulator.url, {
      "huaweicloud:iamEndpoint": emulator.url,
      "huaweicloud:assumeRole": JSON.stringify({ agencyName: "parker", domainName: "member-1" }),
      ...extra,
    });

  it("signs every ECS call with the agency's key; the stack's key signs only the securitytokens call", async () => {
    await agency();
    const ids = await fleet(2);
    const { outs } = await provider.create(inputs(ids));
    const stats = await admin.stats();
    expect(stats.requests["POST securitytokens"]).toBe(1);
    expect(stats.accessKeys[MAIN_KEY]).toBe(1);
    const temporary = Object.keys(stats.accessKeys).filter((k) => k !== MAIN_KEY);
    expect(temporary).toEqual([expect.stringMatching(/^TMP/)]);
    expect(stats.accessKeys[temporary[0]]).toBe(stats.total - 1);
    expectNoTemporarySecret(JSON.stringify(outs) + logged.join("\n"));
  });

  it("an agency the account may not assume: Huawei's refusal, and what to grant", async () => {
    await configureProvider(emulator.url, {
      "huaweicloud:iamEndpoint": emulator.url,
      "huaweicloud:assumeRole": JSON.stringify({ agencyName: "parker", domainName: "member-2" }),
    });
    const error = (await provider.create(inputs(await fleet(1))).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe("ECS_FORBIDDEN");
    expect(error.message).toContain("assuming agency parker of account member-2");
    expect(error.message).toContain("iam:agencies:assume");
    expect((await admin.stats()).requests["POST action"]).toBeUndefined();
  });

  it("renews 2-second credentials mid-operation: several keys, one action per server", async () => {
    await emulator.stop();
    emulator = await startEmulator({
      stopSeconds: 0.5,
      agencies: [{ domainName: "member-1", agencyName: "parker" }],
      temporaryCredentialSeconds: 2,
    });
    admin = new EmulatorAdmin(emulator.url);
    await agency({ "huaweicloud:ecsServersPerMinute": "2", "huaweicloud:ecsPacingWindowSeconds": "1" });
    const ids = await fleet(6);
    const { outs } = await provider.create(inputs(ids));
    expect(Object.values(outs.servers as Record<string, { status: string }>).every((s) => s.status === "SHUTOFF")).toBe(
      true,
    );
    const stats = await admin.stats();
    expect(stats.submissionsPerServer).toEqual(Object.fromEntries(ids.map((serverId) => [serverId, 1])));
    expect(stats.requests["POST securitytokens"]).toBeGreaterThanOrEqual(2);
    expect(Object.keys(stats.accessKeys).filter((k) => k !== MAIN_KEY).length).toBeGreaterThanOrEqual(2);
    // Renewed ahead of expiry: no call was refused for an expired key.
    expect(Object.keys(stats.answers).filter((k) => k.endsWith(" 401"))).toEqual([]);
  });

  it("a key that expired on the cloud's clock is refused (401), renewed once, the action sent again: accepted once", async () => {
    await emulator.stop();
    emulator = await startEmulator({
      stopSeconds: 0.3,
      agencies: [{ domainName: "member-1", agencyName: "parker" }],
      temporaryCredentialSeconds: 60,
      clockMs: clock.read,
      log: (line) => onAnswer(line),
    });
    admin = new EmulatorAdmin(emulator.url);
    await agency();
    const ids = await fleet(2);
    await provider.create(inputs([ids[0]]));
    // The cloud's clock jumps past the key's minute (within the signature's 15-minute skew) right after
    // the next create's listing: the provider's own clock still sees the key as fresh.
    onAnswer = (line) => {
      if (/^GET .*cloudservers\/detail.* -> 200$/.test(line)) {
        clock.offsetMs = 61_000;
        onAnswer = () => {};
      }
    };
    const { outs } = await provider.create(inputs([ids[1]]));
    expect((outs.servers as Record<string, { status: string }>)[ids[1]].status).toBe("SHUTOFF");
    const stats = await admin.stats();
    expect(stats.answers["POST action 401"]).toBe(1);
    expect(stats.answers["POST action 200"]).toBe(2);
    expect(stats.submissionsPerServer).toEqual({ [ids[0]]: 1, [ids[1]]: 1 });
    expect(stats.requests["POST securitytokens"]).toBe(2);
  });
});
