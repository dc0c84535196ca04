/**
 * The emulator in a child process (`emulator/cli.ts` under ts-node, as `npm run emulator` runs it),
 * so that neither its CPU nor its memory is counted as the provider's.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface EmulatorProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const BANNER_PREFIX = "ECS emulator listening on ";

export async function startEmulatorProcess(flags: readonly string[]): Promise<EmulatorProcess> {
  const root = join(__dirname, "..");
  const tsNodeBin = require.resolve("ts-node/dist/bin.js");
  const child = spawn(
    process.execPath,
    [tsNodeBin, "--transpile-only", join(root, "emulator", "cli.ts"), "--port", "0", ...flags],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const errors: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => errors.push(line));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the emulator printed no URL within 60 s")), 60_000);
    // Later lines (one per request) are read and dropped, so the pipe never fills.
    lines.on("line", (line) => {
      if (line.startsWith(BANNER_PREFIX)) {
        clearTimeout(timer);
        resolve(line.slice(BANNER_PREFIX.length).trim());
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code} before listening: ${errors.join("\n")}`));
    });
  });
  return {
    url,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(killTimer);
      }
    },
  };
}
