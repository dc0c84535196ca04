/**
 * The admin API under `/_emulator/`: unsigned (loopback only), never counted in stats. It
 * sets up fleets, drifts servers out of band, injects faults and resets the emulator.
 */
import type { z } from "zod";
import {
  describeIssues,
  isJobFault,
  isServerFault,
  parseFault,
  putServersBodySchema,
  serverPatchSchema,
} from "./adminSchemas";
import { type EmulatorState, resetEmulatorState } from "./EmulatorState";
import type { ServerRecord } from "./Fleet";
import { handleVariantsRequest } from "./handleVariantsRequest";
import type { AdminServerView } from "./publicTypes";
import { renderServer } from "./renderServer";
import { hiddenTaskServer } from "./variantHooks";

export interface AdminAnswer {
  readonly status: number;
  readonly body?: unknown;
}

function view(state: EmulatorState, server: ServerRecord): AdminServerView {
  const rendered = renderServer(hiddenTaskServer(server, state.nowMs()), state.options);
  return {
    id: server.id,
    name: server.name,
    status: rendered.status as string,
    taskState: rendered["OS-EXT-STS:task_state"] as string | null,
    locked: server.locked,
    tags: server.tags,
    enterpriseProjectId: server.enterpriseProjectId,
  };
}

const badRequest = (message: string): AdminAnswer => ({ status: 400, body: { error: message } });
const notFound = (message: string): AdminAnswer => ({ status: 404, body: { error: message } });

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

function invalid(error: z.ZodError): AdminAnswer {
  return badRequest(`invalid body: ${describeIssues(error)}`);
}

export function handleAdminRequest(
  state: EmulatorState,
  method: string,
  pathname: string,
  rawBody: Buffer,
): AdminAnswer {
  const nowMs = state.nowMs();
  const json = () => parseJson(rawBody);
  const serverPath = /^\/_emulator\/servers\/([^/]+)$/.exec(pathname);

  if (pathname === "/_emulator/servers" && method === "GET") {
    return { status: 200, body: { servers: state.fleet.list(nowMs).map((server) => view(state, server)) } };
  }
  if (pathname === "/_emulator/servers" && method === "POST") {
    const body = json();
    if (!body.ok) return badRequest("body is not valid JSON");
    const parsed = putServersBodySchema.safeParse(body.value);
    if (!parsed.success) return invalid(parsed.error);
    const ids = parsed.data.servers.map((server) => server.id);
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate !== undefined) return badRequest(`invalid body: servers: duplicate id [${duplicate}]`);
    state.fleet.put(parsed.data.servers, nowMs);
    return { status: 200, body: { servers: ids.map((id) => view(state, state.fleet.get(id, nowMs)!)) } };
  }
  if (serverPath && method === "PATCH") {
    const id = serverPath[1];
    const body = json();
    if (!body.ok) return badRequest("body is not valid JSON");
    const parsed = serverPatchSchema.safeParse(body.value);
    if (!parsed.success) return invalid(parsed.error);
    const server = state.fleet.patch(id, parsed.data, nowMs);
    return server ? { status: 200, body: { server: view(state, server) } } : notFound(`no server [${id}]`);
  }
  if (serverPath && method === "DELETE") {
    const id = serverPath[1];
    return state.fleet.delete(id, nowMs) ? { status: 204 } : notFound(`no server [${id}]`);
  }
  if (pathname === "/_emulator/faults" && method === "POST") {
    const body = json();
    if (!body.ok) return badRequest("body is not valid JSON");
    const parsed = parseFault(body.value);
    if (!parsed.success) return invalid(parsed.error);
    const fault = parsed.data;
    if (isServerFault(fault)) {
      if (!state.fleet.get(fault.serverId, nowMs)) return notFound(`no server [${fault.serverId}]`);
      state.faults.addServer(fault);
    } else if (isJobFault(fault)) {
      state.faults.addJob(fault);
    } else {
      state.faults.addTransport(fault);
    }
    return { status: 201, body: { faults: state.faults.pending() } };
  }
  if (pathname === "/_emulator/faults" && method === "GET") {
    return { status: 200, body: { faults: state.faults.pending() } };
  }
  if (pathname === "/_emulator/variants") return handleVariantsRequest(state, method, rawBody);
  if (pathname === "/_emulator/stats" && method === "GET") {
    return { status: 200, body: state.stats.snapshot() };
  }
  if (pathname === "/_emulator/connections" && method === "GET") {
    return { status: 200, body: { open: state.apiConnections.count } };
  }
  if (pathname === "/_emulator/reset" && method === "POST") {
    resetEmulatorState(state);
    return { status: 204 };
  }
  return notFound(`no admin route ${method} ${pathname}`);
}
