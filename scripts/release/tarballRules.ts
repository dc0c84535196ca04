/**
 * What the published tarball must hold (`npm run release:check`): only the built provider and emulator,
 * the docs and the package's own files; everything package.json points at (main, types, exports, bin);
 * every doc the README links; source maps that carry their sources; and no more than the size budget.
 */

export interface PackedFile {
  readonly path: string;
  readonly size: number;
}

export interface PackageManifest {
  readonly main?: string;
  readonly types?: string;
  readonly bin?: Record<string, string>;
  readonly exports?: unknown;
}

export interface TarballFacts {
  readonly files: readonly PackedFile[];
  readonly unpackedSize: number;
  readonly manifest: PackageManifest;
  /** Repository-relative paths of the docs the README links to (docs/….md). */
  readonly linkedDocs: readonly string[];
  /** The text of a packed file (source maps and bin scripts are read). */
  readonly read: (path: string) => string;
}

/**
 * The unpacked size the tarball may reach, in bytes. Measured 2026-12-07: 1.45 MB unpacked, 0.41 MB packed,
 * 190 files (dist/ with the TypeScript sources inline in its maps, README, CHANGELOG, docs). Raise it
 * deliberately, with the reason in the commit.
 */
export const UNPACKED_SIZE_BUDGET = 2_000_000;

const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE$/,
  /^dist\/(provider|emulator)\/.+\.(js|d\.ts|js\.map)$/,
  /^docs\/[^/]+\.md$/,
];

/** Every relative path package.json points at: main, types, bin and the `exports` targets (no wildcards). */
export function manifestTargets(manifest: PackageManifest): string[] {
  const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})];
  const walk = (value: unknown): void => {
    if (typeof value === "string") targets.push(value);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  return targets
    .filter((target): target is string => target !== undefined && !target.includes("*"))
    .map((target) => target.replace(/^\.\//, ""));
}

/** A source map's problem: a source it names without carrying its text (the sources are not shipped). */
function sourceMapProblem(path: string, text: string): string | undefined {
  let map: { sources?: unknown; sourcesContent?: unknown };
  try {
    map = JSON.parse(text) as typeof map;
  } catch {
    return `${path} is not JSON`;
  }
  const sources = Array.isArray(map.sources) ? map.sources : [];
  const contents = Array.isArray(map.sourcesContent) ? map.sourcesContent : [];
  const missing = sources.filter((_, index) => typeof contents[index] !== "string");
  return missing.length === 0 ? undefined : `${path} names ${missing.join(", ")} without its text (inlineSources)`;
}

/** What is wrong with the tarball, one sentence each; empty when it is fit to publish. */
export function tarballProblems(facts: TarballFacts): string[] {
  const problems: string[] = [];
  const paths = new Set(facts.files.map((file) => file.path));
  for (const path of paths) {
    if (!ALLOWED.some((rule) => rule.test(path))) problems.push(`${path} is packed but is not part of the package`);
  }
  for (const path of ["package.json", "README.md", "CHANGELOG.md", "LICENSE", ...manifestTargets(facts.manifest)]) {
    if (!paths.has(path)) problems.push(`${path} is missing from the tarball (package.json or the README needs it)`);
  }
  for (const doc of facts.linkedDocs) {
    if (!paths.has(doc)) problems.push(`${doc} is linked from the README but missing from the tarball`);
  }
  for (const path of paths) {
    if (!path.endsWith(".js.map")) continue;
    const problem = sourceMapProblem(path, facts.read(path));
    if (problem !== undefined) problems.push(problem);
  }
  for (const [name, path] of Object.entries(facts.manifest.bin ?? {})) {
    const bin = path.replace(/^\.\//, "");
    if (paths.has(bin) && !facts.read(bin).startsWith("#!/usr/bin/env node\n")) {
      problems.push(`bin ${name} (${bin}) does not start with "#!/usr/bin/env node"`);
    }
  }
  if (facts.unpackedSize > UNPACKED_SIZE_BUDGET) {
    problems.push(
      `the tarball unpacks to ${facts.unpackedSize} bytes, over the budget of ${UNPACKED_SIZE_BUDGET} ` +
        "(scripts/release/tarballRules.ts): find what grew with npm pack --dry-run",
    );
  }
  return problems;
}
