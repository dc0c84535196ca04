/**
 * Zod schemas of every ECS / IAM answer the client reads, with the types derived from them.
 *
 * Each schema is built by a function, never held in a module-level constant: Pulumi serializes
 * the provider's closure, and a schema instance (bound methods) cannot be serialized.
 * Parsing is strict on types but lenient on absence: Huawei sends `""`, `null` or nothing for
 * "not set" depending on the state of a job, and all three mean the same here.
 */
import { z } from "zod";
import { describeBodyIssues } from "./issues";

/** A string field where `""`, `null` and missing all mean "not set" (→ undefined). */
export function optionalTextSchema() {
  return z
    .string()
    .nullish()
    .transform((value) => (value === null || value === undefined || value === "" ? undefined : value));
}

/** `POST /v1/{project_id}/cloudservers/action` → `{"job_id": "..."}`. */
export function actionResponseSchema() {
  return z.object({ job_id: z.string().min(1) });
}

/** One element of a job's `entities.sub_jobs`: one server's part of a batch action. */
export function subJobSchema() {
  return z
    .object({
      status: z.string().min(1),
      job_id: optionalTextSchema(),
      job_type: optionalTextSchema(),
      begin_time: optionalTextSchema(),
      end_time: optionalTextSchema(),
      error_code: optionalTextSchema(),
      fail_reason: optionalTextSchema(),
      entities: z.object({ server_id: optionalTextSchema(), errorcode_message: optionalTextSchema() }).nullish(),
    })
    .transform((raw) => ({
      jobId: raw.job_id,
      status: raw.status,
      serverId: raw.entities?.server_id,
      jobType: raw.job_type,
      beginTime: raw.begin_time,
      endTime: raw.end_time,
      errorCode: raw.error_code,
      failReason: raw.fail_reason,
      /** The cause of a sub-job failure, when Huawei gives one. */
      errorcodeMessage: raw.entities?.errorcode_message,
    }));
}

/**
 * `GET /v1/{project_id}/jobs/{job_id}`. `status` is kept as sent, known or not (INIT, RUNNING,
 * SUCCESS, FAIL, PENDING_PAYMENT, ...): the waiter decides what an unknown status means.
 * `entities` / `sub_jobs` are absent while the job is INIT.
 */
export function jobResponseSchema() {
  return z
    .object({
      job_id: z.string().min(1),
      status: z.string().min(1),
      job_type: optionalTextSchema(),
      begin_time: optionalTextSchema(),
      end_time: optionalTextSchema(),
      error_code: optionalTextSchema(),
      fail_reason: optionalTextSchema(),
      entities: z
        .object({
          sub_jobs_total: z.number().int().nonnegative().nullish(),
          sub_jobs: z.array(subJobSchema()).nullish(),
        })
        .nullish(),
    })
    .transform((raw) => ({
      jobId: raw.job_id,
      status: raw.status,
      jobType: raw.job_type,
      beginTime: raw.begin_time,
      endTime: raw.end_time,
      errorCode: raw.error_code,
      failReason: raw.fail_reason,
      subJobs: raw.entities?.sub_jobs ?? [],
      subJobsTotal: raw.entities?.sub_jobs_total ?? undefined,
    }));
}

/**
 * One server of `/cloudservers/detail` or `/cloudservers/{id}`, as an observation. An unknown id
 * in a detail query comes back as an entry whose fields are null except `id` and `fault`: that
 * (any entry without a status) is `found: false`.
 */
export function serverSchema() {
  return z
    .object({
      id: z.string().min(1),
      name: z.string().nullish(),
      status: z.string().nullish(),
      "OS-EXT-STS:task_state": z.string().nullish(),
      "OS-EXT-STS:vm_state": z.string().nullish(),
      "OS-EXT-STS:power_state": z.number().int().nullish(),
      locked: z.boolean().nullish(),
      fault: z.object({ code: z.union([z.number(), z.string()]).nullish(), message: z.string().nullish() }).nullish(),
      // ServerDetail.enterprise_project_id ("0": the default project); the official SDKs' model has it.
      enterprise_project_id: z.string().nullish(),
    })
    .transform((raw) => {
      const status = raw.status || null;
      return {
        id: raw.id,
        /** The server's name, for messages (null for an unknown id). */
        name: raw.name || null,
        found: status !== null,
        status,
        /** `powering-off` while a stop runs (status still ACTIVE), `powering-on` while a start runs. */
        taskState: raw["OS-EXT-STS:task_state"] || null,
        vmState: raw["OS-EXT-STS:vm_state"] || null,
        powerState: raw["OS-EXT-STS:power_state"] ?? null,
        locked: raw.locked ?? null,
        fault: raw.fault ? { code: raw.fault.code ?? undefined, message: raw.fault.message ?? "" } : null,
        /** The server's enterprise project, when the answer says. */
        enterpriseProjectId: raw.enterprise_project_id || null,
      };
    });
}

/** `GET /v1/{project_id}/cloudservers/detail?server_id=...` → `{"count": N, "servers": [...]}`. */
export function serverListResponseSchema() {
  return z.object({ count: z.number().int().nonnegative().nullish(), servers: z.array(serverSchema()) });
}

/** `GET /v1/{project_id}/cloudservers/{server_id}` → `{"server": {...}}`. */
export function serverShowResponseSchema() {
  return z.object({ server: serverSchema() });
}

/** IAM `GET /v3/projects?name={region}` → `{"projects": [{"id", "name", ...}]}`. */
export function projectsResponseSchema() {
  return z.object({ projects: z.array(z.object({ id: z.string().min(1), name: z.string() })) });
}

/**
 * An error body, nested ECS (`{"error": {"code", "message"}}`) or flat API Gateway
 * (`{"error_code", "error_msg", "request_id"}`). Best effort: a field of the wrong type is
 * dropped rather than failing, so an odd error body never hides the HTTP status.
 */
export function errorBodySchema() {
  const text = () => z.string().nullish().catch(undefined);
  return z.object({
    // ECS's own errors: {"error": {"code": "Ecs.0005", "message": ...}}.
    error: z.object({ code: text(), message: text() }).nullish().catch(undefined),
    // The API gateway's: {"error_code": "APIGW.0308", "error_msg": ..., "request_id": ...}.
    error_code: text(),
    error_msg: text(),
    request_id: text(),
    // Top-level {"code": "Common.0011", "message": ...}: the fields ShowJob's reference lists for an
    // error answer, and a shape the Go SDK's sdkerr parses.
    code: text(),
    message: text(),
  });
}

export type ActionResponse = z.infer<ReturnType<typeof actionResponseSchema>>;
export type SubJob = z.infer<ReturnType<typeof subJobSchema>>;
export type Job = z.infer<ReturnType<typeof jobResponseSchema>>;
export type ServerObservation = z.infer<ReturnType<typeof serverSchema>>;
export type ServerListResponse = z.infer<ReturnType<typeof serverListResponseSchema>>;
export type ServerShowResponse = z.infer<ReturnType<typeof serverShowResponseSchema>>;
export type ProjectsResponse = z.infer<ReturnType<typeof projectsResponseSchema>>;
export type ErrorBody = z.infer<ReturnType<typeof errorBodySchema>>;

/** The observation of a server the API did not return at all. */
export function missingServerObservation(id: string): ServerObservation {
  return {
    id,
    name: null,
    found: false,
    status: null,
    taskState: null,
    vmState: null,
    powerState: null,
    locked: null,
    fault: null,
    enterpriseProjectId: null,
  };
}

export type ValidationResult<T> =
  { readonly success: true; readonly data: T } | { readonly success: false; readonly problem: string };

/**
 * Parses `body` with `schema`. On failure `problem` names the first wrong field by path and says
 * what was expected and what was received, e.g.
 * `entities.sub_jobs[2].status: expected string, received number (5)`.
 */
export function validateBody<S extends z.ZodType>(schema: S, body: unknown): ValidationResult<z.output<S>> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return { success: true, data: result.data };
  return { success: false, problem: describeBodyIssues(result.error.issues) };
}
