/**
 * The reads behind the live plan, with GET calls only: the selector's listings (every page), then
 * `GET /cloudservers/detail?server_id=…` for every server the up would act on and every server that
 * left the selection since the record (to name them). No action, no job, no IAM write.
 */
import type { DesiredState } from "../inputs";
import { lastTargets, membershipChange, unionIds } from "../membership";
import type { Recorded } from "../recorded";
import { maxMembersProblem, resolveMembers, type PageLister } from "../resolveMembers";
import type { ServerObservation } from "../schemas";
import type { Selector } from "../selector";
import type { RequestOptions } from "../publicTypes";
import type { MembershipMoves } from "./describeLivePlan";
import { livePlan, type LivePlan, type LiveServer, type PlannedServer } from "./livePlan";

/** What preview may call: reads only, by type. */
export interface PreviewReader extends PageLister {
  listServers(ids: readonly string[], options?: RequestOptions): Promise<ServerObservation[]>;
}

/** What the up would act on, as the inputs say it. */
export interface PlannedInputs {
  readonly serverIds: readonly string[];
  readonly state: DesiredState;
  readonly selector?: Selector;
  readonly onDelete: "leave" | "restore";
}

export interface LiveReading {
  readonly plan: LivePlan;
  /** With a selector (now or in the record) and a record: who joined and who left. */
  readonly moves: MembershipMoves | undefined;
  /** The selector's members as resolved now (undefined without a selector). */
  readonly members: readonly PlannedServer[] | undefined;
  /** More members than the selector's `maxMembers`: the refusal the up would make (undefined when within). */
  readonly maxMembersProblem: string | undefined;
}

/** Reads the servers the up would act on and sorts them into the plan. `record` is the last up's outputs (an update). */
export async function readLivePlan(
  reader: PreviewReader,
  inputs: PlannedInputs,
  record: Recorded | undefined,
  options: RequestOptions = {},
): Promise<LiveReading> {
  const resolution =
    inputs.selector === undefined ? undefined : await resolveMembers(reader, inputs.selector, { request: options });
  const memberIds = resolution?.ids ?? [];
  const targets = unionIds(inputs.serverIds, memberIds);
  const change =
    record !== undefined && (record.selector !== undefined || inputs.selector !== undefined)
      ? membershipChange(lastTargets(record), targets)
      : undefined;
  const observed = await reader.listServers(unionIds(targets, change?.left ?? []), options);
  const byId = new Map(observed.map((server) => [server.id.toLowerCase(), server]));
  const live = (id: string): LiveServer => byId.get(id) ?? { ...missing(id) };
  const named = (id: string): PlannedServer => ({ id, name: live(id).name });
  return {
    plan: livePlan({ state: inputs.state, servers: targets.map(live), recorded: record?.servers ?? {} }),
    moves:
      change === undefined
        ? undefined
        : {
            joined: change.joined.map(named),
            left: change.left.map(named),
            restoreLeavers: inputs.onDelete === "restore",
          },
    members: resolution === undefined ? undefined : memberIds.map(named),
    maxMembersProblem:
      inputs.selector === undefined || resolution === undefined
        ? undefined
        : maxMembersProblem(inputs.selector, resolution.members),
  };
}

function missing(id: string): LiveServer {
  return { id, name: null, found: false, status: null, taskState: null, locked: null };
}
