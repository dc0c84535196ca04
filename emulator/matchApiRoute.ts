/** Maps a method and path to one of the emulated API routes. */
import type { ApiRoute } from "./publicTypes";

export interface RouteMatch {
  readonly route: ApiRoute;
  /** The `{project_id}` of project-level routes; undefined for IAM. */
  readonly projectId?: string;
  readonly jobId?: string;
  readonly serverId?: string;
}

export function matchApiRoute(method: string, pathname: string): RouteMatch | undefined {
  if (method === "GET" && pathname === "/v3/projects") return { route: "projects" };
  if (method === "POST" && pathname === "/v3.0/OS-CREDENTIAL/securitytokens") return { route: "securitytokens" };
  const match = /^\/v1\/([^/]+)\/(.+)$/.exec(pathname);
  if (!match) return undefined;
  const [, projectId, rest] = match;
  if (method === "POST" && rest === "cloudservers/action") return { route: "action", projectId };
  if (method === "POST" && rest === "cloudservers/resource_instances/action") return { route: "tags", projectId };
  if (method !== "GET") return undefined;
  if (rest === "cloudservers/detail") return { route: "list", projectId };
  const job = /^jobs\/([^/]+)$/.exec(rest);
  if (job) return { route: "job", projectId, jobId: safeDecode(job[1]) };
  const show = /^cloudservers\/([^/]+)$/.exec(rest);
  if (show) return { route: "show", projectId, serverId: safeDecode(show[1]) };
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
