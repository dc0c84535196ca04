/**
 * One page of `GET /v1/{project_id}/cloudservers/detail` filtered by tag or name (no `server_id`):
 * what resolving a selector reads of each server. Huawei's ListServersDetails documents `tags`
 * as a list of `"key=value"` strings on each server, `limit` ≤ 1000 and `marker` (the id of the
 * last server of the previous page); `offset` is marked discarded
 * (https://support.huaweicloud.com/api-ecs/zh-cn_topic_0094148850.html; the official SDKs'
 * ListServersDetailsRequest has `tags`, `not_tags` (sent as `not-tags`), `name`, `limit`, `marker`).
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
}

/** The filters and paging of one page. */
export interface ServerPageQuery {
  /** One `key=value`: the API matches one tag string per listing. */
  readonly tag?: string;
  readonly name?: string;
  readonly limit: number;
  /** The id of the last server of the previous page; none for the first page. */
  readonly marker?: string;
}

/** The query string of a page, in the order the official SDKs build it. */
export function serverPageQuery(query: ServerPageQuery): [string, string][] {
  const pairs: [string, string][] = [["limit", String(query.limit)]];
  if (query.marker !== undefined) pairs.push(["marker", query.marker]);
  if (query.name !== undefined) pairs.push(["name", query.name]);
  if (query.tag !== undefined) pairs.push(["tags", query.tag]);
  return pairs;
}
