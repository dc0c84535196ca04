/**
 * Schemas of the admin API bodies (`/_emulator/...`) and of the `servers` option; the admin client
 * and the server share these definitions. Their types are written out in publicTypes.ts and checked
 * against these schemas both ways by tests/types/emulatorPublicTypes.typecheck.ts.
 */
import { z } from "zod";
import type { ApiRoute, Fault, JobFault, ServerFault, TransportFaultKind } from "./publicTypes";
import { enterpriseProjectIdSchema } from "./enterpriseProjects";
import { serverTagsSchema } from "./serverTags";

/** ECS ids are UUIDs; anything path- and comma-safe is accepted so tests can use short ids. */
export const serverIdSchema = z
  .string()
  .regex(/^[0-9A-Za-z-]{1,64}$/, { message: "must be 1–64 characters of A-Z, a-z, 0-9 or '-' (a UUID)" });

/** ERROR: a server whose last operation failed (Nova vm_state `error`), set through the admin API only. */
export const powerStatusSchema = z.enum(["ACTIVE", "SHUTOFF", "ERROR"]);

export const adminServerSchema = z
  .object({
    id: serverIdSchema,
    status: powerStatusSchema,
    locked: z.boolean().optional(),
    name: z.string().min(1).max(255).optional(),
    /** Tag key → value, as a server carries them (rendered as `"key=value"` in server details). */
    tags: serverTagsSchema().optional(),
    /** The server's enterprise project (default "0", the default EP), rendered as `enterprise_project_id`. */
    enterpriseProjectId: enterpriseProjectIdSchema.optional(),
  })
  .strict();

export const putServersBodySchema = z.object({ servers: z.array(adminServerSchema) }).strict();

export const serverPatchSchema = z
  .object({
    status: powerStatusSchema.optional(),
    locked: z.boolean().optional(),
    name: z.string().min(1).max(255).optional(),
    /** Replaces the server's tags (an empty object removes them all). */
    tags: serverTagsSchema().optional(),
    /** Moves the server to another enterprise project. */
    enterpriseProjectId: enterpriseProjectIdSchema.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, {
    message: "give at least one of status, locked, name, tags, enterpriseProjectId",
  });

export const API_ROUTES = [
  "action",
  "job",
  "list",
  "show",
  "projects",
  "tags",
  "securitytokens",
] as const satisfies readonly ApiRoute[];

export const TRANSPORT_FAULT_KINDS = [
  "throttle",
  "server-error",
  "reset",
  "delay",
  "accepted-no-job",
  "busy",
  "malformed-json",
  "forbidden",
  "expired-job",
  "pending-payment",
] as const satisfies readonly TransportFaultKind[];

const timesSchema = z.number().int().min(1).max(1_000_000).default(1);

export const transportFaultSchema = z
  .object({
    route: z.enum([...API_ROUTES, "any"]),
    kind: z.enum(TRANSPORT_FAULT_KINDS),
    times: timesSchema,
    /** Only for `delay`: how long the (already processed) answer is held back. */
    delayMs: z.number().int().min(0).max(600_000).optional(),
    /** Only for `throttle`: the Retry-After value; 0 is allowed (retry at once); null sends no Retry-After header. */
    retryAfterSeconds: z.number().int().min(0).max(3600).nullable().default(1),
    /**
     * Only for `server-error`: 500 (ECS `Common.0001`), 502 (the gateway's `APIGW.0202` backend
     * unavailable), 503 (an HTML page from a proxy) or 504 (the gateway's `APIGW.0203` backend timeout).
     */
    status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(500),
    /** Only for `reset`: drop the connection after the request was processed (an action is then accepted). */
    afterProcessing: z.boolean().default(false),
    /** Only for `forbidden`: `Ecs.0003` (no permission) or `Pdp.0001` (an IAM policy denies). */
    code: z.enum(["Ecs.0003", "Pdp.0001"]).default("Pdp.0001"),
  })
  .strict()
  .refine((fault) => fault.kind !== "delay" || fault.delayMs !== undefined, {
    message: "a delay fault needs delayMs",
    path: ["delayMs"],
  })
  .refine((fault) => !["expired-job", "pending-payment"].includes(fault.kind) || fault.route === "job", {
    message: 'expired-job and pending-payment faults are answers of the job route: use route "job"',
    path: ["route"],
  });

export const failSubjobFaultSchema = z
  .object({
    serverId: serverIdSchema,
    kind: z.literal("fail-subjob"),
    times: timesSchema,
    errorCode: z.string().min(1).default("Ecs.1000"),
    reason: z.string().min(1).default("The backend failed to execute the operation (injected fault)."),
  })
  .strict();

export const stuckFaultSchema = z
  .object({ serverId: serverIdSchema, kind: z.literal("stuck"), times: timesSchema })
  .strict();

/** Deleted just before the next action call naming it is processed: it vanished after the client looked. */
export const vanishFaultSchema = z
  .object({ serverId: serverIdSchema, kind: z.literal("vanish"), times: z.literal(1).default(1) })
  .strict();

/** Set to `status` just before the next action call naming it is processed: drift after the client looked. */
export const driftFaultSchema = z
  .object({ serverId: serverIdSchema, kind: z.literal("drift"), status: powerStatusSchema, times: timesSchema })
  .strict();

/** The next accepted action call's job FAILs as a whole: every sub-job fails with this code, no server moves. */
export const failJobFaultSchema = z
  .object({
    kind: z.literal("fail-job"),
    times: timesSchema,
    errorCode: z.string().min(1).default("Ecs.0611"),
    reason: z.string().min(1).default("Batch operation failed (injected fault)."),
  })
  .strict();

const SERVER_FAULT_SCHEMAS = {
  "fail-subjob": failSubjobFaultSchema,
  stuck: stuckFaultSchema,
  vanish: vanishFaultSchema,
  drift: driftFaultSchema,
} as const;

/** One of the server faults' schemas (their union's input and output are ServerFaultInput and ServerFault). */
export type ServerFaultSchema = (typeof SERVER_FAULT_SCHEMAS)[keyof typeof SERVER_FAULT_SCHEMAS];

/**
 * A fault with `serverId` is a server fault, `fail-job` a job fault, any other a transport fault:
 * picking the schema first keeps the error messages about the fields the caller meant (a plain
 * union would not).
 */
export function parseFault(input: unknown): { success: true; data: Fault } | { success: false; error: z.ZodError } {
  const kind = typeof input === "object" && input !== null ? (input as { kind?: unknown }).kind : undefined;
  if (kind === "fail-job") return failJobFaultSchema.safeParse(input);
  const isServerFault = typeof input === "object" && input !== null && "serverId" in input;
  if (!isServerFault) return transportFaultSchema.safeParse(input);
  const schema = typeof kind === "string" ? SERVER_FAULT_SCHEMAS[kind as keyof typeof SERVER_FAULT_SCHEMAS] : undefined;
  if (schema) return schema.safeParse(input);
  return z
    .object({ kind: z.enum(Object.keys(SERVER_FAULT_SCHEMAS) as [keyof typeof SERVER_FAULT_SCHEMAS]) })
    .safeParse(input) as { success: false; error: z.ZodError };
}

export function isServerFault(fault: Fault): fault is ServerFault {
  return "serverId" in fault;
}

export function isJobFault(fault: Fault): fault is JobFault {
  return fault.kind === "fail-job";
}

/** Renders zod issues as `path: message` lines, e.g. `servers[0].status: Invalid option: ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = z.core.toDotPath(issue.path);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
