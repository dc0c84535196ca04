export { scheduledStateAt, evaluateSchedule, transitionsAfter, NEXT_HORIZON_DAYS } from "./evaluate";
export type { ScheduleEvaluation, ScheduleInput, ScheduleTransition } from "./evaluate";
export {
  scheduleSchema,
  ENFORCE_MODES,
  WEEKDAYS,
  SCHEDULE_FIELDS,
  timezoneProblem,
  fieldsOfSchedulePath,
} from "./schema";
export type { Schedule, ScheduleWindow, ScheduleOverride, Weekday, EnforceMode } from "./schema";
export { closestTimezones } from "./closestTimezones";
export { zoneClock, formatZoned } from "./zonedTime";
export { changedByHand, isTransition, serversLeftAlone } from "./enforce";
export type { LastConverge, ScheduledInputs } from "./enforce";
export { scheduleOutputs } from "./outputs";
export type { ScheduleOutputs } from "./outputs";
export { scheduleClockWarning, scheduleNowMs, SCHEDULE_CLOCK_OFFSET_ENV } from "./clock";
