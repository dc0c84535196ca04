/** Test support: run a Pulumi program under mocks and drive the SDK's dynamic-provider host like the engine. */
export { runProgram } from "./runProgram";
export type { RunProgramOptions, ProgramRun, RegisteredResource } from "./runProgram";
export { ProviderHost } from "./ProviderHost";
export type {
  ProviderHostOptions,
  CheckFailure,
  CheckResult,
  ConfigureResult,
  CreateResult,
  DiffChanges,
  DiffResult,
  ReadResult,
} from "./ProviderHost";
export { PulumiSession } from "./PulumiSession";
export type { PulumiSessionOptions } from "./PulumiSession";
export type { Operation, OperationKind, StepError, StepName, StepResult } from "./StepResult";
export type { SessionState, StateResource } from "./sessionState";
export {
  HarnessError,
  HostStartError,
  ProgramRunError,
  ProviderRpcError,
  ResourceInitFailedError,
  StepFailedError,
} from "./errors";
export { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_VALUE, isSecret, unwrapSecrets, wrapSecret } from "./rpcValues";
export type { JsonObject, JsonValue } from "./json";
