/**
 * Where the provider's settings come from: resource args, then stack config (read in `configure`),
 * then the environment (read when a method runs, never at module load, so nothing is captured
 * into the serialized provider). Pure functions of their arguments.
 */
import {
  defaultEcsEndpoint,
  ENDPOINT_HINT,
  endpointProblem,
  isLoopbackEndpoint,
  maskUrlCredentials,
  REGION_PATTERN,
  REGION_RULE_TEXT,
} from "./endpoint";
import { bridgedSettings } from "./bridgedConfig";
import { enterpriseProjectProblem } from "./enterpriseProject";

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
  requestTimeoutSeconds: "huaweicloud:ecsRequestTimeoutSeconds",
  pacingWindowSeconds: "huaweicloud:ecsPacingWindowSeconds",
  previewReads: "huaweicloud:ecsPreviewReads",
  previewReadTimeoutSeconds: "huaweicloud:ecsPreviewReadTimeoutSeconds",
  /** The bridged provider's key (its sdk/nodejs/config/vars.ts): the enterprise project every server list is scoped to. */
  enterpriseProjectId: "huaweicloud:enterpriseProjectId",
  /** The hcloud CLI's config.json to take credentials from (the bridged provider's key; Terraform's shared_config_file). */
  sharedConfigFile: "huaweicloud:sharedConfigFile",
  /** The profile of that file (default: the file's `current`). */
  profile: "huaweicloud:profile",
  /** An object `{ agencyName, domainName, durationSeconds? }` (JSON in the engine's config): the agency to assume. */
  assumeRole: "huaweicloud:assumeRole",
  /** The bridged provider's keys (provider/bridgedConfig.ts has the precedence against ours). */
  endpoints: "huaweicloud:endpoints",
  cloud: "huaweicloud:cloud",
  maxRetries: "huaweicloud:maxRetries",
  insecure: "huaweicloud:insecure",
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
  /** Terraform's name (the huaweicloud provider's `enterprise_project_id` argument). */
  enterpriseProjectId: ["HW_ENTERPRISE_PROJECT_ID"],
  /** Terraform's names (huaweicloud/config.go's provider schema). */
  sharedConfigFile: ["HW_SHARED_CONFIG_FILE"],
  profile: ["HW_PROFILE"],
  assumeRoleAgencyName: ["HW_ASSUME_ROLE_AGENCY_NAME"],
  assumeRoleDomainName: ["HW_ASSUME_ROLE_DOMAIN_NAME"],
  assumeRoleDuration: ["HW_ASSUME_ROLE_DURATION"],
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
  readonly iamEndpoint?: string;
  readonly serversPerMinute?: number;
  /** How long one API call may take to answer (headers, then each pause in the body). */
  readonly requestTimeoutSeconds?: number;
  /** The window `serversPerMinute` is counted over, in seconds (default 60). */
  readonly pacingWindowSeconds?: number;
  /**
   * The `enterprise_project_id` of every server list, when set (stack config, then environment):
   * "0", a project's UUID, or all_granted_eps. Unset: all_granted_eps (the client's default).
   */
  readonly enterpriseProjectId?: string;
  /** Attempts per call, from huaweicloud:maxRetries (1 + retries); unset: the retry policy's default. */
  readonly maxAttempts?: number;
}

function fromEnv(env: Environment, names: readonly string[]): string | undefined {
  return sourcedFromEnv(env, names)?.value;
}

/** A setting's value and where it came from: a resource input, a stack config key, or an environment variable. */
interface Sourced {
  readonly value: string;
  readonly source: string;
}

function sourcedFromEnv(env: Environment, names: readonly string[]): Sourced | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") return { value, source: name };
  }
  return undefined;
}

function sourced(
  arg: { name: string; value: string | undefined },
  config: { key: string; value: string | undefined },
  env?: { vars: Environment; names: readonly string[] },
): Sourced | undefined {
  if (arg.value !== undefined) return { value: arg.value, source: arg.name };
  if (config.value !== undefined) return { value: config.value, source: config.key };
  return env ? sourcedFromEnv(env.vars, env.names) : undefined;
}

const PROJECT_ID_RULE = /^[0-9a-f]{32}$/;

/** One thing wrong with the settings: the stack config key (or resource input, or variable) at fault, and the full message. */
export interface SettingsProblem {
  /**
   * The resource input (`region`, `projectId`, `endpoint`) when the value came from one, else "": the
   * engine prints a check failure's property as `property '<p>' value <inputs[p]>`, which for a stack
   * config key or a variable would read `value {<nil>}`; the reason names the key itself.
   */
  readonly key: string;
  /** `<key> <value> is invalid: <rule>` or `<key> is not set ...: <what to set>`. Never a secret's value. */
  readonly reason: string;
}

const RESOURCE_INPUTS = ["region", "projectId", "endpoint"];

const invalid = (setting: Sourced, rule: string): SettingsProblem => ({
  key: RESOURCE_INPUTS.includes(setting.source) ? setting.source : "",
  reason: `${setting.source} ${JSON.stringify(maskUrlCredentials(setting.value))} is invalid: ${rule}`,
});

const NO_REGION = `${CONFIG_KEYS.region} is not set (nor the resource's region, nor ${ENV_KEYS.region.join(", nor ")}): expected a region such as cn-north-4, which gives the ECS endpoint and the project; pulumi config set ${CONFIG_KEYS.region} cn-north-4, or set ${CONFIG_KEYS.ecsEndpoint} and ${CONFIG_KEYS.projectId}`;

/**
 * Everything wrong with the settings a resource would be acted on with, without any I/O: each problem
 * names the key, its value (never a credential's) and the rule. Create, update, read and delete refuse
 * to start with any of them. Credentials are not among them: the credential chain
 * (provider/credentials/) finds them when a method runs, and says which sources it tried. A
 * preview-only job (a pull request's pipeline) often has none; its preview still succeeds and says
 * why the live plan is unavailable, and the `up` refuses to start without them.
 */
export function settingsProblems(args: TargetArgs, config: ProviderConfig, env: Environment): SettingsProblem[] {
  const sources = targetSources(args, config, env);
  return [
    ...locationProblems(sources),
    ...projectProblems(sources, config),
    ...tuningProblems(sources, config),
    ...enterpriseProjectProblems(config, env),
    ...bridgedSettings(config).problems.map((reason) => ({ key: "", reason })),
  ];
}

/** Whether check and diff read the servers' live status to print the plan (`huaweicloud:ecsPreviewReads`, default true). */
export function previewReadsEnabled(config: ProviderConfig): boolean {
  return config.previewReads !== "false";
}

/** The default of `huaweicloud:ecsPreviewReadTimeoutSeconds`. */
export const PREVIEW_READ_TIMEOUT_SECONDS = 60;

/**
 * The longest a preview spends reading the live plan before it prints that it is unavailable
 * (`huaweicloud:ecsPreviewReadTimeoutSeconds`, checked by `settingsProblems`), in seconds.
 */
export function previewReadTimeoutSeconds(config: ProviderConfig): number {
  return config.previewReadTimeoutSeconds === undefined
    ? PREVIEW_READ_TIMEOUT_SECONDS
    : Number(config.previewReadTimeoutSeconds);
}

/** huaweicloud:enterpriseProjectId, else HW_ENTERPRISE_PROJECT_ID: where the listings' scope comes from. */
function enterpriseProjectSource(config: ProviderConfig, env: Environment): Sourced | undefined {
  if (config.enterpriseProjectId !== undefined) {
    return { value: config.enterpriseProjectId, source: CONFIG_KEYS.enterpriseProjectId };
  }
  return sourcedFromEnv(env, ENV_KEYS.enterpriseProjectId);
}

/** The enterprise project scope: "0", a UUID, or all_granted_eps. */
function enterpriseProjectProblems(config: ProviderConfig, env: Environment): SettingsProblem[] {
  const setting = enterpriseProjectSource(config, env);
  const rule = setting === undefined ? undefined : enterpriseProjectProblem(setting.value, true);
  return rule === undefined ? [] : [invalid(setting!, rule)];
}

interface TargetSources {
  readonly region?: Sourced;
  readonly projectId?: Sourced;
  readonly endpoint?: Sourced;
}

/** Where the region, the project id and the endpoint come from: resource input, stack config, or variable. */
function targetSources(args: TargetArgs, config: ProviderConfig, env: Environment): TargetSources {
  return {
    region: sourced(
      { name: "region", value: args.region },
      { key: CONFIG_KEYS.region, value: config.region },
      { vars: env, names: ENV_KEYS.region },
    ),
    projectId: sourced(
      { name: "projectId", value: args.projectId },
      { key: CONFIG_KEYS.projectId, value: config.projectId },
      { vars: env, names: ENV_KEYS.projectId },
    ),
    endpoint:
      sourced(
        { name: "endpoint", value: args.endpoint },
        { key: CONFIG_KEYS.ecsEndpoint, value: config.ecsEndpoint },
      ) ?? bridgedEcsEndpoint(config),
  };
}

/** The region and the ECS endpoint. */
function locationProblems({ region, endpoint }: TargetSources): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const regionValid = region !== undefined && REGION_PATTERN.test(region.value);
  if (region !== undefined && !regionValid) problems.push(invalid(region, REGION_RULE_TEXT));
  if (endpoint === undefined && region === undefined) problems.push({ key: "", reason: NO_REGION });
  if (endpoint !== undefined) {
    const rule = endpointProblem(endpoint.value);
    if (rule !== undefined) problems.push(invalid(endpoint, `${rule}; ${ENDPOINT_HINT}`));
  }

  return problems;
}

/** The project id, or the region and IAM endpoint it will be looked up through. */
function projectProblems({ region, projectId, endpoint }: TargetSources, config: ProviderConfig): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const regionValid = region !== undefined && REGION_PATTERN.test(region.value);
  if (projectId !== undefined && !PROJECT_ID_RULE.test(projectId.value)) {
    problems.push(invalid(projectId, "expected a project id: 32 lower-case hex characters"));
  }
  if (projectId === undefined && region === undefined && endpoint !== undefined) {
    problems.push({
      key: "",
      reason: `${CONFIG_KEYS.projectId} is not set (nor the resource's projectId, nor ${ENV_KEYS.projectId.join(", nor ")}), and there is no region to look it up from: expected a project id (32 hex characters); pulumi config set ${CONFIG_KEYS.projectId} <id>, or set ${CONFIG_KEYS.region} to look up the project of that name`,
    });
  }
  if (projectId === undefined && regionValid && config.iamEndpoint !== undefined) {
    // The project will be looked up through IAM at the first create.
    const rule = endpointProblem(config.iamEndpoint);
    if (rule !== undefined) {
      problems.push(
        invalid(
          { value: config.iamEndpoint, source: CONFIG_KEYS.iamEndpoint },
          `${rule}; use an origin such as https://iam.cn-north-4.myhuaweicloud.com`,
        ),
      );
    }
  }
  return problems;
}

/** The pacing, timeout and preview keys. */
function tuningProblems({ endpoint }: TargetSources, config: ProviderConfig): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (config.serversPerMinute !== undefined) {
    const serversPerMinute = Number(config.serversPerMinute);
    if (!Number.isInteger(serversPerMinute) || serversPerMinute < 1) {
      problems.push(
        invalid(
          { value: config.serversPerMinute, source: CONFIG_KEYS.serversPerMinute },
          "expected a whole number of servers per minute, at least 1",
        ),
      );
    }
  }
  if (config.pacingWindowSeconds !== undefined) {
    const seconds = Number(config.pacingWindowSeconds);
    if (!Number.isInteger(seconds) || seconds < PACING_WINDOW_SECONDS_MIN || seconds > PACING_WINDOW_SECONDS_MAX) {
      problems.push(
        invalid(
          { value: config.pacingWindowSeconds, source: CONFIG_KEYS.pacingWindowSeconds },
          `expected a whole number of seconds, from ${PACING_WINDOW_SECONDS_MIN} to ${PACING_WINDOW_SECONDS_MAX}`,
        ),
      );
    } else if (seconds < 60 && !(endpoint !== undefined && isLoopbackEndpoint(endpoint.value))) {
      // Huawei Cloud counts its batch quota per minute: a shorter window would overrun it.
      problems.push(
        invalid(
          { value: config.pacingWindowSeconds, source: CONFIG_KEYS.pacingWindowSeconds },
          "a window under 60 seconds is only for a loopback endpoint such as the local emulator; Huawei Cloud counts servers per minute (leave the key unset, or 60 or more)",
        ),
      );
    }
  }
  if (config.requestTimeoutSeconds !== undefined) {
    const seconds = Number(config.requestTimeoutSeconds);
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 600) {
      problems.push(
        invalid(
          { value: config.requestTimeoutSeconds, source: CONFIG_KEYS.requestTimeoutSeconds },
          "expected a number of seconds from 1 to 600",
        ),
      );
    }
  }
  if (config.previewReadTimeoutSeconds !== undefined) {
    const seconds = Number(config.previewReadTimeoutSeconds);
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 600) {
      problems.push(
        invalid(
          { value: config.previewReadTimeoutSeconds, source: CONFIG_KEYS.previewReadTimeoutSeconds },
          "expected a number of seconds from 1 to 600",
        ),
      );
    }
  }
  if (config.previewReads !== undefined && config.previewReads !== "true" && config.previewReads !== "false") {
    problems.push(
      invalid(
        { value: config.previewReads, source: CONFIG_KEYS.previewReads },
        "expected true (preview reads the servers' live status with GET calls and prints the plan) or false (no call at preview)",
      ),
    );
  }
  return problems;
}

/** Endpoint: arg, else `huaweicloud:ecsEndpoint`, else `https://ecs.{region}.myhuaweicloud.com`. No I/O. */
export function resolveTarget(args: TargetArgs, config: ProviderConfig, env: Environment): Target {
  const region = sourced(
    { name: "region", value: args.region },
    { key: CONFIG_KEYS.region, value: config.region },
    { vars: env, names: ENV_KEYS.region },
  );
  const projectId = args.projectId ?? config.projectId ?? fromEnv(env, ENV_KEYS.projectId);
  const bridged = bridgedSettings(config).settings;
  const explicitEndpoint = args.endpoint ?? config.ecsEndpoint ?? bridged.ecsEndpoint;
  if (explicitEndpoint === undefined && region === undefined) throw settingsError(NO_REGION);
  if (explicitEndpoint === undefined && !REGION_PATTERN.test(region!.value))
    throw settingsError(invalid(region!, REGION_RULE_TEXT).reason);
  const fallback = (): string =>
    bridged.cloud === undefined ? defaultEcsEndpoint(region!.value) : `https://ecs.${region!.value}.${bridged.cloud}`;
  const endpoint = (explicitEndpoint ?? fallback()).replace(/\/+$/, "");
  return { endpoint, region: region?.value, projectId };
}

/**
 * Everything a lifecycle method needs to call ECS but the credentials (provider/credentials/ finds
 * those). Messages name the missing keys, never a secret's value.
 */
export function resolveSettings(args: TargetArgs, config: ProviderConfig, env: Environment): ResolvedSettings {
  const problems = settingsProblems(args, config, env);
  if (problems.length > 0) throw settingsError(problems.map((p) => p.reason).join("\n"));
  const target = resolveTarget(args, config, env);
  const enterpriseProject = enterpriseProjectSource(config, env);
  const bridged = bridgedSettings(config).settings;
  return {
    ...target,
    iamEndpoint: iamEndpointOf(config, target.region),
    serversPerMinute: config.serversPerMinute === undefined ? undefined : Number(config.serversPerMinute),
    ...(config.requestTimeoutSeconds !== undefined
      ? { requestTimeoutSeconds: Number(config.requestTimeoutSeconds) }
      : {}),
    ...(config.pacingWindowSeconds !== undefined ? { pacingWindowSeconds: Number(config.pacingWindowSeconds) } : {}),
    ...(enterpriseProject !== undefined ? { enterpriseProjectId: enterpriseProject.value } : {}),
    ...(bridged.maxAttempts !== undefined ? { maxAttempts: bridged.maxAttempts } : {}),
  };
}

/** huaweicloud:endpoints.ecs, as a sourced setting (our huaweicloud:ecsEndpoint comes first). */
function bridgedEcsEndpoint(config: ProviderConfig): Sourced | undefined {
  const value = bridgedSettings(config).settings.ecsEndpoint;
  return value === undefined ? undefined : { value, source: `${CONFIG_KEYS.endpoints}.ecs` };
}

/** huaweicloud:iamEndpoint, then huaweicloud:endpoints.iam, then (with huaweicloud:cloud) `https://iam.{region}.{cloud}`. */
function iamEndpointOf(config: ProviderConfig, region: string | undefined): string | undefined {
  const bridged = bridgedSettings(config).settings;
  const explicit = config.iamEndpoint ?? bridged.iamEndpoint;
  if (explicit !== undefined) return explicit.replace(/\/+$/, "");
  return bridged.cloud !== undefined && region !== undefined ? `https://iam.${region}.${bridged.cloud}` : undefined;
}
