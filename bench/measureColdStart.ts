/**
 * The provider's cold start inside Pulumi's real dynamic-provider host, as `pulumi up` pays it once
 * per command: the root program is run under mocks (not timed) to get the serialized provider
 * (`__provider`, by value), then, timed: the host process starts (`@pulumi/pulumi/cmd/dynamic-provider`),
 * Configure, and the first Check, in which the host loads the serialized provider and runs check.
 * No API call is made.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ProviderHost, runProgram, unwrapSecrets, type JsonObject } from "../tests/harness";
import type { ColdStart } from "./benchReport";

export interface ColdStartTarget {
  readonly url: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly projectId: string;
  readonly serverIds: readonly string[];
}

/** Peak RSS (VmHWM) of a process, MiB, where /proc has it. */
function peakRssMbOf(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export async function measureColdStart(target: ColdStartTarget): Promise<ColdStart> {
  const programDir = join(__dirname, "..");
  const project = "ecs-power";
  const stack = "bench";
  const config: Record<string, string> = {
    "ecs-power:serverIds": JSON.stringify(target.serverIds),
    "huaweicloud:ecsEndpoint": target.url,
    "huaweicloud:projectId": target.projectId,
    "huaweicloud:accessKey": target.accessKey,
    "huaweicloud:secretKey": target.secretKey,
  };
  const secretKeys = ["huaweicloud:secretKey"];
  const program = await runProgram({ programDir, project, stack, config, secretKeys });
  const resource = program.resources.find((r) => r.type === "pulumi-nodejs:dynamic/huaweicloud:ServerPowerState");
  if (!resource) throw new Error(`the root program registered no ServerPowerState: ${program.output.join("\n")}`);
  const news = unwrapSecrets(resource.inputs) as JsonObject;
  const serializedProviderBytes = Buffer.byteLength(String(news["__provider"] ?? ""));

  const started = performance.now();
  const host = await ProviderHost.start({ programDir, project, stack, config, secretKeys });
  try {
    const hostReady = performance.now();
    await host.configure(config, secretKeys);
    const configured = performance.now();
    const checked = await host.check(resource.urn, {}, news);
    const firstChecked = performance.now();
    if (checked.failures.length > 0) throw new Error(`the first check failed: ${JSON.stringify(checked.failures)}`);
    return {
      hostStartMs: Math.round(hostReady - started),
      configureMs: Math.round(configured - hostReady),
      firstCheckMs: Math.round(firstChecked - configured),
      totalMs: Math.round(firstChecked - started),
      hostPeakRssMb: peakRssMbOf(host.pid),
      serializedProviderBytes,
    };
  } finally {
    await host.close();
  }
}
