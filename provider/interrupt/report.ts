/**
 * What an interrupted operation leaves behind, as lines for the host's stderr: the servers whose
 * action the cloud accepted and that were not yet confirmed (left moving, with their job), and those
 * never sent one. Pure: from the converger's RunState.
 */
import type { RunState, ServerTrack } from "../converge/model";
import { isUnfinished } from "../converge/model";
import { countOf } from "../plural";

function seen(server: ServerTrack): string {
  const last = server.last;
  if (!last) return "not listed yet";
  return `last seen ${last.status ?? "unknown"}${last.taskState ? ` (${last.taskState})` : ""}`;
}

/** The lines for one operation cut short by `signal`; none when every server had settled. */
export function interruptedLines(label: string, state: RunState, signal: string): string[] {
  const unfinished = Object.values(state.servers).filter(isUnfinished);
  if (unfinished.length === 0) return [];
  const moving = unfinished.filter((s) => s.submitted);
  const unsent = unfinished.filter((s) => !s.submitted);
  const lines = [
    `${label}: ${signal} received: the provider host is ending; no further action is sent. ` +
      `${countOf(unfinished.length, "server")} not confirmed yet`,
  ];
  if (moving.length > 0) {
    lines.push(
      `${label}: left moving (its action was accepted or may have been): ` +
        moving.map((s) => `${s.id} (${s.jobId ? `job ${s.jobId}, ` : ""}${seen(s)})`).join(", "),
    );
  }
  if (unsent.length > 0) {
    lines.push(`${label}: never sent an action: ${unsent.map((s) => `${s.id} (${seen(s)})`).join(", ")}`);
  }
  lines.push(
    `${label}: run pulumi refresh (it clears the pending operation), then pulumi up: servers still moving are followed, never sent the action again`,
  );
  return lines;
}
