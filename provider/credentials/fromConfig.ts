/**
 * The first link of the chain: a key in stack config (`huaweicloud:accessKey` / `secretKey` /
 * `securityToken`, the bridged provider's names), each setting falling back to the environment
 * (fromEnv.ts) as it always has. Both halves set: found. One half set: a misconfiguration the chain
 * stops at (naming the missing half, never a value). Neither: the chain goes on.
 */
import { CONFIG_KEYS, ENV_KEYS, type Environment, type ProviderConfig } from "../settings";
import { fromEnv } from "./fromEnv";
import type { SourceOutcome } from "./types";

export const MISSING_ACCESS_KEY = `${CONFIG_KEYS.accessKey} is not set (nor ${ENV_KEYS.accessKey.join(", nor ")}): expected the access key (AK) that signs the ECS calls; pulumi config set ${CONFIG_KEYS.accessKey} <AK>`;
export const MISSING_SECRET_KEY = `${CONFIG_KEYS.secretKey} is not set (nor ${ENV_KEYS.secretKey.join(", nor ")}): expected the secret key (SK) that signs the ECS calls; pulumi config set --secret ${CONFIG_KEYS.secretKey} <SK> (--secret keeps it encrypted in the stack config)`;

/** What is missing of a half-set static pair (empty when both or neither are set). */
export function staticPairProblems(config: ProviderConfig, env: Environment): string[] {
  const fromVars = fromEnv(env);
  const hasAk = config.accessKey !== undefined || fromVars.accessKey !== undefined;
  const hasSk = config.secretKey !== undefined || fromVars.secretKey !== undefined;
  if (hasAk === hasSk) return [];
  return [hasAk ? MISSING_SECRET_KEY : MISSING_ACCESS_KEY];
}

export function fromConfig(config: ProviderConfig, env: Environment): SourceOutcome {
  const vars = fromEnv(env);
  const accessKey = config.accessKey ?? vars.accessKey?.value;
  const secretKey = config.secretKey ?? vars.secretKey?.value;
  const securityToken = config.securityToken ?? vars.securityToken?.value;
  if (accessKey !== undefined && secretKey !== undefined) {
    const where = config.accessKey !== undefined ? CONFIG_KEYS.accessKey : vars.accessKey!.name;
    return {
      found: {
        credentials: { accessKey, secretKey, ...(securityToken ? { securityToken } : {}) },
        source: where.startsWith("huaweicloud:") ? `stack config (${where})` : `the environment (${where})`,
      },
    };
  }
  const half = staticPairProblems(config, env);
  if (half.length > 0) return { tried: half.join("\n"), problem: "misconfigured" };
  return { tried: `${MISSING_ACCESS_KEY}\n${MISSING_SECRET_KEY}` };
}
