/**
 * A rolling-window counter: at most `limit` units within any `windowMs`. Used for the
 * requests-per-second gateway limit and the servers-per-minute batch limit.
 */
export type WindowVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export class SlidingWindow {
  private entries: { atMs: number; units: number }[] = [];

  /** `limit` 0 = unlimited. */
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records `units` if they fit; otherwise says how long until they would (at least 1 s, as Retry-After is whole seconds). */
  tryConsume(nowMs: number, units: number): WindowVerdict {
    if (this.limit <= 0) return { allowed: true };
    this.entries = this.entries.filter((entry) => entry.atMs + this.windowMs > nowMs);
    let used = this.entries.reduce((sum, entry) => sum + entry.units, 0);
    if (used + units <= this.limit) {
      this.entries.push({ atMs: nowMs, units });
      return { allowed: true };
    }
    let freeAtMs = nowMs + this.windowMs;
    for (const entry of this.entries) {
      used -= entry.units;
      if (used + units <= this.limit) {
        freeAtMs = entry.atMs + this.windowMs;
        break;
      }
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAtMs - nowMs) / 1000)) };
  }

  get configuredLimit(): number {
    return this.limit;
  }

  clear(): void {
    this.entries = [];
  }
}
