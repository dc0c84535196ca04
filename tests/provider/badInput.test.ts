/**
 * The bad-input table (issue 5): every row is one call of the provider's real `check`, as the engine
 * makes it at preview, against a running emulator that must see no API request at all. Each row pins
 * the exact failures: the property path (the resource input, or "" for a stack config key, which the
 * reason then names), the value as written (whitespace visible, never a secret) and the rule.
 * docs/reliability.md lists the same rows with the reasons for each decision. Everything here runs in
 * the test process (so mutation testing can run it); tests/lifecycle/badInput.test.ts checks that the
 * failures reach the engine through Pulumi's host.
 */
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, startEmulator, type RunningEmulator } from "../../emulator";
import type { JobRecord, ServerRecord } from "../../provider/converge";
import { MAX_SERVER_IDS, UNKNOWN_VALUE } from "../../provider/inputs";
import { failureLines } from "../../provider/operation";
import { serverPowerStateProvider as provider } from "../../provider/provider";
import type { PowerStateOutputs } from "../../provider/recorded";
import { configureProvider } from "./configureProvider";

const { projectId } = DEFAULT_EMULATOR_CREDENTIALS;
const A = "616fb98f-46ca-475e-917e-2563e5a8cd19";
const B = "726fb98f-46ca-475e-917e-2563e5a8cd20";
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const ids = (count: number) => Array.from({ length: count }, (_, i) => id(i));

/** Variables the settings fall back to: unset for every row, so the machine's environment cannot change an outcome. */
const SETTINGS_ENV = [
  "HW_ACCESS_KEY",
  "HUAWEICLOUD_SDK_AK",
  "HW_SECRET_KEY",
  "HUAWEICLOUD_SDK_SK",
  "HW_SECURITY_TOKEN",
  "HUAWEICLOUD_SDK_SECURITY_TOKEN",
  "HW_REGION_NAME",
  "HW_PROJECT_ID",
  "HUAWEICLOUD_SDK_PROJECT_ID",
];
const savedEnv = SETTINGS_ENV.map((k) => [k, process.env[k]] as const);

const HTTPS_HINT = "use an origin such as https://ecs.cn-north-4.myhuaweicloud.com";
const NO_ACCESS_KEY =
  "huaweicloud:accessKey is not set (nor HW_ACCESS_KEY, nor HUAWEICLOUD_SDK_AK): expected the access key (AK) that signs the ECS calls; pulumi config set huaweicloud:accessKey <AK>";
const NO_SECRET_KEY =
  "huaweicloud:secretKey is not set (nor HW_SECRET_KEY, nor HUAWEICLOUD_SDK_SK): expected the secret key (SK) that signs the ECS calls; pulumi config set --secret huaweicloud:secretKey <SK> (--secret keeps it encrypted in the stack config)";

/** The credential chain's last line when no source supplies a key (tests/isolateCredentials.js turns the metadata service off). */
const NO_OTHER_SOURCE =
  "no credentials from any other source either: tried the shared config file (huaweicloud:sharedConfigFile and HW_SHARED_CONFIG_FILE not set); " +
  "the ECS metadata service (disabled by HUAWEICLOUD_ECS_POWER_METADATA_URL=off). Set a key as above, name an hcloud config.json with " +
  "huaweicloud:sharedConfigFile, or run on an ECS server with an agency";

const PREVIEW_READS_INVALID =
  'huaweicloud:ecsPreviewReads "yes" is invalid: expected true (preview reads the servers\' live status with GET calls and prints the plan) or false (no call at preview)';

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let logged: string[];

/** The emulator's settings, as a stack would set them; a row's `config` overrides (undefined removes a key). */
async function configure(overrides: Record<string, string | undefined> = {}): Promise<void> {
  await configureProvider(emulator.url, overrides);
}

beforeAll(async () => {
  for (const k of SETTINGS_ENV) delete process.env[k];
  emulator = await startEmulator({ seed: 2 });
  admin = new EmulatorAdmin(emulator.url);
});
afterAll(async () => {
  for (const [k, v] of savedEnv) if (v !== undefined) process.env[k] = v;
  await emulator?.stop();
});
beforeEach(() => {
  logged = [];
  jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args.join(" ")));
});
afterEach(() => {
  jest.restoreAllMocks();
});

interface Row {
  /** The row of the table, as docs/reliability.md words it. */
  readonly row: string;
  readonly news: Record<string, unknown>;
  readonly config?: Record<string, string | undefined>;
  /** Exactly what check answers; [] when the input is accepted. */
  readonly failures: { property: string; reason: string }[];
  /** For an accepted input: what check hands on (a subset of the inputs). */
  readonly inputs?: Record<string, unknown>;
}

const rows: Row[] = [
  {
    row: "empty serverIds: accepted, manages nothing (a computed list may be empty)",
    news: { serverIds: [] },
    failures: [],
    inputs: { serverIds: [], state: "stopped" },
  },
  {
    row: "serverIds missing",
    news: { state: "stopped" },
    failures: [
      {
        property: "serverIds",
        reason: "serverIds is required: expected a list of ECS server ids, or a selector (tags and/or name), or both",
      },
    ],
  },
  {
    row: "serverIds a single string instead of a list",
    news: { serverIds: A },
    failures: [
      { property: "serverIds", reason: `serverIds "${A}" is invalid: expected a list of ECS server ids, got a string` },
    ],
  },
  {
    row: "a non-UUID id",
    news: { serverIds: [A, "web-1"] },
    failures: [
      {
        property: "serverIds[1]",
        reason:
          'serverIds[1] "web-1" is invalid: expected an ECS server id (a UUID such as 616fb98f-46ca-475e-917e-2563e5a8cd19)',
      },
    ],
  },
  {
    row: "an id with leading/trailing whitespace: refused, not trimmed",
    news: { serverIds: [A, B, ` ${A}  `, `${B}\t`] },
    failures: [
      {
        property: "serverIds[2]",
        reason: `serverIds[2] " ${A}  " is invalid: expected an ECS server id with no leading or trailing whitespace; ids are not trimmed silently, so remove it where the list is built`,
      },
      {
        property: "serverIds[3]",
        reason: `serverIds[3] "${B}\\t" is invalid: expected an ECS server id with no leading or trailing whitespace; ids are not trimmed silently, so remove it where the list is built`,
      },
    ],
  },
  {
    row: "an id with whitespace inside",
    news: { serverIds: ["616fb98f-46ca-475e 917e-2563e5a8cd19"] },
    failures: [
      {
        property: "serverIds[0]",
        reason:
          'serverIds[0] "616fb98f-46ca-475e 917e-2563e5a8cd19" is invalid: expected an ECS server id (a UUID such as 616fb98f-46ca-475e-917e-2563e5a8cd19)',
      },
    ],
  },
  {
    row: "a non-string id (number, null, object)",
    news: { serverIds: [A, 42, null, { id: B }] },
    failures: [
      {
        property: "serverIds[1]",
        reason: "serverIds[1] 42 is invalid: expected an ECS server id (a string), got a number",
      },
      {
        property: "serverIds[2]",
        reason: "serverIds[2] null is invalid: expected an ECS server id (a string), got null",
      },
      {
        property: "serverIds[3]",
        reason: `serverIds[3] {"id":"${B}"} is invalid: expected an ECS server id (a string), got an object`,
      },
    ],
  },
  {
    row: "duplicates, also differing only in case: normalised, not an error",
    news: { serverIds: [B, A, A.toUpperCase(), B] },
    failures: [],
    inputs: { serverIds: [A, B] },
  },
  {
    row: `${MAX_SERVER_IDS} distinct ids: accepted (the bound)`,
    news: { serverIds: ids(MAX_SERVER_IDS) },
    failures: [],
  },
  {
    row: `${MAX_SERVER_IDS + 1} entries of which ${MAX_SERVER_IDS} distinct: accepted (duplicates do not count)`,
    news: { serverIds: [...ids(MAX_SERVER_IDS), id(7).toUpperCase()] },
    failures: [],
  },
  {
    row: `${MAX_SERVER_IDS + 1} distinct ids: refused, split into several resources`,
    news: { serverIds: ids(MAX_SERVER_IDS + 1) },
    failures: [
      {
        property: "serverIds",
        reason:
          "serverIds (a list of 10001 distinct server ids) is invalid: expected at most 10000 in one ServerPowerState; split them into several ServerPowerState resources " +
          "(each server's record travels in the state and in any failure report, and 10000 servers already take 9 minutes to submit at 1000 per minute)",
      },
    ],
  },
  {
    row: "unknown state",
    news: { serverIds: [A], state: "off" },
    failures: [{ property: "state", reason: 'state "off" is invalid: expected "stopped" or "running"' }],
  },
  {
    row: "state in the wrong case",
    news: { serverIds: [A], state: "Stopped" },
    failures: [
      {
        property: "state",
        reason: 'state "Stopped" is invalid: expected "stopped" or "running"; did you mean "stopped"?',
      },
    ],
  },
  {
    row: 'lower-case "soft"',
    news: { serverIds: [A], stopType: "soft" },
    failures: [
      { property: "stopType", reason: 'stopType "soft" is invalid: expected "SOFT" or "HARD"; did you mean "SOFT"?' },
    ],
  },
  {
    row: "onDelete in the wrong case",
    news: { serverIds: [A], onDelete: "Restore" },
    failures: [
      {
        property: "onDelete",
        reason: 'onDelete "Restore" is invalid: expected "leave" or "restore"; did you mean "restore"?',
      },
    ],
  },
  {
    row: "zero timeoutSeconds",
    news: { serverIds: [A], timeoutSeconds: 0 },
    failures: [{ property: "timeoutSeconds", reason: "timeoutSeconds 0 is invalid: expected at least 1 second" }],
  },
  {
    row: "negative timeoutSeconds",
    news: { serverIds: [A], timeoutSeconds: -5 },
    failures: [{ property: "timeoutSeconds", reason: "timeoutSeconds -5 is invalid: expected at least 1 second" }],
  },
  {
    row: "timeoutSeconds as a string",
    news: { serverIds: [A], timeoutSeconds: "900" },
    failures: [
      {
        property: "timeoutSeconds",
        reason: 'timeoutSeconds "900" is invalid: expected a number of seconds, got a string',
      },
    ],
  },
  {
    row: "negative hardStopAfterSeconds",
    news: { serverIds: [A], hardStopAfterSeconds: -1 },
    failures: [
      {
        property: "hardStopAfterSeconds",
        reason: "hardStopAfterSeconds -1 is invalid: expected a positive number of seconds",
      },
    ],
  },
  {
    row: "hardStopAfterSeconds equal to timeoutSeconds",
    news: { serverIds: [A], hardStopAfterSeconds: 600, timeoutSeconds: 600 },
    failures: [
      {
        property: "hardStopAfterSeconds",
        reason:
          "hardStopAfterSeconds 600 is invalid: expected less than timeoutSeconds (600), or the HARD stop would never be sent",
      },
    ],
  },
  {
    row: "hardStopAfterSeconds above the default timeoutSeconds",
    news: { serverIds: [A], hardStopAfterSeconds: 1200 },
    failures: [
      {
        property: "hardStopAfterSeconds",
        reason:
          "hardStopAfterSeconds 1200 is invalid: expected less than timeoutSeconds (900), or the HARD stop would never be sent",
      },
    ],
  },
  {
    row: "http:// endpoint input on a non-loopback host",
    news: { serverIds: [A], endpoint: "http://ecs.cn-north-4.myhuaweicloud.com" },
    failures: [
      {
        property: "endpoint",
        reason: `endpoint "http://ecs.cn-north-4.myhuaweicloud.com" is invalid: it must use https: (http: is allowed only for loopback hosts: 127.0.0.0/8, localhost, [::1]); ${HTTPS_HINT}`,
      },
    ],
  },
  {
    row: "http:// huaweicloud:ecsEndpoint on a non-loopback host",
    news: { serverIds: [A] },
    config: { "huaweicloud:ecsEndpoint": "http://10.0.0.1:8780" },
    failures: [
      {
        property: "",
        reason: `huaweicloud:ecsEndpoint "http://10.0.0.1:8780" is invalid: it must use https: (http: is allowed only for loopback hosts: 127.0.0.0/8, localhost, [::1]); ${HTTPS_HINT}`,
      },
    ],
  },
  {
    row: "an endpoint input with a password in it: refused, the password never shown",
    news: { serverIds: [A], endpoint: "https://admin:hunter2-secret@ecs.cn-north-4.myhuaweicloud.com" },
    failures: [
      {
        property: "endpoint",
        reason: `endpoint "https://***@ecs.cn-north-4.myhuaweicloud.com" is invalid: it must not contain credentials (user:password@); ${HTTPS_HINT}`,
      },
    ],
  },
  {
    row: "huaweicloud:ecsEndpoint with a password in it: refused, the password never shown",
    news: { serverIds: [A] },
    config: { "huaweicloud:ecsEndpoint": "https://admin:hunter2-secret@ecs.cn-north-4.myhuaweicloud.com" },
    failures: [
      {
        property: "",
        reason: `huaweicloud:ecsEndpoint "https://***@ecs.cn-north-4.myhuaweicloud.com" is invalid: it must not contain credentials (user:password@); ${HTTPS_HINT}`,
      },
    ],
  },
  {
    row: "malformed endpoint input",
    news: { serverIds: [A], endpoint: "ecs.cn-north-4.myhuaweicloud.com" },
    failures: [
      {
        property: "endpoint",
        reason: `endpoint "ecs.cn-north-4.myhuaweicloud.com" is invalid: it is not an absolute URL; ${HTTPS_HINT}`,
      },
    ],
  },
  {
    row: "malformed huaweicloud:ecsEndpoint (a path)",
    news: { serverIds: [A] },
    config: { "huaweicloud:ecsEndpoint": "https://ecs.cn-north-4.myhuaweicloud.com/v1" },
    failures: [
      {
        property: "",
        reason: `huaweicloud:ecsEndpoint "https://ecs.cn-north-4.myhuaweicloud.com/v1" is invalid: it must not have a path (got /v1): the client adds /v1/{project_id}/...; ${HTTPS_HINT}`,
      },
    ],
  },
  {
    row: "missing credentials: accepted at preview (a preview-only job has none); the up refuses, naming both keys",
    news: { serverIds: [A] },
    config: { "huaweicloud:accessKey": undefined, "huaweicloud:secretKey": undefined },
    failures: [],
  },
  {
    row: "missing secret key, the access key set: accepted at preview; the up refuses, naming the secret key",
    news: { serverIds: [A] },
    config: { "huaweicloud:secretKey": undefined },
    failures: [],
  },
  {
    row: "huaweicloud:ecsPreviewReads neither true nor false",
    news: { serverIds: [A] },
    config: { "huaweicloud:ecsPreviewReads": "yes" },
    failures: [{ property: "", reason: PREVIEW_READS_INVALID }],
  },
  {
    row: "huaweicloud:ecsPreviewReads invalid while serverIds is unknown: still reported at preview",
    news: { serverIds: UNKNOWN_VALUE },
    config: { "huaweicloud:ecsPreviewReads": "yes" },
    failures: [{ property: "", reason: PREVIEW_READS_INVALID }],
  },
  {
    row: "a bad input beside a bad stack setting: both reported at once",
    news: { serverIds: [A, "web-1"] },
    config: { "huaweicloud:ecsPreviewReads": "yes" },
    failures: [
      {
        property: "serverIds[1]",
        reason:
          'serverIds[1] "web-1" is invalid: expected an ECS server id (a UUID such as 616fb98f-46ca-475e-917e-2563e5a8cd19)',
      },
      { property: "", reason: PREVIEW_READS_INVALID },
    ],
  },
  {
    row: "huaweicloud:assumeRole not an object: refused at preview, naming the key",
    news: { serverIds: [A] },
    config: { "huaweicloud:assumeRole": "parker" },
    failures: [
      {
        property: "",
        reason:
          'huaweicloud:assumeRole is invalid: it is not an object; expected an object {"agencyName": "...", "domainName": "...", "durationSeconds": 900..86400} ' +
          "(durationSeconds optional, default 3600); pulumi config set --path huaweicloud:assumeRole.agencyName <name>",
      },
    ],
  },
  {
    row: "credentials as inputs: refused, the value never echoed",
    news: { serverIds: [A], secretKey: "s3cr3t-value-never-shown" },
    failures: [
      {
        property: "secretKey",
        reason:
          "secretKey is not an input of ServerPowerState: credentials are never resource inputs (they would be stored in the state). " +
          "Set huaweicloud:accessKey and huaweicloud:secretKey with `pulumi config set --secret`, or HW_ACCESS_KEY / HW_SECRET_KEY in the environment",
      },
    ],
  },
  {
    row: "neither region nor project id nor endpoint",
    news: { serverIds: [A] },
    config: { "huaweicloud:projectId": undefined, "huaweicloud:ecsEndpoint": undefined },
    failures: [
      {
        property: "",
        reason:
          "huaweicloud:region is not set (nor the resource's region, nor HW_REGION_NAME): expected a region such as cn-north-4, which gives the ECS endpoint and the project; " +
          "pulumi config set huaweicloud:region cn-north-4, or set huaweicloud:ecsEndpoint and huaweicloud:projectId",
      },
    ],
  },
  {
    row: "an endpoint but neither region nor project id",
    news: { serverIds: [A] },
    config: { "huaweicloud:projectId": undefined },
    failures: [
      {
        property: "",
        reason:
          "huaweicloud:projectId is not set (nor the resource's projectId, nor HW_PROJECT_ID, nor HUAWEICLOUD_SDK_PROJECT_ID), and there is no region to look it up from: " +
          "expected a project id (32 hex characters); pulumi config set huaweicloud:projectId <id>, or set huaweicloud:region to look up the project of that name",
      },
    ],
  },
  {
    row: "a project id in config that is not one",
    news: { serverIds: [A] },
    config: { "huaweicloud:projectId": "my-project" },
    failures: [
      {
        property: "",
        reason: 'huaweicloud:projectId "my-project" is invalid: expected a project id: 32 lower-case hex characters',
      },
    ],
  },
  {
    row: "a region in config that is not one",
    news: { serverIds: [A] },
    config: { "huaweicloud:region": "CN North 4", "huaweicloud:ecsEndpoint": undefined },
    failures: [
      {
        property: "",
        reason: 'huaweicloud:region "CN North 4" is invalid: expected a Huawei Cloud region name such as cn-north-4',
      },
    ],
  },
  {
    row: "an enterprise project id in config that is not one",
    news: { serverIds: [A] },
    config: { "huaweicloud:enterpriseProjectId": "production" },
    failures: [
      {
        property: "",
        reason:
          'huaweicloud:enterpriseProjectId "production" is invalid: expected an enterprise project id: "0" (the default project) or a UUID such as 9c2e1b7a-4f0e-4c5d-8a51-3b2f6c7d8e9f, or all_granted_eps (every project the key is granted)',
      },
    ],
  },
  {
    row: "a selector namePattern that is no regular expression",
    news: { selector: { namePattern: "web-[" } },
    failures: [
      {
        property: "selector.namePattern",
        reason: expect.stringContaining(
          'selector.namePattern "web-[" is invalid: expected a JavaScript regular expression (compiled with the u flag',
        ),
      },
    ],
  },
  {
    row: "unknown serverIds during preview: accepted",
    news: { serverIds: UNKNOWN_VALUE },
    failures: [],
    inputs: { serverIds: UNKNOWN_VALUE, state: "stopped" },
  },
  {
    row: "an unknown element of serverIds during preview: accepted",
    news: { serverIds: [A, UNKNOWN_VALUE] },
    failures: [],
    inputs: { serverIds: [A, UNKNOWN_VALUE] },
  },
  {
    row: "unknown state and timeoutSeconds during preview (hardStopAfterSeconds then checked on the real run): accepted",
    news: { serverIds: [A], state: UNKNOWN_VALUE, timeoutSeconds: UNKNOWN_VALUE, hardStopAfterSeconds: 600 },
    failures: [],
    inputs: { state: UNKNOWN_VALUE, timeoutSeconds: UNKNOWN_VALUE, hardStopAfterSeconds: 600 },
  },
  {
    row: "unknown endpoint during preview: accepted, settings checked on the real run",
    news: { serverIds: [A], endpoint: UNKNOWN_VALUE },
    config: { "huaweicloud:ecsEndpoint": undefined, "huaweicloud:projectId": undefined },
    failures: [],
    inputs: { endpoint: UNKNOWN_VALUE },
  },
];

describe("bad input is refused at preview by check, with no API call", () => {
  it.each(rows)("$row", async ({ news, config, failures, inputs }) => {
    await configure(config);
    const result = await provider.check({}, { __provider: "test", ...news });
    expect(result.failures ?? []).toEqual(failures);
    if (inputs) expect(result.inputs).toMatchObject(inputs);
    // A refused input is handed back as it was; an accepted one keeps the provider code.
    expect(result.inputs).toMatchObject({ __provider: "test" });
    expect((await admin.stats()).total).toBe(0);
  });

  it("says at preview that an empty list manages nothing", async () => {
    await configure();
    await provider.check({}, { __provider: "test", serverIds: [] });
    expect(logged).toEqual([
      "ServerPowerState: no server declared (serverIds is empty): nothing will be acted on until ids are added",
    ]);
  });

  it("missing credentials at preview: one line says why there is no live plan; create refuses with both keys named", async () => {
    await configure({
      "huaweicloud:accessKey": undefined,
      "huaweicloud:secretKey": undefined,
      "huaweicloud:ecsPreviewReads": undefined,
    });
    const result = await provider.check({}, { __provider: "test", serverIds: [A] });
    expect(result.failures).toEqual([]);
    expect(logged.filter((line) => line.includes("live plan"))).toEqual([
      `ServerPowerState: live plan unavailable (${NO_ACCESS_KEY}; ${NO_SECRET_KEY}; ${NO_OTHER_SOURCE}); the lines above come from the inputs and the record alone`,
    ]);
    await expect(provider.create(result.inputs as Record<string, unknown>)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: `${NO_ACCESS_KEY}\n${NO_SECRET_KEY}\n${NO_OTHER_SOURCE}`,
    });
    await configure({ "huaweicloud:secretKey": undefined });
    const onlySecret = await provider.check({}, { __provider: "test", serverIds: [A] });
    await expect(provider.create(onlySecret.inputs as Record<string, unknown>)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: NO_SECRET_KEY,
    });
  });

  it("never shows a secret value, whatever is wrong", async () => {
    await configure({
      "huaweicloud:secretKey": "TOPSECRET-sk",
      "huaweicloud:ecsEndpoint": "http://ecs.example.com",
      "huaweicloud:projectId": "x",
    });
    const result = await provider.check({}, { __provider: "test", serverIds: [A], secretKey: "TOPSECRET-input" });
    expect(result.failures?.length).toBeGreaterThan(0);
    expect(JSON.stringify(result.failures)).not.toMatch(/TOPSECRET/);
  });

  it("an empty list: up records an empty fleet without any API call", async () => {
    await configure();
    const checked = await provider.check({}, { __provider: "test", serverIds: [] });
    const { outs } = await provider.create(checked.inputs as Record<string, unknown>);
    expect(outs).toMatchObject({
      serverIds: [],
      servers: {},
      jobs: [],
      initialStates: {},
      convergedAt: expect.any(String),
    });
  });

  it("made no API request in all the rows above", async () => {
    expect(await admin.stats()).toMatchObject({ total: 0, requests: {} });
  });
});

describe(`why ${MAX_SERVER_IDS} ids: the failure report of a whole fleet must reach the engine`, () => {
  // The host sends a partial failure as a google.rpc.Status in the grpc-status-details-bin trailer
  // (cmd/dynamic-provider: grpcResponseFromError), base64 on the wire; the engine's grpc-go client
  // accepts 16 MiB of headers. Past that, the report and the record of what was done are lost.
  const ENGINE_MAX_HEADER_LIST_BYTES = 16 * 1024 * 1024;

  function worstCaseTrailerBytes(count: number): { trailerBytes: number; stateBytes: number } {
    const serverIds = ids(count);
    const jobId = "ff80808288d41e1b018990260955686a";
    const servers: Record<string, ServerRecord> = {};
    const initialStates: Record<string, string> = {};
    for (const s of serverIds) {
      servers[s] = {
        status: "ACTIVE",
        taskState: "powering-off",
        lastJobId: jobId,
        error: {
          code: "TIMEOUT",
          message: `not SHUTOFF after 86400s: it is ACTIVE (powering-off), job ${jobId} is RUNNING; run pulumi up again to keep waiting (servers already moving are not sent the action again), or raise timeoutSeconds`,
        },
      };
      initialStates[s] = "ACTIVE";
    }
    // Every server sent a SOFT stop and then a HARD one (hardStopAfterSeconds): in two jobs each.
    const jobs: JobRecord[] = [];
    for (const type of ["SOFT", "HARD"] as const) {
      for (let i = 0; i < count; i += 1000) {
        jobs.push({
          jobId,
          action: "os-stop",
          type,
          status: "RUNNING",
          serverIds: serverIds.slice(i, i + 1000),
          beginTime: "2026-11-26T15:00:00.000Z",
          endTime: null,
        });
      }
    }
    const properties: Omit<PowerStateOutputs, "hardStopAfterSeconds"> & {
      __provider: string;
      hardStopAfterSeconds: number;
    } = {
      // The provider serialized by value is about 150 kB (the root program's); a packaged one is a line.
      __provider: "x".repeat(200_000),
      serverIds,
      state: "stopped",
      stopType: "SOFT",
      hardStopAfterSeconds: 600,
      timeoutSeconds: 86_400,
      onDelete: "restore",
      region: "cn-north-4",
      servers,
      jobs,
      initialStates,
      convergedAt: null,
      resolvedEndpoint: "https://ecs.cn-north-4.myhuaweicloud.com",
      resolvedProjectId: projectId,
      resolvedRegion: "cn-north-4",
    };
    const provproto = require("@pulumi/pulumi/proto/provider_pb");
    const statusproto = require("@pulumi/pulumi/proto/status_pb");
    const structproto = require("google-protobuf/google/protobuf/struct_pb");
    const anyproto = require("google-protobuf/google/protobuf/any_pb");
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId("sps-00000000-0000-4000-8000-000000000000");
    detail.setProperties(structproto.Struct.fromJavaScript(properties));
    detail.setReasonsList(failureLines(serverIds.map((s) => ({ id: s, ...servers[s].error! }))));
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status();
    status.setCode(2);
    status.addDetails(any);
    const binary: Uint8Array = status.serializeBinary();
    return { trailerBytes: Math.ceil(binary.length / 3) * 4, stateBytes: JSON.stringify(properties).length - 200_000 };
  }

  it(`${MAX_SERVER_IDS} servers all failing fit the engine's 16 MiB trailer with 40% to spare`, () => {
    // Measured: 7.8 MiB for 10000 (about 800 bytes a server on the wire, 560 in the state); 20000 reach the cap.
    const { trailerBytes, stateBytes } = worstCaseTrailerBytes(MAX_SERVER_IDS);
    expect(trailerBytes).toBeLessThan(ENGINE_MAX_HEADER_LIST_BYTES * 0.6);
    expect(stateBytes / MAX_SERVER_IDS).toBeLessThan(700);
  });
});
