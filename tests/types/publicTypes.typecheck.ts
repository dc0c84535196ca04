/**
 * Compile-time test (run by `npm run typecheck`, not by jest): every hand-written public type in
 * provider/publicTypes.ts that has a second source, and the type that source gives, are assignable
 * to each other, both ways: the types inferred from a schema (inputs, job, sub-job, server), those
 * derived from a list of values (`DesiredState`, `BatchActionName`...), and the classes' members. A
 * field added to a schema and not to publicTypes.ts (or the reverse) fails here, naming the type.
 *
 * The plain shapes (error codes, records, options, the retry policy...) have no second source: their
 * modules import them from publicTypes.ts, so there is nothing to compare.
 */
import type { EcsClient } from "../../provider/ecsClient";
import type { BatchActionName, EcsError, PowerActionType } from "../../provider/errors";
import type { DesiredState, OnDelete, PowerStateInputs, StopType } from "../../provider/inputs";
import type { PowerAction } from "../../provider/plan";
import type { PowerStateOutputs } from "../../provider/recorded";
import type { Job, ServerObservation, SubJob } from "../../provider/schemas";
import type * as Public from "../../provider/publicTypes";
import type { EnforceMode, Schedule, ScheduleInput, Weekday } from "../../provider/schedule";
import * as root from "../../provider";
import { same, type Mutual } from "./mutual";

same<Mutual<Public.DesiredState, DesiredState>>();
same<Mutual<Public.StopType, StopType>>();
same<Mutual<Public.OnDelete, OnDelete>>();
same<Mutual<Public.BatchActionName, BatchActionName>>();
same<Mutual<Public.PowerActionType, PowerActionType>>();
same<Mutual<Public.PowerAction, PowerAction>>();
same<Mutual<Public.PowerStateInputs, PowerStateInputs>>();
// The inputs half is inferred from the input schema; the observed half is the public type's own.
same<Mutual<Public.PowerStateOutputs, PowerStateOutputs>>();
same<Mutual<Public.Job, Job>>();
same<Mutual<Public.Schedule, Schedule>>();
same<Mutual<Public.ScheduleArgs, ScheduleInput>>();
same<Mutual<Public.Weekday, Weekday>>();
same<Mutual<Public.EnforceMode, EnforceMode>>();
same<Mutual<Public.SubJob, SubJob>>();
same<Mutual<Public.ServerObservation, ServerObservation>>();

// The classes' public members, both ways (private fields are not part of either side).
// listServerPage (one page of a tag/name query) serves the selector's resolution only: not public API.
same<Mutual<Public.EcsClient, Pick<EcsClient, Exclude<keyof EcsClient, "listServerPage">>>>();
same<Mutual<Public.EcsError, Pick<EcsError, keyof EcsError>>>();

// What the root exports: the implementations, typed by the public interfaces.
same<Mutual<InstanceType<typeof root.EcsClient>, Public.EcsClient>>();
same<Mutual<InstanceType<typeof root.EcsError>, Public.EcsError>>();
same<Mutual<Parameters<typeof root.findProjectId>[0], Public.FindProjectIdOptions>>();
