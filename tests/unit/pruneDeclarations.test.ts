/**
 * The build's declaration check (scripts/pruneDeclarations.ts): it follows each entry's relative imports
 * through the emitted .d.ts files and names every kept file that imports zod or undici, so a public type
 * that starts naming a zod type fails `npm run build` (and `npm pack`) instead of a user's program.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forbiddenImports, packageOf, reachableDeclarations, specifiersOf } from "../../scripts/pruneDeclarations";

describe("specifiersOf", () => {
  it.each([
    ['import { z } from "zod";', ["zod"]],
    ["export type { A } from './a';", ["./a"]],
    ['export declare const s: import("zod").ZodString;', ["zod"]],
    ['import "./side-effect";', ["./side-effect"]],
    ["/** no import here */ export declare const n = 1;", []],
  ])("%s → %j", (text, expected) => {
    expect(specifiersOf(text)).toEqual(expected);
  });
});

describe("packageOf", () => {
  it.each([
    ["zod", "zod"],
    ["zod/v4/core", "zod"],
    ["@pulumi/pulumi", "@pulumi/pulumi"],
    ["@pulumi/pulumi/dynamic", "@pulumi/pulumi"],
  ])("%s → %s", (specifier, expected) => {
    expect(packageOf(specifier)).toBe(expected);
  });
});

describe("reachableDeclarations and forbiddenImports", () => {
  let dist: string;
  const write = (path: string, text: string): void => {
    mkdirSync(join(dist, path, ".."), { recursive: true });
    writeFileSync(join(dist, path), text);
  };

  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), "prune-"));
    write("emulator/index.d.ts", 'export type { A } from "./publicTypes";\nexport { start } from "./start";\n');
    write("emulator/publicTypes.d.ts", "export interface A { readonly id: string }\n");
    write(
      "emulator/start.d.ts",
      'import type { A } from "./publicTypes";\nexport declare function start(a: A): void;\n',
    );
    write("emulator/schemas.d.ts", 'import { z } from "zod";\nexport declare const s: z.ZodString;\n');
  });
  afterEach(() => rmSync(dist, { recursive: true, force: true }));

  it("keeps what the entry reaches and finds no forbidden import when the schemas are out of reach", () => {
    const kept = reachableDeclarations(join(dist, "emulator/index.d.ts"));
    expect([...kept.keys()].map((file) => file.slice(dist.length + 1)).sort()).toEqual([
      "emulator/index.d.ts",
      "emulator/publicTypes.d.ts",
      "emulator/start.d.ts",
    ]);
    expect(forbiddenImports(dist, kept)).toEqual([]);
  });

  it("names the file that brings zod within reach, however indirectly", () => {
    write(
      "emulator/start.d.ts",
      'import type { s } from "./schemas";\nexport declare function start(a: typeof s): void;\n',
    );
    const kept = reachableDeclarations(join(dist, "emulator/index.d.ts"));
    expect(forbiddenImports(dist, kept)).toEqual(["emulator/schemas.d.ts imports zod"]);
  });

  it("fails on a relative import with no declaration file", () => {
    write("emulator/start.d.ts", 'export { gone } from "./gone";\n');
    expect(() => reachableDeclarations(join(dist, "emulator/index.d.ts"))).toThrow(
      /start\.d\.ts imports \.\/gone, which has no declaration file/,
    );
  });
});
