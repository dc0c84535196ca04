/**
 * The ECS calls the provider makes, signed, validated and retried:
 *
 * - batchAction → POST /v1/{project_id}/cloudservers/action, chunks of ≤1000 servers, paced to
 *   `serversPerMinute`; every accepted job id reaches the caller, even when a later chunk fails.
 * - getJob      → GET /v1/{project_id}/jobs/{job_id}
 * - listServers → GET /v1/{project_id}/cloudservers/detail?enterprise_project_id=…&limit=n&server_id=a%2Cb%2C... (≤100 ids per call)
 * - getServer   → GET /v1/{project_id}/cloudservers/{server_id}
 * - listServerPage → GET /v1/{project_id}/cloudservers/detail?enterprise_project_id=…&limit=…&name=…&tags=k%3Dv&marker=… (one page)
 *
 * Every list sends `enterprise_project_id`: `all_granted_eps` unless the client is given one
 * (provider/enterpriseProject.ts says why), placed first as the official Node SDK builds the query.
 *
 * Everything the client holds lives on the instance (pool, submission history): the provider
 * builds one per operation, inside its methods, and closes it.
 */
import type { Dispatcher, Pool } from "undici";
import { DEFAULT_SERVERS_PER_MINUTE, MAX_IDS_PER_LIST, MAX_SERVERS_PER_ACTION } from "./constants";
import { validateEndpoint } from "./endpoint";
import { ALL_GRANTED_EPS, enterpriseProjectProblem } from "./enterpriseProject";
import { BATCH_ACTIONS, EcsError, hintFor, POWER_ACTION_TYPES, withSubmitted } from "./errors";
import type { BatchActionName, BatchSubmission, PowerActionType } from "./errors";
import {
  actionResponseSchema,
  jobResponseSchema,
  missingServerObservation,
  serverListResponseSchema,
  serverShowResponseSchema,
  validateBody,
} from "./schemas";
import type { Job, ServerObservation } from "./schemas";
import { serverPageQuery, serverPageSchema, type ListedServer, type ServerPageQuery } from "./serverPage";
import type { PowerApi } from "./converge";
import type { CredentialSupply } from "./credentials/types";
import { reserve, settle, PACING_WINDOW_MS, type PacingLedger } from "./pacing";
import { countOf } from "./plural";
import { waitOrAbort } from "./sleep";
import { percentEncode } from "./signer";
import { createPool, parseAnswer, positiveNumberSetting, resolveTransportOptions, sendSigned } from "./transport";
import type { SignedCall, TransportSettings, TransportTarget } from "./transport";
import type * as Public from "./publicTypes";
import type { BatchActionOptions, RequestOptions } from "./publicTypes";

export type { BatchActionName, BatchSubmission, PowerActionType } from "./errors";
export type { Job, ServerObservation, SubJob } from "./schemas";
export type { BatchActionOptions, RequestOptions } from "./publicTypes";

/** The public options, with the dispatcher typed as the undici Dispatcher the client uses. */
export interface EcsClientOptions extends Omit<Public.EcsClientOptions, "dispatcher"> {
  /** Use this dispatcher instead of a pool of our own; the caller then owns (and closes) it. */
  readonly dispatcher?: Dispatcher;
  /** Temporary credentials renewed as they age (provider/credentials/); `credentials` is then the first of them. */
  readonly credentialSupply?: CredentialSupply;
}

const ACTION_ROUTE = "POST /v1/{project_id}/cloudservers/action";

export class EcsClient implements PowerApi {
  private readonly target: TransportTarget;
  private readonly settings: TransportSettings;
  private readonly ownedPool: Pool | undefined;
  private readonly serversPerMinute: number;
  private readonly pacingWindowMs: number;
  private readonly listConcurrency: number;
  private readonly projectPath: string;
  /** The `enterprise_project_id` of every list call (a page's query may name another). */
  private readonly enterpriseProjectId: string;
  /** Submissions of the last minute, for pacing across batchAction calls (and clients sharing it). */
  private readonly pacing: PacingLedger;
  private closed: boolean;

  // Every field is set in the constructor, none by an initializer: Pulumi's closure serializer
  // rewrites classes as functions and drops field initializers.
  constructor(options: EcsClientOptions) {
    this.pacing = options.pacing ?? { records: [] };
    this.closed = false;
    const origin = validateEndpoint(options.endpoint);
    requireText("projectId", options.projectId);
    requireText("credentials.accessKey", options.credentials?.accessKey);
    requireText("credentials.secretKey", options.credentials?.secretKey);
    const enterpriseProjectId = options.enterpriseProjectId ?? ALL_GRANTED_EPS;
    const epProblem = enterpriseProjectProblem(enterpriseProjectId, true);
    if (epProblem !== undefined) {
      throw invalidArgument(
        "checking the client options",
        `enterpriseProjectId [${enterpriseProjectId}]: ${epProblem}`,
      );
    }
    this.enterpriseProjectId = enterpriseProjectId;
    const pacingWindowMs = positiveNumberSetting("pacingWindowMs", options.pacingWindowMs, PACING_WINDOW_MS, true);
    // An action refused for the per-minute limit is sent again after one pacing window.
    this.settings = resolveTransportOptions({ ...options, retry: { pacedDelayMs: pacingWindowMs, ...options.retry } });
    this.serversPerMinute = positiveNumberSetting(
      "serversPerMinute",
      options.serversPerMinute,
      DEFAULT_SERVERS_PER_MINUTE,
      true,
    );
    this.pacingWindowMs = pacingWindowMs;
    this.listConcurrency = positiveNumberSetting("listConcurrency", options.listConcurrency, 4, true);
    this.ownedPool = options.dispatcher
      ? undefined
      : createPool(origin, this.settings.connectTimeoutMs, this.listConcurrency + 1);
    this.target = {
      origin,
      dispatcher: options.dispatcher ?? this.ownedPool!,
      credentials: { ...options.credentials },
      ...(options.credentialSupply ? { supply: options.credentialSupply } : {}),
      projectId: options.projectId,
    };
    this.projectPath = `/v1/${percentEncode(options.projectId)}`;
  }

  /**
   * Submits `action` for `serverIds` (deduplicated), in calls of at most 1000 servers, paced so
   * that no more than `serversPerMinute` servers are submitted per rolling window (`pacingWindowMs`). Resolves with
   * one submission per accepted call. On failure the EcsError's `submitted` holds the calls already
   * accepted; `onSubmitted` has seen each of them too.
   */
  async batchAction(
    action: BatchActionName,
    serverIds: readonly string[],
    options: BatchActionOptions = {},
  ): Promise<BatchSubmission[]> {
    this.assertOpen();
    if (!(BATCH_ACTIONS as readonly string[]).includes(action)) {
      throw invalidArgument(`batchAction`, `action [${String(action)}] must be one of os-stop, os-start, reboot`);
    }
    const type = actionType(action, options.type);
    const ids = uniqueIds("batchAction", serverIds);
    const chunkSize = Math.min(MAX_SERVERS_PER_ACTION, this.serversPerMinute);
    const submitted: BatchSubmission[] = [];
    try {
      for (let start = 0; start < ids.length; start += chunkSize) {
        const submission = await this.submitPaced(action, type, ids.slice(start, start + chunkSize), options);
        submitted.push(submission);
        options.onSubmitted?.(submission);
      }
    } catch (error) {
      throw attachSubmitted(error, submitted, action);
    }
    return submitted;
  }

  /** The job and its sub-jobs; `status` is kept as sent, known or not. */
  async getJob(jobId: string, options: RequestOptions = {}): Promise<Job> {
    this.assertOpen();
    requireText("jobId", jobId);
    const call: SignedCall = {
      method: "GET",
      path: `${this.projectPath}/jobs/${percentEncode(jobId)}`,
      route: "GET /v1/{project_id}/jobs/{job_id}",
      operation: `reading job ${jobId}`,
      signal: options.signal,
      onThrottled: options.onThrottled,
    };
    const response = await sendSigned(this.target, this.settings, call);
    return parseAnswer(validateBody(jobResponseSchema(), response.body), response, call);
  }

  /**
   * One observation per requested id (deduplicated), in the order given. Ids the API does not know
   * (an entry with a null status, or no entry at all) are `found: false`, never dropped.
   */
  async listServers(ids: readonly string[], options: RequestOptions = {}): Promise<ServerObservation[]> {
    this.assertOpen();
    const unique = uniqueIds("listServers", ids);
    const chunks: string[][] = [];
    for (let start = 0; start < unique.length; start += MAX_IDS_PER_LIST)
      chunks.push(unique.slice(start, start + MAX_IDS_PER_LIST));
    const results: ServerObservation[][] = new Array<ServerObservation[]>(chunks.length);
    let next = 0;
    let failed = false;
    // A small worker pool: at most listConcurrency queries in flight; after a failure no new one starts.
    const worker = async (): Promise<void> => {
      while (!failed && next < chunks.length) {
        const index = next++;
        try {
          results[index] = await this.listChunk(chunks[index], options);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.listConcurrency, chunks.length) }, worker));
    return results.flat();
  }

  /**
   * One server. An unknown id (404 with Ecs.0114 / Ecs.0614) is `found: false`, as in listServers:
   * absence is an observation, not a failure. Any other 404 (wrong endpoint or path) throws
   * `ECS_NOT_FOUND`.
   */
  async getServer(id: string, options: RequestOptions = {}): Promise<ServerObservation> {
    this.assertOpen();
    requireText("id", id);
    const call: SignedCall = {
      method: "GET",
      path: `${this.projectPath}/cloudservers/${percentEncode(id)}`,
      route: "GET /v1/{project_id}/cloudservers/{server_id}",
      operation: `reading server ${id}`,
      serverIds: [id],
      iamAction: "ecs:cloudServers:get",
      signal: options.signal,
      onThrottled: options.onThrottled,
    };
    let response;
    try {
      response = await sendSigned(this.target, this.settings, call);
    } catch (error) {
      if (error instanceof EcsError && (error.huaweiCode === "Ecs.0114" || error.huaweiCode === "Ecs.0614")) {
        return missingServerObservation(id);
      }
      throw error;
    }
    const server = parseAnswer(validateBody(serverShowResponseSchema(), response.body), response, call).server;
    if (server.id !== id) {
      throw parseAnswer(
        { success: false, problem: `server.id: expected ${JSON.stringify(id)}, received ${JSON.stringify(server.id)}` },
        response,
        call,
      );
    }
    return server;
  }

  /** One page of the server list filtered by a tag and/or a name (resolving a selector: provider/resolveMembers.ts). */
  async listServerPage(query: ServerPageQuery, options: RequestOptions = {}): Promise<ListedServer[]> {
    this.assertOpen();
    const call: SignedCall = {
      method: "GET",
      path: `${this.projectPath}/cloudservers/detail`,
      query: serverPageQuery({ ...query, enterpriseProjectId: query.enterpriseProjectId ?? this.enterpriseProjectId }),
      route: "GET /v1/{project_id}/cloudservers/detail",
      operation: `listing the servers${query.tag !== undefined ? ` tagged ${query.tag}` : ""}${query.name !== undefined ? ` named like ${JSON.stringify(query.name)}` : ""}`,
      iamAction: "ecs:cloudServers:list",
      signal: options.signal,
      onThrottled: options.onThrottled,
    };
    const response = await sendSigned(this.target, this.settings, call);
    const { servers } = parseAnswer(validateBody(serverPageSchema(), response.body), response, call);
    return servers.map((server) => ({
      id: server.id,
      name: server.name ?? "",
      status: server.status ?? null,
      tags: server.tags ?? [],
      enterpriseProjectId: server.enterprise_project_id ?? null,
    }));
  }

  /** Closes the pool the client owns (an injected dispatcher is left to its owner). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownedPool) await this.ownedPool.close();
  }

  /** One chunk: wait for room in the pacing window, reserve it, submit, settle the reservation. */
  private async submitPaced(
    action: BatchActionName,
    type: PowerActionType | undefined,
    chunk: readonly string[],
    options: RequestOptions,
  ): Promise<BatchSubmission> {
    const { signal } = options;
    const operation = `${action}${type ? ` (${type})` : ""} of ${countOf(chunk.length, "server")}`;
    throwIfAborted(signal, operation, chunk);
    const nowMs = (): number => this.settings.now().getTime();
    const limits = { limit: this.serversPerMinute, windowMs: this.pacingWindowMs };
    const record = await reserve(this.pacing, chunk.length, limits, nowMs, (ms) =>
      pacingPause(this.settings, ms, signal, operation, chunk),
    );
    let submission: BatchSubmission;
    try {
      submission = await this.submitChunk(action, type, chunk, operation, options);
    } catch (error) {
      // Maybe accepted after all (no answer): counted from now. Refused: it takes no room.
      const maybe = (error as { code?: unknown }).code === "ECS_AMBIGUOUS_SUBMIT";
      settle(this.pacing, record, maybe ? { kind: "maybe-accepted", atMs: nowMs() } : { kind: "refused" });
      throw error;
    }
    // The cloud counted the call when it accepted it, somewhere between our send and its answer:
    // the window runs from the answer, or the next chunk could arrive a few ms early and be throttled.
    settle(this.pacing, record, { kind: "accepted", atMs: submission.submittedAt.getTime() });
    return submission;
  }

  private async submitChunk(
    action: BatchActionName,
    type: PowerActionType | undefined,
    chunk: readonly string[],
    operation: string,
    options: RequestOptions,
  ): Promise<BatchSubmission> {
    const servers = chunk.map((id) => ({ id }));
    const body = JSON.stringify({ [action]: type ? { type, servers } : { servers } });
    const call: SignedCall = {
      method: "POST",
      path: `${this.projectPath}/cloudservers/action`,
      body,
      route: ACTION_ROUTE,
      operation,
      serverIds: chunk,
      iamAction: `ecs:cloudServers:${action === "os-stop" ? "stop" : action === "os-start" ? "start" : "reboot"}`,
      expectJobId: true,
      // Ends the waits between attempts (Retry-After, busy, throttling); never a POST in flight.
      signal: options.signal,
      onThrottled: options.onThrottled,
    };
    const response = await sendSigned(this.target, this.settings, call);
    const { job_id: jobId } = parseAnswer(validateBody(actionResponseSchema(), response.body), response, call);
    return {
      jobId,
      action,
      ...(type ? { type } : {}),
      serverIds: [...chunk],
      submittedAt: this.settings.now(),
    };
  }

  private async listChunk(ids: readonly string[], options: RequestOptions): Promise<ServerObservation[]> {
    const call: SignedCall = {
      method: "GET",
      path: `${this.projectPath}/cloudservers/detail`,
      // In the order the official Node SDK builds it (see serverPageQuery).
      query: [
        ["enterprise_project_id", this.enterpriseProjectId],
        ["limit", String(ids.length)],
        ["server_id", ids.join(",")],
      ],
      route: "GET /v1/{project_id}/cloudservers/detail",
      operation: `listing ${countOf(ids.length, "server")}`,
      serverIds: ids,
      iamAction: "ecs:cloudServers:list",
      signal: options.signal,
      onThrottled: options.onThrottled,
    };
    const response = await sendSigned(this.target, this.settings, call);
    const { servers } = parseAnswer(validateBody(serverListResponseSchema(), response.body), response, call);
    const byId = new Map<string, ServerObservation>();
    for (const server of servers) {
      // A real entry wins over a not-found placeholder for the same id.
      if (!byId.has(server.id) || server.found) byId.set(server.id, server);
    }
    return ids.map((id) => byId.get(id) ?? missingServerObservation(id));
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new EcsError({ code: "ECS_INTERNAL", operation: "using the ECS client", reason: "the client is closed" });
    }
  }
}

function actionType(action: BatchActionName, type: PowerActionType | undefined): PowerActionType | undefined {
  if (type !== undefined && !(POWER_ACTION_TYPES as readonly string[]).includes(type)) {
    throw invalidArgument("batchAction", `type [${String(type)}] must be SOFT or HARD`);
  }
  if (action === "os-start") {
    if (type !== undefined) throw invalidArgument("batchAction", "os-start takes no type");
    return undefined;
  }
  // Reboot requires a type; stop defaults to SOFT server-side, sent explicitly so the body says what happens.
  return type ?? "SOFT";
}

function uniqueIds(method: string, ids: readonly string[]): string[] {
  if (!Array.isArray(ids)) throw invalidArgument(method, "server ids must be an array of strings");
  ids.forEach((id, index) => {
    if (typeof id !== "string" || id.trim() === "" || id.includes(",")) {
      throw invalidArgument(method, `serverIds[${index}] [${String(id)}] must be a non-empty id without commas`);
    }
  });
  return [...new Set(ids)];
}

function requireText(name: string, value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw invalidArgument("checking the client options", `${name} must be a non-empty string`);
  }
}

function invalidArgument(operation: string, reason: string): EcsError {
  return new EcsError({ code: "ECS_INVALID_ARGUMENT", operation, reason });
}

function throwIfAborted(signal: AbortSignal | undefined, operation: string, serverIds: readonly string[]): void {
  if (signal?.aborted) {
    throw new EcsError({
      code: "ECS_ABORTED",
      operation,
      reason: "cancelled before sending",
      serverIds,
      hint: hintFor("ECS_ABORTED"),
      cause: signal.reason,
    });
  }
}

/** A pacing wait, cut short by `signal` (then ECS_ABORTED, "cancelled while pacing"). */
async function pacingPause(
  settings: TransportSettings,
  ms: number,
  signal: AbortSignal | undefined,
  operation: string,
  serverIds: readonly string[],
): Promise<void> {
  await waitOrAbort(
    settings.sleep,
    ms,
    signal,
    (cause) =>
      new EcsError({
        code: "ECS_ABORTED",
        operation,
        reason: "cancelled while pacing",
        serverIds,
        hint: hintFor("ECS_ABORTED"),
        cause,
      }),
  );
  throwIfAborted(signal, operation, serverIds);
}

/** Whatever was thrown, the caller gets an EcsError that carries the accepted submissions. */
function attachSubmitted(error: unknown, submitted: readonly BatchSubmission[], action: BatchActionName): EcsError {
  const ecsError =
    error instanceof EcsError
      ? error
      : new EcsError({
          code: "ECS_INTERNAL",
          operation: `${action} batch`,
          reason: error instanceof Error ? error.message : String(error),
          cause: error,
        });
  return submitted.length === 0 ? ecsError : withSubmitted(ecsError, [...submitted]);
}
