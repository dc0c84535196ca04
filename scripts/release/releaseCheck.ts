/**
 * `npm run release:check`: the version and the CHANGELOG agree, and the tarball `npm pack` would publish holds
 * what it must (scripts/release/changelogRules.ts, tarballRules.ts). Exits 1 naming every problem. Run after
 * `npm run build` (the script does); `npm pack --dry-run --ignore-scripts` lists what the tarball would hold.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { changelogProblems } from "./changelogRules";
import { exampleProblems, type ExampleManifest } from "./exampleRules";
import { tarballProblems, type PackageManifest, type PackedFile } from "./tarballRules";

const root = resolve(__dirname, "../..");

/** The docs/….md files the README links to. */
export function linkedDocs(readme: string): string[] {
  const links = [...readme.matchAll(/\]\((docs\/[^)#\s]+\.md)(?:#[^)]*)?\)/g)].map((match) => match[1]!);
  return [...new Set(links)].sort();
}

interface PackDryRun {
  readonly files: PackedFile[];
  readonly unpackedSize: number;
}

function packDryRun(): PackDryRun {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" });
  const [result] = JSON.parse(out) as PackDryRun[];
  return result!;
}

/** The package.json of each example that has one. */
function exampleManifests(): ExampleManifest[] {
  return readdirSync(join(root, "examples"))
    .filter((example) => existsSync(join(root, "examples", example, "package.json")))
    .map((example) => {
      const { dependencies } = JSON.parse(
        readFileSync(join(root, "examples", example, "package.json"), "utf8"),
      ) as Omit<ExampleManifest, "example">;
      return { example, ...(dependencies === undefined ? {} : { dependencies }) };
    });
}

function main(): void {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageManifest & {
    name: string;
    version: string;
  };
  const pack = packDryRun();
  const problems = [
    ...changelogProblems(manifest.version, readFileSync(join(root, "CHANGELOG.md"), "utf8")),
    ...exampleProblems(manifest.name, manifest.version, exampleManifests()),
    ...tarballProblems({
      files: pack.files,
      unpackedSize: pack.unpackedSize,
      manifest,
      linkedDocs: linkedDocs(readFileSync(join(root, "README.md"), "utf8")),
      read: (path) => readFileSync(join(root, path), "utf8"),
    }),
  ];
  if (problems.length > 0) {
    process.stderr.write(`release check: ${problems.length} problem(s)\n${problems.map((p) => `- ${p}`).join("\n")}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `release check: version ${manifest.version} matches CHANGELOG.md; the tarball holds ${pack.files.length} files, ` +
      `${pack.unpackedSize} bytes unpacked\n`,
  );
}

if (require.main === module) main();
