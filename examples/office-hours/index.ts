/**
 * Office hours: the dev fleet runs on weekdays 08:00–19:00 and Saturday mornings, Berlin time, and is
 * stopped at Christmas. The schedule carries the timezone, so daylight saving never shifts the hours;
 * a pipeline (office-hours.yml) runs `pulumi up` every 15 minutes and each up converges the fleet to
 * what the schedule says then.
 *
 *   pulumi config set huaweicloud:region cn-north-4
 *   HW_ACCESS_KEY / HW_SECRET_KEY in the pipeline's environment (README, Environment variables)
 *
 * Snooze one server (keep it out of the schedule): tag it `schedule=snoozed`; the selector's notTags
 * leaves it out at the next up (remove the tag to bring it back).
 */
import { scheduledStateAt, ServerPowerState, type ScheduleArgs } from "pulumi-huaweicloud-ecs-power";

const schedule: ScheduleArgs = {
  timezone: "Europe/Berlin",
  running: [
    { days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "19:00" },
    { days: ["sat"], from: "10:00", to: "14:00" },
  ],
  overrides: [{ from: "2026-12-24", to: "2026-12-26", state: "stopped", reason: "office closed" }],
  // "at-transitions" instead: a server someone starts at night stays up until the next transition.
  enforce: "always",
};

const fleet = new ServerPowerState("dev-fleet", {
  selector: { tags: { env: "dev" }, notTags: { schedule: "snoozed" }, maxMembers: 200 },
  schedule,
  stopType: "SOFT",
  hardStopAfterSeconds: 120,
});

// The same evaluation the provider makes, for the program's own use (here: shown as an output).
const now = scheduledStateAt(schedule, new Date());
export const plannedNow = `${now.state} (${now.reason})`;
export const scheduledState = fleet.scheduledState;
export const nextTransition = fleet.nextTransition;
export const lastTransitionAt = fleet.lastTransitionAt;
export const members = fleet.members;
