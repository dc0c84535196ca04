/**
 * `POST /v1/{project_id}/cloudservers/resource_instances/action`: the tag query (the official SDKs'
 * ListServersByTag), which Huawei's current API reference marks discarded but still documents
 * (https://support.huaweicloud.com/api-ecs/ecs_02_1005.html):
 * - `action` "filter" (a page of resources) or "count" (`total_count` alone);
 * - `tags`: [{key, values}], keys AND'd, values of a key OR'd, an empty `values` meaning any value;
 *   keys non-empty and distinct, values distinct, key ≤ 127 and value ≤ 255 characters;
 * - `not_tags`: the same shape; Huawei's words are "servers not containing all the given tags": a
 *   server matching every entry is left out;
 * - `matches`: [{key: "resource_name", value}], a fuzzy (substring) match of the server name;
 * - `limit` (string, 0–1000, default 1000) and `offset` (string, ≥ 0, default 0), for "filter" only.
 * Answers `{resources: [{resource_id, resource_name, resource_detail, tags: [{key, value}]}], total_count}`.
 * A body breaking these rules is Ecs.0005 (invalid parameter), as the list's parameters are here.
 * The body has no enterprise-project parameter: a key authorized per enterprise project finds only
 * the servers of the EPs it may see, as `all_granted_eps` lists them (enterpriseProjects.ts); the
 * page documents no EP behaviour, so this is the emulator's reading.
 */
import { z } from "zod";
import type { EmulatorState } from "./EmulatorState";
import { isAuthorizedFor } from "./enterpriseProjects";
import { ecsError, type ApiAnswer } from "./errorBodies";
import type { ServerRecord } from "./Fleet";

function tagQuerySchema() {
  const tag = z.object({
    key: z.string().min(1).max(127),
    values: z
      .array(z.string().max(255))
      .default([])
      .refine((values) => new Set(values).size === values.length, { message: "values of one key must be distinct" }),
  });
  const tags = z
    .array(tag)
    .refine((list) => new Set(list.map((t) => t.key)).size === list.length, { message: "keys must be distinct" });
  const count = (name: string, max: number) =>
    z
      .string()
      .regex(/^\d+$/, { message: `${name} must be a number` })
      .refine((v) => Number(v) <= max, { message: `${name} must be at most ${max}` })
      .optional();
  return z.object({
    action: z.enum(["filter", "count"]),
    limit: count("limit", 1000),
    offset: count("offset", Number.MAX_SAFE_INTEGER),
    tags: tags.optional(),
    not_tags: tags.optional(),
    matches: z.array(z.object({ key: z.literal("resource_name"), value: z.string().min(1).max(255) })).optional(),
  });
}

type TagFilter = { key: string; values: string[] };

function carries(server: ServerRecord, filter: TagFilter): boolean {
  const value = server.tags[filter.key];
  return value !== undefined && (filter.values.length === 0 || filter.values.includes(value));
}

export function handleTagQuery(state: EmulatorState, rawBody: Buffer): ApiAnswer {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return ecsError(400, "Ecs.0005", "Invalid parameter: request body is not valid JSON");
  }
  const parsed = tagQuerySchema().safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return ecsError(400, "Ecs.0005", `Invalid parameter: ${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  const query = parsed.data;
  const matched = state.fleet
    .list(state.nowMs())
    .filter((server) => isAuthorizedFor(state.variants, server.enterpriseProjectId))
    .filter((server) => (query.tags ?? []).every((filter) => carries(server, filter)))
    .filter((server) => !(query.not_tags?.length && query.not_tags.every((filter) => carries(server, filter))))
    .filter((server) => (query.matches ?? []).every((match) => server.name.includes(match.value)));
  if (query.action === "count") return { status: 200, body: { total_count: matched.length } };
  const offset = Number(query.offset ?? "0");
  const limit = Number(query.limit ?? "1000");
  const resources = matched.slice(offset, offset + limit).map((server) => ({
    resource_id: server.id,
    resource_name: server.name,
    resource_detail: null,
    tags: Object.entries(server.tags).map(([key, value]) => ({ key, value })),
  }));
  return { status: 200, body: { resources, total_count: matched.length } };
}
