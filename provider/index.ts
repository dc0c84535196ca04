/** pulumi-huaweicloud-ecs-power: declare the power state of Huawei Cloud ECS fleets with Pulumi. */
export { ServerPowerState } from "./resource";
export type { SelectorArgs, ServerPowerStateArgs } from "./resource";
export type { PowerStateOutputs } from "./recorded";
export type { JobRecord, ServerRecord, ServerError } from "./converge";
export type { DesiredState, StopType, OnDelete } from "./inputs";
export { EcsClient } from "./ecsClient";
export type { EcsClientOptions } from "./ecsClient";
export { findProjectId } from "./findProjectId";
export { EcsError } from "./errors";
export type { EcsErrorCode, BatchSubmission } from "./errors";
export { signRequest } from "./signer";
export type { Credentials, SignableRequest } from "./signer";
export { CONFIG_KEYS, ENV_KEYS } from "./settings";
