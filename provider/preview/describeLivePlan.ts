/**
 * The words of the live plan: one summary line, then one line per kind of server (will be stopped or
 * started, already there, busy, cannot be acted on), the drift since the record, and who joined or
 * left a selector's fleet. Each list names the first 20 servers (name and id), then "and N more".
 * Pure.
 */
import { countOf } from "../plural";
import type { LivePlan, PlannedServer } from "./livePlan";

/** How many servers a line names before "and N more". */
export const MAX_SERVERS_IN_PLAN_LINE = 20;

/** Who joined or left a selector's fleet since the record, and what happens to those who left. */
export interface MembershipMoves {
  readonly joined: readonly PlannedServer[];
  readonly left: readonly PlannedServer[];
  /** onDelete "restore": those who left go back to their initial status; else they are left as they are. */
  readonly restoreLeavers: boolean;
}

/** `web-1 (616f…)`, or the id alone when the cloud gave no name. */
export function nameOf(server: PlannedServer): string {
  return server.name ? `${server.name} (${server.id})` : server.id;
}

/** The first `max` entries, then "and N more". */
export function formatPlanList(entries: readonly string[], max: number = MAX_SERVERS_IN_PLAN_LINE): string {
  if (entries.length <= max) return entries.join(", ");
  return `${entries.slice(0, max).join(", ")} and ${entries.length - max} more`;
}

/** The plan as lines, without a prefix (the caller adds the resource's label). */
export function describeLivePlan(plan: LivePlan, moves?: MembershipMoves): string[] {
  const verb = plan.state === "running" ? "started" : "stopped";
  const total = plan.act.length + plan.already.length + plan.busy.length + plan.blocked.length;
  const counts = [
    `${plan.act.length} will be ${verb}`,
    `${plan.already.length} already ${plan.target}`,
    ...(plan.busy.length > 0 ? [`${plan.busy.length} busy`] : []),
    `${plan.blocked.length} cannot be acted on`,
  ];
  const lines = [
    `live plan (read now with GET calls only; nothing was changed): ${countOf(total, "server")} declared ${plan.state}: ${counts.join(", ")}`,
  ];
  if (plan.act.length > 0) lines.push(`  will be ${verb}: ${formatPlanList(plan.act.map(nameOf))}`);
  if (plan.already.length > 0) {
    lines.push(`  already ${plan.target}, left as they are: ${formatPlanList(plan.already.map(nameOf))}`);
  }
  if (plan.busy.length > 0) {
    const busy = plan.busy.map((s) => `${nameOf(s)}: ${s.reason}`);
    lines.push(`  busy, waited for before deciding: ${formatPlanList(busy)}`);
  }
  if (plan.blocked.length > 0) {
    const blocked = plan.blocked.map((s) => `${nameOf(s)}: ${s.code} ${s.reason}`);
    lines.push(`  cannot be acted on (the up will report them): ${formatPlanList(blocked)}`);
  }
  if (plan.drift.length > 0) {
    const drift = plan.drift.map((s) => `${nameOf(s)} recorded ${s.recorded}, now ${s.live}`);
    lines.push(`  changed since the last up or refresh: ${formatPlanList(drift)}`);
  }
  if (moves && moves.joined.length > 0) {
    lines.push(`  joined the selection since the last up: ${formatPlanList(moves.joined.map(nameOf))}`);
  }
  if (moves && moves.left.length > 0) {
    const fate = moves.restoreLeavers ? "restored to their initial status" : "left as they are";
    lines.push(`  left the selection since the last up, ${fate}: ${formatPlanList(moves.left.map(nameOf))}`);
  }
  return lines;
}
