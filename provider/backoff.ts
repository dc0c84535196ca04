/**
 * Capped exponential backoff with jitter ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
 * Pure: randomness is a parameter so schedules can be asserted exactly.
 */

/** min(capMs, baseMs * 2^attempt); attempt counts from 0. */
export function cappedExponentialMs(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
}

/** Full jitter: uniform in [0, min(cap, base * 2^attempt)). Used between retries of one request. */
export function fullJitterMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  return Math.floor(random() * cappedExponentialMs(attempt, baseMs, capMs));
}

/**
 * Jitter above a floor: uniform in [minMs, min(cap, min * 2^attempt)]. Used between polls, where
 * a delay near zero would only load the API.
 */
export function flooredJitterMs(attempt: number, minMs: number, capMs: number, random: () => number): number {
  const ceiling = cappedExponentialMs(attempt, minMs, capMs);
  return minMs + Math.floor(random() * (ceiling - minMs + 1));
}

/**
 * Equal jitter: uniform in [c/2, c] with c = min(cap, base * 2^attempt). Used while throttled: never
 * near zero (a throttled account gains nothing from a prompt retry), never in lockstep with other clients.
 */
export function equalJitterMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = cappedExponentialMs(attempt, baseMs, capMs);
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}
