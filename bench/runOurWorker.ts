/** Runs bench/ourWorker in a fresh node process (plain JavaScript, see compileWorker.ts) and reads its result. */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { WORKER_RESULT_PREFIX, WORKER_SPEC_ENV, type WorkerResult, type WorkerSpec } from "./workerProtocol";

export async function runOurWorker(
  workerPath: string,
  spec: WorkerSpec,
  onLine: (line: string) => void,
): Promise<WorkerResult> {
  const child = spawn(process.execPath, [workerPath], {
    env: { ...process.env, [WORKER_SPEC_ENV]: JSON.stringify(spec) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let result: WorkerResult | undefined;
  const errors: string[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith(WORKER_RESULT_PREFIX))
      result = JSON.parse(line.slice(WORKER_RESULT_PREFIX.length)) as WorkerResult;
    else onLine(line);
  });
  createInterface({ input: child.stderr }).on("line", (line) => {
    errors.push(line);
    onLine(line);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0 || result === undefined)
    throw new Error(`the provider worker failed (exit code ${code}):\n${errors.slice(-20).join("\n")}`);
  return result;
}
