/**
 * The bench's provider worker runs as plain JavaScript transpiled by bench/compileWorker.ts. A source
 * it leaves out fails only when `npm run bench` runs (the provider's subfolders, converge/ and
 * transport/, once were): here every relative require of the compiled files must resolve to a compiled
 * file, and the provider module the worker loads must load under bare node.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { compileWorker, workerSources } from "../../bench/compileWorker";

const repoRoot = resolve(__dirname, "../..");

function compiledFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? compiledFiles(path) : entry.name.endsWith(".js") ? [path] : [];
  });
}

describe("compileWorker", () => {
  let outDir: string;

  beforeAll(() => {
    // Under the repository's node_modules, so that zod and undici resolve as they do for the bench.
    const cache = join(repoRoot, "node_modules", ".cache");
    mkdirSync(cache, { recursive: true });
    outDir = mkdtempSync(join(cache, "compile-worker-test-"));
    compileWorker(outDir);
  }, 60_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("takes the provider's subfolders too", () => {
    const relativeSources = workerSources().map((file) => file.slice(repoRoot.length + 1));
    expect(relativeSources).toEqual(
      expect.arrayContaining(["provider/converge/converge.ts", "provider/transport/send.ts", "bench/ourWorker.ts"]),
    );
  });

  it("leaves no relative require unresolved", () => {
    const unresolved = compiledFiles(outDir).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)]
        .map((match) => match[1]!)
        .filter((specifier) => {
          const base = resolve(dirname(file), specifier);
          return ![`${base}.js`, join(base, "index.js"), base].some((candidate) => existsSync(candidate));
        })
        .map((specifier) => `${file.slice(outDir.length + 1)} requires ${specifier}`),
    );
    expect(unresolved).toEqual([]);
  });

  it("loads the provider under bare node", () => {
    const provider = join(outDir, "provider", "provider.js");
    const script = `const m = require(${JSON.stringify(provider)}); process.stdout.write(typeof m.serverPowerStateProvider.create);`;
    expect(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })).toBe("function");
  }, 30_000);
});
