/**
 * Drives @pulumi/pulumi's own dynamic-provider host (`cmd/dynamic-provider`) over gRPC, as the engine
 * does: the host deserializes `__provider` from the properties of each call (cwd = program folder)
 * and calls `configure` once per provider text per process, with the config of the Configure call.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as http2 from "node:http2";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { inflateRawSync } from "node:zlib";
import type * as GrpcJs from "@grpc/grpc-js";
import type { Struct as StructType } from "google-protobuf/google/protobuf/struct_pb";
import type { Empty as EmptyType } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import * as statusPb from "@pulumi/pulumi/proto/status_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { engineEnv } from "./engineEnv";
import { HostStartError, ProviderRpcError, ResourceInitFailedError } from "./errors";
import { JsonObject, toJsonObject } from "./json";
import { wrapSecret } from "./rpcValues";

// The generated stubs `require("@grpc/grpc-js")` and google-protobuf from @pulumi/pulumi's folder;
// credentials, metadata and Struct must come from those same instances.
const pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (id: string): unknown => require(require.resolve(id, { paths: [pulumiDir] }));
const grpc = fromPulumi("@grpc/grpc-js") as typeof GrpcJs;
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb") as { Struct: typeof StructType };
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb") as { Empty: typeof EmptyType };

const RESOURCE_INIT_FAILED_TYPE = "pulumirpc.ErrorResourceInitFailed";
/** Where hostTrailerChunks.js puts a large `grpc-status-details-bin`, deflated and in chunks. */
const DEFLATED_DETAILS_KEY = "x-harness-status-details-deflated-bin";

/** What the engine's gRPC client (grpc-go) accepts in the headers or trailers of one response. */
export const ENGINE_MAX_HEADER_LIST_BYTES = 16 * 1024 * 1024;

/** The host's side of carrying engine-sized trailers: it splits the details field (see that file). */
const HOST_PRELOAD = resolve(__dirname, "hostTrailerChunks.js");

/**
 * A partial failure travels in the `grpc-status-details-bin` trailer with the resource's properties,
 * `__provider` included. grpc-go, the engine's client, takes trailers up to 16 MiB; Node's HTTP/2
 * client advertises 64 KiB (SETTINGS_MAX_HEADER_LIST_SIZE) and grpc-js has no channel option for it, so
 * the harness raises the limit on the HTTP/2 sessions grpc-js opens in this process. Node's per-field
 * and CONTINUATION caps remain: the host deflates and splits large details (hostTrailerChunks.js).
 */
function acceptEngineSizedTrailers(): void {
  const module = http2 as unknown as { connect: typeof http2.connect & { raisedHeaderLimit?: true } };
  if (module.connect.raisedHeaderLimit) return;
  const original = module.connect;
  const connect = ((authority: string | URL, options?: http2.ClientSessionOptions, listener?: () => void) => {
    const settings = { maxHeaderListSize: ENGINE_MAX_HEADER_LIST_BYTES, ...options?.settings };
    return original(authority, { maxHeaderListPairs: 4096, ...options, settings }, listener);
  }) as typeof module.connect;
  connect.raisedHeaderLimit = true;
  module.connect = connect;
}

export interface ProviderHostOptions {
  /** The program folder: the host's cwd, from which `__provider`'s `require`s resolve. */
  programDir: string;
  project: string;
  stack: string;
  /** Stack config for the host's PULUMI_CONFIG env (the Configure call carries it again). */
  config?: Record<string, string>;
  secretKeys?: string[];
  /** Extra environment, e.g. credentials a provider reads from env. */
  env?: Record<string, string>;
  /** Called with every line the host prints after its port (the provider's console output). */
  onOutput?: (line: string, stream: "stdout" | "stderr") => void;
  /** gRPC deadline of each call; default 60 000. */
  callTimeoutMs?: number;
  /** How long to wait for the port line; default 30 000. */
  startTimeoutMs?: number;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult {
  inputs: JsonObject;
  failures: CheckFailure[];
}

export type DiffChanges = "DIFF_UNKNOWN" | "DIFF_NONE" | "DIFF_SOME";

export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface CreateResult {
  id: string;
  properties: JsonObject;
}

export interface ReadResult {
  /** Empty when the provider says the resource is gone. */
  id: string;
  properties: JsonObject;
  /** Present only when the provider's read returned `inputs`. */
  inputs?: JsonObject;
}

export interface ConfigureResult {
  acceptSecrets: boolean;
  supportsPreview: boolean;
}

type Callback<T> = (error: GrpcJs.ServiceError | null, response: T) => void;

export class ProviderHost {
  readonly port: number;
  /** The host's process id, e.g. to prove `close()` leaves no process behind. */
  readonly pid: number;
  /** Every line the host printed after its port, stdout and stderr interleaved as they arrived. */
  readonly output: string[];
  private readonly child: ChildProcess;
  private readonly client: ResourceProviderClient;
  private readonly callTimeoutMs: number;
  private readonly exited: Promise<void>;

  private constructor(
    child: ChildProcess,
    port: number,
    output: string[],
    exited: Promise<void>,
    callTimeoutMs: number,
  ) {
    this.child = child;
    this.port = port;
    this.pid = child.pid ?? -1;
    this.output = output;
    this.exited = exited;
    this.callTimeoutMs = callTimeoutMs;
    acceptEngineSizedTrailers();
    this.client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
    });
  }

  /** Spawns `node <program's @pulumi/pulumi>/cmd/dynamic-provider 127.0.0.1:0` and waits for its port. */
  static async start(options: ProviderHostOptions): Promise<ProviderHost> {
    // The engine runs the host of the program's own @pulumi/pulumi, found from the program folder.
    const hostEntry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [options.programDir] });
    const child = spawn(process.execPath, ["--require", HOST_PRELOAD, hostEntry, "127.0.0.1:0"], {
      cwd: options.programDir,
      env: engineEnv(options),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const output: string[] = [];
    const startTimeoutMs = options.startTimeoutMs ?? 30_000;

    const port = await new Promise<number>((resolve, reject) => {
      let portLine: string | undefined;
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(new HostStartError(`dynamic-provider host ${why}:\n${output.join("\n")}`, output));
      };
      const timer = setTimeout(() => fail(`printed no port within startTimeoutMs [${startTimeoutMs}]`), startTimeoutMs);
      const onLine = (stream: "stdout" | "stderr") => (line: string) => {
        if (stream === "stdout" && portLine === undefined) {
          portLine = line;
          clearTimeout(timer);
          const parsed = Number(line.trim());
          if (Number.isInteger(parsed) && parsed > 0) resolve(parsed);
          else fail(`printed [${line}] where its port was expected`);
          return;
        }
        output.push(line);
        options.onOutput?.(line, stream);
      };
      createInterface({ input: child.stdout! }).on("line", onLine("stdout"));
      createInterface({ input: child.stderr! }).on("line", onLine("stderr"));
      child.once("error", (err) => fail(`could not be spawned: ${err.message}`));
      child.once("exit", (code, signal) => {
        if (portLine === undefined) fail(`exited (code ${code}, signal ${signal}) before printing its port`);
      });
    });
    return new ProviderHost(child, port, output, exited, options.callTimeoutMs ?? 60_000);
  }

  async getPluginInfo(): Promise<{ version: string }> {
    const info = await this.rpc<PluginInfo>("getPluginInfo", (o, cb) =>
      this.client.getPluginInfo(new Empty(), new grpc.Metadata(), o, cb),
    );
    return { version: info.getVersion() };
  }

  /** `config` keys are namespaced (`huaweicloud:region`); keys in `secretKeys` are sent wrapped as secrets. */
  async configure(config: Record<string, string>, secretKeys: string[] = []): Promise<ConfigureResult> {
    const args: JsonObject = {};
    for (const [key, value] of Object.entries(config)) args[key] = secretKeys.includes(key) ? wrapSecret(value) : value;
    const req = new providerPb.ConfigureRequest();
    req.setArgs(toStruct(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const res = await this.rpc<providerPb.ConfigureResponse>("configure", (o, cb) =>
      this.client.configure(req, new grpc.Metadata(), o, cb),
    );
    return { acceptSecrets: res.getAcceptsecrets(), supportsPreview: res.getSupportspreview() };
  }

  async check(urn: string, olds: JsonObject, news: JsonObject): Promise<CheckResult> {
    const req = new providerPb.CheckRequest();
    req.setUrn(urn).setName(nameOf(urn)).setType(typeOf(urn));
    req.setOlds(toStruct(olds)).setNews(toStruct(news));
    const res = await this.rpc<providerPb.CheckResponse>("check", (o, cb) =>
      this.client.check(req, new grpc.Metadata(), o, cb),
    );
    return {
      inputs: structToJson(res.getInputs()),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  /** `olds` are the old OUTPUTS, as the engine sends them; `news` the checked inputs. */
  async diff(urn: string, id: string, olds: JsonObject, news: JsonObject): Promise<DiffResult> {
    const req = new providerPb.DiffRequest();
    req.setUrn(urn).setId(id).setName(nameOf(urn)).setType(typeOf(urn));
    req.setOlds(toStruct(olds)).setNews(toStruct(news));
    const res = await this.rpc<providerPb.DiffResponse>("diff", (o, cb) =>
      this.client.diff(req, new grpc.Metadata(), o, cb),
    );
    const changesByCode: Record<number, DiffChanges> = {
      [providerPb.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "DIFF_UNKNOWN",
      [providerPb.DiffResponse.DiffChanges.DIFF_NONE]: "DIFF_NONE",
      [providerPb.DiffResponse.DiffChanges.DIFF_SOME]: "DIFF_SOME",
    };
    return {
      changes: changesByCode[res.getChanges()] ?? "DIFF_UNKNOWN",
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  async create(urn: string, props: JsonObject, preview = false): Promise<CreateResult> {
    const req = new providerPb.CreateRequest();
    req.setUrn(urn).setName(nameOf(urn)).setType(typeOf(urn)).setPreview(preview);
    req.setProperties(toStruct(props));
    const res = await this.rpc<providerPb.CreateResponse>("create", (o, cb) =>
      this.client.create(req, new grpc.Metadata(), o, cb),
    );
    return { id: res.getId(), properties: structToJson(res.getProperties()) };
  }

  /** `olds` are the old outputs, `news` the checked inputs; resolves to the new outputs. */
  async update(urn: string, id: string, olds: JsonObject, news: JsonObject): Promise<{ properties: JsonObject }> {
    const req = new providerPb.UpdateRequest();
    req.setUrn(urn).setId(id).setName(nameOf(urn)).setType(typeOf(urn));
    req.setOlds(toStruct(olds)).setNews(toStruct(news));
    const res = await this.rpc<providerPb.UpdateResponse>("update", (o, cb) =>
      this.client.update(req, new grpc.Metadata(), o, cb),
    );
    return { properties: structToJson(res.getProperties()) };
  }

  async read(urn: string, id: string, props: JsonObject, inputs: JsonObject): Promise<ReadResult> {
    const req = new providerPb.ReadRequest();
    req.setUrn(urn).setId(id).setName(nameOf(urn)).setType(typeOf(urn));
    req.setProperties(toStruct(props)).setInputs(toStruct(inputs));
    const res = await this.rpc<providerPb.ReadResponse>("read", (o, cb) =>
      this.client.read(req, new grpc.Metadata(), o, cb),
    );
    const result: ReadResult = { id: res.getId() ?? "", properties: structToJson(res.getProperties()) };
    if (res.hasInputs()) result.inputs = structToJson(res.getInputs());
    return result;
  }

  async delete(urn: string, id: string, props: JsonObject): Promise<void> {
    const req = new providerPb.DeleteRequest();
    req.setUrn(urn).setId(id).setName(nameOf(urn)).setType(typeOf(urn));
    req.setProperties(toStruct(props));
    await this.rpc<EmptyType>("delete", (o, cb) => this.client.delete(req, new grpc.Metadata(), o, cb));
  }

  /**
   * The Cancel RPC, as the engine sends it on the first Ctrl-C or SIGTERM (pkg/resource/deploy/deployment_executor.go
   * `Execute`, through the host's `SignalCancellation`): it waits for the answer, while other calls run on.
   */
  async cancel(): Promise<void> {
    await this.rpc<EmptyType>("cancel", (o, cb) => this.client.cancel(new Empty(), new grpc.Metadata(), o, cb));
  }

  /** How the host process ended: its exit code, or the signal that ended it. */
  async exitStatus(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    await this.exited;
    return { code: this.child.exitCode, signal: this.child.signalCode };
  }

  /** Closes the channel and ends the host (SIGTERM, then SIGKILL after 3 s). Safe to call twice. */
  async close(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
      const killTimer = setTimeout(() => this.child.kill("SIGKILL"), 3_000);
      await this.exited;
      clearTimeout(killTimer);
    }
  }

  private rpc<T>(
    method: string,
    invoke: (options: Partial<GrpcJs.CallOptions>, callback: Callback<T>) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      invoke({ deadline: Date.now() + this.callTimeoutMs }, (error, response) => {
        if (error) reject(decodeError(method, error));
        else resolve(response);
      });
    });
  }
}

/**
 * A partial failure travels as a google.rpc.Status in the `grpc-status-details-bin` trailer, with an
 * Any-packed `pulumirpc.ErrorResourceInitFailed`; anything else is a plain error with a message.
 */
function decodeError(method: string, error: GrpcJs.ServiceError): Error {
  const details = statusDetails(error.metadata);
  if (details !== undefined) {
    const status = statusPb.Status.deserializeBinary(new Uint8Array(details));
    for (const detail of status.getDetailsList()) {
      if (detail.getTypeName() !== RESOURCE_INIT_FAILED_TYPE) continue;
      const failed = providerPb.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
      return new ResourceInitFailedError(
        method,
        status.getMessage() || error.details,
        failed.getId(),
        structToJson(failed.getProperties()),
        failed.getReasonsList(),
      );
    }
  }
  return new ProviderRpcError(method, error.code, error.details);
}

/** The details as the host sent them: one field, or its deflated chunks in order (see hostTrailerChunks.js). */
function statusDetails(metadata: GrpcJs.Metadata | undefined): Buffer | undefined {
  const binary = (key: string): Buffer[] =>
    (metadata?.get(key) ?? []).filter((raw): raw is Buffer => typeof raw !== "string");
  const deflated = binary(DEFLATED_DETAILS_KEY);
  if (deflated.length > 0) return inflateRawSync(Buffer.concat(deflated));
  return binary("grpc-status-details-bin")[0];
}

/** JSON-normalized first: Struct rejects `undefined`, which the engine would have dropped. */
function toStruct(value: JsonObject): StructType {
  return Struct.fromJavaScript(toJsonObject(value));
}

function structToJson(struct: StructType | undefined): JsonObject {
  return (struct?.toJavaScript() ?? {}) as JsonObject;
}

/** URN = urn:pulumi:<stack>::<project>::<qualified type>::<name>; the type is the last `$` part. */
function nameOf(urn: string): string {
  return urn.split("::")[3] ?? "";
}

function typeOf(urn: string): string {
  return urn.split("::")[2]?.split("$").pop() ?? "";
}
