/**
 * The provider against each answer the cloud may give where its docs are silent (the emulator's
 * variants, docs/variants.md), over real HTTP: create (stop), a drift-fixing update (stop one
 * server again) and a delete with onDelete "restore" (start them back). Each ends converged, or
 * with a precise report per server; no server is sent an action twice in one operation (the
 * deliberate SOFT-then-HARD stop aside), counted by the emulator; the record equals the cloud.
 *
 * The client's side of the variants is here too: top-level error bodies read by code, `%2C` in
 * lists (required by the emulator), the per-minute limit answered `Ecs.0118` or `429` and throttling
 * without `Retry-After` waited out until the deadline.
 */
import {
  DEFAULT_EMULATOR_CREDENTIALS,
  EmulatorAdmin,
  startEmulator,
  statsSince,
  type EmulatorOptions,
  type EmulatorStatsSnapshot,
  type FaultInput,
  type RunningEmulator,
  type VariantsPatch,
} from "../../emulator";
import type { PowerStateOutputs } from "../../provider";
import { serverPowerStateProvider as provider, type PartialFailureError } from "../../provider/provider";
import { configureProvider } from "./configureProvider";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const [S1, S2, S3] = [id(1), id(2), id(3)];

interface Step {
  /** Per server: `ok`, or the failure's code. */
  readonly outcome: Record<string, string>;
  /** Per server, the accepted action calls that named it in this step. */
  readonly submissions: Record<string, number>;
  readonly reasons: string[];
  readonly outs: PowerStateOutputs;
}

let emulator: RunningEmulator;
let admin: EmulatorAdmin;

async function startWith(options: EmulatorOptions = {}): Promise<void> {
  emulator = await startEmulator({ stopSeconds: 0.2, startSeconds: 0.2, ...options });
  admin = new EmulatorAdmin(emulator.url);
  await configureProvider(emulator.url);
}

/** The fleet (two ACTIVE, one SHUTOFF), the variants, then the faults. */
async function setUp(variants: VariantsPatch, faults: readonly FaultInput[] = []): Promise<void> {
  await admin.reset();
  await admin.putServers([
    { id: S1, status: "ACTIVE" },
    { id: S2, status: "ACTIVE" },
    { id: S3, status: "SHUTOFF" },
  ]);
  if (Object.keys(variants).length > 0) await admin.setVariants(variants);
  for (const fault of faults) await admin.injectFault(fault);
}

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await provider.check({}, { __provider: "test", ...news });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

/** Runs one lifecycle call; a partial failure's record and reasons become the step's. */
async function step(call: () => Promise<{ outs?: unknown } | void>, ids: readonly string[]): Promise<Step> {
  const before: EmulatorStatsSnapshot = await admin.stats();
  let outs: PowerStateOutputs | undefined;
  let reasons: string[] = [];
  try {
    const result = await call();
    outs = (result as { outs?: PowerStateOutputs } | undefined)?.outs;
  } catch (error) {
    const failure = error as PartialFailureError;
    if (!Array.isArray(failure.reasons)) throw error;
    reasons = failure.reasons;
    outs = failure.properties as unknown as PowerStateOutputs | undefined;
  }
  const outcome: Record<string, string> = {};
  for (const server of ids) {
    const reason = reasons.find((r) => r.startsWith(`server ${server}: `));
    outcome[server] = reason ? reason.slice(`server ${server}: `.length).split(":")[0] : "ok";
  }
  const submissions = statsSince(before, await admin.stats()).submissionsPerServer;
  return { outcome, submissions, reasons, outs: outs! };
}

async function cloud(): Promise<Record<string, string>> {
  return Object.fromEntries((await admin.listServers()).map((s) => [s.id, s.status]));
}

/** The record says what the cloud says, for every server it lists. */
async function expectRecordIsTheCloud(outs: PowerStateOutputs): Promise<void> {
  const truth = await cloud();
  for (const [server, record] of Object.entries(outs.servers))
    expect([server, record.status]).toEqual([server, truth[server]]);
}

/** create (stop) → drift S2 back to ACTIVE → read → update (stop S2 again) → delete (restore S1, S2 to ACTIVE). */
async function lifecycle(inputs: Record<string, unknown> = {}): Promise<{ create: Step; update: Step; restore: Step }> {
  const news = await checked({ serverIds: [S1, S2, S3], onDelete: "restore", timeoutSeconds: 20, ...inputs });
  let rid = "";
  const create = await step(async () => {
    const result = await provider.create(news);
    rid = result.id;
    return result;
  }, [S1, S2, S3]);
  expect(create.reasons).toEqual([]);
  await expectRecordIsTheCloud(create.outs);
  // Outputs are stored in plain text in the stack: never a credential.
  expect(JSON.stringify(create.outs)).not.toContain(DEFAULT_EMULATOR_CREDENTIALS.secretKey);

  await admin.setServer(S2, { status: "ACTIVE" });
  const read = await provider.read!(rid, { __provider: "test", ...create.outs });
  const refreshed = { ...read.props };
  const update = await step(() => provider.update!(rid, refreshed, news), [S2]);
  await expectRecordIsTheCloud(update.outs);
  expect(JSON.stringify(update.outs)).not.toContain(DEFAULT_EMULATOR_CREDENTIALS.secretKey);

  const restore = await step(() => provider.delete!(rid, { __provider: "test", ...update.outs }), [S1, S2, S3]);
  expect(await cloud()).toEqual({ [S1]: "ACTIVE", [S2]: "ACTIVE", [S3]: "SHUTOFF" });
  return { create, update, restore };
}

const ONCE = { [S1]: 1, [S2]: 1 };

describe("variants a plain fleet meets, through create, a drift-fixing update and a restore", () => {
  beforeAll(() => startWith());
  afterAll(() => emulator?.stop());

  // No row for throttleRetryAfter or requireEncodedCommas alone: this fleet meets no throttle and the
  // provider always encodes its commas, so such a row ran exactly as the defaults. Each switch is met
  // where it matters: a throttle without Retry-After under "the account's limits" below, the commas
  // required in the next test (and both wire forms in tests/emulator/variants.test.ts).
  it.each<[string, VariantsPatch]>([
    ["the defaults", {}],
    ["listLagSeconds 1.5 (the list shows the old status after the job's SUCCESS)", { listLagSeconds: 1.5 }],
    ["subJobs none (the job's status alone tells when to look)", { subJobs: "none" }],
    ["subJobs no-server-id", { subJobs: "no-server-id" }],
    ["errorBodies flat", { errorBodies: "flat" }],
    ["listLagSeconds 1 with subJobs none", { listLagSeconds: 1, subJobs: "none" }],
  ])("%s: converged, each server sent each action once", async (_row, variants) => {
    await setUp(variants);
    const { create, update, restore } = await lifecycle();
    expect(create.outcome).toEqual({ [S1]: "ok", [S2]: "ok", [S3]: "ok" });
    expect(create.submissions).toEqual(ONCE);
    expect(update.outcome).toEqual({ [S2]: "ok" });
    expect(update.submissions).toEqual({ [S2]: 1 });
    expect(restore.outcome).toEqual({ [S1]: "ok", [S2]: "ok", [S3]: "ok" });
    expect(restore.submissions).toEqual(ONCE);
  });

  it("requireEncodedCommas: the provider's lists send %2C as the official SDKs do, so it converges; no literal comma", async () => {
    await setUp({ requireEncodedCommas: true });
    const { create, restore } = await lifecycle();
    expect(create.outcome).toEqual({ [S1]: "ok", [S2]: "ok", [S3]: "ok" });
    expect(restore.submissions).toEqual(ONCE);
    const commas = (await admin.stats()).listServerIdCommas;
    expect(commas.encoded).toBeGreaterThan(0);
    expect(commas.literal ?? 0).toBe(0);
  });

  it.each<[string, VariantsPatch]>([
    ["alreadyInState reject", { alreadyInState: "reject" }],
    ["alreadyInState fail-subjob", { alreadyInState: "fail-subjob" }],
    ["alreadyInState noop", { alreadyInState: "noop" }],
    ["alreadyInState reject, errorBodies flat", { alreadyInState: "reject", errorBodies: "flat" }],
    ["alreadyInState reject, errorBodies top-level", { alreadyInState: "reject", errorBodies: "top-level" }],
    ["alreadyInState fail-subjob, errorBodies top-level", { alreadyInState: "fail-subjob", errorBodies: "top-level" }],
    ["alreadyInState fail-subjob, listLagSeconds 1", { alreadyInState: "fail-subjob", listLagSeconds: 1 }],
  ])(
    "%s, a server stopped by someone else between the list and the call: converged, none sent twice",
    async (_row, variants) => {
      await setUp(variants, [{ serverId: S1, kind: "drift", status: "SHUTOFF" }]);
      const { create, update, restore } = await lifecycle();
      expect(create.outcome).toEqual({ [S1]: "ok", [S2]: "ok", [S3]: "ok" });
      for (const count of Object.values(create.submissions)) expect(count).toBe(1);
      expect(create.submissions[S2]).toBe(1);
      expect(update.outcome).toEqual({ [S2]: "ok" });
      expect(restore.submissions).toEqual(ONCE);
    },
  );
});

describe("a server deleted between the list and the call (unknownServer)", () => {
  beforeAll(() => startWith());
  afterAll(() => emulator?.stop());

  it.each<[string, VariantsPatch, Record<string, number>]>([
    ["reject (404 Ecs.0114, the call refused whole): re-planned without it", { unknownServer: "reject" }, { [S2]: 1 }],
    ["fail-subjob (its sub-job FAILs Ecs.0114)", { unknownServer: "fail-subjob" }, ONCE],
    ["fail-subjob, subJobs none (only the job's FAIL)", { unknownServer: "fail-subjob", subJobs: "none" }, ONCE],
  ])("%s: S1 reported Ecs.0114, the others converge, none sent twice", async (_row, variants, submissions) => {
    await setUp(variants, [{ serverId: S1, kind: "vanish" }]);
    const create = await step(
      async () => provider.create(await checked({ serverIds: [S1, S2, S3], timeoutSeconds: 20 })),
      [S1, S2, S3],
    );
    expect(create.outcome).toEqual({ [S1]: "Ecs.0114", [S2]: "ok", [S3]: "ok" });
    expect(create.submissions).toEqual(submissions);
    expect(await cloud()).toEqual({ [S2]: "SHUTOFF", [S3]: "SHUTOFF" });
  });
});

describe("hardStopAfterSeconds against a guest that ignores the SOFT stop (S1)", () => {
  beforeAll(() => startWith());
  afterAll(() => emulator?.stop());
  const stuck: FaultInput[] = [{ serverId: S1, kind: "stuck" }];

  it.each<[string, VariantsPatch, number]>([
    ["supersede, stay (the defaults): SOFT then HARD", {}, 2],
    [
      "reject-400, its SOFT stop FAILs after 2.5 s: the HARD stop is sent again once it has",
      {
        hardDuringSoft: "reject-400",
        ignoredSoftStop: "fail",
        ignoredSoftStopSeconds: 2.5,
      },
      2,
    ],
    [
      "reject-409, the cloud forces it off after 2.5 s: no second HARD stop needed",
      {
        hardDuringSoft: "reject-409",
        ignoredSoftStop: "force",
        ignoredSoftStopSeconds: 2.5,
      },
      1,
    ],
    [
      "fail-subjob, its SOFT stop FAILs after 2.5 s: the HARD stop whose sub-job FAILed Ecs.0100 is sent once more",
      { hardDuringSoft: "fail-subjob", ignoredSoftStop: "fail", ignoredSoftStopSeconds: 2.5 },
      3,
    ],
    [
      "supersede, its SOFT sub-job FAILs at 0.5 s: the HARD stop follows, not a failure",
      {
        ignoredSoftStop: "fail",
        ignoredSoftStopSeconds: 0.5,
      },
      2,
    ],
    ["supersede with listLagSeconds 1", { listLagSeconds: 1 }, 2],
  ])("%s: converged", async (_row, variants, s1Calls) => {
    await setUp(variants, stuck);
    const { create, update, restore } = await lifecycle({ hardStopAfterSeconds: 1 });
    expect(create.outcome).toEqual({ [S1]: "ok", [S2]: "ok", [S3]: "ok" });
    expect(create.submissions).toEqual({ [S1]: s1Calls, [S2]: 1 });
    expect((await admin.stats()).serversSubmitted["os-stop"]).toBe(s1Calls + 1 + 1); // + S2's, + the update's
    expect(update.submissions).toEqual({ [S2]: 1 });
    expect(restore.submissions).toEqual(ONCE);
  });

  it("without hardStopAfterSeconds, a SOFT stop that FAILs: S1 reported with Huawei's code and cause, sent once", async () => {
    await setUp({ ignoredSoftStop: "fail", ignoredSoftStopSeconds: 0.5 }, stuck);
    const create = await step(
      async () => provider.create(await checked({ serverIds: [S1, S2, S3], timeoutSeconds: 20 })),
      [S1, S2, S3],
    );
    expect(create.outcome).toEqual({ [S1]: "Ecs.1000", [S2]: "ok", [S3]: "ok" });
    expect(create.reasons).toEqual([expect.stringMatching(/did not shut down within 0\.5 s/)]);
    expect(create.submissions).toEqual(ONCE);
    await expectRecordIsTheCloud(create.outs);
  });

  it("reject-400 and a SOFT stop that never ends: S1 reported TIMEOUT, saying where it stands; one HARD attempt, refused", async () => {
    await setUp({ hardDuringSoft: "reject-400" }, stuck);
    const create = await step(
      async () =>
        provider.create(await checked({ serverIds: [S1, S2, S3], timeoutSeconds: 4, hardStopAfterSeconds: 1 })),
      [S1, S2, S3],
    );
    expect(create.outcome).toEqual({ [S1]: "TIMEOUT", [S2]: "ok", [S3]: "ok" });
    expect(create.reasons).toEqual([expect.stringMatching(/not SHUTOFF after 4s: it is ACTIVE \(powering-off\)/)]);
    expect(create.submissions).toEqual(ONCE);
    expect((await admin.stats()).answers["POST action 400"]).toBe(1);
    await expectRecordIsTheCloud(create.outs);
  });
});

describe("the account's limits, answered as the sources allow", () => {
  afterEach(() => emulator?.stop());

  it.each<[string, VariantsPatch]>([
    ["400 Ecs.0118", { batchLimitAnswer: "ecs-0118" }],
    ["429 APIGW.0308 without Retry-After", { batchLimitAnswer: "throttle", throttleRetryAfter: false }],
    ["429 APIGW.0308 with Retry-After", { batchLimitAnswer: "throttle", throttleRetryAfter: true }],
  ])(
    "the cloud's per-minute quota (2 servers per 3 s) below the provider's pace, answered %s: refused calls are sent again, converged, each server accepted once per operation",
    async (_row, variants) => {
      const refused = (a: Record<string, number>) => (a["POST action 400"] ?? 0) + (a["POST action 429"] ?? 0);
      await startWith({ batchPerMinute: 2, batchWindowSeconds: 3 });
      // The provider paces at 1000 a minute: it meets the cloud's smaller quota at the update and the restore.
      await configureProvider(emulator.url, { "huaweicloud:ecsPacingWindowSeconds": "3" });
      await setUp(variants);
      const { create, update, restore } = await lifecycle({ timeoutSeconds: 60 });
      expect(create.outcome).toEqual({ [S1]: "ok", [S2]: "ok", [S3]: "ok" });
      expect(update.outcome).toEqual({ [S2]: "ok" });
      expect(update.submissions).toEqual({ [S2]: 1 });
      expect(restore.submissions).toEqual(ONCE);
      expect(refused((await admin.stats()).answers)).toBeGreaterThan(0);
    },
  );

  it("every API call over 1 request per second throttled, without Retry-After: waited out, converged, none sent twice", async () => {
    await startWith({ rateLimit: 1 });
    await setUp({ throttleRetryAfter: false, rateLimitWindowSeconds: 1 });
    const { create, update, restore } = await lifecycle({ timeoutSeconds: 120 });
    expect(create.outcome).toEqual({ [S1]: "ok", [S2]: "ok", [S3]: "ok" });
    for (const count of Object.values(create.submissions)) expect(count).toBe(1);
    expect(update.submissions).toEqual({ [S2]: 1 });
    expect(restore.submissions).toEqual(ONCE);
    // It was throttled far beyond the old budget of 5 attempts per call.
    const answers = (await admin.stats()).answers;
    const throttled = Object.entries(answers)
      .filter(([key]) => key.endsWith(" 429"))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(throttled).toBeGreaterThan(5);
  });
});
