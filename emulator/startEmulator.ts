/**
 * Starts the emulator: one node:http server on loopback serving both the signed ECS/IAM API
 * and the unsigned admin API. `stop()` closes every socket, keep-alive ones included, and
 * clears the only timers the emulator ever sets (delayed answers), so nothing outlives it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { HEADER_REQUEST_ID } from "../provider/constants";
import { MAX_BODY_BYTES } from "./defaults";
import { createEmulatorState, type EmulatorState } from "./EmulatorState";
import { gatewayError } from "./errorBodies";
import { handleAdminRequest } from "./handleAdminRequest";
import { handleApiRequest, newRequestId } from "./handleApiRequest";
import { handleMetadata, isMetadataPath } from "./handleMetadata";
import { Listener } from "./Listener";
import { matchApiRoute } from "./matchApiRoute";
import type { EmulatorOptions, ResolvedEmulatorOptions } from "./publicTypes";
import { resolveEmulatorOptions } from "./resolveEmulatorOptions";

/** A started emulator: its URL and resolved options, and the handles to stop, suspend or resume it. */
export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`: the ECS and IAM endpoint, and the admin API under `/_emulator/`. */
  readonly url: string;
  readonly port: number;
  readonly options: ResolvedEmulatorOptions;
  /**
   * Goes away: stops listening and drops every connection, so clients get connection refused.
   * State (servers, jobs, the clock-driven transitions) lives on. `resume()` listens again on the
   * same port.
   */
  suspend(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && (address === "::1" || /^(::ffff:)?127\./.test(address));
}

/** Reads the whole body; undefined when it is larger than MAX_BODY_BYTES (the rest is drained). */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    request.on("error", reject);
  });
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  rawBody?: string,
): void {
  if (response.destroyed || response.headersSent) return;
  const text = rawBody ?? (body === undefined ? "" : JSON.stringify(body));
  response.writeHead(status, {
    ...(body === undefined && rawBody === undefined ? {} : { "Content-Type": "application/json;charset=UTF-8" }),
    "Content-Length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

/** `POST /_emulator/outage {"seconds": n}`: answers 202, then the emulator is away for n seconds. */
const outageBodySchema = z.object({ seconds: z.number().positive().max(3600) }).strict();

/** The ECS metadata service (unsigned, outside the gateway): emulator/handleMetadata.ts. */
function serveMetadata(
  state: EmulatorState,
  method: string,
  pathname: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const answer = handleMetadata(state, method, pathname, request.headers);
  state.options.log?.(`metadata ${method} ${pathname} -> ${answer.status}`);
  send(response, answer.status, answer.body, answer.headers, answer.rawBody);
}

async function onRequest(
  state: EmulatorState,
  baseUrl: string,
  request: IncomingMessage,
  response: ServerResponse,
  outage: (ms: number) => void,
) {
  const method = request.method ?? "GET";
  const rawUrl = request.url ?? "/";
  const pathname = new URL(rawUrl, "http://emulator.invalid").pathname;
  const body = await readBody(request);
  const log = state.options.log;

  if (pathname.startsWith("/_emulator/")) {
    if (!isLoopbackAddress(request.socket.remoteAddress)) {
      send(response, 403, { error: "the admin API answers loopback clients only" });
      return;
    }
    if (body === undefined) {
      send(response, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
      return;
    }
    if (pathname === "/_emulator/outage" && method === "POST") {
      let parsed: ReturnType<typeof outageBodySchema.safeParse> | undefined;
      try {
        parsed = outageBodySchema.safeParse(JSON.parse(body.toString("utf8")));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        send(response, 400, { error: 'invalid body: expected {"seconds": n} with 0 < n <= 3600' });
        return;
      }
      log?.(`admin outage for ${parsed.data.seconds} s`);
      response.once("finish", () => outage(parsed.data.seconds * 1000));
      send(response, 202, { outageSeconds: parsed.data.seconds });
      return;
    }
    const answer = handleAdminRequest(state, method, pathname, body);
    log?.(`admin ${method} ${pathname} -> ${answer.status}`);
    send(response, answer.status, answer.body);
    return;
  }

  state.apiConnections.track(request.socket);
  if (isMetadataPath(pathname)) return serveMetadata(state, method, pathname, request, response);

  if (body === undefined) {
    state.stats.countRequest(method, matchApiRoute(method, pathname)?.route ?? "unknown");
    const requestId = newRequestId();
    send(response, 413, gatewayError(413, "APIGW.0201", "Request entity too large.", requestId).body, {
      [HEADER_REQUEST_ID]: requestId,
    });
    return;
  }
  const outcome = handleApiRequest(state, { method, rawUrl, headers: request.headers, body, baseUrl });
  if (outcome.kind === "reset") {
    log?.(`${method} ${rawUrl} -> connection reset (injected)`);
    request.socket.destroy();
    return;
  }
  const { answer, requestId, delayMs } = outcome;
  const reply = () => {
    log?.(`${method} ${rawUrl} -> ${answer.status}`);
    // The gateway's own clock, as a real one sends it: clients read their clock skew from it.
    const date = new Date(state.nowMs()).toUTCString();
    send(
      response,
      answer.status,
      answer.body,
      { Date: date, ...answer.headers, [HEADER_REQUEST_ID]: requestId },
      answer.rawBody,
    );
  };
  if (delayMs === undefined) {
    reply();
    return;
  }
  const timer = setTimeout(() => {
    state.timers.delete(timer);
    reply();
  }, delayMs);
  state.timers.add(timer);
}

/** The URL clients use: IPv6 loopback in brackets, `localhost` as 127.0.0.1. */
function baseUrlOf(host: string, address: AddressInfo): string {
  const hostPart = address.family === "IPv6" || host === "::1" ? "[::1]" : host === "localhost" ? "127.0.0.1" : host;
  return `http://${hostPart}:${address.port}`;
}

/** The answer to a request the emulator itself failed on: ECS's generic 500, so the client's path for it is exercised. */
function sendInternalError(response: ServerResponse, error: unknown, log?: (line: string) => void): void {
  log?.(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
  const body = { error: { code: "Common.0001", message: "System exception (emulator bug)." } };
  send(response, 500, body, { [HEADER_REQUEST_ID]: newRequestId() });
}

/**
 * Starts the emulator on loopback (port 0 by default: a free one) and resolves once it listens. Options
 * are checked first (an `EmulatorOptionsError` names each bad one). `stop()` it when done (docs/emulator.md).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveEmulatorOptions(options);
  const state = createEmulatorState(resolved);
  let baseUrl = "";
  // Node's default 16 KB header limit would answer 431 before the gateway's own URI limit (maxUriBytes) is checked.
  const server = createServer({ maxHeaderSize: 2 * 1024 * 1024 }, (request, response) => {
    onRequest(state, baseUrl, request, response, listener.outage).catch((error: unknown) =>
      sendInternalError(response, error, resolved.log),
    );
  });
  const listener = new Listener(server, resolved.host, resolved.port, state.timers, resolved.log);
  const address = await listener.listen();
  baseUrl = baseUrlOf(resolved.host, address);
  return {
    url: baseUrl,
    port: address.port,
    options: resolved,
    suspend: listener.suspend,
    resume: listener.resume,
    stop: listener.stop,
  };
}
