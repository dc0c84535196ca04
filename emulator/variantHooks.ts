/**
 * How each variant (variants.ts) changes an answer: small pure functions the request path calls
 * at one point each, so the handlers stay as they were with the defaults.
 */
import type { ApiAnswer } from "./errorBodies";
import { ecsError, gatewayError } from "./errorBodies";
import type { Failure, PowerAction, ServerRecord } from "./Fleet";
import type { Variants } from "./variants";

/** `Retry-After` as the variant allows: the window's own value, or none at all. */
export function retryAfterFor(variants: Variants, seconds: number): number | null {
  return variants.throttleRetryAfter ? seconds : null;
}

/** How the gateway words a window: "1 minute", "5 minute", "1 second", "30 second". */
export function describeWindow(windowSeconds: number): string {
  return windowSeconds >= 60 && windowSeconds % 60 === 0 ? `${windowSeconds / 60} minute` : `${windowSeconds} second`;
}

/**
 * ECS's nested error body in the shape the variant asks for: nested (as is), the gateway's flat
 * `{error_code, error_msg, request_id}`, or top-level `{code, message}` (ShowJob's documented
 * fields, parsed by the Go SDK's `sdkerr.processServiceResponseError`). Other bodies pass unchanged.
 */
export function reshapeErrorBody(answer: ApiAnswer, shape: Variants["errorBodies"], requestId: string): ApiAnswer {
  if (shape === "nested") return answer;
  const nested = (answer.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof nested?.code !== "string" || typeof nested.message !== "string") return answer;
  const body =
    shape === "flat"
      ? { error_code: nested.code, error_msg: nested.message, request_id: requestId }
      : { code: nested.code, message: nested.message };
  return { ...answer, body };
}

/**
 * The gateway's own answer (a flat body whose `error_code` is `APIGW.*`) in the shape the variant
 * asks for: flat as is, or `{"error_message": "...", "status_code": 429}`, the shape Huawei's APIG
 * FAQ (fci_00001) shows for a throttled call (reference §10). Other bodies, IAM's `Pdp.0001` and
 * ECS's own errors included, pass unchanged; the request id stays in the `X-Request-Id` header.
 */
export function reshapeGatewayBody(answer: ApiAnswer, shape: Variants["gatewayBodies"]): ApiAnswer {
  if (shape === "flat") return answer;
  const flat = answer.body as { error_code?: unknown; error_msg?: unknown } | undefined;
  if (typeof flat?.error_code !== "string" || !flat.error_code.startsWith("APIGW.")) return answer;
  if (typeof flat.error_msg !== "string") return answer;
  return { ...answer, body: { error_message: flat.error_msg, status_code: answer.status } };
}

/**
 * A rendered job with its sub-jobs as the variant shows them: one per server with `server_id`
 * (as rendered), none at all (`entities` without `sub_jobs`), or without `server_id`. The OTC
 * ShowJob page: "If a sub-job is available, the sub-job details are displayed"; `server_id` is
 * "displayed when the job is ECS-related".
 */
export function shapeJob(job: Record<string, unknown>, shape: Variants["subJobs"]): Record<string, unknown> {
  if (shape === "per-server") return job;
  const entities = job.entities as { sub_jobs?: Record<string, unknown>[] } | undefined;
  if (!entities?.sub_jobs) return job;
  if (shape === "none") return { ...job, entities: {} };
  const subJobs = entities.sub_jobs.map((sub) => {
    const { server_id: _serverId, ...rest } = (sub.entities ?? {}) as Record<string, unknown>;
    return { ...sub, entities: rest };
  });
  return { ...job, entities: { ...entities, sub_jobs: subJobs } };
}

/**
 * The server as the list shows it under `listLagSeconds`: for that long after a transition
 * ended, the status it had before, with no task (the list lags the job).
 */
export function laggedServer(server: ServerRecord, nowMs: number, lagSeconds: number): ServerRecord {
  const change = server.lastChange;
  if (lagSeconds <= 0 || !change || server.transition || nowMs >= change.atMs + lagSeconds * 1000) return server;
  return { ...server, status: change.from };
}

/**
 * A server whose accepted job is still in its hidden window (`hiddenTaskMs`) as reads show it: the
 * status it had and no task, as if nothing were under way.
 */
export function hiddenTaskServer(server: ServerRecord, nowMs: number): ServerRecord {
  return hasHiddenTask(server, nowMs) ? { ...server, transition: undefined } : server;
}

/** Its transition has begun, but reads do not show its task yet. */
export function hasHiddenTask(server: ServerRecord, nowMs: number): boolean {
  const until = server.transition?.hiddenUntilMs;
  return until !== undefined && nowMs < until;
}

/** `GET /cloudservers/detail`: whether the `server_id` commas came literal, encoded (`%2C`), or neither (one id). */
export function serverIdCommas(rawUrl: string): "literal" | "encoded" | undefined {
  const query = rawUrl.includes("?") ? rawUrl.slice(rawUrl.indexOf("?") + 1) : "";
  const raw = query.split("&").find((pair) => pair.startsWith("server_id="));
  if (raw === undefined) return undefined;
  if (raw.includes(",")) return "literal";
  return /%2C/i.test(raw) ? "encoded" : undefined;
}

export function literalCommasRefused(): ApiAnswer {
  return ecsError(
    400,
    "Ecs.0005",
    "Invalid parameter: server_id: the commas between ids arrived literal; the official SDKs send them percent-encoded (%2C) (emulator variant requireEncodedCommas)",
  );
}

/** The gateway's answer for a request URI over its limit (usermanual-roma roma_03_2128: 414 `.0201` "Request URI too large", < 32 KB). */
export function uriTooLong(rawUrl: string, maxUriBytes: number, requestId: string): ApiAnswer | undefined {
  return Buffer.byteLength(rawUrl) > maxUriBytes
    ? gatewayError(414, "APIGW.0201", "Request URI too large.", requestId)
    : undefined;
}

/** More servers than the per-minute limit, answered as the variant says: 429 APIGW.0308 (built by the caller) or 400 Ecs.0118. */
export function batchLimitEcs0118(limit: number, windowSeconds: number, requested: number): ApiAnswer {
  return ecsError(
    400,
    "Ecs.0118",
    `The number of servers in batch operations exceeds the limit: at most ${limit} in ${describeWindow(windowSeconds)}, ${requested} more requested.`,
  );
}

/**
 * A HARD `os-stop` on a server whose SOFT stop still runs, refused synchronously as the variant
 * says (`reject-400` / `reject-409`), as upstream Nova refuses a stop while a task runs
 * (`check_instance_state(task_state=[None])`, 409). Undefined when it is not refused here.
 */
export function hardDuringSoftRefusal(
  mode: Variants["hardDuringSoft"],
  action: PowerAction,
  busy: readonly ServerRecord[],
): ApiAnswer | undefined {
  if (busy.length === 0 || (mode !== "reject-400" && mode !== "reject-409")) return undefined;
  const reason = (server: ServerRecord) =>
    `Instance[${server.id}] is executing os-stop (powering-off); its status does not meet the requirements of ${action}.`;
  return ecsError(
    mode === "reject-400" ? 400 : 409,
    "Ecs.0100",
    reason(busy[0]),
    busy.map((server) => ({ code: "Ecs.0100", message: reason(server) })),
  );
}

/**
 * A SOFT stop the guest ignores (the `stuck` fault on a SOFT `os-stop`): how long it runs and how
 * it ends. `stay`: powering-off until a HARD stop (or forever); `fail`: its sub-job FAILs after
 * `ignoredSoftStopSeconds` and the server stays ACTIVE; `force`: the cloud powers it off then, as
 * Nova does after `shutdown_timeout` (nova/conf/compute.py, default 60 s).
 */
export function ignoredSoftStop(
  variants: Variants,
  serverId: string,
): { readonly durationMs: number; readonly failure?: Failure } {
  const afterMs = variants.ignoredSoftStopSeconds * 1000;
  switch (variants.ignoredSoftStop) {
    case "stay":
      return { durationMs: Number.POSITIVE_INFINITY };
    case "force":
      return { durationMs: afterMs };
    case "fail":
      return {
        durationMs: afterMs,
        failure: {
          errorCode: "Ecs.1000",
          reason: `The guest OS of instance[${serverId}] did not shut down within ${variants.ignoredSoftStopSeconds} s (SOFT stop ignored).`,
        },
      };
  }
}
