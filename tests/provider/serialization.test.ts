/**
 * The provider is serialized into the stack state (`__provider`). Under Pulumi's mocks, constructing
 * the resource must serialize it, the text must hold no credential, and it must load and run on its own.
 */
import * as pulumi from "@pulumi/pulumi";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_EMULATOR_CREDENTIALS, EmulatorAdmin, startEmulator } from "../../emulator";

const SECRET_KEY = "serializationSecretKey0000000000000000001";
const SECURITY_TOKEN = "serialization-security-token-0001";
const ACCESS_KEY = "SERIALIZATIONAK00001";

function runNode(script: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", () => resolve({ stdout, stderr }));
  });
}

function registerOnce(): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    pulumi.runtime
      .setMocks(
        {
          newResource: (args) => {
            if (args.type === "pulumi-nodejs:dynamic/huaweicloud:ServerPowerState") resolve(args.inputs);
            return { id: `${args.name}-id`, state: args.inputs };
          },
          call: () => ({}),
        },
        "proj",
        "stack",
        false,
      )
      .then(async () => {
        // Credentials present in every place a careless provider might capture them from.
        process.env.HW_SECRET_KEY = SECRET_KEY;
        process.env.HW_SECURITY_TOKEN = SECURITY_TOKEN;
        process.env.HW_ACCESS_KEY = ACCESS_KEY;
        const { ServerPowerState } = await import("../../provider");
        new ServerPowerState("fleet", { serverIds: ["616fb98f-46ca-475e-917e-2563e5a8cd19"], state: "stopped" });
      })
      .catch(reject);
  });
}

describe("serialized provider", () => {
  let inputs: Record<string, unknown>;
  beforeAll(async () => {
    // Fails fast with the serializer's own explanation if the provider cannot be serialized.
    const { serverPowerStateProvider } = await import("../../provider/provider");
    await pulumi.runtime.serializeFunction(() => serverPowerStateProvider, { allowSecrets: true });
    inputs = await registerOnce();
  });
  afterAll(() => {
    delete process.env.HW_SECRET_KEY;
    delete process.env.HW_SECURITY_TOKEN;
    delete process.env.HW_ACCESS_KEY;
  });

  it("is registered with the right type token and the user's inputs", () => {
    expect(inputs.serverIds).toEqual(["616fb98f-46ca-475e-917e-2563e5a8cd19"]);
    expect(typeof inputs.__provider).toBe("string");
  });

  it("contains no credential value, in any common encoding", () => {
    const text = inputs.__provider as string;
    for (const secret of [SECRET_KEY, SECURITY_TOKEN, ACCESS_KEY]) {
      for (const encoded of [
        secret,
        Buffer.from(secret).toString("base64"),
        Buffer.from(secret).toString("hex"),
        encodeURIComponent(secret),
      ]) {
        expect(text).not.toContain(encoded);
      }
    }
  });

  it("loads in a fresh process, as Pulumi's provider host loads it, and validates inputs there", () => {
    const dir = mkdtempSync(join(tmpdir(), "sps-serialized-"));
    const file = join(dir, "provider.js");
    writeFileSync(file, inputs.__provider as string);
    const script = `
      const requireFromString = require(require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] }));
      const fs = require("fs");
      const provider = requireFromString(fs.readFileSync(${JSON.stringify(file)}, "utf8")).handler();
      (async () => {
        await provider.configure({ config: { get: () => undefined, require: () => { throw new Error("x"); } } });
        const ok = await provider.check({}, { serverIds: ["616FB98F-46ca-475e-917e-2563e5a8cd19"], __provider: "p" });
        const bad = await provider.check({}, { serverIds: ["nope"] });
        console.log(JSON.stringify({ methods: Object.keys(provider).sort(), ok: ok.inputs.serverIds, bad: bad.failures }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const run = spawnSync(process.execPath, ["-e", script], {
      cwd: process.cwd(),
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    });
    rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout);
    expect(out.methods).toEqual([
      "authGate",
      "check",
      "config",
      "configure",
      "create",
      "credentialHolders",
      "delete",
      "diff",
      "pacing",
      "projectIds",
      "read",
      "update",
    ]);
    expect(out.ok).toEqual(["616fb98f-46ca-475e-917e-2563e5a8cd19"]);
    expect(out.bad[0].property).toBe("serverIds[0]");
  });

  it("once serialized, still converges, and its errors keep their message, code and fields", async () => {
    const emulator = await startEmulator({ stopSeconds: 0.1 });
    try {
      await new EmulatorAdmin(emulator.url).putServers([
        { id: "00000000-0000-4000-8000-000000000001", status: "ACTIVE" },
      ]);
      const dir = mkdtempSync(join(tmpdir(), "sps-serialized-"));
      const file = join(dir, "provider.js");
      writeFileSync(file, inputs.__provider as string);
      const config = {
        "huaweicloud:accessKey": DEFAULT_EMULATOR_CREDENTIALS.accessKey,
        "huaweicloud:secretKey": DEFAULT_EMULATOR_CREDENTIALS.secretKey,
        "huaweicloud:projectId": DEFAULT_EMULATOR_CREDENTIALS.projectId,
        "huaweicloud:ecsEndpoint": emulator.url,
      };
      const script = `
        const requireFromString = require(require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] }));
        const provider = requireFromString(require("fs").readFileSync(${JSON.stringify(file)}, "utf8")).handler();
        const config = ${JSON.stringify(config)};
        const pick = (e) => ({ isError: e instanceof Error, name: e.name, code: e.code, message: e.message, id: e.id, reasons: e.reasons, hasProperties: !!e.properties });
        (async () => {
          await provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
          const log = console.log; console.log = () => {};
          const ok = await provider.create({ serverIds: ["00000000-0000-4000-8000-000000000001"], state: "stopped", stopType: "SOFT", timeoutSeconds: 30, onDelete: "leave" });
          const failed = await provider.create({ serverIds: ["00000000-0000-4000-8000-000000000099"], state: "stopped", stopType: "SOFT", timeoutSeconds: 30, onDelete: "leave" }).catch(pick);
          await provider.configure({ config: { get: () => undefined, require: () => undefined } });
          const unset = await provider.create({ serverIds: [], state: "stopped", stopType: "SOFT", timeoutSeconds: 30, onDelete: "leave" }).catch(pick);
          console.log = log;
          console.log(JSON.stringify({ status: ok.outs.servers["00000000-0000-4000-8000-000000000001"].status, failed, unset }));
        })().catch((e) => { console.error(e); process.exit(1); });`;
      // Asynchronously: the emulator answering it runs in this process.
      const run = await runNode(script);
      rmSync(dir, { recursive: true, force: true });
      expect(run.stderr).toBe("");
      const out = JSON.parse(run.stdout);
      expect(out.status).toBe("SHUTOFF");
      expect(out.failed).toEqual({
        isError: true,
        name: "PartialFailureError",
        code: "PARTIAL_FAILURE",
        message: expect.stringContaining("1 of 1 server did not reach"),
        id: expect.stringMatching(/^sps-/),
        reasons: [expect.stringMatching(/^server 00000000-0000-4000-8000-000000000099: Ecs.0114: /)],
        hasProperties: true,
      });
      expect(out.unset).toMatchObject({
        isError: true,
        name: "SettingsError",
        code: "CONFIG_INVALID",
        message: expect.stringMatching(/^huaweicloud:region is not set /),
      });
    } finally {
      await emulator.stop();
    }
  });
});
