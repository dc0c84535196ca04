/** The test-only clock offset: applied when it is a whole number of milliseconds, ignored otherwise. */
import { scheduleClockWarning, scheduleNowMs, SCHEDULE_CLOCK_OFFSET_ENV } from "../../../provider/schedule";

const NOW = Date.parse("2026-03-29T00:59:00Z");

describe("scheduleNowMs", () => {
  it.each([
    [undefined, NOW],
    ["60000", NOW + 60_000],
    [" -3600000 ", NOW - 3_600_000],
    ["1.5", NOW],
    ["1e6", NOW],
    ["", NOW],
    ["soon", NOW],
  ])("%j → %d", (value, expected) => {
    expect(scheduleNowMs({ [SCHEDULE_CLOCK_OFFSET_ENV]: value }, NOW)).toBe(expected);
  });
});

describe("scheduleClockWarning: said whenever the offset shifts the clock, never otherwise", () => {
  it.each([
    [undefined, undefined],
    ["0", undefined],
    ["-0", undefined],
    ["soon", undefined],
    ["1.5", undefined],
    ["250", "+250ms"],
    ["-1500", "-1.5s"],
    ["60000", "+1m"],
    [" -3600000 ", "-1h"],
    ["90061500", "+25h 1m 1.5s"],
  ])("%j → %j", (value, shift) => {
    const warning = scheduleClockWarning({ [SCHEDULE_CLOCK_OFFSET_ENV]: value });
    if (shift === undefined) {
      expect(warning).toBeUndefined();
      return;
    }
    expect(warning).toBe(
      `warning: schedules are evaluated on a clock shifted by ${shift} (${SCHEDULE_CLOCK_OFFSET_ENV}=${Number(value)}, for the demo and tests only): unset it where a real fleet is managed`,
    );
  });
});
