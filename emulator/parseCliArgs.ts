/** Command-line flags of `huaweicloud-ecs-emulator` (`npm run emulator -- ...` here), mapped onto EmulatorOptions. */
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
import { nearestFlag } from "./nearestFlag";
import type { EmulatorOptions } from "./publicTypes";
import {
  ALREADY_IN_STATE,
  BATCH_LIMIT_ANSWERS,
  DEFAULT_IGNORED_SOFT_STOP_SECONDS,
  DEFAULT_MAX_URI_BYTES,
  ERROR_BODY_SHAPES,
  GATEWAY_BODY_SHAPES,
  HIDDEN_TASK_ACTIONS,
  LIST_WITHOUT_ENTERPRISE_PROJECT,
  NAME_MATCHES,
  HARD_DURING_SOFT,
  IGNORED_SOFT_STOP,
  SUB_JOB_SHAPES,
  UNKNOWN_SERVER,
  variantFlag,
  type VariantName,
} from "./variants";
import { DEFAULT_SERVERS_PER_MINUTE } from "../provider/constants";

export class CliUsageError extends Error {
  readonly code = "EMULATOR_CLI_USAGE";
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

export type CliCommand = { readonly kind: "help" } | { readonly kind: "run"; readonly options: EmulatorOptions };

export const CLI_HELP = `Usage: huaweicloud-ecs-emulator [flags]   (in this repository: npm run emulator -- [flags])

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

Variants (answers no source settles; docs/variants.md; also GET/PATCH <url>/_emulator/variants):
  --already-in-state <mode>    stop on SHUTOFF / start on ACTIVE: reject | fail-subjob | noop (default reject)
  --unknown-server <mode>      unknown id in an action: reject | fail-subjob (default reject)
  --throttle-retry-after <b>   throttling answers carry Retry-After: true | false (default false)
  --rate-limit-window-seconds <s>  the window --rate-limit counts over (default 60)
  --hard-during-soft <mode>    HARD stop while a SOFT stop runs: supersede | reject-400 | reject-409 | fail-subjob (default supersede)
  --ignored-soft-stop <mode>   SOFT stop the guest ignores (stuck fault): stay | fail | force (default stay)
  --ignored-soft-stop-seconds <s>  when fail / force end it (default ${DEFAULT_IGNORED_SOFT_STOP_SECONDS})
  --list-lag-seconds <s>       the list shows the old status this long after a transition ends (default 0)
  --sub-jobs <shape>           batch jobs' sub-jobs: per-server | none | no-server-id (default per-server)
  --error-bodies <shape>       ECS error bodies: nested | flat | top-level (default nested)
  --batch-limit-answer <kind>  over the servers-per-minute limit: throttle | ecs-0118 (default throttle)
  --require-encoded-commas <b> refuse lists whose server_id commas are not %2C: true | false (default false)
  --max-uri-bytes <n>          longer request URIs get 414 APIGW.0201 (default ${DEFAULT_MAX_URI_BYTES})
  --list-name-match <mode>     the list's name filter (a regex search): case-sensitive | case-insensitive (default case-sensitive)
  --authorized-enterprise-projects <ids>  comma-separated EP ids the access key is authorized for; empty = every EP (default empty)
  --list-without-enterprise-project <mode>  a list without enterprise_project_id: forbidden | all | default-only (default forbidden)
  --gateway-bodies <shape>     the gateway's own errors (APIGW.*): flat | error-message (default flat)
  --hidden-task-ms <ms>        an accepted job stays INIT this long with its servers showing no task (default 0)
  --hidden-task-action <mode>  an action on a server with a hidden task: reject | fail-subjob (default reject)

Other:
  --batch-per-minute <n>       servers accepted per rolling minute, 0 = unlimited (default ${DEFAULT_SERVERS_PER_MINUTE})
  --batch-window-seconds <s>   length of that "minute", to compress time in benchmarks (default ${DEFAULT_BATCH_WINDOW_SECONDS})
  --rate-limit <n>             API requests per --rate-limit-window-seconds, 0 = unlimited (default 0)
  --metadata <mode>            the ECS metadata service: token-optional | token-required | plain | no-agency (default token-optional)
  --agencies <list>            comma-separated <domainName>/<agencyName> its keys may assume through IAM securitytokens (default none)
  --temporary-credential-seconds <s>  lifetime of the temporary keys it issues (default: metadata 3600, an agency the duration asked)
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

function bool(flag: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== "true" && value !== "false") throw new CliUsageError(`--${flag} [${value}] must be true or false`);
  return value === "true";
}

/** Each variant's flag and how its value is read. */
const VARIANT_FLAGS: Readonly<Record<VariantName, "number" | "boolean" | "list" | readonly string[]>> = {
  throttleRetryAfter: "boolean",
  rateLimitWindowSeconds: "number",
  hardDuringSoft: HARD_DURING_SOFT,
  ignoredSoftStop: IGNORED_SOFT_STOP,
  ignoredSoftStopSeconds: "number",
  listLagSeconds: "number",
  subJobs: SUB_JOB_SHAPES,
  errorBodies: ERROR_BODY_SHAPES,
  batchLimitAnswer: BATCH_LIMIT_ANSWERS,
  alreadyInState: ALREADY_IN_STATE,
  unknownServer: UNKNOWN_SERVER,
  requireEncodedCommas: "boolean",
  maxUriBytes: "number",
  listNameMatch: NAME_MATCHES,
  authorizedEnterpriseProjects: "list",
  listWithoutEnterpriseProject: LIST_WITHOUT_ENTERPRISE_PROJECT,
  gatewayBodies: GATEWAY_BODY_SHAPES,
  hiddenTaskMs: "number",
  hiddenTaskAction: HIDDEN_TASK_ACTIONS,
};

function variantOptions(text: (flag: string) => string | undefined): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(VARIANT_FLAGS)) {
    const flag = variantFlag(name as VariantName);
    options[name] =
      kind === "number"
        ? number(flag, text(flag))
        : kind === "boolean"
          ? bool(flag, text(flag))
          : kind === "list"
            ? list(text(flag))
            : oneOf(flag, text(flag), kind);
  }
  return options;
}

/** A comma-separated list; empty for an empty value. Each item is checked by the option's schema. */
function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliUsageError(`--${flag} [${value}] must be one of ${allowed.join(", ")}`);
  }
  return value as T;
}

/** The metadata service, the agencies and the temporary keys' lifetime (docs/credentials.md). */
function identityOptions(text: (flag: string) => string | undefined): EmulatorOptions {
  const agencies = list(text("agencies"))?.map((item) => {
    const [domainName, agencyName, ...rest] = item.split("/");
    if (!domainName || !agencyName || rest.length > 0) {
      throw new CliUsageError(`--agencies [${item}] must be <domainName>/<agencyName>`);
    }
    return { domainName, agencyName };
  });
  return {
    metadata: oneOf("metadata", text("metadata"), ["token-optional", "token-required", "plain", "no-agency"] as const),
    agencies,
    temporaryCredentialSeconds: number("temporary-credential-seconds", text("temporary-credential-seconds")),
  };
}

type FlagOptions = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

/** A flag nobody defined, named with the nearest one that exists ("--sed; did you mean --seed?"). */
function rejectUnknownFlags(argv: readonly string[], options: NonNullable<FlagOptions>): void {
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const known = Object.keys(options);
  for (const token of tokens) {
    if (token.kind !== "option" || known.includes(token.name)) continue;
    const suggestion = nearestFlag(token.name, known);
    const hint = suggestion === undefined ? "" : `; did you mean --${suggestion}?`;
    throw new CliUsageError(`unknown flag ${token.rawName}${hint}`);
  }
}

export function parseCliArgs(argv: readonly string[]): CliCommand {
  const options = cliFlags();
  rejectUnknownFlags(argv, options);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }));
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { kind: "help" };
  return { kind: "run", options: optionsFrom((flag) => values[flag] as string | undefined) };
}

/** Every flag the CLI takes, for node:util's parseArgs (all valued but --help). */
function cliFlags() {
  return {
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
    ...Object.fromEntries(
      Object.keys(VARIANT_FLAGS).map((name) => [variantFlag(name as VariantName), { type: "string" as const }]),
    ),
    "batch-per-minute": { type: "string" },
    "batch-window-seconds": { type: "string" },
    "rate-limit": { type: "string" },
    seed: { type: "string" },
    metadata: { type: "string" },
    agencies: { type: "string" },
    "temporary-credential-seconds": { type: "string" },
    help: { type: "boolean" },
  } as const;
}

/** The flags' values as EmulatorOptions; absent flags stay absent so the option defaults apply. */
function optionsFrom(text: (flag: string) => string | undefined): EmulatorOptions {
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
    ...variantOptions(text),
    batchPerMinute: number("batch-per-minute", text("batch-per-minute")),
    batchWindowSeconds: number("batch-window-seconds", text("batch-window-seconds")),
    rateLimit: number("rate-limit", text("rate-limit")),
    seed: number("seed", text("seed")),
    ...identityOptions(text),
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as EmulatorOptions;
}
