/**
 * Starts the emulator: one node:http server on loopback serving both the signed ECS/IAM API
 * and the unsigned admin API. `stop()` closes every socket, keep-alive ones included, and
 * clears the only timers the emulator ever sets (delayed answers), so nothing outlives it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { z } from "zod";
import { HEADER_REQUEST_ID } from "../provider/constants";
import { MAX_BODY_BYTES } from "./defaults";
import { createEmulatorState, type EmulatorState } from "./EmulatorState";
import { gatewayError } from "./errorBodies";
import { handleAdminRequest } from "./handleAdminRequest";
import { handleApiRequest, newRequestId } from "./handleApiRequest";
import { matchApiRoute } from "./matchApiRoute";
import type { EmulatorOptions, ResolvedEmulatorOptions } from "./publicTypes";
import { resolveEmulatorOptions } from "./resolveEmulatorOptions";

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

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveEmulatorOptions(options);
  const state = createEmulatorState(resolved);
  const sockets = new Set<Socket>();
  let baseUrl = "";
  let stopped = false;
  let away: Promise<void> | undefined;
  let back: Promise<void> | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, resolved.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  const suspend = (): Promise<void> => {
    away ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return away;
  };
  /** Listens again once fully away; one shared attempt however many callers; never after stop(). */
  const resume = (): Promise<void> => {
    if (!away) return Promise.resolve();
    back ??= away
      .then(async () => {
        if (stopped) return;
        away = undefined;
        await listen();
      })
      .finally(() => {
        back = undefined;
      });
    return back;
  };
  const outage = (ms: number): void => {
    void suspend().then(() => {
      if (stopped) return;
      const timer = setTimeout(() => {
        state.timers.delete(timer);
        resume().catch((error: unknown) => resolved.log?.(`could not listen again after the outage: ${String(error)}`));
      }, ms);
      timer.unref();
      state.timers.add(timer);
    });
  };
  // Node's default 16 KB header limit would answer 431 before the gateway's own URI limit (maxUriBytes) is checked.
  const server = createServer({ maxHeaderSize: 2 * 1024 * 1024 }, (request, response) => {
    onRequest(state, baseUrl, request, response, outage).catch((error: unknown) => {
      resolved.log?.(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
      const requestId = newRequestId();
      send(
        response,
        500,
        { error: { code: "Common.0001", message: "System exception (emulator bug)." } },
        {
          [HEADER_REQUEST_ID]: requestId,
        },
      );
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  let port = resolved.port;
  await listen();
  const address = server.address() as AddressInfo;
  port = address.port;
  const { family } = address;
  const hostPart =
    family === "IPv6" || resolved.host === "::1"
      ? "[::1]"
      : resolved.host === "localhost"
        ? "127.0.0.1"
        : resolved.host;
  baseUrl = `http://${hostPart}:${port}`;

  let stopping: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    options: resolved,
    suspend,
    resume,
    stop() {
      stopped = true;
      stopping ??= (async () => {
        for (const timer of state.timers) clearTimeout(timer);
        state.timers.clear();
        await back?.catch(() => undefined); // a resume under way ends (not listening) before we close
        away = undefined;
        await suspend();
      })();
      return stopping;
    },
  };
}
