/**
 * The hcloud CLI's (KooCLI's) shared config file as a credential source, as Terraform's huaweicloud
 * provider reads it (huaweicloud/config/auth.go, `buildClientByConfig` and `SharedConfig`/`Profile`):
 * `{ "current": "<name>", "profiles": [{ "name", "mode", "accessKeyId", "secretAccessKey",
 * "securityToken", "region", "projectId", "agencyName", "agencyDomainName", ... }] }`, the profile
 * named by `huaweicloud:profile` / `HW_PROFILE`, else the file's `current`. Like Terraform, the file is
 * read only when named (`huaweicloud:sharedConfigFile` / `HW_SHARED_CONFIG_FILE`; `~` expanded) and
 * must hold the keys unencrypted. Read when a provider method runs; never quoted in a message.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { z } from "zod";
import { CONFIG_KEYS, ENV_KEYS } from "../settings";
import type { AgencyToAssume, SourceOutcome } from "./types";

export interface SharedConfigLocation {
  /** As configured; `~/` is expanded. */
  readonly path: string;
  /** Where the path came from, e.g. `huaweicloud:sharedConfigFile`. */
  readonly pathSource: string;
  readonly profile?: string;
}

/** Built when used, never at module load: Pulumi's closure serializer cannot capture a zod schema. */
function sharedConfigSchema() {
  const profile = z.object({
    name: z.string(),
    mode: z.string().optional(),
    accessKeyId: z.string().optional(),
    secretAccessKey: z.string().optional(),
    securityToken: z.string().optional(),
    agencyName: z.string().optional(),
    agencyDomainName: z.string().optional(),
  });
  return z.object({ current: z.string().optional(), profiles: z.array(profile) });
}

export const NO_SHARED_CONFIG = `the shared config file (${CONFIG_KEYS.sharedConfigFile} and ${ENV_KEYS.sharedConfigFile.join(", ")} not set)`;

export function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? `${homedir()}${path.slice(1)}` : path;
}

/** The profile's agency, when it names one (Terraform assumes it, as `assume_role`). */
export type SharedConfigOutcome = SourceOutcome & { readonly agency?: Omit<AgencyToAssume, "durationSeconds"> };

export async function fromSharedConfig(location: SharedConfigLocation | undefined): Promise<SharedConfigOutcome> {
  if (location === undefined) return { tried: NO_SHARED_CONFIG };
  const path = expandHome(location.path);
  const where = `the shared config file ${path} (${location.pathSource})`;
  const misconfigured = (why: string): SharedConfigOutcome => ({ tried: `${where}: ${why}`, problem: "misconfigured" });
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return misconfigured(`cannot be read (${code}); check the path, or unset ${location.pathSource}`);
  }
  let parsed: z.infer<ReturnType<typeof sharedConfigSchema>>;
  try {
    const result = sharedConfigSchema().safeParse(JSON.parse(text));
    if (!result.success)
      return misconfigured(
        `is not an hcloud config.json: expected { current, profiles: [{ name, accessKeyId, secretAccessKey }] }`,
      );
    parsed = result.data;
  } catch {
    // JSON.parse's message may quote the file: never shown.
    return misconfigured("is not valid JSON");
  }
  const name = location.profile ?? parsed.current;
  if (name === undefined) {
    return misconfigured(`names no current profile: set ${CONFIG_KEYS.profile} or ${ENV_KEYS.profile.join(", ")}`);
  }
  const profile = parsed.profiles.find((p) => p.name === name);
  if (profile === undefined) {
    const names = parsed.profiles.map((p) => p.name).join(", ") || "none";
    return misconfigured(`has no profile named ${JSON.stringify(name)} (profiles: ${names})`);
  }
  if (!profile.accessKeyId || !profile.secretAccessKey) {
    return misconfigured(
      `profile ${JSON.stringify(name)} holds no accessKeyId and secretAccessKey in clear (mode ${profile.mode ?? "unset"}): ` +
        "an AKSK profile written unencrypted is required, as for Terraform",
    );
  }
  return {
    found: {
      credentials: {
        accessKey: profile.accessKeyId,
        secretKey: profile.secretAccessKey,
        ...(profile.securityToken ? { securityToken: profile.securityToken } : {}),
      },
      source: `${where}, profile ${JSON.stringify(name)}`,
    },
    ...(profile.agencyName && profile.agencyDomainName
      ? { agency: { agencyName: profile.agencyName, domainName: profile.agencyDomainName } }
      : {}),
  };
}
