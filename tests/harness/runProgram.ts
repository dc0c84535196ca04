import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { JsonObject } from "./json";
import { ProgramRunError } from "./errors";
import { PROGRAM_RESULT_PREFIX, PROGRAM_SPEC_ENV, ProgramSpec } from "./programRunner";
import { readProjectFile } from "./readProjectFile";
import { engineEnv } from "./engineEnv";

export interface RunProgramOptions {
  /** Folder with Pulumi.yaml; the program runs with it as cwd. */
  programDir: string;
  /** Must equal Pulumi.yaml `name:` (config keys are namespaced by it). */
  project: string;
  stack: string;
  /** Stack config, keys namespaced (`huaweicloud:region`), values as `pulumi config set` stores them. */
  config?: Record<string, string>;
  /** Keys of `config` that are secrets (PULUMI_CONFIG_SECRET_KEYS). */
  secretKeys?: string[];
  /** Runs the program as in `pulumi preview` (`pulumi.runtime.isDryRun()`). */
  preview?: boolean;
  env?: Record<string, string>;
  /** Kills the child after this long; default 60 000. */
  timeoutMs?: number;
}

export interface RegisteredResource {
  type: string;
  name: string;
  urn: string;
  /** Resolved inputs, `__provider` included; secrets still wrapped as the engine receives them. */
  inputs: JsonObject;
}

export interface ProgramRun {
  resources: RegisteredResource[];
  outputs: JsonObject;
  /** What the program printed (stdout and stderr), in order. */
  output: string[];
}

/**
 * Runs a Pulumi program in a child process (ts-node --transpile-only, as the nodejs language host
 * runs TypeScript) under mocks, and returns the custom resources it registered.
 */
export async function runProgram(options: RunProgramOptions): Promise<ProgramRun> {
  const projectFile = readProjectFile(options.programDir);
  if (projectFile.name !== options.project) {
    throw new ProgramRunError(
      `project [${options.project}] must equal Pulumi.yaml name [${projectFile.name}] in ${options.programDir}`,
      null,
      [],
    );
  }
  const spec: ProgramSpec = { project: options.project, stack: options.stack, preview: options.preview ?? false };
  if (projectFile.main !== undefined) spec.main = projectFile.main;
  // node + ts-node's bin script is what node_modules/.bin/ts-node runs; spawning it through the
  // shebang would pick whichever `node` is first on PATH (this repo pins a second one).
  // tsNodeCompileCache.js keeps ts-node's output across steps (the same text, without transpiling again).
  const tsNodeBin = require.resolve("ts-node/dist/bin.js");
  const runnerArgs = ["--require", join(__dirname, "tsNodeCompileCache.js"), tsNodeBin, "--transpile-only"];
  const child = spawn(process.execPath, [...runnerArgs, join(__dirname, "programRunner.ts")], {
    cwd: options.programDir,
    env: {
      ...engineEnv({
        project: options.project,
        stack: options.stack,
        config: options.config,
        secretKeys: options.secretKeys,
        env: options.env,
      }),
      PULUMI_NODEJS_DRY_RUN: String(spec.preview),
      [PROGRAM_SPEC_ENV]: JSON.stringify(spec),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });

  const output: string[] = [];
  let resultLine: string | undefined;
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith(PROGRAM_RESULT_PREFIX)) resultLine = line.slice(PROGRAM_RESULT_PREFIX.length);
    else output.push(line);
  });
  createInterface({ input: child.stderr }).on("line", (line) => output.push(line));

  const timeoutMs = options.timeoutMs ?? 60_000;
  return await new Promise<ProgramRun>((resolvePromise, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new ProgramRunError(`could not start the program runner: ${err.message}`, null, output));
    });
    // `close`, not `exit`: it fires after stdout and stderr are drained.
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      if (exitCode !== 0 || resultLine === undefined) {
        const why = signal === null ? `exit code ${exitCode}` : `signal ${signal} (timeoutMs [${timeoutMs}])`;
        reject(
          new ProgramRunError(
            `program ${options.programDir} failed with ${why}:\n${output.slice(-20).join("\n")}`,
            exitCode,
            output,
          ),
        );
        return;
      }
      const parsed = JSON.parse(resultLine) as { resources: RegisteredResource[]; outputs: JsonObject };
      resolvePromise({ resources: parsed.resources, outputs: parsed.outputs, output });
    });
  });
}
