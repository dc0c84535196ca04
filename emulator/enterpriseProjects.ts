/**
 * Enterprise projects (EPs): every server belongs to one (`"0"` is the default EP), and the
 * emulator's access key may be authorized only for some (variant `authorizedEnterpriseProjects`;
 * empty = authorized at project level, i.e. for every EP).
 *
 * Sources: ListServersDetails' `enterprise_project_id` parameter — `all_granted_eps` queries every
 * EP the user may see (the official SDKs' request docs; reference §10); Huawei's Terraform provider
 * made `all_granted_eps` the default of its compute data sources because calls without it failed
 * for users authorized per EP ("to avoid error under eps authorization", terraform-provider-huaweicloud
 * PR #1996, and the same for EIP in PR #1968 and VPC in PR #1958). A call the policy does not allow is
 * `403` (Terraform issue #1305 for another service: "the API response will return a 'Action Forbidden'
 * error" when the EP is omitted); an IAM policy denial is `Pdp.0001` (reference §4, §8), worded as ECS
 * words a denied fine-grained action ("Policy doesn't allow ecs:serverPasswords:manage to be performed.",
 * terraform-provider-opentelekomcloud issue #1983). ECS's permission table marks its cloudservers
 * actions as authorizable per enterprise project (its "Enterprise Project" column; a copy at
 * cloud.ru/docs/en/api/ecs/en-us_topic_0103071511), so a read or an action on a server of an EP the key
 * is not authorized for is denied the same way.
 */
import { z } from "zod";
import { type ApiAnswer, gatewayError } from "./errorBodies";
import type { Variants } from "./variants";

/** The default enterprise project's id. */
export const DEFAULT_ENTERPRISE_PROJECT = "0";
/** The `enterprise_project_id` value that queries every EP the caller is authorized for. */
export const ALL_GRANTED_EPS = "all_granted_eps";

/** EP ids are `"0"` or UUIDs; 1–64 characters of A-Z, a-z, 0-9 or `-` are accepted so tests can use short ids. */
export const enterpriseProjectIdSchema = z
  .string()
  .regex(/^[0-9A-Za-z-]{1,64}$/, { message: "must be 1–64 characters of A-Z, a-z, 0-9 or '-' (\"0\" or a UUID)" });

/** Whether the access key may see servers of the EP. */
export function isAuthorizedFor(variants: Variants, enterpriseProjectId: string): boolean {
  const authorized = variants.authorizedEnterpriseProjects;
  return authorized.length === 0 || authorized.includes(enterpriseProjectId);
}

/** The IAM denial of an action on servers the key may not act on (whole call, no job). */
export function enterpriseProjectDenied(iamAction: string, requestId: string, detail: string): ApiAnswer {
  return gatewayError(403, "Pdp.0001", `Policy doesn't allow ${iamAction} to be performed. ${detail}`, requestId);
}

/**
 * Which EPs a server list shows, from its `enterprise_project_id` parameter (or its absence, as the
 * variant `listWithoutEnterpriseProject` says), or the 403 that refuses the list.
 */
export function listScope(
  variants: Variants,
  requested: string | null,
  requestId: string,
): { readonly shows: (enterpriseProjectId: string) => boolean } | { readonly refusal: ApiAnswer } {
  const granted = (ep: string) => isAuthorizedFor(variants, ep);
  const denied = (detail: string) => ({ refusal: enterpriseProjectDenied("ecs:cloudServers:list", requestId, detail) });
  if (requested === ALL_GRANTED_EPS) return { shows: granted };
  if (requested !== null) {
    if (!granted(requested)) return denied(`The access key is not authorized for enterprise project [${requested}].`);
    return { shows: (ep) => ep === requested };
  }
  const scoped = variants.authorizedEnterpriseProjects.length > 0;
  switch (variants.listWithoutEnterpriseProject) {
    case "forbidden":
      return scoped
        ? denied(
            `The access key is authorized per enterprise project: give enterprise_project_id (${ALL_GRANTED_EPS} for all it may see).`,
          )
        : { shows: granted };
    case "all":
      return { shows: granted };
    case "default-only":
      return { shows: (ep) => ep === DEFAULT_ENTERPRISE_PROJECT && granted(ep) };
  }
}
