/**
 * The environment as a credential source: Terraform's names first (`HW_ACCESS_KEY`, `HW_SECRET_KEY`,
 * `HW_SECURITY_TOKEN`), then the official SDKs' (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
 * `HUAWEICLOUD_SDK_SECURITY_TOKEN`, the Go SDK's core/auth/provider/env_provider.go). Read when a
 * provider method runs (`process.env` is passed in), never at module load.
 */
import { ENV_KEYS, type Environment } from "../settings";

/** A value and the variable it came from; undefined when none of `names` is set (empty counts as unset). */
export function fromEnvNames(
  env: Environment,
  names: readonly string[],
): { readonly value: string; readonly name: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") return { value, name };
  }
  return undefined;
}

/** The three credential settings from the environment, each with the variable that gave it. */
export function fromEnv(env: Environment) {
  return {
    accessKey: fromEnvNames(env, ENV_KEYS.accessKey),
    secretKey: fromEnvNames(env, ENV_KEYS.secretKey),
    securityToken: fromEnvNames(env, ENV_KEYS.securityToken),
  };
}
