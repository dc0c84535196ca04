/**
 * Issue 20, the crash-point sweep: the dynamic-provider host is killed (SIGKILL) in the middle of a
 * create (stop), an update (stopped → running) or a delete with onDelete "restore", then the same
 * operation runs again in a fresh host, as the engine does once `pulumi refresh` has cleared the
 * pending operation and `pulumi up` (or `pulumi destroy`) is run again.
 *
 * Kill points: before the action is sent; accepted but still INIT with its task hidden
 * (`hiddenTaskMs`, under both `hiddenTaskAction` answers); RUNNING (task shown); the servers at their
 * target while the provider still confirms them (its final list); and seeded random instants.
 * After each rerun: converged, the record equals the cloud, and each server was accepted exactly one
 * action per direction when killed before the action, while RUNNING or during the final list. Killed in
 * the hidden INIT window, a second action may be accepted and FAIL `Ecs.0100` without effect: at once
 * under `hiddenTaskAction: fail-subjob`; under `reject` when a resend's list still saw no task and its
 * POST arrived once the task showed (seen once in 22 kills, docs/reliability.md; the cause is not yet
 * confirmed). Never a third.
 *
 * CI (about three minutes on two shared cores) runs the INIT-window kill for each op (create under both
 * `hiddenTaskAction` answers) and one seeded random instant. INTERRUPT_SWEEP_FULL=1 adds every other
 * kill point and 30 random instants (INTERRUPT_SWEEP_RANDOM=n to choose); the seed is in the random
 * tests' names, and INTERRUPT_SWEEP_SEED=<seed> replays it. QUIET_TESTS=0 prints one line per case
 * (the rerun's time, its refused calls, the accepted actions per server).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorAdmin, startEmulator, statsSince, type RunningEmulator, type VariantsPatch } from "../../emulator";
import { ProviderHost, runProgram, unwrapSecrets, type JsonObject, type PulumiSession } from "../harness";
import {
  buildPackagedProgram,
  fleetOf,
  newSession,
  PACKAGED_PROJECT as PROJECT,
  PACKAGED_URN as URN,
  serverId,
} from "./lifecycleKit";

/** Long enough that the rerun (a program run and a cold host, a few seconds) meets the window. */
const HIDDEN_MS = 10_000;
const STOP_SECONDS = 1;
const FULL = process.env.INTERRUPT_SWEEP_FULL === "1";
const RANDOM_COUNT = Number(process.env.INTERRUPT_SWEEP_RANDOM ?? (FULL ? 30 : 1));
const SEED = Number(process.env.INTERRUPT_SWEEP_SEED ?? Date.now() % 1_000_000);

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let workDir: string;
let programDir: string;
let nextId = 1;

beforeAll(async () => {
  emulator = await startEmulator({ stopSeconds: STOP_SECONDS, startSeconds: STOP_SECONDS, hiddenTaskMs: HIDDEN_MS });
  admin = new EmulatorAdmin(emulator.url);
  workDir = mkdtempSync(join(tmpdir(), "sps-interrupted-"));
  programDir = buildPackagedProgram(workDir); // plain JS: each program run and host start stays quick
  console.log(`interruptedRun: seed ${SEED} (replay with INTERRUPT_SWEEP_SEED=${SEED}), ${RANDOM_COUNT} random kills`);
});
afterAll(async () => {
  await emulator?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

type Op = "create" | "update" | "delete";
type KillPoint = "before-send" | "init-hidden" | "running" | "final-list" | { readonly afterMs: number };

/** mulberry32: a small seeded generator, so a random kill instant can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Case {
  readonly op: Op;
  readonly kill: KillPoint;
  readonly variants?: VariantsPatch;
}

/** Where the servers start, what the op drives them to, and the program's inputs for it. */
function plan(op: Op): {
  start: "ACTIVE" | "SHUTOFF";
  target: "ACTIVE" | "SHUTOFF";
  inputs: Record<string, string | number>;
} {
  if (op === "create") return { start: "ACTIVE", target: "SHUTOFF", inputs: { state: "stopped", timeoutSeconds: 60 } };
  if (op === "update") return { start: "SHUTOFF", target: "ACTIVE", inputs: { state: "running", timeoutSeconds: 60 } };
  return { start: "ACTIVE", target: "ACTIVE", inputs: { state: "stopped", onDelete: "restore", timeoutSeconds: 60 } };
}

/**
 * Runs the op's provider call in a host of its own, as the engine would, and kills the host
 * (SIGKILL) at the kill point. Returns whether an action was accepted before the kill.
 */
async function killedMidway(session: PulumiSession, op: Op, kill: KillPoint, ids: readonly string[]): Promise<boolean> {
  const { programDir, project, stack, config, secretKeys } = session.options;
  const program = await runProgram({ ...session.options, preview: false });
  const host = await ProviderHost.start({ programDir, project, stack, config, secretKeys });
  expect(host.pid).toBeGreaterThan(0); // the kill below must name this host and nothing else
  try {
    await host.configure(config, secretKeys ?? []);
    const old = session.readState().resources[URN];
    const news = unwrapSecrets(program.resources[0].inputs) as JsonObject;
    const before = await admin.stats();
    let call: Promise<unknown>;
    if (op === "delete") {
      call = host.delete(URN, old.id, old.outputs);
    } else {
      const checked = await host.check(URN, old?.inputs ?? {}, news);
      if (kill === "before-send") {
        process.kill(host.pid, "SIGKILL");
        return false;
      }
      call = op === "create" ? host.create(URN, checked.inputs) : host.update(URN, old.id, old.outputs, checked.inputs);
    }
    let settled = false;
    const outcome = call.then(
      () => "returned",
      () => "killed",
    );
    void outcome.then(() => (settled = true));
    const target = plan(op).target;
    const startedAt = Date.now();
    for (;;) {
      if (settled) throw new Error(`the ${op} returned before the kill point ${JSON.stringify(kill)}`);
      const accepted =
        ((await admin.stats()).answers["POST action 200"] ?? 0) > (before.answers["POST action 200"] ?? 0);
      const servers = (await admin.listServers()).filter((s) => ids.includes(s.id));
      const due =
        typeof kill === "object"
          ? Date.now() - startedAt >= kill.afterMs
          : kill === "init-hidden"
            ? accepted
            : kill === "running"
              ? servers.every((s) => s.taskState !== null)
              : kill === "final-list"
                ? servers.every((s) => s.status === target && s.taskState === null)
                : false;
      if (due) {
        if (kill === "init-hidden") expect(servers.every((s) => s.taskState === null)).toBe(true); // the task is hidden
        process.kill(host.pid, "SIGKILL");
        expect(await outcome).toBe("killed");
        return (
          accepted || ((await admin.stats()).answers["POST action 200"] ?? 0) > (before.answers["POST action 200"] ?? 0)
        );
      }
      await sleep(10);
    }
  } finally {
    await host.close();
  }
}

async function runCase({ op, kill, variants }: Case): Promise<void> {
  await admin.reset();
  if (variants) await admin.setVariants(variants);
  const ids = [serverId(200_000 + nextId), serverId(200_000 + nextId + 1)];
  nextId += 2;
  const { start, target, inputs } = plan(op);
  await admin.putServers(ids.map((id) => ({ id, status: start })));
  const name = `${op}-${typeof kill === "object" ? `at-${kill.afterMs}` : kill}-${nextId}`;
  const session = newSession({
    workDir,
    name,
    emulatorUrl: emulator.url,
    serverIds: ids,
    inputs,
    programDir,
    project: PROJECT,
  });

  // The state the interrupted operation starts from.
  if (op === "update") {
    session.config[`${PROJECT}:state`] = "stopped";
    await session.up();
    session.config[`${PROJECT}:state`] = "running";
  } else if (op === "delete") {
    await session.up();
    expect((await admin.listServers()).filter((s) => ids.includes(s.id)).map((s) => s.status)).toEqual([
      "SHUTOFF",
      "SHUTOFF",
    ]);
  }
  const before = await admin.stats();

  await killedMidway(session, op, kill, ids);
  // The rerun, in a fresh host: the record of the killed call never reached the state file.
  const rerunFrom = await admin.stats();
  const rerunStartedAt = Date.now();
  const rerun = op === "delete" ? await session.destroy() : await session.up();
  const rerunMs = Date.now() - rerunStartedAt;
  const rerunStats = statsSince(rerunFrom, await admin.stats());
  if (kill === "init-hidden" && variants?.hiddenTaskAction !== "fail-subjob") {
    // The rerun met the hidden task: refused Ecs.0100, it looked again and said why, and never gave up.
    expect(rerunStats.answers["POST action 400"]).toBeGreaterThanOrEqual(1);
    expect(rerun.hostOutput.join("\n")).toMatch(/refused for their state \(Ecs\.0100\) although they showed no task/);
  }

  const servers = (await admin.listServers()).filter((s) => ids.includes(s.id));
  expect(servers.map((s) => ({ id: s.id, status: s.status, taskState: s.taskState }))).toEqual(
    ids.map((id) => ({ id, status: target, taskState: null })),
  );
  const after = await admin.stats();
  const accepted = ids.map((id) => (after.submissionsPerServer[id] ?? 0) - (before.submissionsPerServer[id] ?? 0));
  if (op === "delete") {
    expect(session.readState().resources[URN]).toBeUndefined(); // the record is gone, as the resource is
  } else {
    const record = fleetOf(session, URN).outputs;
    for (const s of servers) {
      expect({ id: s.id, ...record.servers[s.id] }).toMatchObject({
        id: s.id,
        status: s.status,
        taskState: null,
        error: null,
      });
    }
  }
  // One line per case for docs/reliability.md ("Interrupted runs").
  console.log(
    `interruptedRun ${op} killed ${typeof kill === "object" ? `at ${kill.afterMs} ms` : kill} (${variants?.hiddenTaskAction ?? "reject"}): ` +
      `rerun ${rerunMs} ms, refused ${rerunStats.answers["POST action 400"] ?? 0}, accepted per server over both runs [${accepted.join(", ")}]`,
  );
  if (kill === "before-send" || kill === "running" || kill === "final-list") {
    expect(accepted).toEqual(ids.map(() => 1)); // exactly one accepted action per server, over both runs
  } else {
    // Killed while the first job was hidden (or at a random instant): a second action may be accepted,
    // under fail-subjob at once; under reject (seen once in 22 kills, a delete) most likely when a
    // resend's list still saw no task and its POST arrived once the task showed (the emulator accepts
    // an action on a moving server as a job that FAILs Ecs.0100; not yet confirmed). Either way never a
    // third, and the servers converged above.
    for (const n of accepted) expect([1, 2]).toContain(n);
    if (op !== "delete" && accepted.some((n) => n === 2)) {
      expect(fleetOf(session, URN).outputs.jobs.map((j) => j.status)).toContain("FAIL");
    }
  }
}

describe("a host killed mid-operation, then the same operation again in a fresh host", () => {
  // CI: the INIT window under both answers for each op, and one RUNNING kill; the full sweep adds the rest.
  const ci: Case[] = [
    { op: "create", kill: "init-hidden" },
    { op: "create", kill: "init-hidden", variants: { hiddenTaskAction: "fail-subjob" } },
    { op: "update", kill: "init-hidden" },
    { op: "delete", kill: "init-hidden" },
  ];
  const full: Case[] = [
    { op: "create", kill: "running" },
    { op: "create", kill: "before-send" },
    { op: "create", kill: "final-list" },
    { op: "update", kill: "before-send" },
    { op: "update", kill: "init-hidden", variants: { hiddenTaskAction: "fail-subjob" } },
    { op: "update", kill: "running" },
    { op: "update", kill: "final-list" },
    { op: "delete", kill: "init-hidden", variants: { hiddenTaskAction: "fail-subjob" } },
    { op: "delete", kill: "running" },
    { op: "delete", kill: "final-list" },
  ];
  const fixed = FULL ? [...ci, ...full] : ci;
  it.each(
    fixed.map(
      (c) => [`${c.op}, killed ${String(c.kill)}${c.variants ? ` (${JSON.stringify(c.variants)})` : ""}`, c] as const,
    ),
  )(
    "%s: converges, the record equals the cloud, one effective action per server",
    async (_name, c) => {
      await runCase(c);
    },
    90_000,
  );

  const random = seeded(SEED);
  const randomCases: Case[] = Array.from({ length: RANDOM_COUNT }, () => {
    const op = (["create", "update", "delete"] as const)[Math.floor(random() * 3)];
    const variants: VariantsPatch = { hiddenTaskAction: random() < 0.5 ? "reject" : "fail-subjob" };
    return { op, kill: { afterMs: Math.floor(random() * (HIDDEN_MS + STOP_SECONDS * 1000)) }, variants };
  });
  if (randomCases.length > 0) {
    it.each(
      randomCases.map(
        (c) =>
          [`${c.op} at ${(c.kill as { afterMs: number }).afterMs} ms (${c.variants?.hiddenTaskAction})`, c] as const,
      ),
    )(
      `seed ${SEED}: %s`,
      async (_name, c) => {
        await runCase(c);
      },
      90_000,
    );
  }
});
