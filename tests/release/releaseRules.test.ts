/**
 * `npm run release:check`'s rules (scripts/release/): the CHANGELOG against the version, the tarball against
 * what it must hold. Each rule is planted broken and must be named; the repository's own CHANGELOG passes.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { changelogProblems, compareSemver, releaseHeadings } from "../../scripts/release/changelogRules";
import { exampleProblems } from "../../scripts/release/exampleRules";
import { linkedDocs } from "../../scripts/release/releaseCheck";
import {
  manifestTargets,
  tarballProblems,
  UNPACKED_SIZE_BUDGET,
  type TarballFacts,
} from "../../scripts/release/tarballRules";

const root = resolve(__dirname, "../..");
const changelog = (...releases: string[]) =>
  ["# Changelog", "", "## [Unreleased]", "", "- next", "", ...releases.flatMap((r) => [r, "", "- notes", ""])].join(
    "\n",
  );

describe("changelogProblems", () => {
  it("passes the repository's own CHANGELOG and package.json", () => {
    const { version } = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { version: string };
    expect(changelogProblems(version, readFileSync(resolve(root, "CHANGELOG.md"), "utf8"))).toEqual([]);
  });

  it("passes when the newest release is the version, dated, releases in descending order", () => {
    expect(changelogProblems("0.2.0", changelog("## [0.2.0] - 2026-12-07", "## [0.1.0] - 2026-12-01"))).toEqual([]);
  });

  it.each([
    [
      "a version bumped without its release",
      "0.3.0",
      ["## [0.2.0] - 2026-12-07"],
      /newest release is \[0\.2\.0\].*says 0\.3\.0/,
    ],
    [
      "a release written without bumping",
      "0.1.0",
      ["## [0.2.0] - 2026-12-07", "## [0.1.0] - 2026-12-01"],
      /newest release is \[0\.2\.0\]/,
    ],
    ["no release at all", "0.1.0", [], /no release heading/],
    ["a release without a date", "0.2.0", ["## [0.2.0]"], /\[0\.2\.0\] has no date/],
    ["an impossible date", "0.2.0", ["## [0.2.0] - 2026-02-30"], /2026-02-30 is not a YYYY-MM-DD date/],
    [
      "releases out of order",
      "0.2.0",
      ["## [0.2.0] - 2026-12-07", "## [0.3.0] - 2026-12-01"],
      /\[0\.3\.0\] is not older than \[0\.2\.0\]/,
    ],
    [
      "a non-semver heading",
      "0.2.0",
      ["## [0.2.0] - 2026-12-07", "## [v0.1] - 2026-12-01"],
      /\[v0\.1\] is not a semver version/,
    ],
    ["a non-semver version", "1.2", ["## [1.2] - 2026-12-07"], /package\.json version 1\.2 is not semver/],
  ])("names %s", (_, version, releases, problem) => {
    const problems = changelogProblems(version, changelog(...releases));
    expect(problems.some((line) => problem.test(line))).toBe(true);
  });

  it("reads the headings with their lines, skipping [Unreleased]", () => {
    expect(releaseHeadings(changelog("## [0.2.0] - 2026-12-07"))).toEqual([
      { version: "0.2.0", date: "2026-12-07", line: 7 },
    ]);
  });

  it.each([
    ["1.0.0", "0.9.9", 1],
    ["0.10.0", "0.9.0", 1],
    ["1.0.0-rc.1", "1.0.0", -1],
    ["1.0.0-alpha", "1.0.0-beta", -1],
    ["2.0.0", "2.0.0", 0],
  ])("compareSemver(%s, %s) has the sign %i", (a, b, sign) => {
    expect(Math.sign(compareSemver(a, b))).toBe(sign);
  });
});

describe("tarballProblems", () => {
  const map = (sourcesContent: unknown) =>
    JSON.stringify({ version: 3, sources: ["../../provider/index.ts"], sourcesContent });
  const good = (): TarballFacts => {
    const texts: Record<string, string> = {
      "dist/provider/index.js.map": map(["export {}"]),
      "dist/emulator/cli.js": "#!/usr/bin/env node\n'use strict';\n",
    };
    const paths = [
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "LICENSE",
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/index.js.map",
      "dist/emulator/cli.js",
      "docs/variants.md",
    ];
    return {
      files: paths.map((path) => ({ path, size: 10 })),
      unpackedSize: 1000,
      manifest: {
        main: "dist/provider/index.js",
        types: "dist/provider/index.d.ts",
        bin: { "huaweicloud-ecs-emulator": "dist/emulator/cli.js" },
        exports: {
          ".": { types: "./dist/provider/index.d.ts", default: "./dist/provider/index.js" },
          "./x/*.js": "./dist/x/*.js",
        },
      },
      linkedDocs: ["docs/variants.md"],
      read: (path) => texts[path] ?? "",
    };
  };
  const without = (facts: TarballFacts, path: string): TarballFacts => ({
    ...facts,
    files: facts.files.filter((file) => file.path !== path),
  });

  it("passes a tarball with everything it needs and nothing else", () => {
    expect(tarballProblems(good())).toEqual([]);
  });

  it.each([
    [
      "a source file",
      (f: TarballFacts) => ({ ...f, files: [...f.files, { path: "provider/index.ts", size: 1 }] }),
      /provider\/index\.ts is packed but is not part/,
    ],
    [
      "a test",
      (f: TarballFacts) => ({ ...f, files: [...f.files, { path: "dist/tests/x.test.js", size: 1 }] }),
      /dist\/tests\/x\.test\.js is packed/,
    ],
    [
      "the main entry missing",
      (f: TarballFacts) => without(f, "dist/provider/index.js"),
      /dist\/provider\/index\.js is missing/,
    ],
    ["the bin missing", (f: TarballFacts) => without(f, "dist/emulator/cli.js"), /dist\/emulator\/cli\.js is missing/],
    ["the LICENSE missing", (f: TarballFacts) => without(f, "LICENSE"), /LICENSE is missing/],
    [
      "a linked doc missing",
      (f: TarballFacts) => without(f, "docs/variants.md"),
      /docs\/variants\.md is linked from the README but missing/,
    ],
    [
      "a map without its sources",
      (f: TarballFacts) => ({ ...f, read: (p: string) => (p.endsWith(".map") ? map(undefined) : f.read(p)) }),
      /names \.\.\/\.\.\/provider\/index\.ts without its text/,
    ],
    [
      "a bin without its shebang",
      (f: TarballFacts) => ({ ...f, read: (p: string) => (p.endsWith("cli.js") ? "'use strict';\n" : f.read(p)) }),
      /does not start with "#!\/usr\/bin\/env node"/,
    ],
    [
      "a tarball over budget",
      (f: TarballFacts) => ({ ...f, unpackedSize: UNPACKED_SIZE_BUDGET + 1 }),
      /over the budget/,
    ],
  ])("names %s", (_, plant, problem) => {
    const problems = tarballProblems(plant(good()));
    expect(problems.some((line) => problem.test(line))).toBe(true);
  });

  it("lists every target package.json points at, leaving wildcard exports out", () => {
    expect(manifestTargets(good().manifest).sort()).toEqual([
      "dist/emulator/cli.js",
      "dist/provider/index.d.ts",
      "dist/provider/index.d.ts",
      "dist/provider/index.js",
      "dist/provider/index.js",
    ]);
  });
});

describe("linkedDocs", () => {
  it("finds the docs the README links, anchors dropped, each once", () => {
    const readme =
      "see [a](docs/variants.md) and [b](docs/reliability.md#faults), [c](docs/variants.md), [d](https://x/docs/y.md)";
    expect(linkedDocs(readme)).toEqual(["docs/reliability.md", "docs/variants.md"]);
  });
});

describe("exampleProblems", () => {
  const name = "pulumi-huaweicloud-ecs-power";
  it("passes examples that install this version's tarball", () => {
    const dependencies = { [name]: `file:../../${name}-0.2.0.tgz`, "@pulumi/pulumi": "3.248.0" };
    expect(exampleProblems(name, "0.2.0", [{ example: "a", dependencies }])).toEqual([]);
  });

  it("names an example still on the old tarball, and one without the package", () => {
    const old = { [name]: `file:../../${name}-0.1.0.tgz` };
    expect(exampleProblems(name, "0.2.0", [{ example: "a", dependencies: old }, { example: "b" }])).toEqual([
      `examples/a/package.json depends on ${name} file:../../${name}-0.1.0.tgz; expected file:../../${name}-0.2.0.tgz`,
      `examples/b/package.json depends on ${name} (not at all); expected file:../../${name}-0.2.0.tgz`,
    ]);
  });
});
