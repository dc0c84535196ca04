/**
 * Test helpers: a tiny signed fetch built on the project's signer (not the provider's client),
 * a raw node:http request for headers fetch will not send (Host), and a steppable clock.
 */
import { request as httpRequest } from "node:http";
import { type Credentials, signRequest } from "../../provider/signer";
import {
  DEFAULT_EMULATOR_CREDENTIALS,
  EmulatorAdmin,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body, undefined when the body is empty. */
  readonly json: any;
}

export interface SignedCallOptions {
  readonly body?: string;
  readonly credentials?: Credentials;
  /** X-Project-Id to sign and send; `null` sends none (IAM calls). Defaults to the client's project. */
  readonly projectId?: string | null;
  /** Signing date; defaults to the client's clock. */
  readonly date?: Date;
  /** Extra headers sent after signing (unsigned), or overriding signed ones to tamper. */
  readonly extraHeaders?: Record<string, string>;
}

export class FakeClock {
  constructor(public nowMs: number = Date.now()) {}
  readonly read = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export class EmulatorTestClient {
  readonly projectId: string;
  readonly credentials: Credentials;

  constructor(
    readonly baseUrl: string,
    options: { projectId?: string; credentials?: Credentials; now?: () => number } = {},
  ) {
    this.projectId = options.projectId ?? DEFAULT_EMULATOR_CREDENTIALS.projectId;
    this.credentials = options.credentials ?? {
      accessKey: DEFAULT_EMULATOR_CREDENTIALS.accessKey,
      secretKey: DEFAULT_EMULATOR_CREDENTIALS.secretKey,
    };
    this.now = options.now ?? Date.now;
  }

  private readonly now: () => number;

  async call(method: string, path: string, options: SignedCallOptions = {}): Promise<TestResponse> {
    const url = `${this.baseUrl}${path}`;
    const contentType = { "Content-Type": "application/json" };
    const projectId = options.projectId === null ? undefined : (options.projectId ?? this.projectId);
    const signed = signRequest(
      { method, url, headers: contentType, body: options.body, projectId },
      options.credentials ?? this.credentials,
      options.date ?? new Date(this.now()),
    );
    const response = await fetch(url, {
      method,
      headers: { ...contentType, ...signed, ...options.extraHeaders },
      body: options.body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: parseJsonOrUndefined(text) };
  }

  /** `POST /v1/{project}/cloudservers/action` with `body` serialised as JSON. */
  action(body: unknown, options: SignedCallOptions = {}): Promise<TestResponse> {
    return this.call("POST", `/v1/${this.projectId}/cloudservers/action`, { ...options, body: JSON.stringify(body) });
  }

  stop(ids: string[], type?: "SOFT" | "HARD"): Promise<TestResponse> {
    return this.action({ "os-stop": { servers: ids.map((id) => ({ id })), ...(type ? { type } : {}) } });
  }

  start(ids: string[]): Promise<TestResponse> {
    return this.action({ "os-start": { servers: ids.map((id) => ({ id })) } });
  }

  reboot(ids: string[], type: "SOFT" | "HARD"): Promise<TestResponse> {
    return this.action({ reboot: { servers: ids.map((id) => ({ id })), type } });
  }

  job(jobId: string): Promise<TestResponse> {
    return this.call("GET", `/v1/${this.projectId}/jobs/${jobId}`);
  }

  show(serverId: string): Promise<TestResponse> {
    return this.call("GET", `/v1/${this.projectId}/cloudservers/${serverId}`);
  }

  list(query = ""): Promise<TestResponse> {
    return this.call("GET", `/v1/${this.projectId}/cloudservers/detail${query ? `?${query}` : ""}`);
  }

  projects(name?: string): Promise<TestResponse> {
    const query = name === undefined ? "" : `?name=${encodeURIComponent(name)}`;
    return this.call("GET", `/v3/projects${query}`, { projectId: null });
  }
}

/** Parsed JSON, or undefined for an empty or non-JSON body (faults send broken ones on purpose: see `text`). */
function parseJsonOrUndefined(text: string): any {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A request over node:http with exactly the given headers (fetch cannot set Host). */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === "string") responseHeaders.set(name, value);
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: responseHeaders,
          text,
          json: text ? JSON.parse(text) : undefined,
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

export interface TestEmulator {
  readonly emulator: RunningEmulator;
  readonly client: EmulatorTestClient;
  readonly admin: EmulatorAdmin;
  /** Drives the emulator's clock (and the client's signing date): time moves only when a test says so. */
  readonly clock: FakeClock;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const clock = new FakeClock();
  const emulator = await startEmulator({ clockMs: clock.read, ...options });
  return {
    emulator,
    client: new EmulatorTestClient(emulator.url, { projectId: emulator.options.projectId, now: clock.read }),
    admin: new EmulatorAdmin(emulator.url),
    clock,
  };
}
