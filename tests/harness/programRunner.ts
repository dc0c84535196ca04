/**
 * Child-process entry of `runProgram`: runs a Pulumi program under `pulumi.runtime.setMocks`, the way
 * the language host would run it (cwd = program folder, config from PULUMI_CONFIG), and prints every
 * registered resource with its resolved inputs as one marked JSON line.
 *
 * @pulumi/pulumi is loaded from the program folder, so a program with its own node_modules gets its
 * own copy mocked (the runtime's store is global anyway, but the mocks must be set through the copy
 * whose resources register).
 */
import { resolve } from "node:path";
import type * as PulumiSdk from "@pulumi/pulumi";
import { toJsonObject } from "./json";
import { UNKNOWN_VALUE } from "./rpcValues";

export const PROGRAM_SPEC_ENV = "PULUMI_HARNESS_PROGRAM";
export const PROGRAM_RESULT_PREFIX = "PULUMI_HARNESS_RESULT ";

export interface ProgramSpec {
  project: string;
  stack: string;
  preview: boolean;
  /** `main:` of Pulumi.yaml; without it the folder is required (package.json `main`, then index.*). */
  main?: string;
}

interface Recorded {
  type: string;
  name: string;
  inputs: unknown;
}

/**
 * The parts of @pulumi/pulumi/runtime/settings (internal, untyped) the runner needs. The mock monitor
 * keeps its resources by URN: `getRegisteredResources()` since 3.247, the `resources` field before.
 */
interface SettingsModule {
  waitForRPCs(): Promise<void>;
  getMonitor(): { getRegisteredResources?(): Map<string, unknown>; resources?: Map<string, unknown> };
}

function registeredUrns(settings: SettingsModule): string[] {
  const monitor = settings.getMonitor();
  const resources = monitor.getRegisteredResources?.() ?? monitor.resources;
  if (resources === undefined) throw new Error("this @pulumi/pulumi's mock monitor does not list its resources");
  return [...resources.keys()];
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env[PROGRAM_SPEC_ENV] ?? "") as ProgramSpec;
  const programDir = process.cwd();
  const fromProgram = (id: string): unknown => require(require.resolve(id, { paths: [programDir] }));
  const pulumi = fromProgram("@pulumi/pulumi") as typeof PulumiSdk;
  const settings = fromProgram("@pulumi/pulumi/runtime/settings") as SettingsModule;

  const recorded: Recorded[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        // Components (custom = false) have no provider: the engine never calls one for them.
        if (args.custom) recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: args.custom ? `${args.name}-mock-id` : undefined, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    spec.project,
    spec.stack,
    spec.preview,
  );

  // Same rule as @pulumi/pulumi/cmd/run: a function export is the program, its result the outputs.
  const entry = spec.main === undefined ? `${programDir}/` : resolve(programDir, spec.main);
  const exported: unknown = require(entry);
  const outputsValue: unknown = await (exported instanceof Function ? exported() : exported);
  await settings.waitForRPCs();
  // `promise(true)` is Output's internal resolver: unlike apply it also settles on unknowns (preview).
  const resolvedOutputs = (await (
    pulumi.output(outputsValue ?? {}) as unknown as {
      promise(withUnknowns: boolean): Promise<unknown>;
    }
  ).promise(true)) as unknown;
  await settings.waitForRPCs();

  // Unknowns (preview) travel as the engine's sentinel string, as they would reach Check.
  const toJson = (value: unknown) => toJsonObject(value, (_key, v) => (pulumi.isUnknown(v) ? UNKNOWN_VALUE : v));
  const urns = registeredUrns(settings);
  const resources = recorded.map((r) => ({
    type: r.type,
    name: r.name,
    urn: findUrn(urns, r.type, r.name),
    inputs: toJson(r.inputs),
  }));
  const line = PROGRAM_RESULT_PREFIX + JSON.stringify({ resources, outputs: toJson(resolvedOutputs) }) + "\n";
  process.stdout.write(line, () => process.exit(0));
}

/** The mock monitor computes URNs (parent types included) after `newResource`; match them back. */
function findUrn(urns: string[], type: string, name: string): string {
  const urn = urns.find((u) => {
    const parts = u.split("::");
    return parts[3] === name && parts[2]?.split("$").pop() === type;
  });
  if (urn === undefined) throw new Error(`no URN registered for ${type} ${name}`);
  return urn;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
