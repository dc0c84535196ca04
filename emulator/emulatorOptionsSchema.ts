/**
 * The schema of `startEmulator`'s options: defaults and rules, declared once. Its input and output
 * types are written out in publicTypes.ts (EmulatorOptions, ResolvedEmulatorOptions) and checked
 * against it both ways by tests/types/emulatorPublicTypes.typecheck.ts.
 */
import { z } from "zod";
import { DEFAULT_SERVERS_PER_MINUTE } from "../provider/constants";
import { adminServerSchema } from "./adminSchemas";
import {
  DEFAULT_AUTH_LOCK_SECONDS,
  DEFAULT_BATCH_WINDOW_SECONDS,
  DEFAULT_EMULATOR_CREDENTIALS,
  DEFAULT_HOST,
  DEFAULT_JOB_INIT_MS,
  DEFAULT_JOB_TTL_SECONDS,
  DEFAULT_REBOOT_SECONDS,
  DEFAULT_START_SECONDS,
  DEFAULT_STOP_SECONDS,
} from "./defaults";
import { isLoopbackHost } from "./loopback";
import { variantsShape } from "./variants";

const seconds = (fallback: number) => z.number().finite().min(0).max(86_400).default(fallback);

export const emulatorOptionsSchema = z
  .object({
    /** 0 picks a free port. */
    port: z.number().int().min(0).max(65_535).default(0),
    host: z
      .string()
      .default(DEFAULT_HOST)
      .refine(isLoopbackHost, { message: "must be a loopback address (127.x.x.x, ::1 or localhost)" }),
    accessKey: z.string().min(1).default(DEFAULT_EMULATOR_CREDENTIALS.accessKey),
    secretKey: z.string().min(1).default(DEFAULT_EMULATOR_CREDENTIALS.secretKey),
    projectId: z
      .string()
      .regex(/^[0-9a-f]{32}$/, { message: "must be 32 lower-case hex digits, like Huawei project ids" })
      .default(DEFAULT_EMULATOR_CREDENTIALS.projectId),
    region: z
      .string()
      .regex(/^[a-z0-9-]+$/, { message: "must look like a region name, e.g. cn-north-4" })
      .default(DEFAULT_EMULATOR_CREDENTIALS.region),
    stopSeconds: seconds(DEFAULT_STOP_SECONDS),
    startSeconds: seconds(DEFAULT_START_SECONDS),
    rebootSeconds: seconds(DEFAULT_REBOOT_SECONDS),
    jobInitMs: z.number().int().min(0).max(3_600_000).default(DEFAULT_JOB_INIT_MS),
    jobTtlSeconds: z
      .number()
      .finite()
      .min(0)
      .max(30 * 86_400)
      .default(DEFAULT_JOB_TTL_SECONDS),
    /** The answers no source settles (`alreadyInState`, `unknownServer`, `listLagSeconds`, ...): see variants.ts. */
    ...variantsShape,
    /** Servers accepted per rolling minute across action calls; 0 = unlimited. */
    batchPerMinute: z.number().int().min(0).default(DEFAULT_SERVERS_PER_MINUTE),
    /** The rolling window `batchPerMinute` counts over, in seconds: a minute unless time is compressed. */
    batchWindowSeconds: z.number().finite().positive().max(3_600).default(DEFAULT_BATCH_WINDOW_SECONDS),
    /** API requests per `rateLimitWindowSeconds` (default a minute) over all API routes; 0 = unlimited. */
    rateLimit: z.number().int().min(0).default(0),
    /** How long five failed authentications in a row lock the access key; 0 = never lock. */
    authLockSeconds: z.number().finite().min(0).max(86_400).default(DEFAULT_AUTH_LOCK_SECONDS),
    /** The agencies the emulator's keys may assume (IAM securitytokens, emulator/handleSecurityTokens.ts). */
    agencies: z.array(z.object({ domainName: z.string().min(1), agencyName: z.string().min(1) }).strict()).default([]),
    /** The lifetime of every temporary credential issued (metadata, agencies); unset: 3600 / duration_seconds. */
    temporaryCredentialSeconds: z.number().int().min(1).max(86_400).optional(),
    /** The metadata service's protocol (emulator/handleMetadata.ts). */
    metadata: z.enum(["token-optional", "token-required", "plain", "no-agency"]).default("token-optional"),
    servers: z.array(adminServerSchema).default([]),
    /** Adds `seed` deterministic servers (see `seedServers`), before `servers`. */
    seed: z.number().int().min(0).max(100_000).default(0),
    log: z
      .custom<(line: string) => void>((value) => typeof value === "function", { message: "must be a function" })
      .optional(),
    /** Injectable clock (ms since the epoch); defaults to Date.now. Drives transitions, jobs, limits and the signature date check. */
    clockMs: z
      .custom<() => number>((value) => typeof value === "function", { message: "must be a function" })
      .optional(),
  })
  .strict();
