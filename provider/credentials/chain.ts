/**
 * The credential chain, in Terraform's huaweicloud provider's order (reference §10): a key in stack
 * config or the environment (fromConfig.ts, fromEnv.ts), then the hcloud CLI's shared config file
 * (fromSharedConfig.ts), then the ECS metadata service (fromInstanceMetadata.ts), which is asked only
 * when nothing above supplied a key. Then, when an agency is named (`huaweicloud:assumeRole`,
 * HW_ASSUME_ROLE_*, or the profile's agencyName/agencyDomainName), its temporary credentials are
 * asked for with the key found (assumeAgency.ts) and used for every call after.
 *
 * A source that is set but wrong (half a key pair, a missing file or profile) stops the chain with
 * what to fix; when no source supplies a key, the error lists every source tried.
 */
import { CONFIG_KEYS, ENV_KEYS, settingsError, type Environment, type ProviderConfig } from "../settings";
import { agencySetting, DEFAULT_AGENCY_DURATION_SECONDS } from "./agencySettings";
import { assumeAgency } from "./assumeAgency";
import { fromConfig } from "./fromConfig";
import { fromEnvNames } from "./fromEnv";
import { fromInstanceMetadata } from "./fromInstanceMetadata";
import { fromSharedConfig, type SharedConfigLocation } from "./fromSharedConfig";
import type { AgencyToAssume, FoundCredentials, SourceOutcome } from "./types";

export interface ChainInput {
  readonly config: ProviderConfig;
  readonly env: Environment;
  /** The IAM endpoint an agency is assumed through (huaweicloud:iamEndpoint, else the region's). */
  readonly iamEndpoint?: string;
}

/** Where the shared config file is, if named: stack config first, then HW_SHARED_CONFIG_FILE. */
export function sharedConfigLocation(config: ProviderConfig, env: Environment): SharedConfigLocation | undefined {
  const profile = config.profile ?? fromEnvNames(env, ENV_KEYS.profile)?.value;
  if (config.sharedConfigFile !== undefined) {
    return { path: config.sharedConfigFile, pathSource: CONFIG_KEYS.sharedConfigFile, ...(profile ? { profile } : {}) };
  }
  const fromVar = fromEnvNames(env, ENV_KEYS.sharedConfigFile);
  return fromVar ? { path: fromVar.value, pathSource: fromVar.name, ...(profile ? { profile } : {}) } : undefined;
}

/** The credential settings' problems, without any I/O (check reports them at preview). */
export function credentialSettingsProblems(config: ProviderConfig, env: Environment): string[] {
  const problem = agencySetting(config, env).problem;
  return problem === undefined ? [] : [problem];
}

const stop = (outcome: SourceOutcome): never => {
  throw settingsError(outcome.found ? "" : outcome.tried);
};

/** The key the sources supply, before any agency; throws CONFIG_INVALID naming every source tried. */
async function baseCredentials(
  input: ChainInput,
): Promise<FoundCredentials & { profileAgency?: Omit<AgencyToAssume, "durationSeconds"> }> {
  const tried: string[] = [];
  const fromStatic = fromConfig(input.config, input.env);
  if (fromStatic.found) return fromStatic.found;
  if (fromStatic.problem) stop(fromStatic);
  tried.push(fromStatic.tried);
  const shared = await fromSharedConfig(sharedConfigLocation(input.config, input.env));
  if (shared.found) return { ...shared.found, ...(shared.agency ? { profileAgency: shared.agency } : {}) };
  if (shared.problem) stop(shared);
  tried.push(shared.tried);
  const metadata = await fromInstanceMetadata(input.env);
  if (metadata.found) return metadata.found;
  if (metadata.problem) stop(metadata);
  throw settingsError(
    `${tried[0]}\nno credentials from any other source either: tried ${tried.slice(1).join("; ")}; ${metadata.tried}. ` +
      `Set a key as above, name an hcloud config.json with ${CONFIG_KEYS.sharedConfigFile}, or run on an ECS server with an agency`,
  );
}

/** Runs the chain: the key found, or the agency's temporary credentials assumed with it. */
export async function loadCredentials(input: ChainInput): Promise<FoundCredentials> {
  const setting = agencySetting(input.config, input.env);
  if (setting.problem !== undefined) throw settingsError(setting.problem);
  const base = await baseCredentials(input);
  const { profileAgency, ...found } = base;
  const agency =
    setting.agency ??
    (profileAgency ? { ...profileAgency, durationSeconds: DEFAULT_AGENCY_DURATION_SECONDS } : undefined);
  if (agency === undefined) return found;
  if (input.iamEndpoint === undefined) {
    throw settingsError(
      `an agency is to be assumed (${agency.agencyName}) but there is no IAM endpoint: set ${CONFIG_KEYS.region}, or ${CONFIG_KEYS.iamEndpoint}`,
    );
  }
  return assumeAgency(found.credentials, agency, input.iamEndpoint, found.source);
}
