/**
 * Credentials without a key in the stack, through Pulumi's dynamic-provider host against the emulator:
 * the ECS metadata service of the runner's server; a key in the environment alone; the hcloud CLI's shared
 * config file, whose key assumes an agency whose 20-second credentials are renewed in the middle of a
 * multi-batch up; and a metadata key that expires on the cloud's clock before the action, refused once and
 * never accepted twice. Four `pulumi up`s in all (few host processes: CI's budget). The emulator's count of
 * signing keys shows which key signed the ECS calls (only temporary ones with the metadata service or an
 * agency); the state file (serialized provider included) and the outputs, and for the temporary keys the
 * host's log, hold no key, secret or token (nor the file's secret).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import { fleetOf, newSession, ROOT_URN as URN, serverId as id } from "./lifecycleKit";

jest.setTimeout(180_000);

const MAIN_KEY = DEFAULT_EMULATOR_CREDENTIALS.accessKey;
let workDir: string;
const started: RunningEmulator[] = [];

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "sps-credentials-"));
});
afterAll(async () => {
  await Promise.all(started.map((e) => e.stop()));
  rmSync(workDir, { recursive: true, force: true });
});

async function emulatorWith(options: Parameters<typeof startEmulator>[0], count: number) {
  const emulator = await startEmulator(options);
  started.push(emulator);
  const admin = new EmulatorAdmin(emulator.url);
  const ids = Array.from({ length: count }, (_, i) => id(i + 1));
  await admin.putServers(ids.map((serverId) => ({ id: serverId, status: "ACTIVE" as const })));
  return { emulator, admin, ids };
}

/** Anything shaped like what the emulator issues: a temporary access key, a security token, a 40-hex secret. */
function expectNoTemporaryCredential(text: string, secrets: string[] = []): void {
  expect(text).not.toMatch(/TMP[0-9A-F]{16}/);
  expect(text).not.toContain("gQpjbi1ub3J0aC00");
  expect(text).not.toMatch(/\b[0-9a-f]{40}\b/);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

it("on an ECS server with an agency: no key in the stack, the metadata service's key signs every call", async () => {
  const { emulator, admin, ids } = await emulatorWith({ stopSeconds: 0.3 }, 3);
  const session = newSession({
    workDir,
    name: "metadata",
    emulatorUrl: emulator.url,
    serverIds: ids,
    inputs: { state: "stopped" },
    env: { HUAWEICLOUD_ECS_POWER_METADATA_URL: emulator.url },
  });
  delete session.config["huaweicloud:accessKey"];
  delete session.config["huaweicloud:secretKey"];
  const up = await session.up();
  expect(up.operations.map((o) => o.op)).toEqual(["create"]);
  expect(Object.values(fleetOf(session, URN).outputs.servers).map((s) => s.status)).toEqual([
    "SHUTOFF",
    "SHUTOFF",
    "SHUTOFF",
  ]);
  const keys = Object.keys((await admin.stats()).accessKeys);
  expect(keys).toEqual([expect.stringMatching(/^TMP/)]);
  const issued = JSON.parse(await (await fetch(`${emulator.url}/openstack/latest/securitykey`)).text()).credential;
  expect(issued.access).toBe(keys[0]);
  const everything = [
    readFileSync(join(workDir, "metadata.json"), "utf8"),
    JSON.stringify(up.outputs),
    up.hostOutput.join("\n"),
  ];
  expectNoTemporaryCredential(everything.join("\n"), [issued.access, issued.secret, issued.securitytoken]);
});

it("a key in the environment only (HW_ACCESS_KEY / HW_SECRET_KEY, as a pipeline sets them): it signs every call and is kept nowhere", async () => {
  const { emulator, admin, ids } = await emulatorWith({ stopSeconds: 0.3 }, 2);
  const session = newSession({
    workDir,
    name: "environment",
    emulatorUrl: emulator.url,
    serverIds: ids,
    inputs: { state: "stopped" },
    env: { HW_ACCESS_KEY: MAIN_KEY, HW_SECRET_KEY: DEFAULT_EMULATOR_CREDENTIALS.secretKey },
  });
  delete session.config["huaweicloud:accessKey"];
  delete session.config["huaweicloud:secretKey"];
  const up = await session.up();
  expect(up.operations.map((o) => o.op)).toEqual(["create"]);
  expect(Object.values(fleetOf(session, URN).outputs.servers).map((s) => s.status)).toEqual(["SHUTOFF", "SHUTOFF"]);
  expect(Object.keys((await admin.stats()).accessKeys)).toEqual([MAIN_KEY]);
  const kept = [readFileSync(join(workDir, "environment.json"), "utf8"), JSON.stringify(up.outputs)].join("\n");
  expect(kept).not.toContain(DEFAULT_EMULATOR_CREDENTIALS.secretKey);
  expect(kept).not.toContain(MAIN_KEY);
});

it("an hcloud config.json's key assumes an agency whose 20-second credentials are renewed mid-up: ECS sees only temporary keys, one action per server", async () => {
  const { emulator, admin, ids } = await emulatorWith(
    { stopSeconds: 3, agencies: [{ domainName: "member-1", agencyName: "parker" }], temporaryCredentialSeconds: 20 },
    6,
  );
  // The runner's hcloud CLI profile holds the key; the stack holds none.
  const sharedConfig = join(workDir, "config.json");
  const { accessKey, secretKey } = DEFAULT_EMULATOR_CREDENTIALS;
  writeFileSync(
    sharedConfig,
    JSON.stringify({
      current: "ops",
      profiles: [{ name: "ops", mode: "AKSK", accessKeyId: accessKey, secretAccessKey: secretKey }],
    }),
  );
  const session = newSession({
    workDir,
    name: "agency",
    emulatorUrl: emulator.url,
    serverIds: ids,
    inputs: { state: "stopped", timeoutSeconds: 120 },
    env: { HW_SHARED_CONFIG_FILE: sharedConfig },
    config: {
      "huaweicloud:iamEndpoint": emulator.url,
      "huaweicloud:assumeRole": JSON.stringify({ agencyName: "parker", domainName: "member-1" }),
      // Three batches of two servers, 4 s apart, each stop taking 3 s: the up outlives the key's half-life.
      "huaweicloud:ecsServersPerMinute": "2",
      "huaweicloud:ecsPacingWindowSeconds": "4",
    },
  });
  delete session.config["huaweicloud:accessKey"];
  delete session.config["huaweicloud:secretKey"];
  const up = await session.up();
  expect(up.operations.map((o) => o.op)).toEqual(["create"]);
  expect(Object.values(fleetOf(session, URN).outputs.servers).every((s) => s.status === "SHUTOFF")).toBe(true);
  const stats = await admin.stats();
  expect(stats.submissionsPerServer).toEqual(Object.fromEntries(ids.map((serverId) => [serverId, 1])));
  expect(stats.requests["POST securitytokens"]).toBeGreaterThanOrEqual(2);
  // The stack's key signed the securitytokens calls and nothing else.
  expect(stats.accessKeys[MAIN_KEY]).toBe(stats.requests["POST securitytokens"]);
  const temporary = Object.keys(stats.accessKeys).filter((k) => k !== MAIN_KEY);
  expect(temporary.length).toBeGreaterThanOrEqual(2);
  expect(Object.keys(stats.answers).filter((k) => k.endsWith(" 401"))).toEqual([]);
  const everything = [
    readFileSync(join(workDir, "agency.json"), "utf8"),
    JSON.stringify(up.outputs),
    up.hostOutput.join("\n"),
  ];
  expectNoTemporaryCredential(everything.join("\n"), [...temporary, secretKey]);
});

it("a metadata key that expired on the cloud's clock mid-up: the action refused once (401), renewed, accepted once per server", async () => {
  const clock = { offsetMs: 0 };
  let lists = 0;
  const { emulator, admin, ids } = await emulatorWith(
    {
      stopSeconds: 0.3,
      temporaryCredentialSeconds: 60,
      clockMs: () => Date.now() + clock.offsetMs,
      // Right after the up's listing, the cloud's clock passes the key's minute (within the 15-minute
      // signature skew): the provider still holds it as fresh and signs the action with it.
      log: (line) => {
        if (/^GET .*cloudservers\/detail.* -> 200$/.test(line) && ++lists === 1) clock.offsetMs = 61_000;
      },
    },
    2,
  );
  const session = newSession({
    workDir,
    name: "expired",
    emulatorUrl: emulator.url,
    serverIds: ids,
    inputs: { state: "stopped" },
    config: { "huaweicloud:ecsPreviewReads": "false" },
    env: { HUAWEICLOUD_ECS_POWER_METADATA_URL: emulator.url },
  });
  delete session.config["huaweicloud:accessKey"];
  delete session.config["huaweicloud:secretKey"];
  const up = await session.up();
  expect(up.operations.map((o) => o.op)).toEqual(["create"]);
  expect(Object.values(fleetOf(session, URN).outputs.servers).map((s) => s.status)).toEqual(["SHUTOFF", "SHUTOFF"]);
  const stats = await admin.stats();
  expect(stats.answers["POST action 401"]).toBe(1);
  expect(stats.answers["POST action 200"]).toBe(1);
  expect(stats.submissionsPerServer).toEqual({ [ids[0]]: 1, [ids[1]]: 1 });
  expect(Object.keys(stats.accessKeys)).toHaveLength(2);
});
