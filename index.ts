/**
 * The root Pulumi program (see Pulumi.yaml): one ServerPowerState from stack config, so a pipeline
 * can park or wake a fleet with config alone:
 *
 *   pulumi config set ecs-power:serverIds '["616fb98f-46ca-475e-917e-2563e5a8cd19", "..."]'
 *   pulumi config set ecs-power:state stopped        # or running
 *   pulumi config set --path 'ecs-power:selector.tags.env' dev   # or select by tag (with or without serverIds)
 *   pulumi config set ecs-power:schedule '{"timezone":"Europe/Berlin","running":[{"days":["mon"],"from":"08:00","to":"19:00"}]}'  # instead of state
 *   pulumi up
 *
 * Credentials and region come from huaweicloud:* config or the environment (see README).
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ServerPowerState,
  type DesiredState,
  type OnDelete,
  type ScheduleArgs,
  type SelectorArgs,
  type StopType,
} from "./provider";

const config = new pulumi.Config();

// The resource takes serverIds, a selector or both (its type requires one): without a selector, the ids are required.
const selector = config.getObject<SelectorArgs>("selector");
const fleetMembers =
  selector === undefined
    ? { serverIds: config.requireObject<string[]>("serverIds") }
    : { selector, serverIds: config.getObject<string[]>("serverIds") };

const fleet = new ServerPowerState("fleet", {
  ...fleetMembers,
  state: config.get<DesiredState>("state"),
  schedule: config.getObject<ScheduleArgs>("schedule"),
  stopType: config.get<StopType>("stopType"),
  hardStopAfterSeconds: config.getNumber("hardStopAfterSeconds"),
  timeoutSeconds: config.getNumber("timeoutSeconds"),
  onDelete: config.get<OnDelete>("onDelete"),
});

export const state = fleet.state;
export const servers = fleet.servers;
export const jobs = fleet.jobs;
export const initialStates = fleet.initialStates;
export const convergedAt = fleet.convergedAt;
export const members = fleet.members;
export const scheduledState = fleet.scheduledState;
export const nextTransition = fleet.nextTransition;
