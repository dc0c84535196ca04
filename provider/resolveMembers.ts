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
 * keys (AND) and `notTags` matched here on the tags each server carries.
 *
 * Nothing the API returns becomes a member unless our own check says so (matchesSelector): tags,
 * name and enterprise project. The API's `name` filter is fuzzy (ListServersDetails: "模糊匹配",
 * `.` any character; golangsdk cloudservers.ListOpts.Name: "?name=bob returns both bob and bobb";
 * Terraform's huaweicloud_compute_instances calls it a regular expression): it is sent only to
 * narrow the listing, and only for a name of letters, digits, `_`, `-` and `.` (apiNameFilter),
 * which a fuzzy or regular-expression match of itself cannot miss; a name with any other character
 * (`web+1`, `a(b)`) might not be returned by its own filter, so it is listed without one and compared
 * here. `namePattern` is ours alone, never sent.
 */
import { throttledLine } from "./converge/progress";
import { EcsError } from "./errors";
import type { PowerStateInputs } from "./inputs";
import { describeResolution, memberBoundProblem, withMembers } from "./membership";
import { countOf } from "./plural";
import type { RequestOptions } from "./publicTypes";
import { compileNamePattern, describeSelector, type Selector } from "./selector";
import { MAX_PAGE_LIMIT, type ListedServer, type ServerPageQuery } from "./serverPage";
import { parseServerTags } from "./tagRules";

/** What resolution needs of the client. */
export interface PageLister {
  listServerPage(query: ServerPageQuery, options?: RequestOptions): Promise<ListedServer[]>;
}

/** One server the selector matched. */
export interface Member {
  /** Lower-cased. */
  readonly id: string;
  readonly name: string;
  /** As the list gave it (null when it did not say). */
  readonly enterpriseProjectId: string | null;
}

export interface Resolution {
  /** The matching servers' ids, sorted, distinct. */
  readonly ids: string[];
  /** The matching servers, sorted by id: each one's id, name and enterprise project. */
  readonly members: Member[];
  /** How many pages were read. */
  readonly pages: number;
}

export interface ResolveOptions {
  /** Servers a page may hold (default: Huawei's maximum, 1000). */
  readonly pageLimit?: number;
  /** Given to every page's call, as to the other reads: the operation's signal and the throttling notices. */
  readonly request?: RequestOptions;
}

/** Every page of every listing the selector needs; the servers it matches. */
export async function resolveMembers(
  api: PageLister,
  selector: Selector,
  options: ResolveOptions = {},
): Promise<Resolution> {
  const pageLimit = options.pageLimit ?? MAX_PAGE_LIMIT;
  const pattern = selector.namePattern === undefined ? undefined : compileNamePattern(selector.namePattern);
  const name = apiNameFilter(selector);
  const members = new Map<string, Member>();
  let pages = 0;
  for (const tag of listingTags(selector)) {
    let marker: string | undefined;
    for (;;) {
      const query: ServerPageQuery = {
        limit: pageLimit,
        ...(selector.enterpriseProjectId !== undefined ? { enterpriseProjectId: selector.enterpriseProjectId } : {}),
        ...(tag !== undefined ? { tag } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(marker !== undefined ? { marker } : {}),
      };
      const page = await api.listServerPage(query, options.request ?? {});
      pages++;
      for (const server of page) {
        if (!matchesSelector(server, selector, pattern)) continue;
        const id = server.id.toLowerCase();
        members.set(id, { id, name: server.name, enterpriseProjectId: server.enterpriseProjectId });
      }
      if (page.length < pageLimit) break;
      const last = page[page.length - 1].id;
      if (last === marker) throw pagingStuck(query);
      marker = last;
    }
  }
  const sorted = [...members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ids: sorted.map((m) => m.id), members: sorted, pages };
}

/**
 * The `name` filter sent to the API, if any: the selector's exact name when it holds only letters,
 * digits, `_`, `-` and `.` (ECS's own characters for a name; a fuzzy or regular-expression match of
 * such a name returns the server of that name). Anything else (a regular-expression metacharacter,
 * a space, `%`...) is listed without the filter and compared here. Never `namePattern`.
 */
export function apiNameFilter(selector: Selector): string | undefined {
  const { name } = selector;
  return name !== undefined && /^[\p{L}\p{N}_.-]+$/u.test(name) ? name : undefined;
}

/** One `key=value` per listing: the values of the key with the fewest (ties: the first key); none without tags. */
export function listingTags(selector: Selector): (string | undefined)[] {
  const keys = Object.keys(selector.tags);
  if (keys.length === 0) return [undefined];
  const key = keys.reduce((best, k) => (selector.tags[k].length < selector.tags[best].length ? k : best));
  return selector.tags[key].map((value) => `${key}=${value}`);
}

/**
 * Every tag key with one of its values (AND of ORs), none of the `notTags` pairs, the name equal to
 * `name` (case-sensitive) or matched by `namePattern` (search semantics, `u` flag), and the
 * selector's enterprise project. Pure; `pattern` is the compiled namePattern (compiled here if absent).
 */
export function matchesSelector(
  server: Pick<ListedServer, "tags"> & Partial<Pick<ListedServer, "name" | "enterpriseProjectId">>,
  selector: Selector,
  pattern?: RegExp,
): boolean {
  if (selector.name !== undefined && server.name !== selector.name) return false;
  if (selector.namePattern !== undefined) {
    const regex = pattern ?? compileNamePattern(selector.namePattern);
    if (server.name === undefined || !regex.test(server.name)) return false;
  }
  if (selector.enterpriseProjectId !== undefined && server.enterpriseProjectId !== selector.enterpriseProjectId) {
    return false;
  }
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

/**
 * The request options of an operation's listings outside the converger (resolving a selector, and
 * read's server list), as the converger gives its own reads (converge/run.ts callOptions): bounded
 * by the operation's `timeoutSeconds` (a throttled call is retried until then, not given up after
 * maxAttempts), and saying when the account is throttled: at the first throttled answer, then at
 * most once per `progressIntervalMs`.
 */
export function listingRequest(
  label: string,
  timeoutSeconds: number,
  log: (line: string) => void,
  progressIntervalMs = 15_000,
  now: () => number = Date.now,
): RequestOptions {
  let lastLineAt: number | undefined;
  return {
    signal: AbortSignal.timeout(timeoutSeconds * 1000),
    onThrottled: (notice) => {
      const at = now();
      if (lastLineAt !== undefined && at - lastLineAt < progressIntervalMs) return;
      lastLineAt = at;
      log(throttledLine(label, notice, timeoutSeconds));
    },
  };
}

/** How many members `maxMembersProblem` names before "and N more". */
export const MAX_NAMED_MEMBERS = 20;

/**
 * The blast-radius guard: the selector's `maxMembers` exceeded. The refusal gives the count, the
 * first members (name and id) and what to do; undefined when there is no bound or it holds. Pure:
 * the preview can call it on the members it lists.
 */
export function maxMembersProblem(
  selector: Selector,
  members: readonly Pick<Member, "id" | "name">[],
): string | undefined {
  const max = selector.maxMembers;
  if (max === undefined || members.length <= max) return undefined;
  const named = members
    .slice(0, MAX_NAMED_MEMBERS)
    .map((m) => `${m.name === "" ? "(no name)" : JSON.stringify(m.name)} (${m.id})`)
    .join(", ");
  const more = members.length > MAX_NAMED_MEMBERS ? `, and ${members.length - MAX_NAMED_MEMBERS} more` : "";
  return (
    `the selector (${describeSelector(selector)}) matches ${countOf(members.length, "server")}, more than its maxMembers ${max}: ` +
    `${named}${more}. Nothing was acted on. Narrow the selector (one more tag, an exact name, an enterpriseProjectId), ` +
    `or, if all of them are meant, raise selector.maxMembers to at least ${members.length}`
  );
}

/** The servers an operation acts on, and the members it resolved (undefined without a selector). */
export interface Targets {
  readonly inputs: PowerStateInputs;
  readonly members: string[] | undefined;
  /** The members with their names and enterprise projects (undefined without a selector). */
  readonly resolved: Member[] | undefined;
}

/**
 * Create and update: resolve the selector (if any) and join its members to the declared ids.
 * Refuses (before any action) more members than the selector's maxMembers, and more servers than
 * one resource may hold. Logs what matched. `request` is given to every listing call.
 */
export async function resolveTargets(
  api: PageLister,
  inputs: PowerStateInputs,
  label: string,
  log: (line: string) => void,
  request: RequestOptions = {},
): Promise<Targets> {
  if (inputs.selector === undefined) return { inputs, members: undefined, resolved: undefined };
  const { ids, members } = await resolveMembers(api, inputs.selector, { request });
  const guard = maxMembersProblem(inputs.selector, members);
  if (guard !== undefined) throw new Error(`${label}: ${guard}`);
  const targets = withMembers(inputs, ids);
  const problem = memberBoundProblem(inputs.selector, ids.length, targets.serverIds.length);
  if (problem !== undefined) throw new Error(`${label}: ${problem}`);
  log(`${label}: ${describeResolution(inputs.selector, ids)}`);
  return { inputs: targets, members: ids, resolved: members };
}
