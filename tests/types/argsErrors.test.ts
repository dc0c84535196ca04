/**
 * What a program's author reads when ServerPowerStateArgs refuses a value: the compiler's message names
 * the allowed values (the literal unions are written out, not hidden behind an alias), and an empty
 * selector's names the fields it needs. Compiled with the TypeScript API against provider/index.ts.
 */
import { resolve } from "node:path";
import * as ts from "typescript";

const root = resolve(__dirname, "../..");
const SNIPPET = resolve(root, "tests/types/__snippet__.ts");

/** The compiler's messages for one program snippet (its imports resolve from tests/types/). */
function errorsOf(code: string): string {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, types: [], baseUrl: root };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (resolve(file) === SNIPPET ? code : readFile(file));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => resolve(file) === SNIPPET || fileExists(file);
  const program = ts.createProgram([SNIPPET], options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(SNIPPET))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))
    .join("\n");
}

const program = (args: string) =>
  `import { ServerPowerState } from "../../provider";\nnew ServerPowerState("x", ${args});\n`;
const ID = '"616fb98f-46ca-475e-917e-2563e5a8cd19"';

describe("ServerPowerStateArgs' compile errors", () => {
  it("compiles a correct program (the harness sees no error where there is none)", () => {
    expect(errorsOf(program(`{ serverIds: [${ID}], state: "running" }`))).toBe("");
  });

  it.each([
    ["state", `{ serverIds: [${ID}], state: "stoped" }`, `"stopped" | "running"`],
    ["stopType", `{ serverIds: [${ID}], stopType: "soft" }`, `"SOFT" | "HARD"`],
    ["onDelete", `{ serverIds: [${ID}], onDelete: "keep" }`, `"leave" | "restore"`],
  ])("a bad %s names the allowed values", (_, args, allowed) => {
    expect(errorsOf(program(args))).toContain(allowed);
  });

  it("no servers: the message says a property naming the servers is missing", () => {
    // TypeScript reports the last member of the union it tried: `selector` (or `serverIds`) is missing.
    expect(errorsOf(program(`{ state: "stopped" }`))).toMatch(/Property '(selector|serverIds)' is missing/);
  });

  it("an empty selector: the message names a field it needs", () => {
    expect(errorsOf(program(`{ selector: {} }`))).toMatch(/tags|name|namePattern/);
  });
});
