/**
 * One API request through the emulated gateway and ECS, in the order the real path takes:
 * route lookup → AK/SK signature → rate limit → project check → injected fault → handler.
 * Every request is counted in stats, whatever its fate.
 */
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { HEADER_PROJECT_ID } from "../provider/constants";
import type { EmulatorState } from "./EmulatorState";
import type { TransportFault } from "./publicTypes";
import { type ApiAnswer, ecsError, gatewayError, throttled } from "./errorBodies";
import { handleAction } from "./handleAction";
import { handleJob, handleList, handleProjects, handleShow } from "./handleQuery";
import { handleTagQuery } from "./handleTagQuery";
import { handleSecurityTokens } from "./handleSecurityTokens";
import type { IssuedCredentials } from "./TemporaryCredentials";
import { matchApiRoute, type RouteMatch } from "./matchApiRoute";
import { verifySignature } from "./verifySignature";
import { AUTH_FAILURES_BEFORE_LOCK } from "./AuthLock";
import {
  describeWindow,
  literalCommasRefused,
  reshapeErrorBody,
  reshapeGatewayBody,
  retryAfterFor,
  serverIdCommas,
  uriTooLong,
} from "./variantHooks";

export interface ApiRequest {
  readonly method: string;
  /** The request target as received. */
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** `http://127.0.0.1:<port>`, for links in IAM answers. */
  readonly baseUrl: string;
}

/** What to do with the request: answer (maybe after a delay) or drop the connection. */
export type ApiOutcome =
  | { readonly kind: "answer"; readonly requestId: string; readonly answer: ApiAnswer; readonly delayMs?: number }
  | { readonly kind: "reset"; readonly requestId: string };

export function newRequestId(): string {
  return randomBytes(16).toString("hex");
}

export function handleApiRequest(state: EmulatorState, request: ApiRequest): ApiOutcome {
  const url = new URL(request.rawUrl, "http://emulator.invalid");
  const match = matchApiRoute(request.method, url.pathname);
  const routeName = match?.route ?? "unknown";
  state.stats.countRequest(request.method, routeName);
  if (match?.route === "job" && match.jobId !== undefined) state.stats.countJobRead(match.jobId);
  const decided = decide(state, request, url, match);
  const outcome =
    decided.kind === "answer"
      ? { ...decided, answer: reshapeBodies(state, decided.answer, decided.requestId) }
      : decided;
  state.stats.countAnswer(request.method, routeName, outcome.kind === "reset" ? "reset" : outcome.answer.status);
  return outcome;
}

/** ECS's own errors and the gateway's, each in the shape its variant asks for. */
function reshapeBodies(state: EmulatorState, answer: ApiAnswer, requestId: string): ApiAnswer {
  return reshapeGatewayBody(
    reshapeErrorBody(answer, state.variants.errorBodies, requestId),
    state.variants.gatewayBodies,
  );
}

/** An answer sent at once. */
function answerNow(requestId: string, answer: ApiAnswer): ApiOutcome {
  return { kind: "answer", requestId, answer };
}

function decide(state: EmulatorState, request: ApiRequest, url: URL, match: RouteMatch | undefined): ApiOutcome {
  const requestId = newRequestId();
  const answer = (value: ApiAnswer): ApiOutcome => answerNow(requestId, value);
  const tooLong = uriTooLong(request.rawUrl, state.variants.maxUriBytes, requestId);
  if (tooLong) return answer(tooLong);
  if (!match) {
    return answer(
      gatewayError(
        404,
        "APIGW.0101",
        "The API does not exist or has not been published in the environment.",
        requestId,
      ),
    );
  }
  // Lazily, in the gateway's order: a refused signature consumes no rate, a throttled call checks no project.
  const nowMs = state.nowMs();
  const refusal =
    authRefusal(state, request, nowMs, requestId) ??
    rateRefusal(state, nowMs, requestId) ??
    projectMismatch(state, match, request.headers);
  if (refusal) return answer(refusal);
  const fault = state.faults.takeTransport(match.route);
  if (fault) return faultOutcome(fault, () => route(state, match, request, url, requestId), match, requestId);
  return answer(route(state, match, request, url, requestId));
}

/** The access key locked after failed authentications, or a signature that does not verify (which counts toward the lock). */
function authRefusal(
  state: EmulatorState,
  request: ApiRequest,
  nowMs: number,
  requestId: string,
): ApiAnswer | undefined {
  const lockedFor = state.authLock.lockedForSeconds(nowMs);
  if (lockedFor > 0) {
    return gatewayError(
      401,
      "APIGW.0301",
      `Incorrect IAM authentication information: the access key is locked for ${lockedFor} more second(s) after ${AUTH_FAILURES_BEFORE_LOCK} failed authentications in a row.`,
      requestId,
    );
  }
  const temporary = temporaryKeyOf(state, request.headers);
  if (temporary) return temporaryKeyRefusal(state, request, temporary, nowMs, requestId);
  const verdict = verifySignature({
    method: request.method,
    rawUrl: request.rawUrl,
    headers: request.headers,
    body: request.body,
    accessKey: state.options.accessKey,
    secretKey: state.options.secretKey,
    nowMs,
  });
  if (!verdict.ok) {
    state.authLock.failed(nowMs);
    return gatewayError(401, "APIGW.0301", verdict.message, requestId);
  }
  state.authLock.succeeded();
  state.stats.countAccessKey(state.options.accessKey);
  return undefined;
}

/** The temporary key (metadata, agency) a request is signed with, if it names one the emulator issued. */
function temporaryKeyOf(state: EmulatorState, headers: IncomingHttpHeaders): IssuedCredentials | undefined {
  const authorization = headers.authorization;
  const accessKey = typeof authorization === "string" ? /Access=([^,\s]+)/.exec(authorization)?.[1] : undefined;
  return accessKey === undefined ? undefined : state.temporaryCredentials.find(accessKey);
}

/**
 * A temporary key is accepted only with its own security token (X-Security-Token, signed) and before
 * it expires (emulator/TemporaryCredentials.ts has Huawei's wording). Its failures do not count
 * toward the emulator key's lock.
 */
function temporaryKeyRefusal(
  state: EmulatorState,
  request: ApiRequest,
  issued: IssuedCredentials,
  nowMs: number,
  requestId: string,
): ApiAnswer | undefined {
  const verdict = verifySignature({
    method: request.method,
    rawUrl: request.rawUrl,
    headers: request.headers,
    body: request.body,
    accessKey: issued.accessKey,
    secretKey: issued.secretKey,
    nowMs,
  });
  const token = verdict.ok ? verdict.securityToken : undefined;
  const refusal = verdict.ok ? state.temporaryCredentials.refusal(issued, token, nowMs) : verdict.message;
  if (refusal !== undefined) return gatewayError(401, "APIGW.0301", refusal, requestId);
  state.stats.countAccessKey(issued.accessKey);
  return undefined;
}

/** The request-rate window: consumes one request, or answers the gateway's throttle. */
function rateRefusal(state: EmulatorState, nowMs: number, requestId: string): ApiAnswer | undefined {
  const rate = state.rateWindow.tryConsume(nowMs, 1);
  if (rate.allowed) return undefined;
  const window = describeWindow(state.variants.rateLimitWindowSeconds);
  return throttled(requestId, state.options.rateLimit, window, retryAfterFor(state.variants, rate.retryAfterSeconds));
}

/** What an injected transport fault makes of the request; `handle` runs the real handler (the cloud acts). */
function faultOutcome(
  fault: TransportFault,
  handle: () => ApiAnswer,
  match: RouteMatch,
  requestId: string,
): ApiOutcome {
  const answer = (value: ApiAnswer): ApiOutcome => answerNow(requestId, value);
  switch (fault.kind) {
    case "reset":
      // Processed first when asked: the cloud acted, and only the answer was lost.
      if (fault.afterProcessing) handle();
      return { kind: "reset", requestId };
    case "throttle":
      return answer(throttled(requestId, 200, "5 minute", fault.retryAfterSeconds));
    case "server-error":
      return answer(serverError(fault.status, requestId));
    case "busy":
      return answer(ecsError(501, "Ecs.0603", "Other commands are executing on the server; try again in a minute."));
    case "accepted-no-job":
      // A 202 that is a throttle in disguise: no job_id, and no job created.
      return answer({
        status: 202,
        body: { error_code: "Common.0024", error_msg: "Flow limit exceeded", request_id: requestId },
      });
    case "delay":
      // The request is processed now and only the answer is held back, as when a client times
      // out on a call the cloud has already accepted.
      return { kind: "answer", requestId, answer: handle(), delayMs: fault.delayMs };
    case "malformed-json": {
      // Processed (an action creates its job), then the body is cut short on the way back.
      const real = handle();
      const text = JSON.stringify(real.body);
      return answer({
        status: real.status,
        body: undefined,
        rawBody: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
      });
    }
    case "forbidden":
      return answer(
        fault.code === "Ecs.0003"
          ? ecsError(403, "Ecs.0003", "You do not have permission to perform this operation.")
          : gatewayError(403, "Pdp.0001", "The IAM policy of the user denies this action.", requestId),
      );
    case "expired-job":
      return answer(ecsError(400, "Common.0011", `query job fail. Job[${match.jobId}] does not exist or has expired.`));
    case "pending-payment": {
      // Waiting on an order: shown like a job not started, whatever its sub-jobs have done.
      const real = handle();
      if (real.status !== 200) return answer(real);
      const { job_id, job_type, begin_time } = real.body as Record<string, unknown>;
      return answer({
        status: 200,
        body: { status: "PENDING_PAYMENT", entities: {}, job_id, job_type, begin_time, end_time: "" },
      });
    }
  }
}

/**
 * A 5xx from somewhere on the path: ECS's own exception (500); the gateway's flat body when the
 * backend is unavailable (502 APIGW.0202) or times out (504 APIGW.0203), as the gateway engine's
 * error table lists them (support.huaweicloud.com usermanual-roma roma_03_2128; reference §8);
 * or an HTML page from a proxy in front of the gateway (503).
 */
function serverError(status: 500 | 502 | 503 | 504, requestId: string): ApiAnswer {
  if (status === 500) return ecsError(500, "Common.0001", "System exception.");
  if (status === 502) return gatewayError(502, "APIGW.0202", "Backend unavailable.", requestId);
  if (status === 504) return gatewayError(504, "APIGW.0203", "Backend timeout.", requestId);
  return {
    status: 503,
    body: undefined,
    rawBody:
      "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>",
    headers: { "Content-Type": "text/html" },
  };
}

/**
 * The project in the path (and X-Project-Id, when sent) must be the emulator's. Huawei's
 * answer for ECS is UNCONFIRMED; EVS, which shares ECS's `Common.*` codes, documents
 * 400 Common.0018 "Invalid token in the header" for a URI project that is not the token's.
 */
function projectMismatch(state: EmulatorState, match: RouteMatch, headers: IncomingHttpHeaders): ApiAnswer | undefined {
  if (match.projectId === undefined) return undefined;
  const expected = state.options.projectId;
  const header = headers[HEADER_PROJECT_ID.toLowerCase()];
  if (match.projectId !== expected) {
    return ecsError(
      400,
      "Common.0018",
      `Invalid token in the header: project [${match.projectId}] in the URI is not the project of the token.`,
    );
  }
  if (header !== undefined && header !== expected) {
    return ecsError(
      400,
      "Common.0018",
      `Invalid token in the header: X-Project-Id [${String(header)}] is not the project in the URI.`,
    );
  }
  return undefined;
}

function route(state: EmulatorState, match: RouteMatch, request: ApiRequest, url: URL, requestId: string): ApiAnswer {
  switch (match.route) {
    case "action":
      return handleAction(request.body, {
        options: state.options,
        variants: state.variants,
        fleet: state.fleet,
        jobs: state.jobs,
        faults: state.faults,
        stats: state.stats,
        batchWindow: state.batchWindow,
        nowMs: state.nowMs(),
        requestId,
      });
    case "job":
      return handleJob(state, match.jobId!);
    case "show":
      return handleShow(state, match.serverId!, requestId);
    case "list": {
      const commas = serverIdCommas(request.rawUrl);
      if (commas) state.stats.countListCommas(commas);
      if (commas === "literal" && state.variants.requireEncodedCommas) return literalCommasRefused();
      return handleList(state, url.searchParams, requestId);
    }
    case "projects":
      return handleProjects(state, url.searchParams, request.baseUrl);
    case "tags":
      return handleTagQuery(state, request.body);
    case "securitytokens":
      return handleSecurityTokens(state, request.body);
  }
}
