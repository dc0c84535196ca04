/**
 * The package as a user gets it: `npm pack`, the tarball installed into a fresh program made from Pulumi's
 * TypeScript template (its tsconfig.json: strict, no skipLibCheck, no esModuleInterop), with the lowest and
 * the newest supported @pulumi/pulumi. The program, and a rehearsal script that imports the emulator
 * subpath, type-check with TypeScript 5.9 and with the newest TypeScript; the program holds one copy of
 * @pulumi/pulumi and runs through the harness (create, then destroy, against the emulator), and the
 * rehearsal script, compiled, runs the packed emulator; the package's `huaweicloud-ecs-emulator` command
 * starts from the program (npx), prints its URL line first and stops on SIGTERM; every example type-checks
 * in the program with the template's tsconfig (no skipLibCheck).
 *
 * It installs from the npm registry, so it is not part of `npm test`: `.ci/run` runs it with
 * `npm run test:consumer`. CONSUMER_PULUMI_VERSIONS (space-separated) overrides the versions; to probe
 * a version outside the peer range (finding the lower bound), CONSUMER_IGNORE_PEER_RANGE=1 installs with
 * `--legacy-peer-deps`.
 */
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EmulatorAdmin, seedServers, startEmulator, type RunningEmulator } from "../../emulator";
import { PulumiSession } from "../harness";

const repoRoot = resolve(__dirname, "../..");
/**
 * The peerDependency's lower bound, and the newest release that still runs on Node 20 (3.249 needs Node 22).
 * 3.138.0 fails the run: its dynamic-provider host does not hand the stack config to the provider's
 * `configure`, so Check reports huaweicloud:region and the keys as not set (found with
 * CONSUMER_IGNORE_PEER_RANGE=1; 3.130.0 fails the same way, 3.139.0 to 3.248.0 pass). .ci/run also runs
 * this file on Node 24 with the newest release (CONSUMER_PULUMI_VERSIONS, NEWEST_PULUMI there).
 */
const PULUMI_VERSIONS = (process.env["CONSUMER_PULUMI_VERSIONS"] ?? "3.139.0 3.248.0").split(" ").filter(Boolean);
/** The example programs (a folder of examples/ with an index.ts), type-checked in the installed program. */
const EXAMPLES = readdirSync(join(repoRoot, "examples")).filter((name) =>
  existsSync(join(repoRoot, "examples", name, "index.ts")),
);
/** The TypeScript the program runs with (ts-node, as Pulumi's nodejs host) and type-checks with first. */
const TYPESCRIPT_5 = "5.9.3";

/** Pulumi's `typescript` template's tsconfig.json, as `pulumi new typescript` writes it. */
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  // The template lists index.ts; a user who rehearses a pipeline adds their script.
  files: ["index.ts", "rehearse.ts"],
};

/**
 * The template's `moduleResolution: "node"` (node10) is deprecated by TypeScript 6 and removed in 7, so the
 * newest TypeScript checks the same program with Node's own resolution (which also reads `exports`).
 */
const NEWEST_TSCONFIG = {
  extends: "./tsconfig.json",
  compilerOptions: { module: "nodenext", moduleResolution: "nodenext" },
};

/** The README's example, plus the rest of the public API a program may name. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { EcsClient, EcsError, ServerPowerState, type EcsErrorCode, type ServerRecord } from "pulumi-huaweicloud-ecs-power";

const config = new pulumi.Config();
const devFleet = new ServerPowerState("dev-fleet", {
  serverIds: config.requireObject<string[]>("devServerIds"),
  state: "stopped",
  hardStopAfterSeconds: 120,
  onDelete: "restore",
});
export const stopped: pulumi.Output<Record<string, ServerRecord>> = devFleet.servers;

// Names only (never called): the public types compile in the user's program.
export function describe(error: unknown): EcsErrorCode | undefined {
  return error instanceof EcsError ? error.code : undefined;
}
export type Client = InstanceType<typeof EcsClient>;
`;

/**
 * A rehearsal script: the packed emulator (the `./emulator` subpath), its options, faults and variants,
 * named as a user's script names them. It prints the fleet's statuses, the first list call's throttled
 * answer, and the switch it set.
 */
const REHEARSAL = `import {
  DEFAULT_VARIANTS,
  EmulatorAdmin,
  seedServers,
  startEmulator,
  type EmulatorOptions,
  type FaultInput,
  type RunningEmulator,
  type VariantsPatch,
} from "pulumi-huaweicloud-ecs-power/emulator";

export async function rehearse(): Promise<string> {
  const options: EmulatorOptions = { servers: seedServers(3), stopSeconds: 0.1, alreadyInState: "noop" };
  const emulator: RunningEmulator = await startEmulator(options);
  try {
    const admin = new EmulatorAdmin(emulator.url);
    const fault: FaultInput = { route: "list", kind: "throttle", retryAfterSeconds: null };
    await admin.injectFault(fault);
    const patch: VariantsPatch = { listLagSeconds: DEFAULT_VARIANTS.listLagSeconds + 2 };
    const variants = await admin.setVariants(patch);
    const pending = await admin.pendingFaults();
    const statuses = (await admin.listServers()).map((server) => server.status);
    return JSON.stringify({ statuses, pending: pending.transport.map((f) => f.kind), lag: variants.listLagSeconds });
  } finally {
    await emulator.stop();
  }
}
`;

/** The command's stdout; when it fails, an error with its output (tsc prints its errors on stdout). */
function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}

function packTarball(into: string): string {
  const out = run("npm", ["pack", "--pack-destination", into, "--json"], repoRoot);
  const [{ filename }] = JSON.parse(out) as { filename: string }[];
  return join(into, filename!);
}

function makeProgram(parent: string, pulumiVersion: string, tarball: string): string {
  const dir = join(parent, `program-${pulumiVersion}`);
  mkdirSync(dir);
  const files: Record<string, string> = {
    "Pulumi.yaml": "name: consumer\nruntime: nodejs\ndescription: the packed tarball, as a user installs it\n",
    "package.json": JSON.stringify(
      {
        name: "consumer",
        private: true,
        main: "index.ts",
        dependencies: { "@pulumi/pulumi": pulumiVersion, "pulumi-huaweicloud-ecs-power": `file:${tarball}` },
        devDependencies: { "@types/node": "^20", typescript: TYPESCRIPT_5 },
      },
      null,
      2,
    ),
    "tsconfig.json": JSON.stringify(TEMPLATE_TSCONFIG, null, 4),
    "tsconfig.newest.json": JSON.stringify(NEWEST_TSCONFIG, null, 4),
    "index.ts": PROGRAM,
    "rehearse.ts": REHEARSAL,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const ignorePeerRange = process.env["CONSUMER_IGNORE_PEER_RANGE"] === "1" ? ["--legacy-peer-deps"] : [];
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...ignorePeerRange], dir);
  return dir;
}

/** Every installed copy of @pulumi/pulumi under the program (nested ones included). */
function pulumiCopies(dir: string): string[] {
  const copies: string[] = [];
  const walk = (modules: string): void => {
    let names: string[];
    try {
      names = readdirSync(modules);
    } catch {
      return;
    }
    for (const name of names) {
      const paths = name.startsWith("@") ? readdirSync(join(modules, name)).map((n) => join(name, n)) : [name];
      for (const pkg of paths) {
        if (pkg === "@pulumi/pulumi") copies.push(join(modules, pkg));
        walk(join(modules, pkg, "node_modules"));
      }
    }
  };
  walk(join(dir, "node_modules"));
  return copies;
}

describe("the packed tarball in a program made from Pulumi's template", () => {
  let workDir: string;
  let tarball: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "consumer-"));
    tarball = packTarball(workDir);
  }, 180_000);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it("ships LICENSE, CHANGELOG and declarations (the root's and the emulator's) that name no zod or undici type", () => {
    const listing = run("tar", ["-tzf", tarball], workDir).split("\n");
    expect(listing).toEqual(expect.arrayContaining(["package/LICENSE", "package/CHANGELOG.md", "package/README.md"]));
    const declarations = listing.filter((path) => path.startsWith("package/dist/") && path.endsWith(".d.ts"));
    expect(declarations).toEqual(
      expect.arrayContaining(["package/dist/provider/index.d.ts", "package/dist/emulator/index.d.ts"]),
    );
    const text = run("tar", ["-xzOf", tarball, ...declarations], workDir);
    expect(text).not.toMatch(/(from|import)\s*\(?\s*["'](zod|undici)/);
  });

  // Once per CI run is enough: the example pins its own @pulumi/pulumi, so the second consumer run of
  // .ci/run (the newest @pulumi/pulumi on Node 24) leaves it out with CONSUMER_EXAMPLE_INSTALL=0.
  const example = "park-by-tag";
  const installExample = (): void => {
    // Each example depends on file:../../<tarball>; npm pack put it in workDir, as at the repository root.
    // Their package.json files differ only in their names (scripts/release/exampleRules.ts pins the
    // dependency), so one example stands for all; tests/release/readmeCommands.test.ts maps the commands here.
    const dir = join(workDir, "examples", example);
    mkdirSync(dir, { recursive: true });
    for (const file of ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts"]) {
      copyFileSync(join(repoRoot, "examples", example, file), join(dir, file));
    }
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], dir);
    const installed = JSON.parse(
      readFileSync(join(dir, "node_modules", "pulumi-huaweicloud-ecs-power", "package.json"), "utf8"),
    ) as { version: string };
    const ours = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect(installed.version).toBe(ours.version);
    expect(run(join(dir, "node_modules/.bin/tsc"), ["--noEmit", "-p", "."], dir)).toBe("");
  };
  if (process.env["CONSUMER_EXAMPLE_INSTALL"] !== "0") {
    it(
      "an example installs as its README says: the tarball from npm pack at the root, then npm install",
      installExample,
      300_000,
    );
  }

  describe.each(PULUMI_VERSIONS)("with @pulumi/pulumi %s", (pulumiVersion) => {
    let programDir: string;

    beforeAll(() => {
      programDir = makeProgram(workDir, pulumiVersion, tarball);
    }, 300_000);

    it("installs one copy of @pulumi/pulumi, the program's own", () => {
      expect(pulumiCopies(programDir)).toEqual([join(programDir, "node_modules", "@pulumi/pulumi")]);
      const installed = require(join(programDir, "node_modules/@pulumi/pulumi/package.json")) as { version: string };
      expect(installed.version).toBe(pulumiVersion);
    });

    it(`type-checks with TypeScript ${TYPESCRIPT_5}`, () => {
      expect(run(join(programDir, "node_modules/.bin/tsc"), ["--noEmit", "-p", "."], programDir)).toBe("");
    });

    it("type-checks with the newest TypeScript", () => {
      const version = run("npm", ["view", "typescript", "version"], programDir).trim();
      const out = run(
        "npm",
        ["exec", "--yes", `--package=typescript@${version}`, "--", "tsc", "--noEmit", "-p", "tsconfig.newest.json"],
        programDir,
      );
      expect(out).toBe("");
    }, 180_000);

    it("runs the rehearsal script against the packed emulator", () => {
      run(join(programDir, "node_modules/.bin/tsc"), ["-p", "."], programDir);
      const script = "require('./bin/rehearse').rehearse().then((out) => process.stdout.write(out))";
      const out = JSON.parse(run(process.execPath, ["-e", script], programDir)) as unknown;
      expect(out).toEqual({ statuses: ["ACTIVE", "SHUTOFF", "ACTIVE"], pending: ["throttle"], lag: 2 });
    }, 60_000);

    it("every example type-checks against the package, each with Pulumi's template tsconfig", () => {
      const files = EXAMPLES.map((example) => {
        const source = join(repoRoot, "examples", example);
        const tsconfig = JSON.parse(readFileSync(join(source, "tsconfig.json"), "utf8")) as unknown;
        expect({ example, tsconfig }).toEqual({ example, tsconfig: { ...TEMPLATE_TSCONFIG, files: ["index.ts"] } });
        mkdirSync(join(programDir, "examples", example), { recursive: true });
        copyFileSync(join(source, "index.ts"), join(programDir, "examples", example, "index.ts"));
        return `examples/${example}/index.ts`;
      });
      // The tsconfigs are the same, so one compilation checks them all (the libraries' types once, not per example).
      writeFileSync(join(programDir, "tsconfig.examples.json"), JSON.stringify({ ...TEMPLATE_TSCONFIG, files }));
      expect(
        run(join(programDir, "node_modules/.bin/tsc"), ["--noEmit", "-p", "tsconfig.examples.json"], programDir),
      ).toBe("");
    });

    it("npx huaweicloud-ecs-emulator --help prints the usage of the package's command", () => {
      expect(run("npx", ["--no-install", "huaweicloud-ecs-emulator", "--help"], programDir)).toMatch(
        /^Usage: huaweicloud-ecs-emulator \[flags\]/,
      );
    });

    it("the package's emulator command prints its URL line first, serves, and exits 0 on SIGTERM", async () => {
      const child = spawn(
        join(programDir, "node_modules/.bin/huaweicloud-ecs-emulator"),
        ["--port", "0", "--seed", "3"],
        {
          cwd: programDir,
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      const exited = new Promise<number | null>((settle) => child.once("exit", (code) => settle(code)));
      try {
        const firstLine = await new Promise<string>((settle) =>
          createInterface({ input: child.stdout! }).once("line", settle),
        );
        const url = /^ECS emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(firstLine)?.[1];
        expect({ firstLine, url: url !== undefined }).toEqual({ firstLine, url: true });
        expect(await new EmulatorAdmin(url!).listServers()).toHaveLength(3);
      } finally {
        child.kill("SIGTERM");
      }
      expect(await exited).toBe(0);
    }, 60_000);

    it("runs through Pulumi's host: create stops the fleet, refresh sees drift, destroy restores it", async () => {
      const servers = seedServers(4);
      const emulator: RunningEmulator = await startEmulator({ servers, stopSeconds: 0.2, startSeconds: 0.2 });
      const stateDir = mkdtempSync(join(tmpdir(), "consumer-state-"));
      try {
        const admin = new EmulatorAdmin(emulator.url);
        const { projectId, accessKey, secretKey } = emulator.options;
        const session = new PulumiSession({
          programDir,
          project: "consumer",
          stack: "ci",
          config: {
            "consumer:devServerIds": JSON.stringify(servers.map((s) => s.id)),
            "huaweicloud:ecsEndpoint": emulator.url,
            "huaweicloud:projectId": projectId,
            "huaweicloud:accessKey": accessKey,
            "huaweicloud:secretKey": secretKey,
          },
          secretKeys: ["huaweicloud:secretKey"],
          stateFile: join(stateDir, "ci.json"),
        });
        const statuses = async (): Promise<string[]> => (await admin.listServers()).map((s) => s.status);

        const up = await session.up();
        expect(up.operations.map((o) => o.op)).toEqual(["create"]);
        expect(await statuses()).toEqual(["SHUTOFF", "SHUTOFF", "SHUTOFF", "SHUTOFF"]);

        // refresh reads each server back (the dynamic provider's read, with its inputs): a server started by
        // hand shows as drift.
        await admin.setServer(servers[0]!.id, { status: "ACTIVE" });
        const refresh = await session.refresh();
        expect(refresh.operations.map((o) => o.op)).toEqual(["update"]);
        const up2 = await session.up();
        expect(up2.operations.map((o) => o.op)).toEqual(["update"]);
        expect(await statuses()).toEqual(["SHUTOFF", "SHUTOFF", "SHUTOFF", "SHUTOFF"]);

        const destroy = await session.destroy();
        expect(destroy.operations.map((o) => o.op)).toEqual(["delete"]);
        expect(await statuses()).toEqual(servers.map((s) => s.status));
      } finally {
        await emulator.stop();
        rmSync(stateDir, { recursive: true, force: true });
      }
    }, 120_000);
  });
});
