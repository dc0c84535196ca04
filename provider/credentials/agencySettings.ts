/**
 * Which agency to assume, from `huaweicloud:assumeRole` (an object `{ agencyName, domainName,
 * durationSeconds? }`, as the bridged provider's generated sdk/nodejs/config/vars.ts reads `assumeRole`
 * with getObject: the engine hands it to `configure` as JSON text), else Terraform's variables
 * HW_ASSUME_ROLE_AGENCY_NAME, HW_ASSUME_ROLE_DOMAIN_NAME, HW_ASSUME_ROLE_DURATION. Pure.
 */
import { CONFIG_KEYS, ENV_KEYS, type Environment, type ProviderConfig } from "../settings";
import { AGENCY_DURATION_MAX_SECONDS, AGENCY_DURATION_MIN_SECONDS } from "./assumeAgency";
import { fromEnvNames } from "./fromEnv";
import type { AgencyToAssume } from "./types";

/** An hour, as long as the metadata service's credentials live; IAM allows 900 to 86400 s. */
export const DEFAULT_AGENCY_DURATION_SECONDS = 3600;

export type AgencySetting = { readonly agency?: AgencyToAssume; readonly problem?: string };

const RULE = `expected an object {"agencyName": "...", "domainName": "...", "durationSeconds": ${AGENCY_DURATION_MIN_SECONDS}..${AGENCY_DURATION_MAX_SECONDS}} (durationSeconds optional, default ${DEFAULT_AGENCY_DURATION_SECONDS}); pulumi config set --path huaweicloud:assumeRole.agencyName <name>`;

export function agencySetting(config: ProviderConfig, env: Environment): AgencySetting {
  if (config.assumeRole !== undefined) return fromConfigObject(config.assumeRole);
  const agencyName = fromEnvNames(env, ENV_KEYS.assumeRoleAgencyName)?.value;
  const domainName = fromEnvNames(env, ENV_KEYS.assumeRoleDomainName)?.value;
  const duration = fromEnvNames(env, ENV_KEYS.assumeRoleDuration);
  if (agencyName === undefined && domainName === undefined) return {};
  if (agencyName === undefined || domainName === undefined) {
    const missing = agencyName === undefined ? ENV_KEYS.assumeRoleAgencyName[0] : ENV_KEYS.assumeRoleDomainName[0];
    return { problem: `${missing} is not set: an agency is assumed with both its name and its account's domain name` };
  }
  const seconds = duration === undefined ? DEFAULT_AGENCY_DURATION_SECONDS : Number(duration.value);
  const durationProblem = durationRule(seconds);
  if (durationProblem) return { problem: `${duration!.name} "${duration!.value}" is invalid: ${durationProblem}` };
  return { agency: { agencyName, domainName, durationSeconds: seconds } };
}

function durationRule(seconds: number): string | undefined {
  return Number.isInteger(seconds) && seconds >= AGENCY_DURATION_MIN_SECONDS && seconds <= AGENCY_DURATION_MAX_SECONDS
    ? undefined
    : `expected a whole number of seconds from ${AGENCY_DURATION_MIN_SECONDS} to ${AGENCY_DURATION_MAX_SECONDS} (IAM's bounds of duration_seconds)`;
}

function fromConfigObject(text: string): AgencySetting {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `${CONFIG_KEYS.assumeRole} is invalid: it is not an object; ${RULE}` };
  }
  const record =
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  const text_ = (key: string) =>
    typeof record?.[key] === "string" && record[key] !== "" ? (record[key] as string) : undefined;
  const agencyName = text_("agencyName");
  const domainName = text_("domainName");
  const unknown = record
    ? Object.keys(record).filter((k) => !["agencyName", "domainName", "durationSeconds", "duration"].includes(k))
    : [];
  if (!record || agencyName === undefined || domainName === undefined || unknown.length > 0) {
    const what = unknown.length > 0 ? `unknown field ${unknown.join(", ")}` : "agencyName and domainName are required";
    return { problem: `${CONFIG_KEYS.assumeRole} is invalid: ${what}; ${RULE}` };
  }
  const raw = record.durationSeconds ?? record.duration;
  const seconds = raw === undefined ? DEFAULT_AGENCY_DURATION_SECONDS : Number(raw);
  const durationProblem = durationRule(seconds);
  if (durationProblem) {
    return {
      problem: `${CONFIG_KEYS.assumeRole}.durationSeconds ${JSON.stringify(raw)} is invalid: ${durationProblem}`,
    };
  }
  return { agency: { agencyName, domainName, durationSeconds: seconds } };
}
