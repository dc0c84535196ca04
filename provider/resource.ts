/**
 * `ServerPowerState`: the declared power state of a set of Huawei Cloud ECS servers.
 *
 * `pulumi up` converges them (batch os-stop / os-start, waits for the jobs, confirms each server)
 * and records what it observed; `pulumi refresh` re-reads each server, so drift shows up in the
 * next preview.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
  DesiredState,
  JobRecord,
  NextTransition,
  OnDelete,
  ScheduleArgs,
  ServerRecord,
  StopType,
} from "./publicTypes";
import { serverPowerStateProvider } from "./provider";

/**
 * What `new ServerPowerState(name, args)` takes: the servers (`serverIds`, `selector`, or both: at least one),
 * the declared `state` or a `schedule`, and how to act. Checked again at preview, naming each bad value.
 */
export type ServerPowerStateArgs = ServerPowerStateFields & (WithServerIds | WithSelector);

/** `serverIds` given (a selector may be too). */
interface WithServerIds {
  readonly serverIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** `selector` given (ids may be too). */
interface WithSelector {
  readonly selector: pulumi.Input<SelectorArgs>;
}

/** Every field of ServerPowerStateArgs, each optional here; the union above requires `serverIds` or `selector`. */
export interface ServerPowerStateFields {
  /** ECS server ids (UUIDs). Order and case do not matter; duplicates are removed; at most 10000 distinct ids (batched); may be empty. Optional when `selector` is given (then both together: their union). */
  readonly serverIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The servers named by their tags and name, resolved at every `up` and `refresh` (a server tagged
   * later joins at the next refresh + up). `tags`: key → value or list of values (keys AND'd, values
   * OR'd); `notTags`: pairs that exclude a server; `name`: the exact name (case-sensitive), or
   * `namePattern`: a JavaScript regular expression; `enterpriseProjectId`: one enterprise project;
   * `maxMembers`: more matches than this and nothing is done.
   */
  readonly selector?: pulumi.Input<SelectorArgs>;
  /** `"stopped"` (SHUTOFF, via os-stop; the default) or `"running"` (ACTIVE, via os-start). Not with `schedule`. */
  readonly state?: pulumi.Input<"stopped" | "running">;
  /**
   * When the fleet runs, in its own timezone (the other way to say `state`): `timezone` (IANA name),
   * `running` windows `{ days, from, to }`, `overrides` `{ from, to, state, reason? }` by calendar date,
   * `enforce` `"always"` (default) or `"at-transitions"`. Each up converges to what it says now (docs/schedules.md).
   */
  readonly schedule?: pulumi.Input<ScheduleArgs>;
  /** The os-stop type: `"SOFT"` (default, ACPI shutdown) or `"HARD"` (forced). */
  readonly stopType?: pulumi.Input<"SOFT" | "HARD">;
  /** Send a HARD stop to servers a SOFT stop has not stopped after this many seconds. Off by default. */
  readonly hardStopAfterSeconds?: pulumi.Input<number>;
  /** This resource's own deadline for one create/update/delete (Pulumi's customTimeouts do not reach dynamic providers). Default 900. */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /** `"leave"` (default): delete changes nothing. `"restore"`: servers return to the status they had before this resource first changed them. */
  readonly onDelete?: pulumi.Input<"leave" | "restore">;
  /** Overrides `huaweicloud:region`. */
  readonly region?: pulumi.Input<string>;
  /** Overrides `huaweicloud:projectId`. */
  readonly projectId?: pulumi.Input<string>;
  /** Overrides `huaweicloud:ecsEndpoint` (default `https://ecs.{region}.myhuaweicloud.com`). */
  readonly endpoint?: pulumi.Input<string>;
}

/**
 * Servers named by their tags and name: at least one of `tags`, `name` or `namePattern` (a selector without
 * any would select every server of the project).
 */
export type SelectorArgs = SelectorFields &
  ({ readonly tags: Record<string, string | string[]> } | { readonly name: string } | { readonly namePattern: string });

/** Every field of SelectorArgs, each optional here; the union above requires `tags`, `name` or `namePattern`. */
export interface SelectorFields {
  /** Tag key → value or list of values: every key (AND), one of its values (OR). */
  readonly tags?: Record<string, string | string[]>;
  /** Tag key → value or list of values: a server carrying any of these pairs is left out. */
  readonly notTags?: Record<string, string | string[]>;
  /** Servers whose name equals this exactly (case-sensitive). Not with `namePattern`. */
  readonly name?: string;
  /** A JavaScript regular expression (`u` flag) searched in each name, evaluated by the provider; `^…$` for a full match. */
  readonly namePattern?: string;
  /** Only servers of this enterprise project: "0" (default project) or the project's UUID. */
  readonly enterpriseProjectId?: string;
  /** When the selector matches more servers than this, nothing is done (the error names them). */
  readonly maxMembers?: number;
}

/**
 * The declared power state of a set of ECS servers: `pulumi up` converges them (batch os-stop / os-start,
 * waits for the jobs, confirms each server) and records what it observed; `pulumi refresh` re-reads them.
 */
export class ServerPowerState extends pulumi.dynamic.Resource {
  declare readonly serverIds: pulumi.Output<string[]>;
  declare readonly state: pulumi.Output<DesiredState>;
  declare readonly stopType: pulumi.Output<StopType>;
  declare readonly hardStopAfterSeconds: pulumi.Output<number | undefined>;
  declare readonly timeoutSeconds: pulumi.Output<number>;
  declare readonly onDelete: pulumi.Output<OnDelete>;
  declare readonly region: pulumi.Output<string | undefined>;
  declare readonly projectId: pulumi.Output<string | undefined>;
  declare readonly endpoint: pulumi.Output<string | undefined>;
  /** Server id → `{ status, taskState, lastJobId, error, enterpriseProjectId }` as last observed. */
  declare readonly servers: pulumi.Output<Record<string, ServerRecord>>;
  /** The jobs this resource submitted in its last operation. */
  declare readonly jobs: pulumi.Output<JobRecord[]>;
  /** Server id → status before this resource first changed it. */
  declare readonly initialStates: pulumi.Output<Record<string, string>>;
  /** ISO time of the last operation that left every server in the declared state. */
  declare readonly convergedAt: pulumi.Output<string | null>;
  /** With a selector: the ids it matched at the last up or refresh, sorted. */
  declare readonly members: pulumi.Output<string[] | undefined>;
  /** With a selector: when `members` was resolved (ISO time). */
  declare readonly membersResolvedAt: pulumi.Output<string | undefined>;
  /** With a schedule: its state when the last operation ran. */
  declare readonly scheduledState: pulumi.Output<DesiredState | undefined>;
  /** With a schedule: the window or override that decided `scheduledState`. */
  declare readonly scheduleReason: pulumi.Output<string | undefined>;
  /** With a schedule: its next change (`at` ISO 8601 with the zone's offset), null when none within 14 days. */
  declare readonly nextTransition: pulumi.Output<NextTransition | null | undefined>;
  /** With a schedule: when an up last converged the fleet to a new scheduled state (or created it). */
  declare readonly lastTransitionAt: pulumi.Output<string | undefined>;

  constructor(name: string, args: ServerPowerStateArgs, opts?: pulumi.CustomResourceOptions) {
    // A fresh object: the SDK adds __provider to it. The outputs are seeded so that they are exposed.
    const props = {
      state: undefined,
      stopType: undefined,
      hardStopAfterSeconds: undefined,
      timeoutSeconds: undefined,
      onDelete: undefined,
      region: undefined,
      projectId: undefined,
      endpoint: undefined,
      ...args,
      servers: undefined,
      jobs: undefined,
      initialStates: undefined,
      convergedAt: undefined,
      members: undefined,
      membersResolvedAt: undefined,
      scheduledState: undefined,
      scheduleReason: undefined,
      nextTransition: undefined,
      lastTransitionAt: undefined,
    };
    super(serverPowerStateProvider, name, props, opts, "huaweicloud", "ServerPowerState");
  }
}
