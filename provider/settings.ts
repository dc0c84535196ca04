/**
 * Where the provider's settings come from: resource args, then stack config (read in `configure`),
 * then the environment (read when a method runs, never at module load, so nothing is captured
 * into the serialized provider). Pure functions of their arguments.
 */
import { defaultEcsEndpoint } from "./endpoint";
import type { Credentials } from "./signer";

/** Stack config keys: the same names as the bridged huaweicloud Pulumi provider, so one stack config serves both. */
export const CONFIG_KEYS = {
  accessKey: "huaweicloud:accessKey",
  secretKey: "huaweicloud:secretKey",
  securityToken: "huaweicloud:securityToken",
  region: "huaweicloud:region",
  projectId: "huaweicloud:projectId",
  ecsEndpoint: "huaweicloud:ecsEndpoint",
  iamEndpoint: "huaweicloud:iamEndpoint",
  serversPerMinute: "huaweicloud:ecsServersPerMinute",
  pacingWindowSeconds: "huaweicloud:ecsPacingWindowSeconds",
} as const;

/** Bounds of huaweicloud:ecsPacingWindowSeconds: Huawei's window is a minute; one hour is generous for any quota. */
export const PACING_WINDOW_SECONDS_MIN = 1;
export const PACING_WINDOW_SECONDS_MAX = 3600;

/** Environment fallbacks, first match wins: Terraform's names, then the official SDKs'. */
export const ENV_KEYS = {
  accessKey: ["HW_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"],
  secretKey: ["HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK"],
  securityToken: ["HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"],
  region: ["HW_REGION_NAME"],
  projectId: ["HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"],
} as const;

export type ProviderConfig = { -readonly [K in keyof typeof CONFIG_KEYS]?: string };

export type Environment = Readonly<Record<string, string | undefined>>;

/** Picks our keys out of the whole stack config the engine hands to `configure`. */
export function readProviderConfig(get: (key: string) => string | undefined): ProviderConfig {
  const config: ProviderConfig = {};
  for (const [name, key] of Object.entries(CONFIG_KEYS) as [keyof ProviderConfig, string][]) {
    const value = get(key);
    if (value !== undefined && value !== "") config[name] = value;
  }
  return config;
}

export interface SettingsError extends Error {
  readonly code: "CONFIG_INVALID";
}

/** A plain Error with a stable code (not a subclass: see partialFailure in provider.ts). */
export function settingsError(message: string): SettingsError {
  return Object.assign(new Error(message), { name: "SettingsError", code: "CONFIG_INVALID" as const });
}

export interface TargetArgs {
  readonly region?: string;
  readonly projectId?: string;
  readonly endpoint?: string;
}

/** Which cloud endpoint and project a resource talks to. `projectId` undefined means "look it up from the region". */
export interface Target {
  readonly endpoint: string;
  readonly region?: string;
  readonly projectId?: string;
}

export interface ResolvedSettings extends Target {
  readonly credentials: Credentials;
  readonly iamEndpoint?: string;
  readonly serversPerMinute?: number;
  /** The window `serversPerMinute` is counted over, in seconds (default 60). */
  readonly pacingWindowSeconds?: number;
}

function fromEnv(env: Environment, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

/** Endpoint: arg, else `huaweicloud:ecsEndpoint`, else `https://ecs.{region}.myhuaweicloud.com`. No I/O. */
export function resolveTarget(args: TargetArgs, config: ProviderConfig, env: Environment): Target {
  const region = args.region ?? config.region ?? fromEnv(env, ENV_KEYS.region);
  const projectId = args.projectId ?? config.projectId ?? fromEnv(env, ENV_KEYS.projectId);
  const explicitEndpoint = args.endpoint ?? config.ecsEndpoint;
  if (explicitEndpoint === undefined && region === undefined) {
    throw settingsError(
      `no region: set the resource's region, the stack config ${CONFIG_KEYS.region} (pulumi config set ${CONFIG_KEYS.region} cn-north-4), or HW_REGION_NAME; or give an endpoint (${CONFIG_KEYS.ecsEndpoint})`,
    );
  }
  if (explicitEndpoint === undefined && !/^[a-z]{2,}(-[a-z0-9]+)+$/.test(region!)) {
    throw settingsError(`region "${region}" is invalid: expected a Huawei Cloud region name such as cn-north-4`);
  }
  const endpoint = (explicitEndpoint ?? defaultEcsEndpoint(region!)).replace(/\/+$/, "");
  return { endpoint, region, projectId };
}

/** Everything a lifecycle method needs to call ECS. Messages name the missing keys, never a secret's value. */
export function resolveSettings(args: TargetArgs, config: ProviderConfig, env: Environment): ResolvedSettings {
  const target = resolveTarget(args, config, env);
  const accessKey = config.accessKey ?? fromEnv(env, ENV_KEYS.accessKey);
  const secretKey = config.secretKey ?? fromEnv(env, ENV_KEYS.secretKey);
  const securityToken = config.securityToken ?? fromEnv(env, ENV_KEYS.securityToken);
  const missing: string[] = [];
  if (accessKey === undefined) missing.push(`${CONFIG_KEYS.accessKey} (or HW_ACCESS_KEY)`);
  if (secretKey === undefined) missing.push(`${CONFIG_KEYS.secretKey} (or HW_SECRET_KEY)`);
  if (missing.length > 0) {
    throw settingsError(
      `no credentials: set ${missing.join(" and ")}; use \`pulumi config set --secret ${CONFIG_KEYS.secretKey} ...\` so the key is encrypted in the stack config`,
    );
  }
  if (target.projectId === undefined && target.region === undefined) {
    throw settingsError(
      `no project id: set the resource's projectId, ${CONFIG_KEYS.projectId} or HW_PROJECT_ID, or a region (${CONFIG_KEYS.region}) to look it up from`,
    );
  }
  let serversPerMinute: number | undefined;
  if (config.serversPerMinute !== undefined) {
    serversPerMinute = Number(config.serversPerMinute);
    if (!Number.isInteger(serversPerMinute) || serversPerMinute < 1) {
      throw settingsError(
        `${CONFIG_KEYS.serversPerMinute} "${config.serversPerMinute}" is invalid: expected a whole number of servers per minute, at least 1`,
      );
    }
  }
  let pacingWindowSeconds: number | undefined;
  if (config.pacingWindowSeconds !== undefined) {
    pacingWindowSeconds = Number(config.pacingWindowSeconds);
    if (
      !Number.isInteger(pacingWindowSeconds) ||
      pacingWindowSeconds < PACING_WINDOW_SECONDS_MIN ||
      pacingWindowSeconds > PACING_WINDOW_SECONDS_MAX
    ) {
      throw settingsError(
        `${CONFIG_KEYS.pacingWindowSeconds} "${config.pacingWindowSeconds}" is invalid: expected a whole number of seconds, from ${PACING_WINDOW_SECONDS_MIN} to ${PACING_WINDOW_SECONDS_MAX}`,
      );
    }
  }
  return {
    ...target,
    credentials: { accessKey: accessKey!, secretKey: secretKey!, ...(securityToken ? { securityToken } : {}) },
    iamEndpoint: config.iamEndpoint?.replace(/\/+$/, ""),
    serversPerMinute,
    pacingWindowSeconds,
  };
}
