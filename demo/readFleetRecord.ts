/**
 * What the stack state records for the root program's `fleet` resource, read from the harness's state
 * file. The demo prints from here, not from the program's outputs: under the harness the program only
 * ever sees mocks, while the state holds what the provider really returned.
 */
import { z } from "zod";
import type { SessionState } from "../tests/harness";
import { DemoCheckError } from "./DemoCheckError";

const fleetRecordSchema = z.object({
  id: z.string(),
  outputs: z.object({
    servers: z.record(
      z.string(),
      z.object({
        status: z.string().nullable(),
        taskState: z.string().nullable(),
        lastJobId: z.string().nullable(),
        error: z.object({ code: z.string(), message: z.string() }).nullable(),
      }),
    ),
    jobs: z.array(
      z.object({
        jobId: z.string(),
        action: z.string(),
        type: z.string().nullable(),
        status: z.string(),
        serverIds: z.array(z.string()),
        beginTime: z.string().nullable(),
        endTime: z.string().nullable(),
      }),
    ),
    initialStates: z.record(z.string(), z.string()),
    /** With a selector: the servers it matched at the last up or refresh. */
    members: z.array(z.string()).optional(),
    /** With a schedule: the state it said at the last up, why, and its next change. */
    state: z.string().optional(),
    scheduleReason: z.string().optional(),
    nextTransition: z.object({ at: z.string(), state: z.string() }).nullable().optional(),
  }),
});

export type FleetRecord = z.infer<typeof fleetRecordSchema>;
export type FleetJob = FleetRecord["outputs"]["jobs"][number];

const FLEET_TYPE = "pulumi-nodejs:dynamic/huaweicloud:ServerPowerState";

/** The fleet's record, or undefined when the stack holds none (before the first up, after destroy). */
export function readFleetRecord(state: SessionState): FleetRecord | undefined {
  const resource = Object.values(state.resources).find((r) => r.type === FLEET_TYPE && r.name === "fleet");
  if (resource === undefined) return undefined;
  const parsed = fleetRecordSchema.safeParse(resource);
  if (!parsed.success)
    throw new DemoCheckError(
      `the state's record of fleet is not what the provider writes: ${z.prettifyError(parsed.error)}`,
    );
  return parsed.data;
}
