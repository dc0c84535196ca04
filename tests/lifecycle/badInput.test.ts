/**
 * Bad input through Pulumi's dynamic-provider host, as `pulumi preview` shows it: the root program's
 * preview fails with every problem, each naming its key, and makes no API call. The exact reasons of
 * every row are pinned in-process by tests/provider/badInput.test.ts; this checks they reach the engine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import { PulumiSession, StepFailedError } from "../harness";

const { accessKey, projectId } = DEFAULT_EMULATOR_CREDENTIALS;
const A = "616fb98f-46ca-475e-917e-2563e5a8cd19";
const B = "726fb98f-46ca-475e-917e-2563e5a8cd20";
const PREVIEW_READS_INVALID =
  'huaweicloud:ecsPreviewReads "yes" is invalid: expected true (preview reads the servers\' live status with GET calls and prints the plan) or false (no call at preview)';

let emulator: RunningEmulator;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emulator = await startEmulator({ seed: 2 });
  admin = new EmulatorAdmin(emulator.url);
});
afterAll(async () => {
  await emulator?.stop();
});

describe("through Pulumi's dynamic-provider host, as pulumi preview shows them", () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "sps-bad-input-"));
  });
  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it("the root program's preview fails with every problem, each naming its key, and no API call", async () => {
    const session = new PulumiSession({
      programDir: resolve(__dirname, "../.."),
      project: "ecs-power",
      stack: "dev",
      stateFile: join(workDir, "state.json"),
      config: {
        "ecs-power:serverIds": JSON.stringify([A, ` ${B}`]),
        "ecs-power:stopType": "soft",
        "huaweicloud:ecsEndpoint": emulator.url,
        "huaweicloud:projectId": projectId,
        "huaweicloud:accessKey": accessKey,
        "huaweicloud:ecsPreviewReads": "yes",
      },
      // Empty means unset: the test runner's own credentials, if any, must not reach the host.
      env: { HW_SECRET_KEY: "", HUAWEICLOUD_SDK_SK: "" },
    });
    const failed = await session.preview().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StepFailedError);
    expect((failed as StepFailedError).errors).toEqual([
      {
        urn: "urn:pulumi:dev::ecs-power::pulumi-nodejs:dynamic/huaweicloud:ServerPowerState::fleet",
        op: "check",
        message: expect.any(String),
        reasons: [
          `serverIds[1]: serverIds[1] " ${B}" is invalid: expected an ECS server id with no leading or trailing whitespace; ids are not trimmed silently, so remove it where the list is built`,
          'stopType: stopType "soft" is invalid: expected "SOFT" or "HARD"; did you mean "SOFT"?',
          `: ${PREVIEW_READS_INVALID}`,
        ],
      },
    ]);
    expect((await admin.stats()).total).toBe(0);
  }, 120_000);
});
