/** Command-line flags of `npm run emulator -- ...`, mapped onto EmulatorOptions. */
import { parseArgs } from "node:util";
import {
  DEFAULT_BATCH_WINDOW_SECONDS,
  DEFAULT_CLI_PORT,
  DEFAULT_EMULATOR_CREDENTIALS,
  DEFAULT_JOB_INIT_MS,
  DEFAULT_JOB_TTL_SECONDS,
  DEFAULT_REBOOT_SECONDS,
  DEFAULT_START_SECONDS,
  DEFAULT_STOP_SECONDS,
} from "./defaults";
import type { EmulatorOptions } from "./resolveEmulatorOptions";
import { DEFAULT_SERVERS_PER_MINUTE } from "../provider/constants";

export class CliUsageError extends Error {
  readonly code = "EMULATOR_CLI_USAGE";
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

export type CliCommand = { readonly kind: "help" } | { readonly kind: "run"; readonly options: EmulatorOptions };

export const CLI_HELP = `Usage: npm run emulator -- [flags]

A local Huawei Cloud ECS (and IAM projects) emulator on loopback, for development and tests.

  --port <n|0>                 port to listen on; 0 picks a free one (default ${DEFAULT_CLI_PORT})
  --host <addr>                loopback address to bind (default 127.0.0.1; others are refused)
  --access-key <ak>            accepted access key (default ${DEFAULT_EMULATOR_CREDENTIALS.accessKey})
  --secret-key <sk>            its secret key (default: the built-in test key, printed on start)
  --project-id <id>            project id, 32 hex digits (default ${DEFAULT_EMULATOR_CREDENTIALS.projectId})
  --region <name>              region, the name IAM answers for (default ${DEFAULT_EMULATOR_CREDENTIALS.region})
  --stop-seconds <s>           duration of a stop, fractions allowed (default ${DEFAULT_STOP_SECONDS})
  --start-seconds <s>          duration of a start (default ${DEFAULT_START_SECONDS})
  --reboot-seconds <s>         duration of a reboot (default ${DEFAULT_REBOOT_SECONDS})
  --job-init-ms <ms>           how long a new job stays INIT (default ${DEFAULT_JOB_INIT_MS})
  --job-ttl-seconds <s>        finished jobs are deleted this long after they end (default ${DEFAULT_JOB_TTL_SECONDS})
  --already-in-state <mode>    stop on SHUTOFF / start on ACTIVE: reject | fail-subjob | noop (default reject)
  --unknown-server <mode>      unknown id in an action: reject | fail-subjob (default reject)
  --batch-per-minute <n>       servers accepted per rolling minute, 0 = unlimited (default ${DEFAULT_SERVERS_PER_MINUTE})
  --batch-window-seconds <s>   length of that "minute", to compress time in benchmarks (default ${DEFAULT_BATCH_WINDOW_SECONDS})
  --rate-limit <n>             API requests per second, 0 = unlimited (default 0)
  --seed <n>                   add n servers with deterministic ids, even ones ACTIVE, odd ones SHUTOFF, tagged parity=even / odd (default 0)
  --help                       show this help

The first line printed is "ECS emulator listening on http://127.0.0.1:<port>". Admin API: <url>/_emulator/.
Stops on SIGINT/SIGTERM.`;

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) throw new CliUsageError(`--${flag} [${value}] must be a number`);
  return parsed;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliUsageError(`--${flag} [${value}] must be one of ${allowed.join(", ")}`);
  }
  return value as T;
}

export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "access-key": { type: "string" },
        "secret-key": { type: "string" },
        "project-id": { type: "string" },
        region: { type: "string" },
        "stop-seconds": { type: "string" },
        "start-seconds": { type: "string" },
        "reboot-seconds": { type: "string" },
        "job-init-ms": { type: "string" },
        "job-ttl-seconds": { type: "string" },
        "already-in-state": { type: "string" },
        "unknown-server": { type: "string" },
        "batch-per-minute": { type: "string" },
        "batch-window-seconds": { type: "string" },
        "rate-limit": { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { kind: "help" };
  const text = (flag: string) => values[flag] as string | undefined;
  const options: EmulatorOptions = {
    port: number("port", text("port")) ?? DEFAULT_CLI_PORT,
    host: text("host"),
    accessKey: text("access-key"),
    secretKey: text("secret-key"),
    projectId: text("project-id"),
    region: text("region"),
    stopSeconds: number("stop-seconds", text("stop-seconds")),
    startSeconds: number("start-seconds", text("start-seconds")),
    rebootSeconds: number("reboot-seconds", text("reboot-seconds")),
    jobInitMs: number("job-init-ms", text("job-init-ms")),
    jobTtlSeconds: number("job-ttl-seconds", text("job-ttl-seconds")),
    alreadyInState: oneOf("already-in-state", text("already-in-state"), ["reject", "fail-subjob", "noop"] as const),
    unknownServer: oneOf("unknown-server", text("unknown-server"), ["reject", "fail-subjob"] as const),
    batchPerMinute: number("batch-per-minute", text("batch-per-minute")),
    batchWindowSeconds: number("batch-window-seconds", text("batch-window-seconds")),
    rateLimit: number("rate-limit", text("rate-limit")),
    seed: number("seed", text("seed")),
  };
  // Absent flags stay absent so the option defaults apply.
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { kind: "run", options: defined as EmulatorOptions };
}
