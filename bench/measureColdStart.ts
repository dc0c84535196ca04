/**
 * The provider inside Pulumi's real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`),
 * driven over gRPC as the engine drives it (tests/harness). The root program is run under mocks (not
 * timed) to get the serialized provider (`__provider`, by value) and the resource's inputs.
 *
 * - measureColdStart: what `pulumi up` pays once per command before any work: the host process
 *   starts, Configure, and the first Check, in which the host loads the serialized provider. No API call.
 * - measureHostRun: a whole create of a fleet in the host, for the host process's peak RSS (VmHWM).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ProviderHost, runProgram, unwrapSecrets, type JsonObject } from "../tests/harness";
import type { ColdStart, HostRun } from "./benchReport";

export interface HostTarget {
  readonly url: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly projectId: string;
  readonly windowSeconds: number;
}

export interface HostProgram {
  readonly urn: string;
  /** The resource's inputs as the engine sends them to Check, `__provider` included. */
  readonly news: JsonObject;
}

const PROGRAM_DIR = join(__dirname, "..");
const PROJECT = "ecs-power";
const STACK = "bench";
const SECRET_KEYS = ["huaweicloud:secretKey"];

function providerConfig(target: HostTarget): Record<string, string> {
  return {
    "huaweicloud:ecsEndpoint": target.url,
    "huaweicloud:projectId": target.projectId,
    "huaweicloud:accessKey": target.accessKey,
    "huaweicloud:secretKey": target.secretKey,
    "huaweicloud:ecsPacingWindowSeconds": String(target.windowSeconds),
  };
}

/** Peak RSS (VmHWM) of a process, MiB, where /proc has it. */
function peakRssMiBOf(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Runs the root program once; its fleet is two servers (a fleet's ids are swapped in later: a big list would not fit PULUMI_CONFIG). */
export async function prepareHostProgram(target: HostTarget, serverIds: readonly string[]): Promise<HostProgram> {
  const config = { ...providerConfig(target), "ecs-power:serverIds": JSON.stringify(serverIds) };
  const program = await runProgram({
    programDir: PROGRAM_DIR,
    project: PROJECT,
    stack: STACK,
    config,
    secretKeys: SECRET_KEYS,
  });
  const resource = program.resources.find((r) => r.type === "pulumi-nodejs:dynamic/huaweicloud:ServerPowerState");
  if (!resource) throw new Error(`the root program registered no ServerPowerState: ${program.output.join("\n")}`);
  return { urn: resource.urn, news: unwrapSecrets(resource.inputs) as JsonObject };
}

async function startHost(target: HostTarget): Promise<ProviderHost> {
  return ProviderHost.start({
    programDir: PROGRAM_DIR,
    project: PROJECT,
    stack: STACK,
    config: providerConfig(target),
    secretKeys: SECRET_KEYS,
    callTimeoutMs: 3_600_000,
  });
}

export async function measureColdStart(program: HostProgram, target: HostTarget): Promise<ColdStart> {
  const started = performance.now();
  const host = await startHost(target);
  try {
    const hostReady = performance.now();
    const bareRssMiB = peakRssMiBOf(host.pid);
    await host.configure(providerConfig(target), SECRET_KEYS);
    const configured = performance.now();
    const checked = await host.check(program.urn, {}, program.news);
    const firstChecked = performance.now();
    if (checked.failures.length > 0) throw new Error(`the first check failed: ${JSON.stringify(checked.failures)}`);
    return {
      hostStartMs: Math.round(hostReady - started),
      configureMs: Math.round(configured - hostReady),
      firstCheckMs: Math.round(firstChecked - configured),
      totalMs: Math.round(firstChecked - started),
      hostPeakRssMiB: peakRssMiBOf(host.pid),
      hostBareRssMiB: bareRssMiB,
      serializedProviderBytes: Buffer.byteLength(String(program.news["__provider"] ?? "")),
    };
  } finally {
    await host.close();
  }
}

/** Configure → Check → Create of `serverIds` in a fresh host; the host's peak RSS afterwards. */
export async function measureHostRun(
  program: HostProgram,
  target: HostTarget,
  serverIds: readonly string[],
): Promise<HostRun> {
  const host = await startHost(target);
  try {
    await host.configure(providerConfig(target), SECRET_KEYS);
    const started = performance.now();
    const checked = await host.check(
      program.urn,
      {},
      { ...program.news, serverIds: [...serverIds], timeoutSeconds: 3600 },
    );
    if (checked.failures.length > 0) throw new Error(`check failed in the host: ${JSON.stringify(checked.failures)}`);
    const afterCheckRssMiB = peakRssMiBOf(host.pid);
    await host.create(program.urn, checked.inputs);
    const wallMs = Math.round(performance.now() - started);
    return { wallMs, peakRssMiB: peakRssMiBOf(host.pid), afterCheckRssMiB };
  } finally {
    await host.close();
  }
}
