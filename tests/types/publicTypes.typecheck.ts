/**
 * Compile-time test (run by `npm run typecheck`, not by jest): every hand-written public type in
 * provider/publicTypes.ts and the type its schema infers (or its module declares) are assignable to
 * each other, both ways. A field added to a schema and not to publicTypes.ts (or the reverse) fails
 * here, naming the type.
 */
import type { JobRecord, ServerError, ServerRecord } from "../../provider/converge";
import type { EcsClient, EcsClientOptions } from "../../provider/ecsClient";
import type {
  BatchSubmission,
  EcsError,
  EcsErrorCode,
  EcsErrorInit,
  PowerActionType,
  ServerErrorCode,
} from "../../provider/errors";
import type { FindProjectIdOptions } from "../../provider/findProjectId";
import type { DesiredState, OnDelete, PowerStateInputs, StopType } from "../../provider/inputs";
import type { PowerAction, StableStatus } from "../../provider/plan";
import type { PowerStateOutputs } from "../../provider/recorded";
import type { RetryPolicy } from "../../provider/retryPolicy";
import type { Job, ServerObservation, SubJob } from "../../provider/schemas";
import type { Credentials } from "../../provider/signer";
import type { ThrottleNotice, TransportOptions } from "../../provider/transport";
import type * as Public from "../../provider/publicTypes";
import * as root from "../../provider";

/** `true` when A and B are assignable to each other; the tuple stops unions from distributing. */
type Assignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Assignable both ways and, for object types, the same keys (an optional field missing on one side counts). */
type Mutual<A, B> = Assignable<A, B> extends true ? (A extends object ? Assignable<keyof A, keyof B> : true) : false;
/** Compiles only when its argument is `true`. */
function same<T extends true>(): T | undefined {
  return undefined;
}

same<Mutual<Public.DesiredState, DesiredState>>();
same<Mutual<Public.StopType, StopType>>();
same<Mutual<Public.OnDelete, OnDelete>>();
same<Mutual<Public.PowerActionType, PowerActionType>>();
same<Mutual<Public.PowerAction, PowerAction>>();
same<Mutual<Public.StableStatus, StableStatus>>();
same<Mutual<Public.EcsErrorCode, EcsErrorCode>>();
same<Mutual<Public.ServerErrorCode, ServerErrorCode>>();
same<Mutual<Public.PowerStateInputs, PowerStateInputs>>();
same<Mutual<Public.PowerStateOutputs, PowerStateOutputs>>();
same<Mutual<Public.ServerError, ServerError>>();
same<Mutual<Public.ServerRecord, ServerRecord>>();
same<Mutual<Public.JobRecord, JobRecord>>();
same<Mutual<Public.BatchSubmission, BatchSubmission>>();
same<Mutual<Public.Job, Job>>();
same<Mutual<Public.SubJob, SubJob>>();
same<Mutual<Public.ServerObservation, ServerObservation>>();
same<Mutual<Public.Credentials, Credentials>>();
same<Mutual<Public.RetryPolicy, RetryPolicy>>();
same<Mutual<Public.ThrottleNotice, ThrottleNotice>>();
same<Mutual<Public.EcsErrorInit, EcsErrorInit>>();
same<Mutual<Omit<Public.TransportOptions, "authGate">, Omit<TransportOptions, "authGate">>>();

// The dispatcher is an undici Dispatcher in the implementation and `object` in public: the rest matches.
same<
  Mutual<Omit<Public.EcsClientOptions, "dispatcher" | "authGate">, Omit<EcsClientOptions, "dispatcher" | "authGate">>
>();
same<
  Mutual<
    Omit<Public.FindProjectIdOptions, "dispatcher" | "authGate">,
    Omit<FindProjectIdOptions, "dispatcher" | "authGate">
  >
>();

// The classes' public members, both ways (private fields are not part of either side).
// listServerPage (one page of a tag/name query) serves the selector's resolution only: not public API.
same<Mutual<Public.EcsClient, Pick<EcsClient, Exclude<keyof EcsClient, "listServerPage">>>>();
same<Mutual<Public.EcsError, Pick<EcsError, keyof EcsError>>>();

// What the root exports: the implementations, typed by the public interfaces.
same<Mutual<InstanceType<typeof root.EcsClient>, Public.EcsClient>>();
same<Mutual<InstanceType<typeof root.EcsError>, Public.EcsError>>();
same<Mutual<Parameters<typeof root.findProjectId>[0], Public.FindProjectIdOptions>>();
