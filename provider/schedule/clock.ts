/**
 * The instant a schedule is evaluated at: now, as the machine's clock says.
 *
 * For the demo and tests only: `ECS_POWER_SCHEDULE_CLOCK_OFFSET_MS` (a whole number of milliseconds, may
 * be negative) shifts that instant, so `npm run demo` can show a window ending without waiting for a real
 * one (windows are whole minutes). Any other value is ignored. Never set it where a real fleet is managed:
 * the fleet would follow a shifted clock, so every schedule line says so while it is set (docs/schedules.md).
 */
export const SCHEDULE_CLOCK_OFFSET_ENV = "ECS_POWER_SCHEDULE_CLOCK_OFFSET_MS";

type Env = Readonly<Record<string, string | undefined>>;

/** The test-only offset in milliseconds when the environment sets a valid one, else undefined. */
export function scheduleClockOffsetMs(env: Env): number | undefined {
  const raw = env[SCHEDULE_CLOCK_OFFSET_ENV];
  if (raw === undefined || !/^-?\d{1,15}$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

/** `realNowMs`, shifted by the test-only offset when the environment sets a valid one. */
export function scheduleNowMs(env: Env, realNowMs: number): number {
  return realNowMs + (scheduleClockOffsetMs(env) ?? 0);
}

/**
 * The warning printed before a schedule's lines while the offset shifts the clock (a non-zero valid
 * value), so a shifted clock cannot go unnoticed in a real pipeline's log; undefined otherwise.
 */
export function scheduleClockWarning(env: Env): string | undefined {
  const offset = scheduleClockOffsetMs(env);
  if (offset === undefined || offset === 0) return undefined;
  const sign = offset > 0 ? "+" : "-";
  return `warning: schedules are evaluated on a clock shifted by ${sign}${formatDuration(Math.abs(offset))} (${SCHEDULE_CLOCK_OFFSET_ENV}=${offset}, for the demo and tests only): unset it where a real fleet is managed`;
}

/** `1h 2m 3.5s`-style, the units that are not zero (milliseconds only below one second). */
function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const parts = [hours > 0 ? `${hours}h` : "", minutes > 0 ? `${minutes}m` : "", seconds > 0 ? `${seconds}s` : ""];
  return parts.filter(Boolean).join(" ");
}
