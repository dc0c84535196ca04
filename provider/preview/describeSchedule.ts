/**
 * The schedule at preview: what it says now (the zone's wall clock and UTC), what the up will do
 * because of it, and its next three transitions. No API call: the record says what the last
 * converge did. Pure.
 */
import { formatServerList } from "../errors";
import { hasUnknowns, type DesiredState } from "../inputs";
import { targetStatus } from "../plan";
import { countOf } from "../plural";
import { readRecord, type Props } from "../recorded";
import { evaluateSchedule, formatZoned, transitionsAfter, zoneClock, type Schedule } from "../schedule";
import {
  changedByHand,
  isTransition,
  serversLeftAlone,
  type LastConverge,
  type ScheduledInputs,
} from "../schedule/enforce";

/** How many transitions preview lists. */
export const TRANSITIONS_SHOWN = 3;

export interface ScheduledPreview {
  readonly schedule: Schedule;
  readonly serverIds: readonly string[];
}

/** The lines, `record` undefined for a create. */
export function describeSchedule(
  inputs: ScheduledPreview,
  record: (LastConverge & { readonly lastTransitionAt?: string | undefined }) | undefined,
  nowMs: number,
): string[] {
  const { schedule } = inputs;
  const clock = zoneClock(schedule.timezone);
  const now = evaluateSchedule(schedule, nowMs);
  const state = now.state;
  const scheduled = { ...inputs, state };
  const utc = new Date(nowMs).toISOString().slice(0, 16).replace("T", " ");
  const lines = [
    `schedule: now ${formatZoned(clock, nowMs).slice(0, 16).replace("T", " ")} ${schedule.timezone} (${utc} UTC): ${state} (${now.reason})`,
    whatUpDoes(scheduled, record),
  ];
  const heldByHand = changedByHand(scheduled, record, targetStatus(state));
  if (heldByHand.length > 0) {
    const notes = heldByHand.map(({ id, status }) => `${id} (${status ?? "status unknown"})`);
    lines.push(
      `schedule: ${countOf(heldByHand.length, "server")} changed since the last converge, left alone until the next transition (enforce at-transitions): ${formatServerList(notes)}`,
    );
  }
  const next = transitionsAfter(schedule, nowMs, TRANSITIONS_SHOWN);
  lines.push(
    next.length === 0
      ? "schedule: no transition within 14 days"
      : `schedule: next transitions: ${next.map((t) => `${formatZoned(clock, t.at.getTime())} ${t.state}`).join(", ")}`,
  );
  return lines;
}

function whatUpDoes(
  inputs: ScheduledPreview & { readonly state: DesiredState },
  record: (LastConverge & { readonly lastTransitionAt?: string | undefined }) | undefined,
): string {
  const verb = inputs.state === "running" ? "start" : "stop";
  const target = targetStatus(inputs.state);
  if (record === undefined) return `schedule: up will ${verb} the servers not ${target} (create)`;
  if (isTransition(inputs, record)) {
    return `schedule: transition since the last converge (${record.state ?? "none"} → ${inputs.state}): up will ${verb} the servers not ${target}`;
  }
  const since = record.lastTransitionAt ? ` (converged ${record.state} at ${record.lastTransitionAt})` : "";
  if (inputs.schedule.enforce === "always") {
    return `schedule: no transition since the last converge${since}; enforce always: up will ${verb} any server found not ${target}`;
  }
  const held = serversLeftAlone(inputs, record).length;
  return `schedule: no transition since the last converge${since}; enforce at-transitions: up leaves ${countOf(held, "server")} as they are, acting only on new or failed ones`;
}

/**
 * The schedule lines for `check` (create: `olds` undefined) and `diff`, from the engine's untyped
 * properties; none without a schedule or while it is not known yet.
 */
export function scheduleLinesFor(news: Props, olds: Props | undefined, nowMs: number): string[] {
  if (hasUnknowns(news)) return [];
  const n = readRecord(news);
  if (n.schedule === undefined) return [];
  return describeSchedule({ schedule: n.schedule, serverIds: n.serverIds ?? [] }, olds && readRecord(olds), nowMs);
}

/** The one line an up prints about the servers a schedule enforced "at-transitions" leaves alone. */
export function leftAloneNote(inputs: ScheduledInputs, record: LastConverge | undefined): string | undefined {
  const held = serversLeftAlone(inputs, record);
  if (held.length === 0) return undefined;
  return `schedule: no transition since the last converge (enforce at-transitions): ${countOf(held.length, "server")} left as they are: ${formatServerList(held)}`;
}
