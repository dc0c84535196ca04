/**
 * The filters and `marker` paging of `GET /v1/{project_id}/cloudservers/detail` without `server_id`,
 * as Huawei's ListServersDetails documents them
 * (https://support.huaweicloud.com/api-ecs/zh-cn_topic_0094148850.html):
 * - `tags`: servers whose tags (listed as `"key=value"` strings) include the given string;
 * - `not-tags`: servers whose tags do not include it;
 * - `name`: the server name, matched fuzzily: ListServersDetails documents a fuzzy match in which
 *   `.` matches any character; golangsdk's `cloudservers.ListOpts.Name` says "?name=bob returns
 *   both bob and bobb"; Terraform's `huaweicloud_compute_instances` calls it a regular expression.
 *   So: a regular-expression search anywhere in the name. Case handling is not documented: the
 *   `listNameMatch` variant (variants.ts) says whether it is case-sensitive;
 * - `status`: the exact status, except that `ACTIVE` also returns servers in REBOOT, HARD_REBOOT,
 *   REBUILD, MIGRATING and RESIZE, as the OTC copy of the listing page (opentelekomcloud-docs/
 *   elastic-cloud-server, api-ref, querying details about ECSs) documents for `status` (reference §10);
 * - `marker`: the id of the last server of the previous page; the page is the `limit` servers after it.
 * Where the sources are silent (an unknown marker, a name that is not a valid pattern) the answer
 * is Huawei's generic invalid-parameter error, Ecs.0005, as for the other query parameters here.
 */
import { ecsError, type ApiAnswer } from "./errorBodies";
import type { Variants } from "./variants";

type Rendered = Record<string, unknown>;

/** The statuses `status=ACTIVE` returns (OTC listing page; reference §10). */
export const ACTIVE_FAMILY: readonly string[] = ["ACTIVE", "REBOOT", "HARD_REBOOT", "REBUILD", "MIGRATING", "RESIZE"];

/** Whether a server shown with `shown` matches the `status` filter `wanted`. */
export function statusMatches(shown: unknown, wanted: string): boolean {
  return wanted === "ACTIVE" ? ACTIVE_FAMILY.includes(String(shown)) : shown === wanted;
}

export function filterServerList(
  servers: Rendered[],
  query: URLSearchParams,
  nameMatch: Variants["listNameMatch"],
): { servers: Rendered[]; error?: undefined } | { error: string } {
  const status = query.get("status");
  const tag = query.get("tags");
  const notTag = query.get("not-tags");
  const name = query.get("name");
  let pattern: RegExp | undefined;
  if (name !== null) {
    try {
      pattern = new RegExp(name, nameMatch === "case-insensitive" ? "i" : "");
    } catch {
      return { error: `Invalid parameter: name [${name}] is not a valid pattern` };
    }
  }
  const tagsOf = (server: Rendered): string[] => (Array.isArray(server.tags) ? (server.tags as string[]) : []);
  return {
    servers: servers.filter(
      (server) =>
        (status === null || statusMatches(server.status, status)) &&
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
