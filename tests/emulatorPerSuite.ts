/**
 * One emulator for a test file (or a describe block) whose tests each start from the same fleet:
 * started before the tests, stopped after them, reset and seeded again before each test. Shared by
 * the client, provider and converger suites, which used to write these hooks out each.
 */
import { EmulatorAdmin, startEmulator } from "../emulator";
import type { AdminServerInput, EmulatorOptions, RunningEmulator } from "../emulator";

export interface EmulatorHandle {
  readonly emulator: RunningEmulator;
  readonly admin: EmulatorAdmin;
}

/** An emulator started with `options`, and an admin client for it. */
export async function startEmulatorHandle(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const emulator = await startEmulator(options);
  return { emulator, admin: new EmulatorAdmin(emulator.url) };
}

/**
 * Registers the hooks (call it at the top of a file or of a describe block, before that block's own
 * `beforeEach`, which then runs after the reset): `beforeAll` starts the emulator, `beforeEach`
 * resets it and puts `servers` (none: the fleet stays empty), `afterAll` stops it. The handle's
 * fields can be read from the hooks and the tests on.
 */
export function emulatorPerSuite(options: EmulatorOptions, servers: readonly AdminServerInput[] = []): EmulatorHandle {
  let started: EmulatorHandle | undefined;
  const current = (): EmulatorHandle => {
    if (started === undefined) throw new Error("the suite's emulator is not started yet: read it in a hook or a test");
    return started;
  };
  beforeAll(async () => {
    started = await startEmulatorHandle(options);
  });
  afterAll(async () => {
    await started?.emulator.stop();
  });
  beforeEach(async () => {
    await current().admin.reset();
    if (servers.length > 0) await current().admin.putServers(servers);
  });
  return {
    get emulator() {
      return current().emulator;
    },
    get admin() {
      return current().admin;
    },
  };
}
