/**
 * The resource's inputs: schema, defaults, normalisation, and the messages `pulumi preview` shows.
 *
 * The schema is built inside a function: the provider is serialized into the stack state by
 * Pulumi's closure serializer, which cannot capture a live zod schema.
 */
import { z } from "zod";
import { ENDPOINT_HINT, endpointProblem, maskUrlCredentials, REGION_PATTERN, REGION_RULE_TEXT } from "./endpoint";
import { POWER_ACTION_TYPES, type PowerActionType } from "./errors";
import { describeInputIssue, valueAt } from "./issues";
import { SELECTOR_FIELDS, selectorSchema } from "./selector";
import { evaluateSchedule, fieldsOfSchedulePath, scheduleSchema } from "./schedule";

/** The value Pulumi passes for an input that is not known yet (during preview). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const DEFAULT_TIMEOUT_SECONDS = 900;
export const MAX_TIMEOUT_SECONDS = 24 * 60 * 60;

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const PROJECT_ID_PATTERN = /^[0-9a-f]{32}$/;

/** The values of `state`, `stopType` and `onDelete`: the schema's enums and the recorded state's. */
export const DESIRED_STATES = ["stopped", "running"] as const;
export const STOP_TYPES = POWER_ACTION_TYPES;
export const ON_DELETE_MODES = ["leave", "restore"] as const;

export type DesiredState = (typeof DESIRED_STATES)[number];
/** The os-stop type the resource sends (the client's one union of action types). */
export type StopType = PowerActionType;
export type OnDelete = (typeof ON_DELETE_MODES)[number];

/**
 * At most this many distinct server ids in one resource. Each server's record travels in the state and,
 * when an operation partly fails, in one gRPC trailer the engine caps at 16 MiB (about 800 bytes a
 * failed server: 10000 make 7.8 MiB, 20000 reach the cap); and 10000 servers already take 9 minutes of
 * the 1000-per-minute pacing, of the default 15-minute deadline. docs/reliability.md has the measurements.
 */
export const MAX_SERVER_IDS = 10_000;

export function inputSchema() {
  return z.strictObject({
    serverIds: z.array(
      z
        .string({ error: (issue) => `expected an ECS server id (a string)${got(issue.input)}` })
        .refine((id) => id.trim() === id, {
          error:
            "expected an ECS server id with no leading or trailing whitespace; ids are not trimmed silently, so remove it where the list is built",
          abort: true,
        })
        .regex(UUID_PATTERN, {
          error: "expected an ECS server id (a UUID such as 616fb98f-46ca-475e-917e-2563e5a8cd19)",
        }),
      {
        error: (issue) =>
          issue.input === undefined
            ? "expected a list of ECS server ids, or a selector (tags and/or name), or both"
            : `expected a list of ECS server ids${got(issue.input)}`,
      },
    ),
    selector: selectorSchema().optional(),
    schedule: scheduleSchema().optional(),
    state: z
      .enum(DESIRED_STATES, {
        error: (issue) => `expected "stopped" or "running"${didYouMean(issue.input, DESIRED_STATES)}`,
      })
      .default("stopped"),
    stopType: z
      .enum(STOP_TYPES, {
        error: (issue) => `expected "SOFT" or "HARD"${didYouMean(issue.input, STOP_TYPES)}`,
      })
      .default("SOFT"),
    hardStopAfterSeconds: z
      .number({ error: (issue) => `expected a number of seconds${got(issue.input)}` })
      .int({ error: "expected a whole number of seconds" })
      .positive({ error: "expected a positive number of seconds" })
      .optional(),
    timeoutSeconds: z
      .number({ error: (issue) => `expected a number of seconds${got(issue.input)}` })
      .int({ error: "expected a whole number of seconds" })
      .min(1, { error: "expected at least 1 second" })
      .max(MAX_TIMEOUT_SECONDS, { error: `expected at most ${MAX_TIMEOUT_SECONDS} seconds (one day)` })
      .default(DEFAULT_TIMEOUT_SECONDS),
    onDelete: z
      .enum(ON_DELETE_MODES, {
        error: (issue) => `expected "leave" or "restore"${didYouMean(issue.input, ON_DELETE_MODES)}`,
      })
      .default("leave"),
    region: z.string().regex(REGION_PATTERN, { error: REGION_RULE_TEXT }).optional(),
    projectId: z
      .string()
      .regex(PROJECT_ID_PATTERN, { error: "expected a project id: 32 lower-case hex characters" })
      .optional(),
    endpoint: z
      .string({ error: (issue) => `expected an endpoint URL (a string)${got(issue.input)}` })
      .check((ctx) => {
        const rule = endpointProblem(ctx.value);
        if (rule !== undefined)
          ctx.issues.push({ code: "custom", message: `${rule}; ${ENDPOINT_HINT}`, input: ctx.value });
      })
      .optional(),
  });
}

/** `, got a number` (or a string, null, a list, ...) for a value of the wrong type; "" for a missing one. */
function got(value: unknown): string {
  if (value === undefined) return "";
  if (value === null) return ", got null";
  if (Array.isArray(value)) return ", got a list";
  return typeof value === "object" ? ", got an object" : `, got a ${typeof value}`;
}

/** `; did you mean "SOFT"?` when the value is one of the options in another case (or with spaces around it). */
function didYouMean(value: unknown, options: readonly string[]): string {
  if (typeof value !== "string") return "";
  const match = options.find((option) => option.toLowerCase() === value.trim().toLowerCase());
  return match === undefined ? "" : `; did you mean ${JSON.stringify(match)}?`;
}

/** The names of the inputs, in declaration order. */
export function inputKeys(): string[] {
  return Object.keys(inputSchema().shape);
}

/** The inputs after `check`: defaults applied, `serverIds` de-duplicated (case-insensitively) and sorted. */
export type PowerStateInputs = z.output<ReturnType<typeof inputSchema>>;

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

export interface CheckOutcome {
  readonly inputs: Record<string, unknown>;
  readonly failures: CheckFailure[];
}

/** Keys the engine or the SDK add to inputs; they are carried through untouched. */
const RESERVED_KEYS = ["__provider"];
const CREDENTIAL_KEYS = ["accessKey", "secretKey", "securityToken", "ak", "sk", "password"];

/**
 * Validates and normalises the inputs. Unknown values (preview) are tolerated: the property is
 * left as it is and validated on the real run. Each failure names the property path, the value and the rule.
 * With a `schedule`, `state` is what the schedule says at `now` (provider/schedule).
 */
export function checkInputs(news: Record<string, unknown>, now: Date = new Date()): CheckOutcome {
  const reserved: Record<string, unknown> = {};
  const candidate: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  for (const [key, value] of Object.entries(news)) {
    if (RESERVED_KEYS.includes(key)) reserved[key] = value;
    else if (value === undefined || value === null) continue;
    else if (CREDENTIAL_KEYS.includes(key)) {
      failures.push({
        property: key,
        reason: `${key} is not an input of ServerPowerState: credentials are never resource inputs (they would be stored in the state). Set huaweicloud:accessKey and huaweicloud:secretKey with \`pulumi config set --secret\`, or HW_ACCESS_KEY / HW_SECRET_KEY in the environment`,
      });
    } else candidate[key] = value;
  }
  if (failures.length > 0) return { inputs: news, failures };
  // A selector alone names the fleet: no ids declared.
  if (candidate.serverIds === undefined && candidate.selector !== undefined) candidate.serverIds = [];

  const unknownPaths = findUnknowns(candidate);
  const toValidate = replaceUnknowns(candidate);
  const result = inputSchema().safeParse(toValidate);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = z.core.toDotPath(issue.path);
      if (unknownPaths.some((p) => path === p || path.startsWith(`${p}[`) || path.startsWith(`${p}.`))) continue;
      if (issue.code === "unrecognized_keys" && path !== "") {
        const fields = path.startsWith("schedule") ? fieldsOfSchedulePath(path) : SELECTOR_FIELDS;
        for (const key of issue.keys)
          failures.push({
            property: `${path}.${key}`,
            reason: `${JSON.stringify(key)} is not a field of ${path}; its fields are ${fields.join(", ")}`,
          });
      } else if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) failures.push({ property: key, reason: describeUnrecognizedKey(key) });
      } else failures.push({ property: path, reason: describeIssue(path, issue, toValidate) });
    }
  }
  if (result.success && result.data.hardStopAfterSeconds !== undefined && !unknownPaths.includes("timeoutSeconds")) {
    const { hardStopAfterSeconds, timeoutSeconds } = result.data;
    if (hardStopAfterSeconds >= timeoutSeconds) {
      failures.push({
        property: "hardStopAfterSeconds",
        reason: `hardStopAfterSeconds ${hardStopAfterSeconds} is invalid: expected less than timeoutSeconds (${timeoutSeconds}), or the HARD stop would never be sent`,
      });
    }
  }
  if (candidate.state !== undefined && candidate.schedule !== undefined) {
    failures.push({
      property: "state",
      reason: `state ${JSON.stringify(candidate.state)} is invalid with a schedule: expected exactly one of state and schedule (the schedule decides the state from the clock); remove one`,
    });
  }
  const bound = checkServerIdsBound(candidate.serverIds);
  if (bound) failures.push(bound);
  if (failures.length > 0 || !result.success) return { inputs: news, failures };

  const normalised: Record<string, unknown> = { ...result.data };
  for (const path of unknownPaths) {
    // A whole property unknown: keep the sentinel so the engine shows it as "computed".
    if (!path.includes("[")) normalised[path] = UNKNOWN_VALUE;
  }
  if (Array.isArray(candidate.serverIds)) {
    normalised.serverIds = unknownPaths.some((p) => p.startsWith("serverIds"))
      ? candidate.serverIds
      : normaliseServerIds(result.data.serverIds);
  }
  // The schedule decides the state: what it says now is the state this operation converges to.
  if (unknownPaths.includes("schedule")) normalised.state = UNKNOWN_VALUE;
  else if (result.data.schedule !== undefined)
    normalised.state = evaluateSchedule(result.data.schedule, now.getTime()).state;
  if (typeof normalised.endpoint === "string") normalised.endpoint = normalised.endpoint.replace(/\/+$/, "");
  return { inputs: { ...normalised, ...reserved }, failures: [] };
}

/** More than MAX_SERVER_IDS distinct ids (duplicates and unknowns not counted: unknowns are checked on the real run). */
function checkServerIdsBound(serverIds: unknown): CheckFailure | undefined {
  if (!Array.isArray(serverIds)) return undefined;
  const distinct = new Set(
    serverIds
      .filter((id): id is string => typeof id === "string" && id !== UNKNOWN_VALUE)
      .map((id) => id.toLowerCase()),
  ).size;
  if (distinct <= MAX_SERVER_IDS) return undefined;
  return {
    property: "serverIds",
    reason:
      `serverIds (a list of ${distinct} distinct server ids) is invalid: expected at most ${MAX_SERVER_IDS} in one ServerPowerState; ` +
      `split them into several ServerPowerState resources (each server's record travels in the state and in any failure report, ` +
      `and ${MAX_SERVER_IDS} servers already take 9 minutes to submit at 1000 per minute)`,
  };
}

/** Lower-cased, de-duplicated, sorted: order and case do not matter to ECS. */
export function normaliseServerIds(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => id.toLowerCase()))].sort();
}

/** True when any input (or element of serverIds) is not known yet. */
export function hasUnknowns(inputs: Record<string, unknown>): boolean {
  return findUnknowns(inputs).length > 0;
}

function findUnknowns(inputs: Record<string, unknown>): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(inputs)) {
    if (value === UNKNOWN_VALUE) paths.push(key);
    // A selector or schedule with any part unknown is unknown as a whole: it is checked on the real run.
    else if ((key === "selector" || key === "schedule") && containsUnknown(value)) paths.push(key);
    else if (Array.isArray(value)) value.forEach((v, i) => v === UNKNOWN_VALUE && paths.push(`${key}[${i}]`));
  }
  return paths;
}

function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN_VALUE) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";

/** Substitutes a valid placeholder for each unknown so the rest can still be validated. */
function replaceUnknowns(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) {
    if (value === UNKNOWN_VALUE || ((key === "selector" || key === "schedule") && containsUnknown(value))) continue;
    // Keep positions, so that paths in messages are the user's own indexes.
    out[key] = Array.isArray(value) ? value.map((v) => (v === UNKNOWN_VALUE ? PLACEHOLDER_ID : v)) : value;
  }
  if (inputs.serverIds === UNKNOWN_VALUE) out.serverIds = [];
  return out;
}

function describeUnrecognizedKey(key: string): string {
  return `${JSON.stringify(key)} is not an input of ServerPowerState; the inputs are ${inputKeys().join(", ")}`;
}

function describeIssue(path: string, issue: z.core.$ZodIssue, inputs: Record<string, unknown>): string {
  const value = valueAt(inputs, issue.path);
  const shown = path === "endpoint" && typeof value === "string" ? maskUrlCredentials(value) : value;
  return describeInputIssue(path, issue, shown);
}
