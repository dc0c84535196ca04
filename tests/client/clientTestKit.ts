/**
 * Shared pieces of the client tests: an emulator per suite, a client with tiny retry delays and a
 * recording sleep, and a bare node:http server on port 0 for answers the emulator never gives
 * (malformed bodies, 403s, captured requests).
 */
import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { DEFAULT_EMULATOR_CREDENTIALS } from "../../emulator";
import type { AdminServerInput, EmulatorOptions } from "../../emulator";
import { EcsClient } from "../../provider/ecsClient";
import type { EcsClientOptions } from "../../provider/ecsClient";
import { emulatorPerSuite, startEmulatorHandle, type EmulatorHandle } from "../emulatorPerSuite";

export type { EmulatorHandle } from "../emulatorPerSuite";

export const CREDENTIALS = {
  accessKey: DEFAULT_EMULATOR_CREDENTIALS.accessKey,
  secretKey: DEFAULT_EMULATOR_CREDENTIALS.secretKey,
};
export const PROJECT_ID = DEFAULT_EMULATOR_CREDENTIALS.projectId;
export const REGION = DEFAULT_EMULATOR_CREDENTIALS.region;

/** Retry delays small enough for a suite that runs in seconds; the real sleep is kept. */
export const FAST_RETRY = {
  baseDelayMs: 1,
  maxDelayMs: 4,
  busyDelayMs: 5,
  maxRetryAfterMs: 5,
  throttleBaseDelayMs: 1,
  maxThrottleDelayMs: 4,
} as const;

/** Server transitions and job start fast enough for a suite that runs in seconds. */
export const FAST_TRANSITIONS: EmulatorOptions = { stopSeconds: 0.05, startSeconds: 0.05, jobInitMs: 5 };

/** batchPerMinute 0: the emulator's own batch limit is exercised only where a test asks for it. */
const TEST_EMULATOR: EmulatorOptions = { batchPerMinute: 0 };

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulatorHandle({ ...TEST_EMULATOR, ...options });
}

/** The suite's emulator (as startTestEmulator's), reset and seeded with `servers` before each test: see emulatorPerSuite. */
export function testEmulatorPerSuite(
  options: EmulatorOptions = {},
  servers: readonly AdminServerInput[] = [],
): EmulatorHandle {
  return emulatorPerSuite({ ...TEST_EMULATOR, ...options }, servers);
}

/** A sleep that records each delay and returns at once. */
export function recordingSleep(): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number, signal?: AbortSignal) => {
      delays.push(ms);
      if (signal?.aborted) throw signal.reason;
    },
  };
}

export function newClient(endpoint: string, options: Partial<EcsClientOptions> = {}): EcsClient {
  return new EcsClient({
    endpoint,
    projectId: PROJECT_ID,
    credentials: CREDENTIALS,
    ...options,
    retry: { ...FAST_RETRY, ...options.retry },
  });
}

export function ids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, "0")}`);
}

export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Reply {
  readonly status: number;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly delayMs?: number;
}

export interface CaptureServer {
  readonly url: string;
  readonly requests: CapturedRequest[];
  /** Most requests in flight at once. */
  readonly maxInFlight: () => number;
  stop(): Promise<void>;
}

/** A bare HTTP server on 127.0.0.1:0 that records each request and answers with `handler`. */
export async function startCaptureServer(
  handler: (request: CapturedRequest, index: number) => Reply,
): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const captured = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const index = requests.push(captured) - 1;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const reply = handler(captured, index);
      const send = () => {
        inFlight--;
        const text =
          reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          "Content-Type": "application/json",
          "Content-Length": String(Buffer.byteLength(text)),
          ...reply.headers,
        });
        res.end(text);
      };
      if (reply.delayMs === undefined) {
        send();
      } else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, reply.delayMs);
        timers.add(timer);
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
