/**
 * Load: two thousand servers through a real `pulumi up`, against an emulator whose API rate limit
 * is set low. The provider must adapt (back off, honour Retry-After), finish, and not storm: the
 * retries it needed are reported and bounded.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import { buildPackagedProgram, fleetOf, newSession, PACKAGED_PROJECT, PACKAGED_URN, serverId } from "./lifecycleKit";

const SERVERS = 2000;
const RATE_LIMIT = 4; // API requests per second, all routes together

let workDir: string;
let emulator: RunningEmulator;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "sps-load-"));
  // Per second, with Retry-After, as this test was written against (the defaults are a minute, no Retry-After).
  emulator = await startEmulator({
    stopSeconds: 1,
    startSeconds: 1,
    rateLimit: RATE_LIMIT,
    rateLimitWindowSeconds: 1,
    throttleRetryAfter: true,
    batchPerMinute: 0,
  });
});
afterAll(async () => {
  await emulator?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

it(`${SERVERS} servers at ${RATE_LIMIT} requests/s: the provider backs off, finishes, and does not storm`, async () => {
  const admin = new EmulatorAdmin(emulator.url);
  const ids = Array.from({ length: SERVERS }, (_, i) => serverId(500_000 + i));
  await admin.putServers(ids.map((id) => ({ id, status: "ACTIVE" as const })));
  const session = newSession({
    workDir,
    name: "load",
    emulatorUrl: emulator.url,
    serverIds: ids,
    programDir: buildPackagedProgram(workDir),
    project: PACKAGED_PROJECT,
    // The per-minute batch pacing is not what is under test here: the request rate limit is.
    config: { "huaweicloud:ecsServersPerMinute": "100000" },
  });

  const up = await session.up();
  expect(up.operations.map((o) => o.op)).toEqual(["create"]);
  const stats = await admin.stats();
  const throttled = Object.entries(stats.answers)
    .filter(([key]) => key.endsWith(" 429"))
    .reduce((sum, [, n]) => sum + n, 0);
  const answered = stats.total - throttled;
  // The figure docs/reliability.md reports.
  console.log(
    `load: ${SERVERS} servers at ${RATE_LIMIT} req/s: ${stats.total} requests, ${throttled} throttled (retried), by route ${JSON.stringify(stats.answers)}`,
  );

  // Finished, and the state tells the truth about every server.
  const servers = fleetOf(session, PACKAGED_URN).outputs.servers;
  expect(Object.values(servers).filter((s) => s.status !== "SHUTOFF" || s.error !== null)).toEqual([]);
  expect((await admin.listServers()).filter((s) => s.status !== "SHUTOFF")).toEqual([]);
  // Each server sent once, in ceil(N/1000) accepted calls.
  expect(Object.values(stats.submissionsPerServer).filter((n) => n !== 1)).toEqual([]);
  expect(Object.keys(stats.submissionsPerServer)).toHaveLength(SERVERS);
  expect(stats.answers["POST action 200"]).toBe(Math.ceil(SERVERS / 1000));
  // It had to adapt, and it did not storm: fewer throttled answers than useful ones.
  expect(throttled).toBeGreaterThan(0);
  expect(throttled).toBeLessThan(answered);
});
