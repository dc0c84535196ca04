/**
 * The client as Pulumi stores it: serialized by `pulumi.runtime.serializeFunction` (what
 * `dynamic.Resource` writes into `__provider`), loaded back from that text, and run against the
 * emulator. Pins two serializer pitfalls: class field initializers are dropped, and a subclass of
 * Error without methods loses `message` and `Error.prototype`.
 */
import { runtime } from "@pulumi/pulumi";
import { EcsClient } from "../../provider/ecsClient";
import { EcsError } from "../../provider/errors";
import { findProjectId } from "../../provider/findProjectId";
import { CREDENTIALS, REGION, startTestEmulator } from "./clientTestKit";
import type { EmulatorHandle } from "./clientTestKit";

interface Inputs {
  readonly endpoint: string;
  readonly ids: string[];
}

/** A provider-shaped object: everything is built inside the method, as the provider does. */
const provider = {
  async run(inputs: Inputs) {
    const projectId = await findProjectId({ region: REGION, credentials: CREDENTIALS, iamEndpoint: inputs.endpoint });
    const client = new EcsClient({
      endpoint: inputs.endpoint,
      projectId,
      credentials: CREDENTIALS,
      serversPerMinute: 1000,
    });
    try {
      const submissions = await client.batchAction("os-stop", inputs.ids);
      const job = await client.getJob(submissions[0].jobId);
      const servers = await client.listServers([...inputs.ids, "ghost"]);
      const failure = await client.batchAction("os-stop", ["ghost"]).then(
        () => undefined,
        (error: unknown) => error,
      );
      return { submissions, job, servers, failure };
    } finally {
      await client.close();
    }
  },
};

type Loaded = typeof provider;

async function serializeAndLoad(): Promise<Loaded> {
  const serialized = await runtime.serializeFunction(() => provider, { allowSecrets: true });
  const module = { exports: {} as { handler: () => Loaded } };
  // Evaluated with this file's require, so the packages it names resolve as in the host.
  new Function("exports", "require", "module", serialized.text)(module.exports, require, module);
  return module.exports.handler();
}

let handle: EmulatorHandle;

beforeAll(async () => {
  handle = await startTestEmulator({ jobInitMs: 5 });
});
afterAll(async () => {
  await handle.emulator.stop();
});

it("works after a round trip through Pulumi's closure serializer", async () => {
  await handle.admin.putServers([
    { id: "a", status: "ACTIVE" },
    { id: "b", status: "ACTIVE" },
  ]);
  const loaded = await serializeAndLoad();
  expect(loaded).not.toBe(provider);

  const result = await loaded.run({ endpoint: handle.emulator.url, ids: ["a", "b"] });
  expect(result.submissions).toEqual([
    expect.objectContaining({
      action: "os-stop",
      serverIds: ["a", "b"],
      jobId: expect.stringMatching(/^[0-9a-f]{32}$/),
    }),
  ]);
  expect(result.job.jobId).toBe(result.submissions[0].jobId);
  expect(result.servers.map((s) => [s.id, s.found])).toEqual([
    ["a", true],
    ["b", true],
    ["ghost", false],
  ]);

  // The error thrown by the serialized copy is a different class object, but still a full Error.
  const failure = result.failure as EcsError;
  expect(failure).not.toBeInstanceOf(EcsError);
  expect(failure).toBeInstanceOf(Error);
  expect(failure).toMatchObject({
    name: "EcsError",
    code: "ECS_NOT_FOUND",
    huaweiCode: "Ecs.0114",
    serverIds: ["ghost"],
  });
  expect(failure.message).toMatch(
    /^os-stop \(SOFT\) of 1 server failed: HTTP 404 Ecs\.0114 "Instance\[ghost\] could not be found\."/,
  );
  expect(failure.stack).toMatch(/^EcsError: os-stop/);
  expect(JSON.parse(JSON.stringify(failure))).toMatchObject({ code: "ECS_NOT_FOUND", message: failure.message });
});
