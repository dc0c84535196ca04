/**
 * The fault matrix's scenario kit (docs/reliability.md, "Faults"): each row injects a fault into the
 * emulator and runs a real `pulumi up` through Pulumi's dynamic-provider host. A row pins
 *   - the outcome: success after retries, or a failure naming exactly the servers concerned;
 *   - action POSTs per server: never more than one per server per `up` (a HARD escalation aside);
 *   - what the state records: the truth about every server, as the emulator has it;
 *   - that the next `up`, once the fault has cleared, converges.
 * Sessions use the package as a user installs it (a one-line stored provider), because a partial
 * failure travels in one gRPC trailer that this harness's HTTP/2 client caps at 64 KiB. The matrix
 * is split over two test files so that jest can run them side by side.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  EmulatorAdmin,
  startEmulator,
  statsSince,
  type AdminServerInput,
  type EmulatorOptions,
  type EmulatorStatsSnapshot,
  type FaultInput,
  type RunningEmulator,
} from "../../emulator";
import { type PulumiSession, StepFailedError, type StepResult } from "../harness";
import {
  buildPackagedProgram,
  fleetOf,
  newSession,
  PACKAGED_PROJECT,
  PACKAGED_URN,
  serverId,
  type FleetResource,
} from "./lifecycleKit";

const FAST = { stopSeconds: 0.3, startSeconds: 0.3 } as const;

let workDir: string;
let programDir: string;
let shared: RunningEmulator;
let nextServer = 1;

/** Registers the test file's setup: a work folder, the packaged program, and the shared emulator. */
export function setUpFaultMatrix(): { emulator: () => RunningEmulator } {
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "sps-faults-"));
    programDir = buildPackagedProgram(workDir);
    shared = await startEmulator(FAST);
  });
  afterAll(async () => {
    await shared?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });
  return { emulator: () => shared };
}

/** Fresh server ids for each row, so rows never see each other's servers. */
export function freshIds(count: number): string[] {
  const ids = Array.from({ length: count }, (_, i) => serverId(100_000 + nextServer + i));
  nextServer += count;
  return ids;
}

export interface Row {
  readonly name: string;
  readonly servers: readonly AdminServerInput[];
  readonly emulator?: RunningEmulator;
  readonly inputs?: Readonly<Record<string, string | number>>;
  readonly config?: Readonly<Record<string, string>>;
}

export interface Attempt {
  readonly result?: StepResult;
  readonly failure?: StepFailedError;
  /** The emulator's counters for this attempt alone. */
  readonly stats: EmulatorStatsSnapshot;
}

export class Scenario {
  readonly admin: EmulatorAdmin;
  readonly session: PulumiSession;
  readonly ids: string[];

  constructor(
    readonly row: Row,
    readonly emulator: RunningEmulator,
  ) {
    this.admin = new EmulatorAdmin(emulator.url);
    this.ids = row.servers.map((s) => s.id);
    this.session = newSession({
      workDir,
      name: row.name,
      emulatorUrl: emulator.url,
      serverIds: this.ids,
      programDir,
      project: PACKAGED_PROJECT,
      inputs: row.inputs,
      // Each row's faults are meant for the up's own calls: preview's live-plan reads (which run in the
      // up's check and diff too) would take a list fault first. Those reads under faults are
      // tests/provider/preview.test.ts's.
      config: { "huaweicloud:ecsPreviewReads": "false", ...row.config },
    });
  }

  static async start(row: Row): Promise<Scenario> {
    const emulator = row.emulator ?? shared;
    const scenario = new Scenario(row, emulator);
    await scenario.admin.reset();
    await scenario.admin.putServers(row.servers);
    return scenario;
  }

  async inject(...faults: FaultInput[]): Promise<void> {
    for (const fault of faults) await this.admin.injectFault(fault);
  }

  /** One `pulumi up`; `during` runs alongside it (to take the emulator away mid-operation). */
  async up(during?: (admin: EmulatorAdmin) => Promise<void>): Promise<Attempt> {
    const before = await this.admin.stats();
    const running = this.session.up().then(
      (result) => ({ result }),
      (error: unknown) => {
        if (error instanceof StepFailedError) return { failure: error };
        throw error;
      },
    );
    await during?.(this.admin);
    const outcome = await running;
    return { ...outcome, stats: statsSince(before, await this.admin.stats()) };
  }

  fleet(): FleetResource {
    return fleetOf(this.session, PACKAGED_URN);
  }

  /** The state records the truth: each server's status and task state as the emulator shows them now. */
  async expectStateTellsTheTruth(): Promise<void> {
    const actual = new Map((await this.admin.listServers()).map((s) => [s.id, s]));
    const recorded = this.fleet().outputs.servers;
    expect(Object.keys(recorded).sort()).toEqual([...this.ids].sort());
    for (const id of this.ids) {
      const server = actual.get(id);
      expect({ id, status: recorded[id].status, taskState: recorded[id].taskState }).toEqual({
        id,
        status: server?.status ?? null,
        taskState: server?.taskState ?? null,
      });
    }
  }

  /** Every declared server is where the program says, with no error, and the state says so. */
  async expectConverged(target: "SHUTOFF" | "ACTIVE" = "SHUTOFF"): Promise<void> {
    const actual = new Map((await this.admin.listServers()).map((s) => [s.id, s]));
    const recorded = this.fleet().outputs.servers;
    for (const id of this.ids) {
      expect({ id, status: actual.get(id)?.status, taskState: actual.get(id)?.taskState }).toEqual({
        id,
        status: target,
        taskState: null,
      });
      expect({ id, ...recorded[id] }).toMatchObject({ id, status: target, taskState: null, error: null });
    }
    expect(this.fleet().outputs.convergedAt).not.toBeNull();
  }
}

/** Never more than `limit` accepted action calls per server in one attempt. */
export function expectAtMostOnePostPerServer(attempt: Attempt, limit = 1): void {
  const over = Object.entries(attempt.stats.submissionsPerServer).filter(([, n]) => n > limit);
  expect(over).toEqual([]);
}

/** Every fault injected was met: none is left pending (a fault never served would leave its row proving nothing). */
export async function expectFaultsServed(s: Scenario): Promise<void> {
  expect(await s.admin.pendingFaults()).toEqual({ transport: [], server: [], job: [] });
}

/** The up succeeded: the resource was created or updated (or, with `orSame`, had nothing to do). */
export function expectSuccess(attempt: Attempt, orSame = false): void {
  if (attempt.failure) throw new Error(`expected success, got: ${attempt.failure.message}`);
  expect(attempt.result?.operations.map((o) => o.op)).toEqual([
    expect.stringMatching(orSame ? /^(create|update|same)$/ : /^(create|update)$/),
  ]);
}

/** The up failed, naming exactly `servers`, each reason matching `reason`. */
export function expectFailureNaming(attempt: Attempt, servers: readonly string[], reason: RegExp): string[] {
  expect(attempt.failure).toBeInstanceOf(StepFailedError);
  const reasons = attempt.failure!.errors.flatMap((e) => e.reasons);
  const named = reasons.map((r) => /^server ([0-9a-f-]{36}): /.exec(r)?.[1]);
  expect(named.sort()).toEqual([...servers].sort());
  for (const line of reasons) expect(line).toMatch(reason);
  return reasons;
}

/** The next `up` after the fault cleared converges, posting each server at most once. */
export async function expectNextUpConverges(s: Scenario, target: "SHUTOFF" | "ACTIVE" = "SHUTOFF"): Promise<Attempt> {
  const next = await s.up();
  expectSuccess(next, true);
  // Nothing left to do is done without a single API call.
  if (next.result!.operations[0].op === "same") expect(next.stats.total).toBe(0);
  expectAtMostOnePostPerServer(next);
  await s.expectConverged(target);
  return next;
}

/** Servers running now, for a program that declares them stopped. */
/**
 * The common tail of a row that ends well: the up succeeded (with exactly `actionCalls` action POSTs
 * when given), no server was sent twice, every server converged, and the next up has nothing to do.
 */
export async function expectSucceededAndConverged(s: Scenario, first: Attempt, actionCalls?: number): Promise<void> {
  expectSuccess(first);
  if (actionCalls !== undefined) expect(first.stats.requests["POST action"]).toBe(actionCalls);
  expectAtMostOnePostPerServer(first);
  await s.expectConverged();
  await expectNextUpConverges(s);
}

export const running = (ids: readonly string[]) => ids.map((id) => ({ id, status: "ACTIVE" as const }));

export async function withEmulator<T>(
  options: EmulatorOptions,
  body: (emulator: RunningEmulator) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ ...FAST, ...options });
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
