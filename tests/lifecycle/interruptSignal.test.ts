/**
 * Issue 20, cancellation as Pulumi does it, through Pulumi's own dynamic-provider host:
 * - the Cancel RPC the engine sends on the first Ctrl-C or SIGTERM is answered by the Node.js host
 *   without reaching the provider (@pulumi/pulumi cmd/dynamic-provider/index.js `cancel`): the
 *   engine waits for the operation in flight, and it goes on to converge;
 * - a signal to the host (SIGINT: the engine closing or terminating its plugins, 5 s before SIGKILL;
 *   SIGTERM: a CI runner) ends it as Node would, after it has printed which servers it leaves moving
 *   (with their jobs) and which it never sent an action; nothing is sent after the signal.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import { ProviderHost, runProgram, unwrapSecrets, type JsonObject } from "../harness";
import {
  buildPackagedProgram,
  newSession,
  PACKAGED_PROJECT as PROJECT,
  PACKAGED_URN as URN,
  serverId,
} from "./lifecycleKit";

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let workDir: string;
let programDir: string;
let nextId = 1;

beforeAll(async () => {
  // A stop lasts 6 s: long enough to act while the servers are visibly moving.
  emulator = await startEmulator({ stopSeconds: 6 });
  admin = new EmulatorAdmin(emulator.url);
  workDir = mkdtempSync(join(tmpdir(), "sps-signal-"));
  programDir = buildPackagedProgram(workDir);
});
afterAll(async () => {
  await emulator?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A create (stop) of two running servers in a host of its own, returned once both show their task. */
async function createUnderWay() {
  await admin.reset();
  const ids = [serverId(300_000 + nextId), serverId(300_000 + nextId + 1)];
  nextId += 2;
  await admin.putServers(ids.map((id) => ({ id, status: "ACTIVE" as const })));
  const session = newSession({
    workDir,
    name: `signal-${nextId}`,
    emulatorUrl: emulator.url,
    serverIds: ids,
    inputs: { state: "stopped", timeoutSeconds: 60 },
    programDir,
    project: PROJECT,
  });
  const { project, stack, config, secretKeys } = session.options;
  const program = await runProgram({ ...session.options, preview: false });
  const host = await ProviderHost.start({ programDir, project, stack, config, secretKeys });
  await host.configure(config, secretKeys ?? []);
  const checked = await host.check(URN, {}, unwrapSecrets(program.resources[0].inputs) as JsonObject);
  const call = host.create(URN, checked.inputs).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  for (;;) {
    const servers = (await admin.listServers()).filter((s) => ids.includes(s.id));
    if (servers.every((s) => s.taskState === "powering-off")) break;
    await sleep(20);
  }
  return { ids, host, call };
}

describe("cancellation as the engine does it", () => {
  it("the Cancel RPC is answered without reaching the provider: the create goes on and converges, one action per server", async () => {
    const { ids, host, call } = await createUnderWay();
    try {
      await host.cancel();
      const { result, error } = await call;
      expect(error).toBeUndefined();
      expect(result!.properties.servers).toEqual(
        Object.fromEntries(ids.map((id) => [id, expect.objectContaining({ status: "SHUTOFF", error: null })])),
      );
      expect((await admin.stats()).submissionsPerServer).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
    } finally {
      await host.close();
    }
  }, 120_000);

  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s mid-create: the host prints the servers it leaves moving with their job, sends nothing more, and ends by the signal",
    async (signal) => {
      const { ids, host, call } = await createUnderWay();
      try {
        const before = await admin.stats();
        process.kill(host.pid, signal);
        expect(await host.exitStatus()).toEqual({ code: null, signal });
        expect((await call).error).toBeDefined(); // the engine would see the plugin gone
        const output = host.output.join("\n");
        expect(output).toMatch(
          new RegExp(
            `ServerPowerState \\S+: ${signal} received: the provider host is ending; no further action is sent\\. 2 servers not confirmed yet`,
          ),
        );
        // Its job is followed, not the list: the last list it made was the one before the stop.
        const moving = host.output.find((line) => line.includes("left moving"));
        for (const id of ids) expect(moving).toMatch(new RegExp(`${id} \\(job [0-9a-f]{32}, last seen ACTIVE`));
        expect(output).toContain("run pulumi refresh (it clears the pending operation), then pulumi up");
        await sleep(1_500);
        const after = await admin.stats();
        expect(after.requests).toEqual(before.requests); // not a call after the signal
      } finally {
        await host.close();
      }
    },
    120_000,
  );
});
