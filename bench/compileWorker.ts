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

/** The TypeScript sources under `dir`, its subfolders included (provider/converge, provider/transport). */
function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every file the worker can load: the provider, two self-contained emulator files, the worker. */
export function workerSources(): string[] {
  return [
    ...typescriptFiles(join(ROOT, "provider")),
    join(ROOT, "emulator", "seedServers.ts"),
    join(ROOT, "emulator", "EmulatorStats.ts"),
    join(ROOT, "bench", "workerProtocol.ts"),
    join(ROOT, "bench", "ourWorker.ts"),
  ];
}

/** Returns the path of the compiled worker; `outDir` defaults to node_modules/.cache/ecs-power-bench. */
export function compileWorker(outDir: string = OUT_DIR): string {
  for (const file of workerSources()) {
    const output = ts.transpileModule(readFileSync(file, "utf8"), {
      fileName: file,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: false },
    });
    const target = join(outDir, relative(ROOT, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  return join(outDir, "bench", "ourWorker.js");
}
