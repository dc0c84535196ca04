/**
 * Shared by the lifecycle tests: the package as a user's program installs it, sessions configured
 * by stack config alone, and readers of the state file.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_EMULATOR_CREDENTIALS } from "../../emulator";
import type { PowerStateOutputs } from "../../provider/recorded";
import { PulumiSession, type StateResource } from "../harness";

export const ROOT = resolve(__dirname, "../..");
export const ROOT_PROJECT = "ecs-power";
export const PACKAGED_PROJECT = "pkg-user";
export const urnOf = (project: string) =>
  `urn:pulumi:dev::${project}::pulumi-nodejs:dynamic/huaweicloud:ServerPowerState::fleet`;
export const ROOT_URN = urnOf(ROOT_PROJECT);
export const PACKAGED_URN = urnOf(PACKAGED_PROJECT);

/** A server id the emulator accepts and the provider's check takes for a UUID. */
export const serverId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** A ServerPowerState as the state file holds it, its outputs typed as the provider records them. */
export type FleetResource = StateResource & {
  outputs: Pick<PowerStateOutputs, "servers" | "jobs" | "initialStates" | "convergedAt">;
};

/**
 * The package as npm installs it into a user's program: dist/ + package.json under node_modules,
 * so the stored provider is a one-line require of the package instead of its code by value. The
 * program passes every input it finds in its stack config (`pkg-user:<input>`).
 */
export function buildPackagedProgram(workDir: string): string {
  const programDir = join(workDir, "pkg-user");
  const pkgDir = join(programDir, "node_modules", "pulumi-huaweicloud-ecs-power");
  mkdirSync(pkgDir, { recursive: true });
  cpSync(compiledPackage(), join(pkgDir, "dist"), { recursive: true });
  cpSync(join(ROOT, "package.json"), join(pkgDir, "package.json"));
  for (const dep of ["@pulumi", "zod", "undici"])
    symlinkSync(join(ROOT, "node_modules", dep), join(programDir, "node_modules", dep));
  writeFileSync(join(programDir, "Pulumi.yaml"), "name: pkg-user\nruntime: nodejs\nmain: index.js\n");
  writeFileSync(
    join(programDir, "index.js"),
    [
      'const pulumi = require("@pulumi/pulumi");',
      'const { ServerPowerState } = require("pulumi-huaweicloud-ecs-power");',
      "const config = new pulumi.Config();",
      'const fleet = new ServerPowerState("fleet", {',
      '  serverIds: config.requireObject("serverIds"),',
      '  state: config.get("state"),',
      '  stopType: config.get("stopType"),',
      '  hardStopAfterSeconds: config.getNumber("hardStopAfterSeconds"),',
      '  timeoutSeconds: config.getNumber("timeoutSeconds"),',
      '  onDelete: config.get("onDelete"),',
      "});",
      "exports.servers = fleet.servers;",
    ].join("\n"),
  );
  return programDir;
}

/** What `tsc -p tsconfig.build.json` compiles from, and what else its output depends on. */
function buildInputs(): string[] {
  const sources = ["provider", "emulator"].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => join(dir, file)),
  );
  return [...sources.sort(), "tsconfig.json", "tsconfig.build.json", "package.json", "package-lock.json"];
}

/**
 * The package compiled by `tsc -p tsconfig.build.json` (what `npm run build` puts in dist/), built once
 * per content of its inputs and kept in node_modules/.cache/harness-packaged-dist/: the seven lifecycle
 * files that install the package each used to compile it again (8-14 s each). An edited source is a new
 * key, so what a test installs is always the compiled current sources.
 */
function compiledPackage(): string {
  const hash = createHash("sha256");
  for (const file of buildInputs())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(ROOT, file)))
      .update("\0");
  const cacheDir = join(ROOT, "node_modules", ".cache", "harness-packaged-dist");
  const built = join(cacheDir, hash.digest("hex"));
  if (existsSync(built)) return built;
  // Built aside, then renamed: a test file running alongside never copies half a build.
  const partial = `${built}.${process.pid}.tmp`;
  try {
    execFileSync(
      process.execPath,
      [require.resolve("typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", partial],
      { cwd: ROOT, stdio: "pipe" },
    );
    renameSync(partial, built);
  } catch (err) {
    // Another test file finished the same build first: theirs is the same output.
    if (!existsSync(built)) throw err;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return built;
}

export interface SessionSpec {
  readonly workDir: string;
  /** Names the state file: one per session. */
  readonly name: string;
  readonly emulatorUrl: string;
  readonly serverIds: readonly string[];
  /** Resource inputs by name, stored as `<project>:<input>` config. */
  readonly inputs?: Readonly<Record<string, string | number>>;
  /** Extra stack config, keys namespaced (`huaweicloud:...`). */
  readonly config?: Readonly<Record<string, string>>;
  readonly programDir?: string;
  readonly project?: string;
  readonly onOutput?: (line: string) => void;
  /** Extra environment of the program and the host (e.g. the metadata service's test URL). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A session whose program declares one ServerPowerState, configured against an emulator. */
export function newSession(spec: SessionSpec): PulumiSession {
  const project = spec.project ?? ROOT_PROJECT;
  const inputs = Object.fromEntries(
    Object.entries(spec.inputs ?? {}).map(([key, value]) => [`${project}:${key}`, String(value)]),
  );
  return new PulumiSession({
    programDir: spec.programDir ?? ROOT,
    project,
    stack: "dev",
    stateFile: join(spec.workDir, `${spec.name}.json`),
    config: {
      [`${project}:serverIds`]: JSON.stringify(spec.serverIds),
      ...inputs,
      "huaweicloud:ecsEndpoint": spec.emulatorUrl,
      "huaweicloud:projectId": DEFAULT_EMULATOR_CREDENTIALS.projectId,
      "huaweicloud:accessKey": DEFAULT_EMULATOR_CREDENTIALS.accessKey,
      "huaweicloud:secretKey": DEFAULT_EMULATOR_CREDENTIALS.secretKey,
      ...spec.config,
    },
    secretKeys: ["huaweicloud:secretKey", "huaweicloud:securityToken"],
    ...(spec.onOutput ? { onOutput: spec.onOutput } : {}),
    ...(spec.env ? { env: { ...spec.env } } : {}),
  });
}

/** The ServerPowerState resource in the session's state file. */
export function fleetOf(session: PulumiSession, urn: string): FleetResource {
  return session.readState().resources[urn] as FleetResource;
}
