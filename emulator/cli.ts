#!/usr/bin/env node
/**
 * The `huaweicloud-ecs-emulator` command of the package (`npx huaweicloud-ecs-emulator --port 0` in a
 * program that installed it; `npm run emulator -- --port 0` in this repository): runs the emulator until
 * SIGINT/SIGTERM. Its first line on stdout is the URL line.
 */
import { formatStartupBanner } from "./formatStartupBanner";
import { CLI_HELP, CliUsageError, parseCliArgs } from "./parseCliArgs";
import { EmulatorOptionsError } from "./resolveEmulatorOptions";
import { startEmulator } from "./startEmulator";

async function main(): Promise<void> {
  const command = parseCliArgs(process.argv.slice(2));
  if (command.kind === "help") {
    process.stdout.write(`${CLI_HELP}\n`);
    return;
  }
  const emulator = await startEmulator({ ...command.options, log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`${formatStartupBanner(emulator).join("\n")}\n`);
  // The emulator's own timers are unref'd (a test's emulator must not keep its process alive), so
  // during an outage (POST /_emulator/outage) nothing would keep this one up: it would exit 0 and never
  // come back. The CLI runs until a signal, so it holds the event loop open itself.
  const keepAlive = setInterval(() => undefined, 60 * 60 * 1000);
  const shutdown = (signal: NodeJS.Signals) => {
    clearInterval(keepAlive);
    process.stdout.write(`${signal}: stopping\n`);
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof CliUsageError || error instanceof EmulatorOptionsError) {
    process.stderr.write(`${error.message}\nRun with --help for the flags.\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
