/**
 * Resolving a selector to the ids of the servers it matches, through the server list.
 *
 * Why the server list (`GET /v1/{project_id}/cloudservers/detail` with `tags`, `name`, `limit`,
 * `marker`) and not the tag query (`POST /v1/{project_id}/cloudservers/resource_instances/action`,
 * the SDKs' ListServersByTag): Huawei's current API reference files the tag query under "History
 * APIs" and marks it discarded ("按标签查询云服务器列表(废弃)",
 * https://support.huaweicloud.com/api-ecs/ecs_02_1005.html), while ListServersDetails is current
 * (https://support.huaweicloud.com/api-ecs/zh-cn_topic_0094148850.html); the list is the call the
 * provider already makes and needs no other IAM action (`ecs:cloudServers:list`), and it answers
 * each server's tags and status at once. Its `tags` filter matches one `key=value` string per
 * listing, so: one listing (every page) per value of the key with the fewest values, the other
 * keys (AND) and `notTags` matched here on the tags each server carries. `name` is left to the
 * API (Huawei matches it fuzzily, as a regular expression); it is not re-checked here.
 */
import { EcsError } from "./errors";
import type { PowerStateInputs } from "./inputs";
import { describeResolution, memberBoundProblem, withMembers } from "./membership";
import type { Selector } from "./selector";
import { MAX_PAGE_LIMIT, type ListedServer, type ServerPageQuery } from "./serverPage";
import { parseServerTags } from "./tagRules";

/** What resolution needs of the client. */
export interface PageLister {
  listServerPage(query: ServerPageQuery): Promise<ListedServer[]>;
}

export interface Resolution {
  /** The matching servers' ids, sorted, distinct. */
  readonly ids: string[];
  /** How many pages were read. */
  readonly pages: number;
}

/** Every page of every listing the selector needs; the ids of the servers it matches. */
export async function resolveMembers(
  api: PageLister,
  selector: Selector,
  pageLimit = MAX_PAGE_LIMIT,
): Promise<Resolution> {
  const ids = new Set<string>();
  let pages = 0;
  for (const tag of listingTags(selector)) {
    let marker: string | undefined;
    for (;;) {
      const query: ServerPageQuery = {
        limit: pageLimit,
        ...(tag !== undefined ? { tag } : {}),
        ...(selector.name !== undefined ? { name: selector.name } : {}),
        ...(marker !== undefined ? { marker } : {}),
      };
      const page = await api.listServerPage(query);
      pages++;
      for (const server of page) if (matchesSelector(server, selector)) ids.add(server.id.toLowerCase());
      if (page.length < pageLimit) break;
      const last = page[page.length - 1].id;
      if (last === marker) throw pagingStuck(query);
      marker = last;
    }
  }
  return { ids: [...ids].sort(), pages };
}

/** One `key=value` per listing: the values of the key with the fewest (ties: the first key); none without tags. */
export function listingTags(selector: Selector): (string | undefined)[] {
  const keys = Object.keys(selector.tags);
  if (keys.length === 0) return [undefined];
  const key = keys.reduce((best, k) => (selector.tags[k].length < selector.tags[best].length ? k : best));
  return selector.tags[key].map((value) => `${key}=${value}`);
}

/** Every tag key with one of its values (AND of ORs), and none of the `notTags` pairs. Pure. */
export function matchesSelector(server: Pick<ListedServer, "tags">, selector: Selector): boolean {
  const tags = parseServerTags(server.tags);
  for (const [key, values] of Object.entries(selector.tags)) {
    const value = tags.get(key);
    if (value === undefined || !values.includes(value)) return false;
  }
  for (const [key, values] of Object.entries(selector.notTags)) {
    const value = tags.get(key);
    if (value !== undefined && values.includes(value)) return false;
  }
  return true;
}

function pagingStuck(query: ServerPageQuery): EcsError {
  return new EcsError({
    code: "ECS_BAD_RESPONSE",
    operation: `listing the servers${query.tag !== undefined ? ` tagged ${query.tag}` : ""}`,
    route: "GET /v1/{project_id}/cloudservers/detail",
    reason: `the page after marker ${query.marker} ended with the same server again: paging does not advance; try again, and report it if it persists`,
  });
}

/** The servers an operation acts on, and the members it resolved (undefined without a selector). */
export interface Targets {
  readonly inputs: PowerStateInputs;
  readonly members: string[] | undefined;
}

/**
 * Create and update: resolve the selector (if any) and join its members to the declared ids.
 * Refuses (before any action) more servers than one resource may hold. Logs what matched.
 */
export async function resolveTargets(
  api: PageLister,
  inputs: PowerStateInputs,
  label: string,
  log: (line: string) => void,
): Promise<Targets> {
  if (inputs.selector === undefined) return { inputs, members: undefined };
  const { ids } = await resolveMembers(api, inputs.selector);
  const targets = withMembers(inputs, ids);
  const problem = memberBoundProblem(inputs.selector, ids.length, targets.serverIds.length);
  if (problem !== undefined) throw new Error(`${label}: ${problem}`);
  log(`${label}: ${describeResolution(inputs.selector, ids)}`);
  return { inputs: targets, members: ids };
}
