/**
 * Every "(README, Section)" / "(docs/x.md, Section)" reference and every relative Markdown link in the
 * code, its comments (the shipped .d.ts docs come from them), the docs and the examples names a file and a
 * section that exist (scripts/docs/references.ts). Planted broken references are named.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import {
  brokenReference,
  findReferences,
  hasSection,
  headings,
  joinPath,
  slug,
  type Reference,
} from "../../scripts/docs/references";

const root = resolve(__dirname, "../..");
const SCANNED = ["provider", "emulator", "examples", "scripts", "bench", "demo", "docs", ".github"];
const ROOT_FILES = ["README.md", "CHANGELOG.md", "index.ts"];

function walk(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : walk(path);
    return /\.(ts|md|yml)$/.test(entry.name) ? [path] : [];
  });
}

/** A file's text; "" for a folder (a link to `examples/`); undefined when there is nothing at the path. */
function read(path: string): string | undefined {
  const full = join(root, path);
  if (!existsSync(full)) return undefined;
  return statSync(full).isDirectory() ? "" : readFileSync(full, "utf8");
}

function referencesIn(path: string): Reference[] {
  const dir = dirname(path) === "." ? "" : dirname(path);
  return findReferences(path, read(path)!, dir);
}

describe("references in the repository", () => {
  const files = [...ROOT_FILES, ...SCANNED.filter((dir) => existsSync(join(root, dir))).flatMap(walk)];

  it("scans the code, the docs and the examples", () => {
    expect(files).toEqual(expect.arrayContaining(["README.md", "provider/index.ts", "docs/variants.md"]));
    expect(files.some((file) => file.startsWith("examples/"))).toBe(true);
  });

  it("every reference names a file and a section that exist", () => {
    const refs = files.flatMap(referencesIn);
    expect(refs.length).toBeGreaterThan(20);
    expect(refs.map((ref) => brokenReference(ref, read)).filter((problem) => problem !== undefined)).toEqual([]);
  });

  it("the built declarations, when present, reference only what exists", () => {
    const dist = join(root, "dist/provider");
    if (!existsSync(dist)) return;
    const declarations = readdirSync(dist).filter((name) => name.endsWith(".d.ts"));
    const refs = declarations.flatMap((name) =>
      findReferences(relative(root, join(dist, name)), readFileSync(join(dist, name), "utf8"), "dist/provider"),
    );
    const sectionRefs = refs.filter((ref) => ref.sections.length > 0 || ref.file.startsWith("docs/"));
    expect(sectionRefs.map((ref) => brokenReference(ref, read)).filter((problem) => problem !== undefined)).toEqual([]);
  });
});

describe("planted broken references are named", () => {
  const docs: Record<string, string> = {
    "README.md": "# Title\n\n## Local ECS emulator\n\n### Faults\n\n## Outputs\n\n```sh\n# not a heading\n```\n",
    "docs/variants.md": "# Variants\n\n## `listLagSeconds`\n",
  };
  const readPlanted = (path: string) => docs[path];
  const problems = (line: string, path = "provider/x.ts") =>
    findReferences(path, line, dirname(path) === "." ? "" : dirname(path))
      .map((ref) => brokenReference(ref, readPlanted))
      .filter((problem) => problem !== undefined);

  it.each([
    ["/** (README, Local ECS emulator, Faults) */", []],
    ["/** (README, Outputs) */", []],
    ["/** (docs/variants.md, `listLagSeconds`) */", []],
    ["/** (docs/variants.md) */", []],
    ["[faults](README.md#faults) and [outputs](#outputs)", []],
  ])("%s holds", (line, expected) => {
    expect(problems(line, line.startsWith("[") ? "README.md" : "provider/x.ts")).toEqual(expected);
  });

  it.each([
    ["/** (README, Client) */", 'provider/x.ts:1: README.md has no section "Client"'],
    ["/** (README, Faults, Local ECS emulator) */", 'README.md has no section "Faults" › "Local ECS emulator"'],
    ["/** (README, Outputs, Faults) */", 'README.md has no section "Outputs" › "Faults"'],
    ["/** (docs/client.md) */", "docs/client.md does not exist"],
    ["/** (docs/variants.md, `hardDuringSoft`) */", 'docs/variants.md has no section "`hardDuringSoft`"'],
    ["see [x](docs/missing.md)", "docs/missing.md does not exist"],
    ["see [x](#not-a-heading)", "README.md has no heading for #not-a-heading"],
    ["see [x](README.md#local-ecs-emulator-faults)", "has no heading for #local-ecs-emulator-faults"],
  ])("%s is named", (line, problem) => {
    const path = line.startsWith("see") ? "README.md" : "provider/x.ts";
    expect(problems(line, path)).toEqual([expect.stringContaining(problem)]);
  });
});

describe("the pieces", () => {
  it.each([
    ["After an interrupted `pulumi up`", "after-an-interrupted-pulumi-up"],
    ["Selecting servers by tag", "selecting-servers-by-tag"],
    ["Admin API (unsigned, loopback only)", "admin-api-unsigned-loopback-only"],
    ["At most 10000 ids per resource", "at-most-10000-ids-per-resource"],
  ])("slug(%j) is %j, as GitHub makes it", (text, expected) => {
    expect(slug(text)).toBe(expected);
  });

  it("headings skip fenced code and keep their level", () => {
    expect(headings("# A\n```\n# b\n```\n### C ###\n")).toEqual([
      { level: 1, text: "A" },
      { level: 3, text: "C" },
    ]);
  });

  it("a nested section must sit inside its parent", () => {
    const all = headings("## A\n### B\n## C\n### D\n");
    expect([hasSection(all, ["A", "B"]), hasSection(all, ["C", "D"]), hasSection(all, ["A", "D"])]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it.each([
    ["", "docs/x.md", "docs/x.md"],
    ["examples/park-by-tag", "../../README.md", "README.md"],
    ["docs", "./variants.md", "docs/variants.md"],
  ])("joinPath(%j, %j) is %j", (dir, path, expected) => {
    expect(joinPath(dir, path)).toBe(expected);
  });
});
