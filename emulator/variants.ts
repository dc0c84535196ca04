/**
 * Variants: every behaviour of Huawei Cloud that no source settles, as one typed switch each.
 * Defaults are the most realistic reading of the sources; docs/variants.md says, for each switch, which
 * sources were consulted and why they leave it open (reference §8). The switches are top-level
 * emulator options (`startEmulator({ listLagSeconds: 2 })`), CLI flags (`--list-lag-seconds 2`)
 * and the admin API (`GET` / `PATCH /_emulator/variants`), which changes them on a running
 * emulator.
 */
import { z } from "zod";
import { enterpriseProjectIdSchema } from "./enterpriseProjects";
import type { VariantName, Variants } from "./publicTypes";

export type { VariantName, Variants, VariantsInput, VariantsPatch } from "./publicTypes";

export const HARD_DURING_SOFT = ["supersede", "reject-400", "reject-409", "fail-subjob"] as const;
export const IGNORED_SOFT_STOP = ["stay", "fail", "force"] as const;
export const SUB_JOB_SHAPES = ["per-server", "none", "no-server-id"] as const;
export const ERROR_BODY_SHAPES = ["nested", "flat", "top-level"] as const;
export const BATCH_LIMIT_ANSWERS = ["throttle", "ecs-0118"] as const;
export const ALREADY_IN_STATE = ["reject", "fail-subjob", "noop"] as const;
export const UNKNOWN_SERVER = ["reject", "fail-subjob"] as const;
export const NAME_MATCHES = ["case-sensitive", "case-insensitive"] as const;
export const LIST_WITHOUT_ENTERPRISE_PROJECT = ["forbidden", "all", "default-only"] as const;
export const GATEWAY_BODY_SHAPES = ["flat", "error-message"] as const;
export const HIDDEN_TASK_ACTIONS = ["reject", "fail-subjob"] as const;

/** How long a SOFT stop the guest ignores runs before `fail` / `force` ends it: Nova's `shutdown_timeout` default. */
export const DEFAULT_IGNORED_SOFT_STOP_SECONDS = 60;
/** The gateway refuses a request URI over 32 KB with 414 APIGW.0201 (usermanual-roma roma_03_2128, the same gateway engine). */
export const DEFAULT_MAX_URI_BYTES = 32 * 1024;

/** The shape of each switch, declared once: the options, the CLI and the admin API derive from it. */
export const variantsShape = {
  /**
   * Throttling answers (the request-rate and servers-per-minute windows) carry `Retry-After`. No public
   * source shows APIG sending one (its documented headers are `X-Request-Id` and, in debug mode,
   * `X-Apig-RateLimit-*`; reference §10), so none by default.
   */
  throttleRetryAfter: z.boolean().default(false),
  /**
   * The window `rateLimit` counts requests over, in seconds. Real APIG policies read like
   * `limit:200,time:5 minute` (Terraform provider issue #1335) or `limit:10,time:1 second`
   * (reference §10); a minute is the middle reading, the default.
   */
  rateLimitWindowSeconds: z.number().finite().positive().max(3_600).default(60),
  /** A HARD `os-stop` on a server a SOFT stop is still `powering-off`. */
  hardDuringSoft: z.enum(HARD_DURING_SOFT).default("supersede"),
  /** A SOFT stop the guest ignores (the `stuck` fault on a SOFT `os-stop`): stays, FAILs, or is forced off. */
  ignoredSoftStop: z.enum(IGNORED_SOFT_STOP).default("stay"),
  /** After how long `ignoredSoftStop` `fail` / `force` ends it. */
  ignoredSoftStopSeconds: z.number().finite().min(0).max(86_400).default(DEFAULT_IGNORED_SOFT_STOP_SECONDS),
  /** After a transition ends, the server list keeps showing the old status (no task) this long. */
  listLagSeconds: z.number().finite().min(0).max(3_600).default(0),
  /** Batch jobs: one sub-job per server with `server_id`, no `sub_jobs` at all, or sub-jobs without `server_id`. */
  subJobs: z.enum(SUB_JOB_SHAPES).default("per-server"),
  /** ECS's own error bodies: nested `{"error": {code, message}}`, flat `{error_code, error_msg}`, or top-level `{code, message}`. */
  errorBodies: z.enum(ERROR_BODY_SHAPES).default("nested"),
  /** More servers than the per-minute limit: `429 APIGW.0308` or `400 Ecs.0118`. */
  batchLimitAnswer: z.enum(BATCH_LIMIT_ANSWERS).default("throttle"),
  /** `os-stop` on a SHUTOFF server (or `os-start` on an ACTIVE one): 400 Ecs.0100, a FAIL sub-job, or a no-op SUCCESS. */
  alreadyInState: z.enum(ALREADY_IN_STATE).default("reject"),
  /** An unknown server id in an action body: 404 Ecs.0114, or a FAIL sub-job. */
  unknownServer: z.enum(UNKNOWN_SERVER).default("reject"),
  /**
   * Refuse (400 Ecs.0005) a server list whose `server_id` commas arrive literal rather than `%2C`,
   * as the official Node and Go SDKs send them. Counted in stats (`listServerIdCommas`) either way.
   */
  requireEncodedCommas: z.boolean().default(false),
  /** The gateway refuses a request URI (path and query) longer than this with 414 APIGW.0201. */
  maxUriBytes: z.number().int().min(256).max(1_048_576).default(DEFAULT_MAX_URI_BYTES),
  /** The list's `name` filter, a regular-expression search (fuzzy, `.` any character): case-sensitive or not. */
  listNameMatch: z.enum(NAME_MATCHES).default("case-sensitive"),
  /**
   * The enterprise projects the access key is authorized for; empty = authorized at project level
   * (every EP). Servers of other EPs are hidden from lists and refused (403 Pdp.0001) to reads and actions.
   */
  authorizedEnterpriseProjects: z.array(enterpriseProjectIdSchema).max(100).default([]),
  /**
   * A server list without `enterprise_project_id`: 403 for a key authorized per EP (an unscoped key sees
   * every EP), every EP the key may see, or the default EP ("0") only.
   */
  listWithoutEnterpriseProject: z.enum(LIST_WITHOUT_ENTERPRISE_PROJECT).default("forbidden"),
  /**
   * The gateway's own answers (`APIGW.*`: throttling, 401, 404 route, 414, 502/504): flat
   * `{error_code, error_msg, request_id}`, or `{error_message, status_code}` (APIG FAQ fci_00001).
   */
  gatewayBodies: z.enum(GATEWAY_BODY_SHAPES).default("flat"),
  /**
   * How long (ms) an accepted job stays INIT with its servers showing no task: the server list shows
   * the status it had and `task_state` null, as if nothing were under way; the job reports INIT at
   * least this long. Default 0: upstream Nova's API sets `task_state` (`powering-off`) in the call
   * itself, before casting to the compute host (nova/compute/api.py `force_stop`:
   * `instance.task_state = task_states.POWERING_OFF; instance.save(expected_task_state=None)`);
   * whether Huawei's job layer calls Nova only once its job leaves INIT is not documented (issue 20).
   */
  hiddenTaskMs: z.number().int().min(0).max(600_000).default(0),
  /**
   * An action on a server whose accepted job's task does not show yet (`hiddenTaskMs`): refused whole,
   * `400 Ecs.0100` naming the servers, no job (Huawei's ECS error table: "The ECS status does not meet
   * requirements"; upstream Nova refuses an action while a task runs, `check_instance_state(task_state=[None])`),
   * or accepted as a second job whose sub-job FAILs `Ecs.0100` (the job layer checked only the shown
   * status; its Nova call then met the task), as this emulator answers an action on a server visibly moving.
   */
  hiddenTaskAction: z.enum(HIDDEN_TASK_ACTIONS).default("reject"),
} as const;

export const variantsSchema = z.object(variantsShape).strict();
export const VARIANT_NAMES = Object.keys(variantsShape) as VariantName[];

/** `PATCH /_emulator/variants`: any subset of the switches, at least one; absent ones keep their value (no defaults here). */
export const variantsPatchSchema = z
  .object(
    Object.fromEntries(Object.entries(variantsShape).map(([name, schema]) => [name, schema.unwrap().optional()])) as {
      [K in keyof typeof variantsShape]: z.ZodOptional<ReturnType<(typeof variantsShape)[K]["unwrap"]>>;
    },
  )
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: `give at least one of ${VARIANT_NAMES.join(", ")}` });

/** Today's answers: every switch at its default. */
export const DEFAULT_VARIANTS: Readonly<Variants> = Object.freeze(variantsSchema.parse({}));

/** The switches out of a larger (resolved) options object. */
export function pickVariants(options: Readonly<Variants>): Variants {
  return variantsSchema.parse(Object.fromEntries(VARIANT_NAMES.map((name) => [name, options[name]])));
}

/** `--list-lag-seconds` for `listLagSeconds`. */
export function variantFlag(name: VariantName): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
