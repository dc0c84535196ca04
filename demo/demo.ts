/**
 * `npm run demo`: the root Pulumi program against the local ECS emulator, preview to destroy (the
 * story is in runDemo.ts). Exit code 0 when every step went as shown, 1 with the error otherwise.
 */
import { runDemo } from "./runDemo";
import { createPalette } from "./createPalette";

const colors = Boolean(process.stdout.isTTY) && process.env["NO_COLOR"] === undefined;
const say = (line: string): void => void process.stdout.write(`${line}\n`);

runDemo({ say, colors }).then(
  () => {
    // Not process.exit(): the process ends once nothing is left running, which shows nothing was left.
    process.exitCode = 0;
  },
  (error: unknown) => {
    // Errors with a `code` (a failed step, a status mismatch) explain themselves; anything else is a bug: show where.
    const coded = error instanceof Error && typeof (error as { code?: unknown }).code === "string";
    const text = error instanceof Error ? (coded ? error.message : (error.stack ?? error.message)) : String(error);
    say("");
    say(createPalette(colors).red(`demo failed: ${text}`));
    process.exitCode = 1;
  },
);
