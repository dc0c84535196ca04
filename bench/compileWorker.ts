/**
 * Transpiles the provider worker and the code it loads to plain JavaScript (TypeScript's
 * transpileModule, the same per-file transform ts-node --transpile-only applies), so the worker runs
 * under bare node: its memory is then the provider's, not the TypeScript compiler's. The output goes
 * under node_modules/.cache so that the package imports (undici, zod) resolve as from the repository.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import * as ts from "typescript";

const ROOT = join(__dirname, "..");
const OUT_DIR = join(ROOT, "node_modules", ".cache", "ecs-power-bench");

/** Every file the worker can load: the provider, two self-contained emulator files, the worker. */
function sources(): string[] {
  const provider = readdirSync(join(ROOT, "provider"))
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => join(ROOT, "provider", name));
  return [
    ...provider,
    join(ROOT, "emulator", "seedServers.ts"),
    join(ROOT, "emulator", "EmulatorStats.ts"),
    join(ROOT, "bench", "workerProtocol.ts"),
    join(ROOT, "bench", "ourWorker.ts"),
  ];
}

/** Returns the path of the compiled worker. */
export function compileWorker(): string {
  for (const file of sources()) {
    const output = ts.transpileModule(readFileSync(file, "utf8"), {
      fileName: file,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: false },
    });
    const target = join(OUT_DIR, relative(ROOT, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  return join(OUT_DIR, "bench", "ourWorker.js");
}
