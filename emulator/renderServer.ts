/**
 * The server object of `GET /cloudservers/{id}` and `/cloudservers/detail`. `status` hides
 * stop/start transitions (a stopping server stays ACTIVE with task_state `powering-off`), as
 * Nova's state mapping does; a reboot shows status REBOOT / HARD_REBOOT, as Nova maps
 * task_state `rebooting` / `rebooting_hard`.
 */
import type { ServerRecord } from "./Fleet";

export interface ServerContext {
  readonly projectId: string;
  readonly region: string;
}

const USER_ID = "7a0e1c3b5d2f4e6a8b9c0d1e2f3a4b5c";

function iso(ms: number): string {
  // Server timestamps have no milliseconds in the ECS API (`2024-01-15T08:30:00Z`).
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function taskState(server: ServerRecord): string | null {
  const transition = server.transition;
  if (!transition) return null;
  if (transition.action === "os-stop") return "powering-off";
  if (transition.action === "os-start") return "powering-on";
  return transition.hard ? "rebooting_hard" : "rebooting";
}

function visibleStatus(server: ServerRecord): string {
  const transition = server.transition;
  if (transition?.action === "reboot") return transition.hard ? "HARD_REBOOT" : "REBOOT";
  return server.status;
}

/**
 * Nova's `OS-EXT-STS:vm_state` for the status (nova/compute/vm_states.py: `active`, `stopped`, `error`)
 * and `OS-EXT-STS:power_state` (nova/compute/power_state.py: 1 RUNNING, 4 SHUTDOWN; an ERROR server's is
 * whatever the hypervisor last reported, shown here as 0 NOSTATE).
 */
const VM_STATES = {
  ACTIVE: { vmState: "active", powerState: 1 },
  SHUTOFF: { vmState: "stopped", powerState: 4 },
  ERROR: { vmState: "error", powerState: 0 },
} as const;

export function renderServer(server: ServerRecord, context: ServerContext): Record<string, unknown> {
  const { vmState, powerState } = VM_STATES[server.status];
  return {
    id: server.id,
    name: server.name,
    status: visibleStatus(server),
    "OS-EXT-STS:task_state": taskState(server),
    "OS-EXT-STS:vm_state": vmState,
    "OS-EXT-STS:power_state": powerState,
    locked: server.locked,
    fault: null,
    updated: iso(server.updatedMs),
    created: iso(server.createdMs),
    tenant_id: context.projectId,
    user_id: USER_ID,
    hostId: "c1e8e8f0e4d8a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5",
    "OS-EXT-AZ:availability_zone": `${context.region}a`,
    "OS-EXT-SRV-ATTR:instance_name": `instance-${server.id.slice(0, 8)}`,
    "OS-SRV-USG:launched_at": iso(server.createdMs).replace("Z", ".000000"),
    "OS-SRV-USG:terminated_at": "",
    addresses: {},
    flavor: { id: "s6.small.1", name: "s6.small.1", disk: "0", vcpus: "1", ram: "1024" },
    image: { id: "00000000-0000-0000-0000-000000000000" },
    metadata: {},
    tags: Object.entries(server.tags).map(([key, value]) => `${key}=${value}`),
    description: "",
    progress: 0,
    host_status: "UP",
    enterprise_project_id: server.enterpriseProjectId,
  };
}

/**
 * The entry `/cloudservers/detail?server_id=` returns for an unknown id: every field null
 * except `id` and `fault`.
 */
export function renderMissingServer(id: string, nowMs: number, context: ServerContext): Record<string, unknown> {
  const template = renderServer(
    {
      id,
      name: "",
      createdMs: nowMs,
      updatedMs: nowMs,
      locked: false,
      tags: {},
      enterpriseProjectId: "0",
      status: "SHUTOFF",
    },
    context,
  );
  const entry: Record<string, unknown> = {};
  for (const key of Object.keys(template)) entry[key] = null;
  entry.id = id;
  entry.fault = {
    code: 404,
    message: `Instance ${id} could not be found`,
    details: `Instance ${id} could not be found`,
    created: iso(nowMs),
  };
  return entry;
}
