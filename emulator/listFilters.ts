/**
 * The filters and `marker` paging of `GET /v1/{project_id}/cloudservers/detail` without `server_id`,
 * as Huawei's ListServersDetails documents them
 * (https://support.huaweicloud.com/api-ecs/zh-cn_topic_0094148850.html):
 * - `tags`: servers whose tags (listed as `"key=value"` strings) include the given string;
 * - `not-tags`: servers whose tags do not include it;
 * - `name`: the server name, matched fuzzily (as a regular expression; Huawei's page says
 *   "支持模糊匹配"; Nova, which ECS's list follows, applies it as a regex search);
 * - `status`: the exact status;
 * - `marker`: the id of the last server of the previous page; the page is the `limit` servers after it.
 * Where the sources are silent (an unknown marker, a name that is not a valid pattern) the answer
 * is Huawei's generic invalid-parameter error, Ecs.0005, as for the other query parameters here.
 */
import { ecsError, type ApiAnswer } from "./errorBodies";

type Rendered = Record<string, unknown>;

export function filterServerList(
  servers: Rendered[],
  query: URLSearchParams,
): { servers: Rendered[]; error?: undefined } | { error: string } {
  const status = query.get("status");
  const tag = query.get("tags");
  const notTag = query.get("not-tags");
  const name = query.get("name");
  let pattern: RegExp | undefined;
  if (name !== null) {
    try {
      pattern = new RegExp(name);
    } catch {
      return { error: `Invalid parameter: name [${name}] is not a valid pattern` };
    }
  }
  const tagsOf = (server: Rendered): string[] => (Array.isArray(server.tags) ? (server.tags as string[]) : []);
  return {
    servers: servers.filter(
      (server) =>
        (status === null || server.status === status) &&
        (tag === null || tagsOf(server).includes(tag)) &&
        (notTag === null || !tagsOf(server).includes(notTag)) &&
        (pattern === undefined || pattern.test(String(server.name ?? ""))),
    ),
  };
}

/** The `limit` servers after the one whose id is `marker`; `count` is every server the filters match. */
export function pageByMarker(servers: Rendered[], marker: string, limit: number): ApiAnswer {
  const at = servers.findIndex((server) => server.id === marker);
  if (at < 0) return ecsError(400, "Ecs.0005", `Invalid parameter: marker [${marker}] is not a server of this list`);
  return { status: 200, body: { count: servers.length, servers: servers.slice(at + 1, at + 1 + limit) } };
}
