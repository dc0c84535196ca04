/**
 * The local Huawei Cloud ECS emulator: programmatic API (the package's `./emulator` subpath). The CLI
 * is `emulator/cli.ts`.
 *
 * The types exported here are those of emulator/publicTypes.ts, so that the subpath's declarations
 * name no zod type (tests/types/emulatorPublicTypes.typecheck.ts keeps them in step with the schemas).
 */
import type * as Public from "./publicTypes";
import { DEFAULT_VARIANTS as defaultVariants, VARIANT_NAMES as variantNames } from "./variants";

export { startEmulator } from "./startEmulator";
export type { RunningEmulator } from "./startEmulator";
export { resolveEmulatorOptions, EmulatorOptionsError } from "./resolveEmulatorOptions";
export { isLoopbackHost } from "./loopback";
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
export { statsSince } from "./EmulatorStats";
export type { EmulatorStatsSnapshot } from "./EmulatorStats";
export { seedServers, seededServerId } from "./seedServers";
export type { SeedServer } from "./seedServers";
export { JOB_TYPES } from "./JobStore";
export type {
  EmulatorOptions,
  ResolvedEmulatorOptions,
  PowerStatus,
  AdminServerInput,
  AdminServerView,
  ServerPatch,
  ApiRoute,
  TransportFaultKind,
  FaultInput,
  TransportFaultInput,
  ServerFaultInput,
  FailSubjobFaultInput,
  StuckFaultInput,
  VanishFaultInput,
  DriftFaultInput,
  JobFaultInput,
  PendingFaults,
  TransportFault,
  PendingTransportFault,
  ServerFault,
  JobFault,
  Variants,
  VariantsInput,
  VariantsPatch,
  VariantName,
} from "./publicTypes";

/** Every switch at its default: the most realistic reading of the sources (docs/variants.md). */
export const DEFAULT_VARIANTS: Readonly<Public.Variants> = defaultVariants;
/** The switches' names, in the order docs/variants.md gives them. */
export const VARIANT_NAMES: readonly Public.VariantName[] = variantNames;
