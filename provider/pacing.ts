/**
 * Pacing of batch actions: Huawei counts the servers submitted per account per minute, so every
 * client of one process draws on one ledger. A submission reserves room before its call (so that
 * concurrent callers see it at once), then settles as accepted, maybe accepted, or refused.
 */
import { EcsError } from "./errors";
import type { PacingLedger, SubmitRecord } from "./publicTypes";

/** The pacing window of batch actions: Huawei counts servers per minute. */
export const PACING_WINDOW_MS = 60_000;

export type { PacingLedger, SubmitRecord } from "./publicTypes";

/** At most `limit` servers in any window of `windowMs`. */
export interface PacingLimits {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * How a reserved submission ended: `accepted` (the answer came at `atMs`), `maybe-accepted` (no
 * answer: counted from `atMs`, when we gave up on it) or `refused` (it takes no room).
 */
export type Settlement =
  | { readonly kind: "accepted"; readonly atMs: number }
  | { readonly kind: "maybe-accepted"; readonly atMs: number }
  | { readonly kind: "refused" };

/**
 * How long to wait before submitting `count` more servers so that at most `limit` are submitted
 * in any window of `windowMs` (the server-side limit is "per minute"). 0 when they fit now.
 * A record at `atMs` stops counting at `atMs + windowMs`. Pure.
 */
export function nextSubmitDelayMs(
  history: readonly SubmitRecord[],
  count: number,
  nowMs: number,
  limit: number,
  windowMs: number = PACING_WINDOW_MS,
): number {
  if (count > limit) {
    throw new EcsError({
      code: "ECS_INVALID_ARGUMENT",
      operation: "pacing a batch action",
      reason: `${count} servers can never fit a limit of ${limit} per window`,
    });
  }
  // A call still in flight may be accepted any moment: it counts as accepted now.
  const live = history
    .map((r) => (r.pending ? { ...r, atMs: Math.max(r.atMs, nowMs) } : r))
    .filter((r) => r.atMs + windowMs > nowMs)
    .sort((a, b) => a.atMs - b.atMs);
  let inWindow = live.reduce((sum, r) => sum + r.count, 0);
  if (inWindow + count <= limit) return 0;
  for (const record of live) {
    inWindow -= record.count;
    if (inWindow + count <= limit) return record.atMs + windowMs - nowMs;
  }
  // Unreachable: once every record has expired, inWindow is 0 and count <= limit.
  return windowMs;
}

/**
 * Waits (with `pause`) until `count` servers fit the ledger, then records them as pending from
 * now. After a wait the computed delay holds, unless another client sharing the ledger took room
 * meanwhile: then it is computed again. Between the last check and the record there is no await,
 * so concurrent callers see the record at once; it stays pending (live, never pruned) however long
 * the call takes with its retries, until `settle`.
 */
export async function reserve(
  ledger: PacingLedger,
  count: number,
  limits: PacingLimits,
  nowMs: () => number,
  pause: (ms: number) => Promise<void>,
): Promise<SubmitRecord> {
  for (;;) {
    const seen = ledger.records;
    const waitMs = nextSubmitDelayMs(seen, count, nowMs(), limits.limit, limits.windowMs);
    if (waitMs <= 0) break;
    await pause(waitMs);
    if (ledger.records === seen) break;
  }
  return record(ledger, count, nowMs(), limits.windowMs);
}

/** Appends a pending record of `count` servers at `atMs`, pruning the settled ones that left the window. */
function record(ledger: PacingLedger, count: number, atMs: number, windowMs: number): SubmitRecord {
  const pending: SubmitRecord = { atMs, count, pending: true };
  ledger.records = [...ledger.records.filter((r) => r.pending || r.atMs + windowMs > atMs), pending];
  return pending;
}

/** Replaces the pending `record` by what the submission turned out to be. */
export function settle(ledger: PacingLedger, record: SubmitRecord, settlement: Settlement): void {
  const rest = ledger.records.filter((r) => r !== record);
  ledger.records = settlement.kind === "refused" ? rest : [...rest, { atMs: settlement.atMs, count: record.count }];
}
