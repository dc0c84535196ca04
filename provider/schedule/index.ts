export { scheduledStateAt, evaluateSchedule, transitionsAfter, NEXT_HORIZON_DAYS } from "./evaluate";
export type { ScheduleEvaluation, ScheduleInput, ScheduleTransition } from "./evaluate";
export { scheduleSchema, ENFORCE_MODES, WEEKDAYS, SCHEDULE_FIELDS, timezoneProblem } from "./schema";
export type { Schedule, ScheduleWindow, ScheduleOverride, Weekday, EnforceMode } from "./schema";
export { closestTimezones } from "./closestTimezones";
export { zoneClock, formatZoned } from "./zonedTime";
