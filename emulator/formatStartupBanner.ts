/**
 * What the CLI prints on start. The first line is fixed (`ECS emulator listening on <url>`):
 * scripts wait for it. The secret key is printed only when it is the built-in public test key.
 */
import { DEFAULT_EMULATOR_CREDENTIALS } from "./defaults";
import { countOf } from "../provider/plural";
import { seededServerId } from "./seedServers";
import type { RunningEmulator } from "./startEmulator";
import { DEFAULT_VARIANTS, pickVariants, VARIANT_NAMES } from "./variants";

export function maskSecret(secretKey: string): string {
  if (secretKey === DEFAULT_EMULATOR_CREDENTIALS.secretKey) return `${secretKey} (built-in test key)`;
  return `${"*".repeat(8)} (${secretKey.length} characters, hidden)`;
}

export function formatStartupBanner(emulator: Pick<RunningEmulator, "url" | "options">): string[] {
  const o = emulator.options;
  const lines = [
    `ECS emulator listening on ${emulator.url}`,
    `  region            ${o.region}`,
    `  project id        ${o.projectId}`,
    `  access key        ${o.accessKey}`,
    `  secret key        ${maskSecret(o.secretKey)}`,
    `  durations         stop ${o.stopSeconds} s, start ${o.startSeconds} s, reboot ${o.rebootSeconds} s, job INIT ${o.jobInitMs} ms, job TTL ${o.jobTtlSeconds} s`,
    `  already in state  ${o.alreadyInState}`,
    `  unknown server    ${o.unknownServer}`,
    `  batch limit       ${o.batchPerMinute > 0 ? `${countOf(o.batchPerMinute, "server")} per ${o.batchWindowSeconds === 60 ? "minute" : `${o.batchWindowSeconds} s window (shortened minute)`}` : "unlimited"}`,
    `  rate limit        ${o.rateLimit > 0 ? `${o.rateLimit} requests per ${o.rateLimitWindowSeconds === 1 ? "second" : `${o.rateLimitWindowSeconds} s`}` : "unlimited"}`,
    `  admin API         ${emulator.url}/_emulator/ (servers, faults, stats, variants, reset)`,
  ];
  const variants = pickVariants(o);
  const changed = VARIANT_NAMES.filter(
    (name) =>
      !["alreadyInState", "unknownServer"].includes(name) &&
      JSON.stringify(variants[name]) !== JSON.stringify(DEFAULT_VARIANTS[name]),
  );
  if (changed.length > 0)
    lines.push(`  variants          ${changed.map((name) => `${name}=${variants[name]}`).join(", ")}`);
  if (o.seed > 0) {
    const last = seededServerId(o.seed - 1);
    lines.push(
      `  seeded servers    ${o.seed}: ${seededServerId(0)} .. ${last} (even ACTIVE and tagged parity=even, odd SHUTOFF and parity=odd)`,
    );
  }
  return lines;
}
