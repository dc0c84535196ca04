/** The local Huawei Cloud ECS emulator: programmatic API. The CLI is `emulator/cli.ts`. */
export { startEmulator } from "./startEmulator";
export type { RunningEmulator } from "./startEmulator";
export { resolveEmulatorOptions, EmulatorOptionsError, isLoopbackHost } from "./resolveEmulatorOptions";
export type { EmulatorOptions, ResolvedEmulatorOptions } from "./resolveEmulatorOptions";
export {
  DEFAULT_EMULATOR_CREDENTIALS,
  DEFAULT_STOP_SECONDS,
  DEFAULT_START_SECONDS,
  DEFAULT_REBOOT_SECONDS,
  DEFAULT_JOB_INIT_MS,
  DEFAULT_JOB_TTL_SECONDS,
  DEFAULT_BATCH_WINDOW_SECONDS,
  DEFAULT_LIST_LIMIT,
} from "./defaults";
export type { EmulatorCredentials } from "./defaults";
export { EmulatorAdmin, EmulatorAdminError } from "./EmulatorAdmin";
export type { PendingFaults } from "./EmulatorAdmin";
export type { AdminServerView } from "./handleAdminRequest";
export { statsSince } from "./EmulatorStats";
export type { EmulatorStatsSnapshot } from "./EmulatorStats";
export type {
  AdminServerInput,
  ServerPatch,
  FaultInput,
  TransportFaultInput,
  ServerFaultInput,
  JobFaultInput,
  ApiRoute,
} from "./adminSchemas";
export { seedServers, seededServerId } from "./seedServers";
export type { PowerStatus } from "./seedServers";
export { JOB_TYPES } from "./JobStore";
export { DEFAULT_VARIANTS, VARIANT_NAMES, variantsSchema } from "./variants";
export type { Variants, VariantsInput, VariantsPatch, VariantName } from "./variants";
