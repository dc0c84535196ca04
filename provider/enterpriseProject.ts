/**
 * Enterprise projects on the server list (`enterprise_project_id` of ListServersDetails).
 *
 * - `all_granted_eps`: every enterprise project the caller may see. The official SDKs' request docs
 *   say to pass it to query across enterprise projects (Go SDK, services/ecs/v2/model/
 *   model_list_servers_details_request.go, `EnterpriseProjectId`: "若需要查询当前用户所有企业项目绑定的
 *   弹性云服务，请传参all_granted_eps"), and
 *   Huawei's Terraform provider made it the default of its compute data sources because listings
 *   without it failed for users authorized per enterprise project
 *   (huaweicloud/terraform-provider-huaweicloud PR #1996). It is our default too.
 * - `"0"`: the default enterprise project; any other project is a UUID.
 *
 * Plain functions (patterns built inside them): the provider is serialized by Pulumi's closure serializer.
 */

/** Every enterprise project the caller is granted: the default scope of every listing. */
export const ALL_GRANTED_EPS = "all_granted_eps";

/** The default enterprise project's id. */
export const DEFAULT_ENTERPRISE_PROJECT_ID = "0";

/** The rule, in words, for messages. */
export function enterpriseProjectRule(allowAll: boolean): string {
  return `expected an enterprise project id: "0" (the default project) or a UUID such as 9c2e1b7a-4f0e-4c5d-8a51-3b2f6c7d8e9f${allowAll ? `, or ${ALL_GRANTED_EPS} (every project the key is granted)` : ""}`;
}

/** The rule `value` breaks, or undefined. `allowAll`: whether `all_granted_eps` is accepted. */
export function enterpriseProjectProblem(value: string, allowAll: boolean): string | undefined {
  if (allowAll && value === ALL_GRANTED_EPS) return undefined;
  if (value === DEFAULT_ENTERPRISE_PROJECT_ID) return undefined;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return undefined;
  return enterpriseProjectRule(allowAll);
}
