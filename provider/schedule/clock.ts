/**
 * The instant a schedule is evaluated at: now, as the machine's clock says.
 *
 * For the demo and tests only: `ECS_POWER_SCHEDULE_CLOCK_OFFSET_MS` (a whole number of milliseconds, may
 * be negative) shifts that instant, so `npm run demo` can show a window ending without waiting for a real
 * one (windows are whole minutes). Any other value is ignored. Never set it where a real fleet is managed:
 * the fleet would follow a shifted clock. docs/schedules.md says the same.
 */
export const SCHEDULE_CLOCK_OFFSET_ENV = "ECS_POWER_SCHEDULE_CLOCK_OFFSET_MS";

/** `realNowMs`, shifted by the test-only offset when the environment sets a valid one. */
export function scheduleNowMs(env: Readonly<Record<string, string | undefined>>, realNowMs: number): number {
  const raw = env[SCHEDULE_CLOCK_OFFSET_ENV];
  if (raw === undefined || !/^-?\d{1,15}$/.test(raw.trim())) return realNowMs;
  return realNowMs + Number(raw.trim());
}
