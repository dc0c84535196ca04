/**
 * Schemas of the admin API bodies (`/_emulator/...`) and of the `servers` option. Types are
 * derived from them; the admin client and the server share these definitions.
 */
import { z } from "zod";

/** ECS ids are UUIDs; anything path- and comma-safe is accepted so tests can use short ids. */
export const serverIdSchema = z
  .string()
  .regex(/^[0-9A-Za-z-]{1,64}$/, { message: "must be 1–64 characters of A-Z, a-z, 0-9 or '-' (a UUID)" });

export const powerStatusSchema = z.enum(["ACTIVE", "SHUTOFF"]);

export const adminServerSchema = z
  .object({
    id: serverIdSchema,
    status: powerStatusSchema,
    locked: z.boolean().optional(),
    name: z.string().min(1).max(255).optional(),
  })
  .strict();
export type AdminServerInput = z.input<typeof adminServerSchema>;

export const putServersBodySchema = z.object({ servers: z.array(adminServerSchema) }).strict();

export const serverPatchSchema = z
  .object({
    status: powerStatusSchema.optional(),
    locked: z.boolean().optional(),
    name: z.string().min(1).max(255).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: "give at least one of status, locked, name" });
export type ServerPatch = z.infer<typeof serverPatchSchema>;

export const API_ROUTES = ["action", "job", "list", "show", "projects"] as const;
export type ApiRoute = (typeof API_ROUTES)[number];

export const TRANSPORT_FAULT_KINDS = ["throttle", "server-error", "reset", "delay", "accepted-no-job", "busy"] as const;
export type TransportFaultKind = (typeof TRANSPORT_FAULT_KINDS)[number];

const timesSchema = z.number().int().min(1).max(1_000_000).default(1);

export const transportFaultSchema = z
  .object({
    route: z.enum([...API_ROUTES, "any"]),
    kind: z.enum(TRANSPORT_FAULT_KINDS),
    times: timesSchema,
    /** Only for `delay`: how long the (already processed) answer is held back. */
    delayMs: z.number().int().min(0).max(600_000).optional(),
    /** Only for `throttle`: the Retry-After value; 0 is allowed (retry at once). */
    retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
  })
  .strict()
  .refine((fault) => fault.kind !== "delay" || fault.delayMs !== undefined, {
    message: "a delay fault needs delayMs",
    path: ["delayMs"],
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

export type TransportFaultInput = z.input<typeof transportFaultSchema>;
export type ServerFaultInput = z.input<typeof failSubjobFaultSchema> | z.input<typeof stuckFaultSchema>;
export type FaultInput = TransportFaultInput | ServerFaultInput;
export type TransportFault = z.output<typeof transportFaultSchema>;
export type ServerFault = z.output<typeof failSubjobFaultSchema> | z.output<typeof stuckFaultSchema>;
export type Fault = TransportFault | ServerFault;

/**
 * A fault with `serverId` is a server fault, any other a transport fault: picking the schema
 * first keeps the error messages about the fields the caller meant (a plain union would not).
 */
export function parseFault(input: unknown): { success: true; data: Fault } | { success: false; error: z.ZodError } {
  const isServerFault = typeof input === "object" && input !== null && "serverId" in input;
  if (!isServerFault) return transportFaultSchema.safeParse(input);
  const kind = (input as { kind?: unknown }).kind;
  if (kind === "stuck") return stuckFaultSchema.safeParse(input);
  if (kind === "fail-subjob") return failSubjobFaultSchema.safeParse(input);
  return z
    .object({ kind: z.enum(["fail-subjob", "stuck"]) })
    .safeParse(input) as { success: false; error: z.ZodError };
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
