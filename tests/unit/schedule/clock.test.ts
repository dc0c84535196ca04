/** The test-only clock offset: applied when it is a whole number of milliseconds, ignored otherwise. */
import { scheduleNowMs, SCHEDULE_CLOCK_OFFSET_ENV } from "../../../provider/schedule";

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
