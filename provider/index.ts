/**
 * pulumi-huaweicloud-ecs-power: declare the power state of Huawei Cloud ECS fleets with Pulumi.
 *
 * The types exported here are those of provider/publicTypes.ts, so that the package's declarations
 * name no zod or undici type; EcsClient, EcsError and findProjectId are the implementations, typed
 * by their public interfaces (tests/types/publicTypes.typecheck.ts keeps the two in step).
 */
import { EcsClient as EcsClientClass } from "./ecsClient";
import { EcsError as EcsErrorClass } from "./errors";
import { findProjectId as findProjectIdFunction } from "./findProjectId";
import type * as Public from "./publicTypes";

export { ServerPowerState } from "./resource";
export type { SelectorArgs, ServerPowerStateArgs } from "./resource";
export type {
  PowerStateInputs,
  PowerStateOutputs,
  JobRecord,
  ServerRecord,
  ServerError,
  ServerErrorCode,
  DesiredState,
  StopType,
  OnDelete,
  EcsClientOptions,
  EcsErrorCode,
  EcsErrorInit,
  BatchSubmission,
  BatchActionName,
  BatchActionOptions,
  RequestOptions,
  ThrottleNotice,
  PowerActionType,
  Job,
  SubJob,
  ServerObservation,
  RetryPolicy,
  PacingLedger,
  FindProjectIdOptions,
} from "./publicTypes";

/** The signed ECS client (docs/client.md). */
export const EcsClient = EcsClientClass as unknown as Public.EcsClientConstructor;
export type EcsClient = Public.EcsClient;
/** The one error class of the client: match on `code`. */
export const EcsError = EcsErrorClass as unknown as Public.EcsErrorConstructor;
export type EcsError = Public.EcsError;
/** Resolves with the id of the IAM project named exactly `region`. */
export const findProjectId = findProjectIdFunction as unknown as (
  options: Public.FindProjectIdOptions,
) => Promise<string>;

export { signRequest } from "./signer";
export type { Credentials, SignableRequest } from "./signer";
export { CONFIG_KEYS, ENV_KEYS } from "./settings";
