/**
 * Every shell command in the README and in each example's README works as written (issue 23). Each command
 * line is accounted for by exactly one rule: run here, run by `.ci/run` itself, run by a named test (whose
 * title must still exist), or needing the Pulumi CLI, which this machine does not have. A new command
 * that no rule accounts for fails the first test: add it to RULES with how it is checked.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const repoRoot = join(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { name: string; version: string };
const TARBALL = `${pkg.name}-${pkg.version}.tgz`;

interface Command {
  readonly file: string;
  readonly line: string;
}

/** The command lines of a Markdown file's `sh` blocks, trailing comments and comment-only lines dropped. */
export function shellCommands(file: string, markdown: string): Command[] {
  const commands: Command[] = [];
  let inShell = false;
  for (const raw of markdown.split("\n")) {
    if (/^```/.test(raw)) {
      inShell = !inShell && /^```(sh|bash|shell|console)\s*$/.test(raw);
      continue;
    }
    if (!inShell) continue;
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (line !== "" && !line.startsWith("#")) commands.push({ file, line });
  }
  return commands;
}

const READMES = [
  "README.md",
  ...readdirSync(join(repoRoot, "examples"))
    .map((example) => `examples/${example}/README.md`)
    .filter((file) => existsSync(join(repoRoot, file))),
];
const COMMANDS = READMES.flatMap((file) => shellCommands(file, readFileSync(join(repoRoot, file), "utf8")));

/** A test that runs a command: its file and a title it must still have. */
const CONSUMER = "tests/consumer/consumer.test.ts";
const EXAMPLE_INSTALL =
  "an example installs as its README says: the tarball from npm pack at the root, then npm install";

type How =
  | { readonly by: "here" }
  | { readonly by: "ci" }
  | { readonly by: "test"; readonly file: string; readonly title: string }
  | { readonly by: "pulumi-cli" };

const RULES: readonly { readonly pattern: RegExp; readonly how: How }[] = [
  { pattern: /^npm (ci|test)$/, how: { by: "ci" } },
  { pattern: /^npx jest tests\/\S+\.test\.ts( -t "[^"]+")?$/, how: { by: "here" } },
  { pattern: /^npm run emulator -- --port \d+ --seed \d+$/, how: { by: "here" } },
  { pattern: /^npm run demo$/, how: { by: "test", file: "tests/demo.test.ts", title: "npm run demo" } },
  {
    pattern: /^\(?(cd \.\.\/\.\. && )?npm ci && npm pack\)?$/,
    how: { by: "test", file: CONSUMER, title: EXAMPLE_INSTALL },
  },
  { pattern: /^npm install$/, how: { by: "test", file: CONSUMER, title: EXAMPLE_INSTALL } },
  {
    pattern: new RegExp(`^cd \\S+ && npm install \\S+/${TARBALL.replace(/\./g, "\\.")}$`),
    how: { by: "test", file: CONSUMER, title: "installs one copy of @pulumi/pulumi, the program's own" },
  },
  { pattern: /^(pulumi\s.+|export PULUMI_CONFIG_PASSPHRASE=\S+)$/, how: { by: "pulumi-cli" } },
];

function howChecked(line: string): How | undefined {
  return RULES.find((rule) => rule.pattern.test(line))?.how;
}

function commandsBy(by: How["by"]): Command[] {
  return COMMANDS.filter((command) => howChecked(command.line)?.by === by);
}

describe("the shell commands of the README and the examples' READMEs", () => {
  it("are found: the README's two commands, and npm install (not npm ci: no lockfile) in each example with a package.json", () => {
    expect(COMMANDS.filter((c) => c.file === "README.md").map((c) => c.line)).toEqual(
      expect.arrayContaining(["npm ci", "npm test"]),
    );
    const examples = readdirSync(join(repoRoot, "examples")).filter((e) =>
      existsSync(join(repoRoot, "examples", e, "package.json")),
    );
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const lines = COMMANDS.filter((c) => c.file === `examples/${example}/README.md`).map((c) => c.line);
      expect({ example, lines }).toEqual({ example, lines: expect.arrayContaining(["npm install"]) });
      expect({ example, lines }).toEqual({ example, lines: expect.not.arrayContaining(["npm ci"]) });
    }
  });

  it("are each run here, by .ci/run, by a named test, or need the Pulumi CLI", () => {
    expect(COMMANDS.filter((command) => howChecked(command.line) === undefined)).toEqual([]);
  });

  it("those .ci/run runs are its own command lines, as written", () => {
    const ci = readFileSync(join(repoRoot, ".ci/run"), "utf8").split("\n");
    for (const { line } of commandsBy("ci")) {
      const inCi = ci.some((ciLine) => ciLine.trim() === line || ciLine.trimEnd().endsWith(` ${line}`));
      expect({ line, inCi }).toEqual({ line, inCi: true });
    }
  });

  it("those a test runs name a test that still exists", () => {
    for (const { line } of COMMANDS) {
      const how = howChecked(line);
      if (how?.by !== "test") continue;
      const source = readFileSync(join(repoRoot, how.file), "utf8");
      expect({ line, title: how.title, found: source.includes(how.title) }).toEqual({
        line,
        title: how.title,
        found: true,
      });
    }
  });

  it("the tarball the README installs is the one npm pack makes of this version", () => {
    const named = COMMANDS.flatMap(({ line }) => line.match(/\S+\.tgz/g) ?? []).map((path) => path.split("/").pop());
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([TARBALL]));
  });
});

describe("the commands run here, as written", () => {
  it.each(commandsBy("here").filter((c) => c.line.startsWith("npx jest")))(
    "$file: $line",
    ({ line }) => {
      const [, file, title] = /^npx jest (\S+)(?: -t "([^"]+)")?$/.exec(line)!;
      expect(existsSync(join(repoRoot, file!))).toBe(true);
      if (title !== undefined) {
        // Its file runs in the suite anyway: here only that the filter selects a test by that name.
        expect(readFileSync(join(repoRoot, file!), "utf8")).toMatch(
          new RegExp(`(it|describe)(\\.each\\(.*?\\))?\\(\\s*["'\`][^"'\`]*${title}`),
        );
        return;
      }
      const run = spawnSync("npx", ["jest", file!, "--maxWorkers=1"], { cwd: repoRoot, encoding: "utf8" });
      expect({ status: run.status, summary: /Tests:\s+\d+ passed, \d+ total/.test(run.stderr) }).toEqual({
        status: 0,
        summary: true,
      });
    },
    120_000,
  );

  it.each(commandsBy("here").filter((c) => c.line.startsWith("npm run emulator")))(
    "$file: $line (on a free port) prints the URL, the credentials and the seeded id range, and stops on SIGTERM",
    async ({ line }) => {
      const args = line
        .replace(/^npm /, "")
        .replace(/--port \d+/, "--port 0")
        .split(" ");
      const child = spawn("npm", args, { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
      const exited = new Promise<string>((settle) =>
        child.once("exit", (code, signal) => settle(`code ${code}, signal ${signal}`)),
      );
      const lines: string[] = [];
      try {
        await new Promise<void>((settle) => {
          createInterface({ input: child.stdout! }).on("line", (text) => {
            lines.push(text);
            if (text.startsWith("  seeded servers")) settle();
          });
        });
      } finally {
        child.kill("SIGTERM");
      }
      // npm forwards the signal to the emulator, which stops; npm then ends with code 0 or by the same
      // signal, depending on which of the two notices first (npm's own race, not ours).
      expect(["code 0, signal null", "code null, signal SIGTERM"]).toContain(await exited);
      const url = /^ECS emulator listening on (\S+)$/.exec(lines.find((l) => l.startsWith("ECS emulator")) ?? "")?.[1];
      // The emulator stops within a few seconds of the signal (it closes its connections first).
      let after: string | undefined;
      for (let attempt = 0; attempt < 50 && after !== "ECONNREFUSED"; attempt += 1) {
        if (attempt > 0) await new Promise((settle) => setTimeout(settle, 100));
        after = await fetch(`${url}/_emulator/servers`).then(
          (response) => `served ${response.status}`,
          (error: Error & { cause?: { code?: string } }) => error.cause?.code,
        );
      }
      expect(after).toBe("ECONNREFUSED");
      const seed = Number(/--seed (\d+)/.exec(line)![1]);
      const last = String(seed - 1).padStart(12, "0");
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^ECS emulator listening on http:\/\/127\.0\.0\.1:\d+$/),
          "  project id        0e1d2c3b4a5960718293a4b5c6d7e8f9",
          "  access key        EMULATORACCESSKEY000",
          expect.stringMatching(/^ {2}secret key {8}emulator-public-test-key/),
          expect.stringContaining(`${seed}: 00000000-0000-4000-8000-000000000000 .. 00000000-0000-4000-8000-${last}`),
        ]),
      );
    },
    60_000,
  );
});
