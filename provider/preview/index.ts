export { describeLivePlan, formatPlanList, MAX_SERVERS_IN_PLAN_LINE, nameOf } from "./describeLivePlan";
export type { MembershipMoves } from "./describeLivePlan";
export { driftOf, livePlan } from "./livePlan";
export type {
  BlockedServer,
  BusyServer,
  DriftedServer,
  LivePlan,
  LivePlanInput,
  LiveServer,
  PlannedServer,
} from "./livePlan";
export { readLivePlan } from "./readLivePlan";
export type { LiveReading, PlannedInputs, PreviewReader } from "./readLivePlan";
export { describeSchedule, leftAloneNote, scheduleLinesFor, TRANSITIONS_SHOWN } from "./describeSchedule";
export type { ScheduledPreview } from "./describeSchedule";
