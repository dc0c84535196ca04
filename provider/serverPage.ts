/**
 * One page of `GET /v1/{project_id}/cloudservers/detail` filtered by tag or name (no `server_id`):
 * what resolving a selector reads of each server. Huawei's ListServersDetails documents `tags`
 * as a list of `"key=value"` strings on each server, `limit` ≤ 1000 and `marker` (the id of the
 * last server of the previous page); `offset` is marked discarded
 * (https://support.huaweicloud.com/api-ecs/zh-cn_topic_0094148850.html; the official SDKs'
 * ListServersDetailsRequest has `enterprise_project_id`, `tags`, `not_tags` (sent as `not-tags`), `name`,
 * `limit`, `marker`). Each listed server carries its `enterprise_project_id` (ServerDetail).
 * Schemas are built in functions: the provider is serialized by Pulumi's closure serializer.
 */
import { z } from "zod";

/** The most servers one page may hold (Huawei's documented maximum of `limit`). */
export const MAX_PAGE_LIMIT = 1000;

export function serverPageSchema() {
  return z.object({
    count: z.number().int().nonnegative().nullish(),
    servers: z.array(
      z.object({
        id: z.string().min(1),
        name: z.string().nullish(),
        status: z.string().nullish(),
        tags: z.array(z.string()).nullish(),
        enterprise_project_id: z.string().nullish(),
      }),
    ),
  });
}

/** One listed server, as a selector is matched against it. */
export interface ListedServer {
  readonly id: string;
  readonly name: string;
  readonly status: string | null;
  /** As the API gives them: `"key=value"`. */
  readonly tags: readonly string[];
  /** The server's enterprise project ("0": the default one); null when the list does not say. */
  readonly enterpriseProjectId: string | null;
}

/** The filters and paging of one page. */
export interface ServerPageQuery {
  /** The enterprise project listed (`all_granted_eps`: every one granted); the client's own scope when absent. */
  readonly enterpriseProjectId?: string;
  /** One `key=value`: the API matches one tag string per listing. */
  readonly tag?: string;
  readonly name?: string;
  readonly limit: number;
  /** The id of the last server of the previous page; none for the first page. */
  readonly marker?: string;
}

/**
 * The query string of a page, in the order the official Node SDK builds it (EcsClient.js,
 * ParamCreater().listServersDetails: enterprise_project_id, flavor, ip, limit, name, not-tags,
 * offset, reservation_id, status, tags, ip_eq, server_id, marker). The signature is computed over
 * the sorted canonical query either way; the order only makes the wire read like the SDK's.
 */
export function serverPageQuery(query: ServerPageQuery & { enterpriseProjectId: string }): [string, string][] {
  const pairs: [string, string][] = [
    ["enterprise_project_id", query.enterpriseProjectId],
    ["limit", String(query.limit)],
  ];
  if (query.name !== undefined) pairs.push(["name", query.name]);
  if (query.tag !== undefined) pairs.push(["tags", query.tag]);
  if (query.marker !== undefined) pairs.push(["marker", query.marker]);
  return pairs;
}
