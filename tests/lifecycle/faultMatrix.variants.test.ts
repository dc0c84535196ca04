/**
 * The variant matrix through Pulumi's host (docs/variants.md): combinations of the cloud's possible
 * answers a user could meet at once, each through create (`up` stopping the fleet), a drift-fixing
 * update (a server started out of band, `refresh`, `up`), a next `up` with nothing to do, and
 * `destroy` with `onDelete: restore`. Each step converges, no server is accepted twice in one
 * operation (the deliberate SOFT-then-HARD aside), the state records the cloud, and the no-op `up`
 * makes zero API calls. Every single switch is run in-process by tests/provider/variants.test.ts.
 */
import type { FaultInput, VariantsPatch } from "../../emulator";
import { PACKAGED_PROJECT } from "./lifecycleKit";
import {
  expectAtMostOnePostPerServer,
  expectSuccess,
  freshIds,
  running,
  Scenario,
  setUpFaultMatrix,
  withEmulator,
  type Attempt,
} from "./faultScenario";

setUpFaultMatrix();

interface VariantRow {
  readonly name: string;
  readonly variants: VariantsPatch;
  readonly inputs?: Readonly<Record<string, string | number>>;
  /** Faults on the first server at create (a guest that ignores the SOFT stop). */
  readonly createFaults?: (first: string) => FaultInput[];
  /** Accepted action calls for the first server at create (the others: one each). */
  readonly createCallsPerServer?: number;
}

const ROWS: readonly VariantRow[] = [
  {
    name: "a terse, lagging cloud",
    variants: {
      listLagSeconds: 1,
      subJobs: "none",
      errorBodies: "top-level",
      requireEncodedCommas: true,
      throttleRetryAfter: false,
    },
  },
  {
    name: "sub-jobs without server ids, actions on servers already there answered as no-ops",
    variants: { subJobs: "no-server-id", alreadyInState: "noop", listLagSeconds: 1, errorBodies: "flat" },
  },
  {
    name: "a HARD stop refused while the ignored SOFT stop runs, which then fails",
    variants: { hardDuringSoft: "reject-400", ignoredSoftStop: "fail", ignoredSoftStopSeconds: 2 },
    inputs: { hardStopAfterSeconds: 1 },
    createFaults: (first) => [{ serverId: first, kind: "stuck" }],
    createCallsPerServer: 2,
  },
  {
    name: "a HARD stop accepted with a FAILed sub-job while the SOFT stop runs",
    variants: { hardDuringSoft: "fail-subjob", ignoredSoftStop: "fail", ignoredSoftStopSeconds: 2 },
    inputs: { hardStopAfterSeconds: 1 },
    createFaults: (first) => [{ serverId: first, kind: "stuck" }],
    // SOFT, the HARD whose sub-job FAILed Ecs.0100 (it did nothing), the HARD sent once more.
    createCallsPerServer: 3,
  },
];

async function runLifecycle(s: Scenario, row: VariantRow): Promise<void> {
  await s.admin.setVariants(row.variants);
  await s.inject(...(row.createFaults?.(s.ids[0]) ?? []));

  const create = await s.up();
  expectSuccess(create);
  expectAtMostOnePostPerServer(create, row.createCallsPerServer ?? 1);
  expect(s.ids.map((id) => create.stats.submissionsPerServer[id])).toEqual(
    [row.createCallsPerServer ?? 1, 1, 1].slice(0, s.ids.length),
  );
  await s.expectConverged();
  await s.expectStateTellsTheTruth();

  // Drift: a server started out of band; refresh sees it, the next up stops it, and only it.
  await s.admin.setServer(s.ids[1], { status: "ACTIVE" });
  await s.session.refresh();
  const update = await s.up();
  expectSuccess(update);
  expect(update.stats.submissionsPerServer).toEqual({ [s.ids[1]]: 1 });
  await s.expectConverged();

  const noop: Attempt = await s.up();
  expectSuccess(noop, true);
  expect(noop.result!.operations[0].op).toBe("same");
  expect(noop.stats.total).toBe(0);

  const before = await s.admin.stats();
  await s.session.destroy();
  const after = await s.admin.stats();
  expect((await s.admin.listServers()).filter((v) => s.ids.includes(v.id)).map((v) => v.status)).toEqual(
    s.ids.map(() => "ACTIVE"),
  );
  const restored = Object.fromEntries(
    s.ids.map((id) => [id, (after.submissionsPerServer[id] ?? 0) - (before.submissionsPerServer[id] ?? 0)]),
  );
  expect(restored).toEqual(Object.fromEntries(s.ids.map((id) => [id, 1])));
}

describe("variant combinations through Pulumi's host: create, drift-fixing update, no-op up, restore", () => {
  it.each(ROWS.map((row) => [row.name, row] as const))("%s", async (_name, row) => {
    const s = await Scenario.start({
      name: `variants-${row.name.replace(/\W+/g, "-").slice(0, 40)}`,
      servers: running(freshIds(3)),
      inputs: { onDelete: "restore", timeoutSeconds: 60, ...row.inputs },
    });
    await runLifecycle(s, row);
  });

  it("the cloud's per-minute quota below the provider's pace, answered 400 Ecs.0118, and no Retry-After anywhere", async () => {
    await withEmulator({ batchPerMinute: 2, batchWindowSeconds: 3 }, async (emulator) => {
      const s = await Scenario.start({
        name: "variants-ecs-0118",
        servers: running(freshIds(2)),
        emulator,
        inputs: { onDelete: "restore", timeoutSeconds: 60 },
        config: { "huaweicloud:ecsPacingWindowSeconds": "3" },
      });
      expect(s.session.config[`${PACKAGED_PROJECT}:onDelete`]).toBe("restore");
      await runLifecycle(s, {
        name: "ecs-0118",
        variants: { batchLimitAnswer: "ecs-0118", throttleRetryAfter: false },
      });
    });
  });
});
