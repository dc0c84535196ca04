/**
 * Run by `npm run build` after tsc: keeps the declarations a user's program can reach from the package's
 * entry points, deletes the others (internal modules' .d.ts files, which may name zod or undici types),
 * and fails the build when a kept declaration of either entry (the root and the `./emulator` subpath)
 * imports zod or undici: those types do not compile in a program made from Pulumi's template (strict, no
 * skipLibCheck, no esModuleInterop).
 *
 *   ts-node --transpile-only scripts/pruneDeclarations.ts [distDir]
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * The entries a program imports, whose declarations must name no zod or undici type: the root
 * (`pulumi-huaweicloud-ecs-power`) and the emulator subpath (`pulumi-huaweicloud-ecs-power/emulator`).
 */
const ENTRIES = ["provider/index.d.ts", "emulator/index.d.ts"];
const FORBIDDEN = ["zod", "undici"];

/** The module specifiers a declaration file imports or re-exports (static and `import("...")` types). */
export function specifiersOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /^\s*import\s+["']([^"']+)["']/gm,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** The package a bare specifier names: `zod/v4/core` → `zod`, `@pulumi/pulumi/x` → `@pulumi/pulumi`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function resolveDeclaration(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier.replace(/\.js$/, ""));
  return [`${base}.d.ts`, join(base, "index.d.ts")].find((candidate) => existsSync(candidate));
}

/** Every declaration file reachable from `entry` through relative imports, with the packages each imports. */
export function reachableDeclarations(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    const packages: string[] = [];
    seen.set(file, packages);
    for (const specifier of specifiersOf(readFileSync(file, "utf8"))) {
      if (!specifier.startsWith(".")) packages.push(packageOf(specifier));
      else {
        const target = resolveDeclaration(file, specifier);
        if (target === undefined) throw new Error(`${file} imports ${specifier}, which has no declaration file`);
        pending.push(target);
      }
    }
  }
  return seen;
}

function declarationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return declarationFiles(path);
    return name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The `file imports package` lines for every forbidden import among the declarations kept. */
export function forbiddenImports(distDir: string, kept: Map<string, string[]>): string[] {
  return [...kept].flatMap(([file, packages]) =>
    packages.filter((name) => FORBIDDEN.includes(name)).map((name) => `${relative(distDir, file)} imports ${name}`),
  );
}

function main(distDir: string): void {
  const kept = new Map(ENTRIES.flatMap((entry) => [...reachableDeclarations(join(distDir, entry))]));
  const problems = forbiddenImports(distDir, kept);
  if (problems.length > 0) {
    throw new Error(
      `the entries' declarations must name no zod or undici type (use provider/publicTypes.ts or emulator/publicTypes.ts):\n  ${problems.join("\n  ")}`,
    );
  }
  const removed = declarationFiles(distDir).filter((file) => !kept.has(file));
  for (const file of removed) rmSync(file);
  process.stderr.write(
    `declarations: kept ${kept.size}, removed ${removed.length} internal ones; no entry names a zod or undici type\n`,
  );
}

if (require.main === module) main(resolve(process.argv[2] ?? "dist"));
