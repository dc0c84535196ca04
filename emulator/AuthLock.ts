/**
 * The gateway's lock on an access key: five failed authentications in a row lock it for five
 * minutes (reference §4), during which even correctly signed requests are refused. A correctly
 * signed request before the fifth failure resets the count.
 */
export const AUTH_FAILURES_BEFORE_LOCK = 5;

export class AuthLock {
  private failuresInARow = 0;
  private lockedUntilMs = 0;

  constructor(private readonly lockMs: number) {}

  /** Whole seconds left on the lock at `nowMs`; 0 when the key is not locked. */
  lockedForSeconds(nowMs: number): number {
    return nowMs < this.lockedUntilMs ? Math.ceil((this.lockedUntilMs - nowMs) / 1000) : 0;
  }

  failed(nowMs: number): void {
    this.failuresInARow += 1;
    if (this.lockMs > 0 && this.failuresInARow >= AUTH_FAILURES_BEFORE_LOCK) {
      this.lockedUntilMs = nowMs + this.lockMs;
      this.failuresInARow = 0;
    }
  }

  succeeded(): void {
    this.failuresInARow = 0;
  }

  clear(): void {
    this.failuresInARow = 0;
    this.lockedUntilMs = 0;
  }
}
