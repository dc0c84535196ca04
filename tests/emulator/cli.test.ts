/**
 * `npm run emulator` as a process: the CLI stays up through an outage (POST /_emulator/outage) and answers
 * again after it, then stops on SIGTERM with exit code 0. Before the fix, the process exited with code 0
 * during the outage: the emulator's restart timer is unref'd, so nothing kept the CLI alive.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { resolve } from "node:path";

const repoRoot = resolve(__dirname, "../..");

interface CliProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** The package.json script, run with this node (as tests/demo.test.ts does). */
async function startCli(): Promise<CliProcess> {
  const child = spawn(
    process.execPath,
    [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "emulator/cli.ts", "--port", "0"],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = /^ECS emulator listening on (\S+)/.exec(line);
      if (match) resolveUrl(match[1]!);
    });
    void exited.then((code) => reject(new Error(`the CLI exited (code ${code}) before listening`)));
  });
  return { child, url, exited };
}

/** Polls until the admin API answers (the outage's end), at most `tries` times. */
async function answersAgain(url: string, tries: number): Promise<number> {
  for (let attempt = 0; attempt < tries; attempt++) {
    const status = await fetch(`${url}/_emulator/servers`).then(
      (response) => response.status,
      () => undefined,
    );
    if (status !== undefined) return status;
    await new Promise((wake) => setTimeout(wake, 100));
  }
  throw new Error(`the emulator did not answer again after ${tries} tries`);
}

describe("the emulator CLI", () => {
  it("survives an outage, answers after it, and stops on SIGTERM with code 0", async () => {
    const cli = await startCli();
    let exitCode: number | null | "running" = "running";
    void cli.exited.then((code) => (exitCode = code));
    try {
      const outage = await fetch(`${cli.url}/_emulator/outage`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seconds: 1 }),
      });
      expect(outage.status).toBe(202);
      await expect(fetch(`${cli.url}/_emulator/servers`)).rejects.toThrow();
      expect(await answersAgain(cli.url, 300)).toBe(200);
      expect(exitCode).toBe("running");
    } finally {
      cli.child.kill("SIGTERM");
    }
    expect(await cli.exited).toBe(0);
  }, 60_000);
});
