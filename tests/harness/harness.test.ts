/**
 * The harness proved against a toy dynamic provider (tests/fixtures/toy-program) whose every
 * lifecycle method leaves a trace: a console line in the host output, a file in `toy:dir`, a line
 * in `configure.log`. Steps in a describe run in order, like a terminal session.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  JsonObject,
  ProgramRun,
  ProviderHost,
  PulumiSession,
  StateResource,
  runProgram,
  UNKNOWN_VALUE,
  wrapSecret,
} from "./index";

const programDir = resolve(__dirname, "../fixtures/toy-program");
const TYPE = "pulumi-nodejs:dynamic/toy:ToyFile";
const URN = `urn:pulumi:dev::toy::${TYPE}::greeting`;
const SECRET = "t0p-s3cret-token-4711";

// Created at load time: describe bodies (which build the sessions) run before any beforeAll.
const workDir = mkdtempSync(join(tmpdir(), "harness-test-"));
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** A fresh data folder, state file and session; `config` overrides the toy defaults. */
function newSession(
  label: string,
  config: Record<string, string> = {},
): { session: PulumiSession; dataDir: string; stateFile: string; hostLines: string[] } {
  const dataDir = join(workDir, label);
  mkdirSync(dataDir);
  const stateFile = join(workDir, `${label}.state.json`);
  const hostLines: string[] = [];
  const session = new PulumiSession({
    programDir,
    project: "toy",
    stack: "dev",
    config: { "toy:dir": dataDir, "toy:token": SECRET, "toy:content": "hello", ...config },
    secretKeys: ["toy:token"],
    stateFile,
    onOutput: (line) => hostLines.push(line),
  });
  return { session, dataDir, stateFile, hostLines };
}

function textFiles(dataDir: string): string[] {
  return readdirSync(dataDir).filter((f) => f.endsWith(".txt"));
}

function onlyResource(session: PulumiSession): StateResource {
  const resources = Object.values(session.readState().resources);
  expect(resources).toHaveLength(1);
  return resources[0]!;
}

describe("PulumiSession: the toy program's lifecycle", () => {
  const { session, dataDir, stateFile, hostLines } = newSession("lifecycle");
  let firstId = "";

  it("preview plans a create, runs Check, and never calls Create", async () => {
    const result = await session.preview();
    expect(result.operations).toEqual([{ urn: URN, type: TYPE, name: "greeting", op: "create" }]);
    expect(result.hostOutput).toContain("toy: check");
    expect(result.hostOutput.filter((line) => line.startsWith("toy: create"))).toEqual([]);
    expect(textFiles(dataDir)).toEqual([]);
    expect(existsSync(stateFile)).toBe(false);
    // getSecret worked under mocks (the secret's length); outputs a provider would set are unknown.
    expect(result.outputs).toEqual({ tokenLength: SECRET.length, path: UNKNOWN_VALUE, revision: UNKNOWN_VALUE });
  });

  it("up creates the file and records id, checked inputs and outputs", async () => {
    const result = await session.up();
    expect(result.operations).toEqual([{ urn: URN, type: TYPE, name: "greeting", op: "create" }]);
    const resource = onlyResource(session);
    firstId = resource.id;
    expect(resource).toMatchObject({
      type: TYPE,
      name: "greeting",
      inputs: { content: "hello", __provider: expect.stringContaining("exports.handler") },
      outputs: { content: "hello", revision: 1, path: join(dataDir, `${firstId}.txt`) },
    });
    expect(resource.outputs["__provider"]).toBe(resource.inputs["__provider"]);
    expect(readFileSync(join(dataDir, `${firstId}.txt`), "utf8")).toBe("hello");
    expect(hostLines).toContain(`toy: create ${firstId}`);
  });

  it("the secret reaches configure unwrapped, once per host, and never the state file", () => {
    const configured = readFileSync(join(dataDir, "configure.log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    // One host per step (preview, up), each configured once with the plain value, not the wrapper.
    expect(configured).toEqual([{ token: SECRET }, { token: SECRET }]);
    expect(readFileSync(stateFile, "utf8")).not.toContain(SECRET);
  });

  it("a second up with nothing changed is 'same' and calls no Update", async () => {
    const result = await session.up();
    expect(result.operations).toEqual([
      {
        urn: URN,
        type: TYPE,
        name: "greeting",
        op: "same",
        diff: { changes: "DIFF_NONE", replaces: [], deleteBeforeReplace: false },
      },
    ]);
    expect(result.hostOutput).toContain("toy: diff");
    expect(result.hostOutput.filter((line) => /^toy: (create|update)/.test(line))).toEqual([]);
    expect(onlyResource(session)).toMatchObject({ id: firstId, outputs: { revision: 1 } });
  });

  it("new provider code that Diff ignores is 'same', and the new __provider is still persisted in inputs", async () => {
    const before = onlyResource(session);
    session.config["toy:codeVersion"] = "2";
    const result = await session.up();
    expect(result.operations).toMatchObject([{ op: "same", diff: { changes: "DIFF_NONE" } }]);
    const after = onlyResource(session);
    expect(before.inputs["__provider"]).toContain('codeVersion = "1"');
    expect(after.inputs["__provider"]).toContain('codeVersion = "2"');
    // Outputs stay as they were, old provider code included: refresh and delete will run that one.
    expect(after.outputs).toEqual(before.outputs);
  });

  it("a changed input previews as an update without touching the file, then up updates in place", async () => {
    session.config["toy:content"] = "world";
    const preview = await session.preview();
    expect(preview.operations).toMatchObject([
      { urn: URN, op: "update", diff: { changes: "DIFF_SOME", replaces: [] } },
    ]);
    expect(readFileSync(join(dataDir, `${firstId}.txt`), "utf8")).toBe("hello");
    expect(onlyResource(session).inputs["content"]).toBe("hello");

    const result = await session.up();
    expect(result.operations).toMatchObject([{ urn: URN, op: "update" }]);
    expect(result.hostOutput).toContain(`toy: update ${firstId}`);
    expect(readFileSync(join(dataDir, `${firstId}.txt`), "utf8")).toBe("world");
    expect(onlyResource(session)).toMatchObject({
      id: firstId,
      inputs: { content: "world" },
      outputs: { content: "world", revision: 2 },
    });
  });

  it("a replacing change creates the new resource before deleting the old one", async () => {
    session.config["toy:replaceKey"] = "v2";
    const result = await session.up();
    expect(result.operations).toMatchObject([
      { urn: URN, op: "replace", diff: { replaces: ["replaceKey"], deleteBeforeReplace: false } },
    ]);
    // Checked twice: once as an update of the old resource, once (against no olds) as the new one.
    expect(result.hostOutput.filter((line) => line === "toy: check")).toHaveLength(2);
    const resource = onlyResource(session);
    expect(resource.id).not.toBe(firstId);
    const createdAt = result.hostOutput.indexOf(`toy: create ${resource.id}`);
    const deletedAt = result.hostOutput.indexOf(`toy: delete ${firstId}`);
    expect(createdAt).toBeGreaterThanOrEqual(0);
    expect(deletedAt).toBeGreaterThan(createdAt);
    expect(textFiles(dataDir)).toEqual([`${resource.id}.txt`]);
    expect(session.readState().pendingDeletes).toEqual([]);
    firstId = resource.id;
  });

  it("deleteBeforeReplace deletes the old resource first", async () => {
    session.config["toy:replaceKey"] = "delete-first";
    const result = await session.up();
    expect(result.operations).toMatchObject([{ op: "replace", diff: { deleteBeforeReplace: true } }]);
    const resource = onlyResource(session);
    const deletedAt = result.hostOutput.indexOf(`toy: delete ${firstId}`);
    expect(deletedAt).toBeGreaterThanOrEqual(0);
    expect(result.hostOutput.indexOf(`toy: create ${resource.id}`)).toBeGreaterThan(deletedAt);
    expect(textFiles(dataDir)).toEqual([`${resource.id}.txt`]);
    firstId = resource.id;
  });

  it("a partial failure of Update fails the step and records the provider's properties", async () => {
    session.config["toy:content"] = "half-done";
    session.config["toy:failWith"] = "disk full";
    await expect(session.up()).rejects.toMatchObject({
      code: "STEP_FAILED",
      step: "up",
      errors: [{ urn: URN, op: "update", reasons: ["disk full"] }],
      result: { operations: [{ urn: URN, op: "update" }] },
    });
    expect(onlyResource(session)).toMatchObject({
      id: firstId,
      inputs: { content: "half-done", failWith: "disk full" },
      outputs: {
        content: "half-done",
        failWith: "disk full",
        revision: 2,
        __provider: expect.stringContaining("exports.handler"),
      },
    });
  });

  it("the next up retries from the recorded properties", async () => {
    delete session.config["toy:failWith"];
    const result = await session.up();
    expect(result.operations).toMatchObject([{ op: "update" }]);
    const resource = onlyResource(session);
    expect(resource.outputs).toMatchObject({ content: "half-done", revision: 3 });
    expect(resource.outputs["failWith"]).toBeUndefined();
  });

  it("refresh replaces outputs (and inputs, when read returns them) with what the provider reads", async () => {
    writeFileSync(join(dataDir, `${firstId}.txt`), "edited by hand");
    const result = await session.refresh();
    expect(result.operations).toEqual([{ urn: URN, type: TYPE, name: "greeting", op: "update" }]);
    expect(result.hostOutput).toContain(`toy: read ${firstId}`);
    expect(onlyResource(session)).toMatchObject({
      id: firstId,
      inputs: { content: "edited by hand", __provider: expect.stringContaining("exports.handler") },
      outputs: { content: "edited by hand", revision: 3 },
    });

    const again = await session.refresh();
    expect(again.operations).toMatchObject([{ op: "same" }]);
  });

  it("destroy deletes every resource and empties the state", async () => {
    const result = await session.destroy();
    expect(result.operations).toEqual([{ urn: URN, type: TYPE, name: "greeting", op: "delete" }]);
    expect(textFiles(dataDir)).toEqual([]);
    expect(session.readState()).toEqual({ resources: {}, pendingDeletes: [] });
    expect(readFileSync(stateFile, "utf8")).not.toContain(SECRET);
  });
});

describe("PulumiSession: failures", () => {
  const { session, dataDir, stateFile } = newSession("failures");

  it("check failures fail preview and up before any Create", async () => {
    session.config["toy:content"] = "  ";
    const failure = {
      code: "STEP_FAILED",
      errors: [{ urn: URN, op: "check", reasons: ["content: content must be a non-empty string"] }],
    };
    await expect(session.preview()).rejects.toMatchObject({ ...failure, step: "preview" });
    await expect(session.up()).rejects.toMatchObject({ ...failure, step: "up", result: { operations: [] } });
    expect(textFiles(dataDir)).toEqual([]);
    expect(existsSync(stateFile)).toBe(false);
  });

  it("a plain error from Create fails the step and records nothing", async () => {
    session.config["toy:content"] = "hello";
    session.config["toy:crashWith"] = "quota exceeded";
    await expect(session.up()).rejects.toMatchObject({
      code: "STEP_FAILED",
      errors: [{ urn: URN, op: "create", reasons: ["quota exceeded"] }],
    });
    expect(session.readState().resources).toEqual({});
  });

  it("a partial failure of Create records the id and properties; the next up updates it", async () => {
    delete session.config["toy:crashWith"];
    session.config["toy:failWith"] = "not ready";
    await expect(session.up()).rejects.toMatchObject({ errors: [{ urn: URN, op: "create", reasons: ["not ready"] }] });
    const partial = onlyResource(session);
    expect(partial.id).toMatch(/^[0-9a-f]{8}$/);
    expect(partial.outputs).toMatchObject({
      content: "hello",
      failWith: "not ready",
      revision: 1,
      path: join(dataDir, `${partial.id}.txt`),
    });
    expect(textFiles(dataDir)).toEqual([`${partial.id}.txt`]);

    delete session.config["toy:failWith"];
    const result = await session.up();
    expect(result.operations).toMatchObject([{ op: "update" }]);
    expect(onlyResource(session)).toMatchObject({ id: partial.id, outputs: { revision: 2 } });
  });

  it("a replacement whose new half fails partially keeps the old half pending deletion until the next up", async () => {
    const old = onlyResource(session);
    session.config["toy:replaceKey"] = "v2";
    session.config["toy:failWith"] = "half way";
    await expect(session.up()).rejects.toMatchObject({ errors: [{ urn: URN, op: "create", reasons: ["half way"] }] });
    const failed = session.readState();
    expect(failed.resources[URN]).toMatchObject({ outputs: { failWith: "half way", replaceKey: "v2" } });
    expect(failed.resources[URN]?.id).not.toBe(old.id);
    expect(failed.pendingDeletes).toEqual([{ urn: URN, ...old }]);
    expect(textFiles(dataDir).sort()).toEqual([`${old.id}.txt`, `${failed.resources[URN]?.id}.txt`].sort());

    delete session.config["toy:failWith"];
    const result = await session.up();
    expect(result.operations).toMatchObject([
      { urn: URN, op: "delete" },
      { urn: URN, op: "update" },
    ]);
    expect(result.hostOutput).toContain(`toy: delete ${old.id}`);
    expect(session.readState().pendingDeletes).toEqual([]);
    expect(textFiles(dataDir)).toEqual([`${failed.resources[URN]?.id}.txt`]);
  });

  it("refresh drops a resource whose read returns no id", async () => {
    const { id } = onlyResource(session);
    rmSync(join(dataDir, `${id}.txt`));
    const result = await session.refresh();
    expect(result.operations).toEqual([{ urn: URN, type: TYPE, name: "greeting", op: "delete" }]);
    expect(session.readState().resources).toEqual({});
  });

  it("a program that throws fails the step with its error", async () => {
    delete session.config["toy:token"];
    await expect(session.up()).rejects.toMatchObject({
      code: "PROGRAM_FAILED",
      exitCode: 1,
      message: expect.stringContaining("toy:token"),
    });
  });
});

describe("ProviderHost: the gRPC surface", () => {
  const dataDir = () => join(workDir, "host");
  const config = (): Record<string, string> => ({ "toy:dir": dataDir(), "toy:token": SECRET, "toy:content": "hi" });
  let host: ProviderHost;
  let program: ProgramRun;
  let news: JsonObject;

  beforeAll(async () => {
    mkdirSync(dataDir());
    [program, host] = await Promise.all([
      runProgram({ programDir, project: "toy", stack: "dev", config: config(), secretKeys: ["toy:token"] }),
      ProviderHost.start({ programDir, project: "toy", stack: "dev" }),
    ]);
    news = program.resources[0]?.inputs ?? {};
    await host.configure(config(), ["toy:token"]);
  });
  afterAll(async () => {
    await host?.close();
  });

  it("runProgram returns each custom resource with its resolved inputs, and the stack outputs", () => {
    expect(program.resources).toEqual([
      {
        type: TYPE,
        name: "greeting",
        urn: URN,
        inputs: { content: "hi", __provider: expect.stringContaining("exports.handler") },
      },
    ]);
    expect(program.outputs).toEqual({ tokenLength: SECRET.length });
  });

  it("reports the SDK's version and that it takes no secrets and no preview creates", async () => {
    await expect(host.getPluginInfo()).resolves.toEqual({ version: "3.248.0" });
    await expect(host.configure(config(), ["toy:token"])).resolves.toEqual({
      acceptSecrets: false,
      supportsPreview: false,
    });
  });

  it("decodes ErrorResourceInitFailed into ResourceInitFailedError", async () => {
    await expect(host.create(URN, { ...news, failWith: "stuck" })).rejects.toMatchObject({
      code: "RESOURCE_INIT_FAILED",
      method: "create",
      id: expect.stringMatching(/^[0-9a-f]{8}$/),
      reasons: ["stuck"],
      properties: { content: "hi", failWith: "stuck", revision: 1, __provider: news["__provider"] },
      message: expect.stringContaining("stuck"),
    });
  });

  it("turns other provider errors into ProviderRpcError with the provider's message", async () => {
    await expect(host.create(URN, { ...news, crashWith: "no quota" })).rejects.toMatchObject({
      code: "PROVIDER_RPC_FAILED",
      method: "create",
      details: "no quota",
    });
    // Without __provider the host cannot load the provider: the engine-side symptom of a partial
    // failure whose properties forgot to spread the inputs.
    await expect(host.delete(URN, "x", { content: "hi" })).rejects.toMatchObject({
      code: "PROVIDER_RPC_FAILED",
      method: "delete",
      details: expect.stringContaining("code must be a string"),
    });
  });

  it("wraps secrets the way the engine does, and the host hands configure the plain value", async () => {
    expect(wrapSecret("v")).toEqual({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: "v",
    });
    const fresh = await ProviderHost.start({ programDir, project: "toy", stack: "dev" });
    try {
      await fresh.configure({ ...config(), "toy:token": "second-token" }, ["toy:token"]);
      // configure runs lazily, on the first call that loads the provider.
      await fresh.check(URN, {}, news);
    } finally {
      await fresh.close();
    }
    const lines = readFileSync(join(dataDir(), "configure.log"), "utf8").trim().split("\n");
    expect(lines).toEqual([JSON.stringify({ token: SECRET }), JSON.stringify({ token: "second-token" })]);
  });

  it("close() ends the host process", async () => {
    const fresh = await ProviderHost.start({ programDir, project: "toy", stack: "dev" });
    await fresh.close();
    expect(() => process.kill(fresh.pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    await expect(fresh.close()).resolves.toBeUndefined();
  });
});

describe("runProgram + PulumiSession: a compiled provider from the program's own node_modules", () => {
  // Built at test time: node_modules is git-ignored. @pulumi is linked so the program, the runner
  // and the host all load the repo's one copy (Node resolves the link to its real path).
  const packagedDir = () => join(workDir, "packaged");
  const fixtureDir = join(programDir, "packaged");

  beforeAll(() => {
    mkdirSync(join(packagedDir(), "node_modules"), { recursive: true });
    cpSync(join(fixtureDir, "Pulumi.yaml"), join(packagedDir(), "Pulumi.yaml"));
    cpSync(join(fixtureDir, "program.js"), join(packagedDir(), "program.js"));
    cpSync(join(fixtureDir, "toy-pkg"), join(packagedDir(), "node_modules", "toy-pkg"), { recursive: true });
    symlinkSync(resolve(__dirname, "../../node_modules/@pulumi"), join(packagedDir(), "node_modules", "@pulumi"));
  });

  it("serializes the package as a require and the host resolves it from the program folder", async () => {
    const session = new PulumiSession({
      programDir: packagedDir(),
      project: "toy-packaged",
      stack: "dev",
      config: { "toy-packaged:dir": packagedDir(), "toy-packaged:text": "from a package" },
      stateFile: join(packagedDir(), "state.json"),
    });
    const up = await session.up();
    const urn = "urn:pulumi:dev::toy-packaged::pulumi-nodejs:dynamic/pkg:Note::note";
    expect(up.operations).toEqual([{ urn, type: "pulumi-nodejs:dynamic/pkg:Note", name: "note", op: "create" }]);
    const resource = onlyResource(session);
    expect(resource.inputs["__provider"]).toContain('require("toy-pkg/io.js")');
    expect(readFileSync(join(packagedDir(), "note.txt"), "utf8")).toBe("from a package");

    // No diff method: DIFF_UNKNOWN, and the harness compares inputs like the engine does.
    const same = await session.up();
    expect(same.operations).toMatchObject([{ op: "same", diff: { changes: "DIFF_UNKNOWN" } }]);
    session.config["toy-packaged:text"] = "changed";
    const preview = await session.preview();
    expect(preview.operations).toMatchObject([{ op: "update", diff: { changes: "DIFF_UNKNOWN" } }]);

    await session.destroy();
    expect(existsSync(join(packagedDir(), "note.txt"))).toBe(false);
    expect(session.readState().resources).toEqual({});
  });
});
