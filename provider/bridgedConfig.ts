/**
 * The bridged huaweicloud Pulumi provider's other config keys (its generated sdk/nodejs/config/vars.ts,
 * all camelCase; Terraform's `endpoints`, `cloud`, `max_retries`, `insecure`), read so that one stack
 * config serves both providers. Pure functions of the config; precedence against our own keys:
 *
 * - ECS endpoint: the resource's `endpoint`, then `huaweicloud:ecsEndpoint`, then `huaweicloud:endpoints`
 *   `.ecs`, then `https://ecs.{region}.{cloud}`.
 * - IAM endpoint: `huaweicloud:iamEndpoint`, then `huaweicloud:endpoints.iam`, then `https://iam.{region}.{cloud}`.
 * - `huaweicloud:cloud`: the domain of the default endpoints (Terraform's default `myhuaweicloud.com`;
 *   unset, the `eu-west-1xx` regions use `myhuaweicloud.eu` as Terraform's getCloudDomain decides).
 * - `huaweicloud:maxRetries`: retries after the first attempt (Terraform's default 5), so attempts = 1 + it.
 * - `huaweicloud:insecure`: `false` is accepted; `true` is refused: requests carry an AK/SK signature
 *   and a security token, and this provider always verifies TLS (trust a private CA with NODE_EXTRA_CA_CERTS).
 */
import { endpointProblem } from "./endpoint";

export interface BridgedSettings {
  readonly ecsEndpoint?: string;
  readonly iamEndpoint?: string;
  readonly cloud?: string;
  readonly maxAttempts?: number;
}

export interface BridgedConfig {
  readonly endpoints?: string;
  readonly cloud?: string;
  readonly maxRetries?: string;
  readonly insecure?: string;
}

const CLOUD_RULE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
export const MAX_RETRIES_MAX = 20;

/** The settings these keys give, and what is wrong with them (each message names the key, the value and the rule). */
export function bridgedSettings(config: BridgedConfig): { settings: BridgedSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: { -readonly [K in keyof BridgedSettings]: BridgedSettings[K] } = {};
  if (config.endpoints !== undefined) {
    let map: unknown;
    try {
      map = JSON.parse(config.endpoints);
    } catch {
      map = undefined;
    }
    if (typeof map !== "object" || map === null || Array.isArray(map)) {
      problems.push(
        `huaweicloud:endpoints is invalid: expected a map of service to endpoint, e.g. {"ecs": "https://ecs.cn-north-4.myhuaweicloud.com", "iam": "https://iam.cn-north-4.myhuaweicloud.com"}`,
      );
    } else {
      for (const service of ["ecs", "iam"] as const) {
        const value = (map as Record<string, unknown>)[service];
        if (value === undefined) continue;
        const rule = typeof value === "string" ? endpointProblem(value) : "expected a string";
        if (rule !== undefined)
          problems.push(`huaweicloud:endpoints.${service} ${JSON.stringify(value)} is invalid: ${rule}`);
        else settings[`${service}Endpoint`] = (value as string).replace(/\/+$/, "");
      }
    }
  }
  if (config.cloud !== undefined) {
    if (CLOUD_RULE.test(config.cloud)) settings.cloud = config.cloud;
    else
      problems.push(
        `huaweicloud:cloud ${JSON.stringify(config.cloud)} is invalid: expected a domain such as myhuaweicloud.com`,
      );
  }
  if (config.maxRetries !== undefined) {
    const retries = Number(config.maxRetries);
    if (Number.isInteger(retries) && retries >= 0 && retries <= MAX_RETRIES_MAX) settings.maxAttempts = retries + 1;
    else
      problems.push(
        `huaweicloud:maxRetries ${JSON.stringify(config.maxRetries)} is invalid: expected a whole number of retries from 0 to ${MAX_RETRIES_MAX}`,
      );
  }
  if (config.insecure !== undefined && config.insecure !== "false") {
    problems.push(
      `huaweicloud:insecure ${JSON.stringify(config.insecure)} is refused: requests carry an AK/SK signature and a security token, so TLS is always verified; trust a private CA with NODE_EXTRA_CA_CERTS, or set false`,
    );
  }
  return { settings, problems };
}
