/** Flags of `npm run bench -- ...`. Pure: argv in, settings out; a bad flag is a BenchUsageError. */
import { parseArgs } from "node:util";

export const FULL_SIZES = [10, 100, 1000, 5000] as const;
export const QUICK_MAX = 1000;

export interface BenchSettings {
  readonly sizes: readonly number[];
  readonly quick: boolean;
  readonly json: boolean;
  /** Where to write the SVG chart, if anywhere. */
  readonly svgPath?: string;
  /** The pacing window of both sides, in seconds (Huawei's is 60). */
  readonly windowSeconds: number;
  /** How long a stop takes in the emulator. */
  readonly stopSeconds: number;
  readonly jobInitMs: number;
  /** The per-server alternative runs this many servers at most, then is extrapolated (unless fullAlternatives). */
  readonly perServerPrefix: number;
  readonly fullAlternatives: boolean;
  readonly skipAlternatives: boolean;
  readonly skipColdStart: boolean;
  /** Do not repeat each create in Pulumi's dynamic-provider host (its peak RSS). */
  readonly skipHostRun: boolean;
}

export type BenchCommand = { readonly kind: "help" } | { readonly kind: "run"; readonly settings: BenchSettings };

export class BenchUsageError extends Error {
  readonly code = "BENCH_USAGE";
  constructor(message: string) {
    super(message);
    this.name = "BenchUsageError";
  }
}

export const BENCH_HELP = `Usage: npm run bench -- [flags] [servers ...]

Converges fleets of ${FULL_SIZES.join(", ")} servers on the local emulator through the provider's lifecycle
methods, and compares with the official SDK's batch call and with Terraform's per-server pattern.

  servers ...                  fleet sizes to run (default ${FULL_SIZES.join(" ")})
  --quick                      only the sizes up to ${QUICK_MAX}
  --json                       print one JSON document on stdout (progress goes to stderr); use
                               npm run -s bench -- --json, or npm prints its own banner on stdout first
  --svg <path>                 also write a chart (SVG) of wall time against fleet size
  --window-seconds <s>         the pacing window on both sides, a shortened minute (default 5)
  --stop-seconds <s>           how long a stop takes in the emulator (default 3)
  --job-init-ms <ms>           how long a job stays INIT in the emulator (default 50)
  --per-server-prefix <k>      run the per-server pattern on the first k servers and extrapolate (default 100)
  --full-alternatives          run the per-server pattern on every server (about 17 min at 1000, 83 min at 5000)
  --skip-alternatives          measure the provider only
  --skip-cold-start            do not measure the provider host's cold start
  --skip-host-run              do not repeat each create in Pulumi's provider host (for the host's peak RSS)
  --help                       show this help`;

/** `what` names the value in the message: a flag (`--stop-seconds`) or `fleet size`. */
function positiveNumber(what: string, value: string | undefined, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed <= 0 || (integer && !Number.isInteger(parsed))) {
    throw new BenchUsageError(`${what} [${value}] must be a positive ${integer ? "whole number" : "number"}`);
  }
  return parsed;
}

function atMost(what: string, value: number, max: number): number {
  if (value > max)
    throw new BenchUsageError(
      `${what} [${value}] must be at most ${max} (the provider's huaweicloud:ecsPacingWindowSeconds allows up to ${max})`,
    );
  return value;
}

export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        quick: { type: "boolean" },
        json: { type: "boolean" },
        svg: { type: "string" },
        "window-seconds": { type: "string" },
        "stop-seconds": { type: "string" },
        "job-init-ms": { type: "string" },
        "per-server-prefix": { type: "string" },
        "full-alternatives": { type: "boolean" },
        "skip-alternatives": { type: "boolean" },
        "skip-cold-start": { type: "boolean" },
        "skip-host-run": { type: "boolean" },
        help: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { kind: "help" };
  const text = (flag: string) => values[flag] as string | undefined;
  const quick = values.quick === true;
  const explicit = parsed.positionals.map((value) => positiveNumber("fleet size", value, 0, true));
  const chosen = explicit.length > 0 ? explicit : [...FULL_SIZES];
  const sizes = [...new Set(quick ? chosen.filter((n) => n <= QUICK_MAX) : chosen)].sort((a, b) => a - b);
  if (sizes.length === 0)
    throw new BenchUsageError(`--quick keeps only fleets of at most ${QUICK_MAX} servers; none is left`);
  if (values["full-alternatives"] && values["skip-alternatives"]) {
    throw new BenchUsageError("--full-alternatives and --skip-alternatives exclude each other");
  }
  return {
    kind: "run",
    settings: {
      sizes,
      quick,
      json: values.json === true,
      ...(text("svg") !== undefined ? { svgPath: text("svg") } : {}),
      windowSeconds: atMost(
        "--window-seconds",
        positiveNumber("--window-seconds", text("window-seconds"), 5, true),
        3600,
      ),
      stopSeconds: positiveNumber("--stop-seconds", text("stop-seconds"), 3, false),
      jobInitMs: positiveNumber("--job-init-ms", text("job-init-ms"), 50, true),
      perServerPrefix: positiveNumber("--per-server-prefix", text("per-server-prefix"), 100, true),
      fullAlternatives: values["full-alternatives"] === true,
      skipAlternatives: values["skip-alternatives"] === true,
      skipColdStart: values["skip-cold-start"] === true,
      skipHostRun: values["skip-host-run"] === true,
    },
  };
}
