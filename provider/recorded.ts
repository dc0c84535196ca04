/**
 * What the stack records for a ServerPowerState, and the one place it is read back. The engine hands
 * the provider old outputs as untyped properties, written by this or an earlier version: they are
 * parsed once, leniently (a field of the wrong shape reads as absent, never as an error), so the
 * lifecycle methods work on typed data instead of casts.
 */
import { z } from "zod";
import type { JobRecord, ServerRecord } from "./converge";
import type * as Public from "./publicTypes";
import { scheduleSchema } from "./schedule";
import { selectorSchema } from "./selector";
import { DESIRED_STATES, ON_DELETE_MODES, STOP_TYPES, UNKNOWN_VALUE, inputKeys, type PowerStateInputs } from "./inputs";

/** Untyped properties, as the engine passes them. */
export type Props = Record<string, unknown>;

/**
 * What the stack records for a ServerPowerState: the inputs as their schema infers them, plus what was
 * observed, whose fields are declared once, in the public type.
 */
export interface PowerStateOutputs
  extends PowerStateInputs, Omit<Public.PowerStateOutputs, keyof Public.PowerStateInputs> {}

/** The outputs that are not inputs: what an operation observed and resolved. */
export type ObservedOutputs = Omit<PowerStateOutputs, keyof PowerStateInputs>;

/** The recorded state's schema, every field optional and forgiving (built in a function: the provider is serialized). */
export function recordSchema() {
  const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
  const isObject = (value: unknown): boolean => typeof value === "object" && value !== null;
  return z.object({
    serverIds: optional(z.array(z.string())),
    state: optional(z.enum(DESIRED_STATES)),
    stopType: optional(z.enum(STOP_TYPES)),
    hardStopAfterSeconds: optional(z.number()),
    timeoutSeconds: optional(z.number()),
    onDelete: optional(z.enum(ON_DELETE_MODES)),
    region: optional(z.string()),
    projectId: optional(z.string()),
    endpoint: optional(z.string()),
    selector: optional(selectorSchema()),
    members: optional(z.array(z.string())),
    membersResolvedAt: optional(z.string()),
    servers: optional(z.record(z.string(), z.custom<ServerRecord>(isObject))),
    jobs: optional(z.array(z.custom<JobRecord>(isObject))),
    initialStates: optional(z.record(z.string(), z.string())),
    convergedAt: optional(z.string().nullable()),
    resolvedEndpoint: optional(z.string()),
    resolvedProjectId: optional(z.string()),
    resolvedRegion: optional(z.string().nullable()),
    schedule: optional(scheduleSchema()),
    scheduledState: optional(z.enum(DESIRED_STATES)),
    scheduleReason: optional(z.string()),
    nextTransition: optional(z.object({ at: z.string(), state: z.enum(DESIRED_STATES) }).nullable()),
    lastTransitionAt: optional(z.string()),
  });
}

/** The recorded state as read back: any field may be missing (an older version, a failed create). */
export type Recorded = z.output<ReturnType<typeof recordSchema>>;

/** Old outputs (or old inputs) parsed once; a field of the wrong shape reads as absent. */
export function readRecord(props: Props): Recorded {
  const parsed = recordSchema().safeParse(props);
  return parsed.success ? parsed.data : {};
}

/**
 * The inputs of create and update. `check` validated and normalised them before the engine passed
 * them on, so they are read as they are: this is the one place that says so.
 */
export function checkedInputs(news: Props): PowerStateInputs {
  return news as unknown as PowerStateInputs;
}

/** The known inputs among `props` (no engine keys, no outputs, no unknown values). */
export function pickInputs(props: Props): Props {
  const out: Props = {};
  for (const key of inputKeys()) if (props[key] !== undefined && props[key] !== UNKNOWN_VALUE) out[key] = props[key];
  return out;
}
