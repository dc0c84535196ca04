/**
 * Every export of the package's two entries carries TSDoc (what an editor shows on hover, and the shipped
 * .d.ts docs), and so does every field of the resource's arguments: a user reads them there first.
 */
import { resolve } from "node:path";
import * as ts from "typescript";

const root = resolve(__dirname, "../..");
const ENTRIES = ["provider/index.ts", "emulator/index.ts"];
/** The inputs a program writes: each field documented, not only the type. */
const FIELDS_DOCUMENTED = ["ServerPowerStateArgs", "SelectorArgs"];

const program = ts.createProgram(
  ENTRIES.map((entry) => resolve(root, entry)),
  { strict: true, skipLibCheck: true, noEmit: true },
);
const checker = program.getTypeChecker();
const docOf = (symbol: ts.Symbol): string => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();

function exportsOf(entry: string): ts.Symbol[] {
  const module = checker.getSymbolAtLocation(program.getSourceFile(resolve(root, entry))!)!;
  return checker
    .getExportsOfModule(module)
    .map((symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol));
}

describe.each(ENTRIES)("%s", (entry) => {
  it("documents every export", () => {
    const exported = exportsOf(entry);
    expect(exported.length).toBeGreaterThan(10);
    expect(exported.filter((symbol) => docOf(symbol) === "").map((symbol) => symbol.getName())).toEqual([]);
  });
});

describe.each(FIELDS_DOCUMENTED)("%s", (name) => {
  it("documents every field", () => {
    const symbol = exportsOf("provider/index.ts").find((s) => s.getName() === name)!;
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const fields = checker.getPropertiesOfType(type);
    expect(fields.length).toBeGreaterThan(3);
    expect(fields.filter((field) => docOf(field) === "").map((field) => field.getName())).toEqual([]);
  });
});
