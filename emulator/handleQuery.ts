/** The read-only API routes: job status, one server, the server list and IAM's project list. */
import { createHash } from "node:crypto";
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from "./defaults";
import type { EmulatorState } from "./EmulatorState";
import { type ApiAnswer, ecsError } from "./errorBodies";
import type { ServerRecord } from "./Fleet";
import { enterpriseProjectDenied, isAuthorizedFor, listScope } from "./enterpriseProjects";
import { filterServerList, pageByMarker } from "./listFilters";
import { renderMissingServer, renderServer } from "./renderServer";
import { hiddenTaskServer, laggedServer, shapeJob } from "./variantHooks";

export function handleJob(state: EmulatorState, jobId: string): ApiAnswer {
  const job = state.jobs.render(jobId, state.nowMs());
  if (!job) return ecsError(400, "Common.0011", `query job fail. Job[${jobId}] does not exist or has expired.`);
  return { status: 200, body: shapeJob(job, state.variants.subJobs) };
}

/**
 * `GET /cloudservers/{id}`. A server of an enterprise project the access key is not authorized for
 * is refused as IAM refuses it (403 Pdp.0001, see enterpriseProjects.ts), not hidden as unknown.
 */
export function handleShow(state: EmulatorState, serverId: string, requestId: string): ApiAnswer {
  const server = state.fleet.get(serverId, state.nowMs());
  if (!server) return ecsError(404, "Ecs.0114", `Instance[${serverId}] could not be found.`);
  if (!isAuthorizedFor(state.variants, server.enterpriseProjectId)) {
    return enterpriseProjectDenied(
      "ecs:cloudServers:get",
      requestId,
      `Instance[${serverId}] belongs to enterprise project [${server.enterpriseProjectId}], which the access key is not authorized for.`,
    );
  }
  return { status: 200, body: { server: renderServer(hiddenTaskServer(server, state.nowMs()), state.options) } };
}

function boundedInt(value: string | null, name: string, fallback: number, min: number, max: number): number | string {
  if (value === null) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    return `Invalid parameter: ${name} [${value}] must be an integer from ${min} to ${max}`;
  }
  return Number(value);
}

/**
 * `GET /cloudservers/detail`. With `server_id` every other filter is ignored and unknown ids
 * come back as null entries with a `fault`; paging (`limit`, `offset` = page number, 0 and 1 both
 * the first page) still applies, so a client must send `limit` when it asks for more than 25 ids.
 * The docs only recommend at most 100 ids (URI length); more are served, and only a URI over the
 * gateway's limit is refused (414, see `uriTooLong`). Under `listLagSeconds` a server whose
 * transition just ended still shows its old status; under `hiddenTaskMs` one whose job is still in
 * its hidden window shows no task yet.
 *
 * Enterprise projects (enterpriseProjects.ts): `enterprise_project_id` (`all_granted_eps`, or one EP)
 * says which EPs are listed, its absence is answered as `listWithoutEnterpriseProject` says; with
 * `server_id`, a server outside them comes back like an unknown id (null entry with a `fault`).
 */
export function handleList(state: EmulatorState, query: URLSearchParams, requestId: string): ApiAnswer {
  const nowMs = state.nowMs();
  const limit = boundedInt(query.get("limit"), "limit", DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT);
  if (typeof limit === "string") return ecsError(400, "Ecs.0005", limit);
  const offset = boundedInt(query.get("offset"), "offset", 1, 0, Number.MAX_SAFE_INTEGER);
  if (typeof offset === "string") return ecsError(400, "Ecs.0005", offset);
  const page = Math.max(1, offset);
  const scope = listScope(state.variants, query.get("enterprise_project_id"), requestId);
  if ("refusal" in scope) return scope.refusal;
  const inScope = (server: ServerRecord) => scope.shows(server.enterpriseProjectId);
  const lag = state.variants.listLagSeconds;
  const shown = (server: ServerRecord) =>
    renderServer(laggedServer(hiddenTaskServer(server, nowMs), nowMs, lag), state.options);

  let entries: Record<string, unknown>[];
  const serverIds = query.get("server_id");
  if (serverIds !== null) {
    const ids = [
      ...new Set(
        serverIds
          .split(",")
          .map((id) => id.trim())
          .filter((id) => id.length > 0),
      ),
    ];
    if (ids.length === 0) return ecsError(400, "Ecs.0005", "Invalid parameter: server_id is empty");
    entries = ids.map((id) => {
      const server = state.fleet.get(id, nowMs);
      return server && inScope(server) ? shown(server) : renderMissingServer(id, nowMs, state.options);
    });
  } else {
    const filtered = filterServerList(
      state.fleet.list(nowMs).filter(inScope).map(shown),
      query,
      state.variants.listNameMatch,
    );
    if (filtered.error !== undefined) return ecsError(400, "Ecs.0005", filtered.error);
    if (query.get("marker") !== null) return pageByMarker(filtered.servers, query.get("marker")!, limit);
    entries = filtered.servers;
  }
  return { status: 200, body: { count: entries.length, servers: entries.slice((page - 1) * limit, page * limit) } };
}

function derivedId(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 32);
}

/**
 * IAM `GET /v3/projects?name=`: the emulator's project, plus a decoy whose name only starts
 * with the region's (`<region>_sub`), so that clients must match names exactly.
 */
export function handleProjects(state: EmulatorState, query: URLSearchParams, baseUrl: string): ApiAnswer {
  const { projectId, region } = state.options;
  const domainId = derivedId(`domain:${projectId}`);
  const project = (id: string, name: string) => ({
    id,
    name,
    domain_id: domainId,
    parent_id: domainId,
    is_domain: false,
    enabled: true,
    description: "",
    links: { self: `${baseUrl}/v3/projects/${id}` },
  });
  const all = [project(projectId, region), project(derivedId(`sub:${projectId}`), `${region}_sub`)];
  const name = query.get("name");
  return {
    status: 200,
    body: {
      projects: name === null ? all : all.filter((candidate) => candidate.name === name),
      links: { self: `${baseUrl}/v3/projects`, previous: null, next: null },
    },
  };
}
