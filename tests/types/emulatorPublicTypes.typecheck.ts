/**
 * Compile-time test (run by `npm run typecheck`, not by jest): every hand-written type in
 * emulator/publicTypes.ts and the type its schema infers are assignable to each other, both ways,
 * with the same keys. An option, fault field or switch added to a schema and not to publicTypes.ts
 * (or the reverse) fails here, naming the type.
 */
import type { z } from "zod";
import type {
  API_ROUTES,
  adminServerSchema,
  failJobFaultSchema,
  ServerFaultSchema,
  serverPatchSchema,
  TRANSPORT_FAULT_KINDS,
  transportFaultSchema,
} from "../../emulator/adminSchemas";
import type { emulatorOptionsSchema } from "../../emulator/emulatorOptionsSchema";
import type { variantsPatchSchema, variantsSchema } from "../../emulator/variants";
import type * as Public from "../../emulator/publicTypes";
import * as subpath from "../../emulator";
import { same, type Mutual } from "./mutual";

same<Mutual<Public.EmulatorOptions, z.input<typeof emulatorOptionsSchema>>>();
same<Mutual<Public.ResolvedEmulatorOptions, z.output<typeof emulatorOptionsSchema>>>();
same<Mutual<Public.AdminServerInput, z.input<typeof adminServerSchema>>>();
same<Mutual<Public.AdminServerInput, z.output<typeof adminServerSchema>>>();
same<Mutual<Public.ServerPatch, z.input<typeof serverPatchSchema>>>();
same<Mutual<Public.ServerPatch, z.output<typeof serverPatchSchema>>>();
same<Mutual<Public.ApiRoute, (typeof API_ROUTES)[number]>>();
same<Mutual<Public.TransportFaultKind, (typeof TRANSPORT_FAULT_KINDS)[number]>>();
same<Mutual<Public.TransportFaultInput, z.input<typeof transportFaultSchema>>>();
same<Mutual<Public.TransportFault, z.output<typeof transportFaultSchema>>>();
same<Mutual<Public.ServerFaultInput, z.input<ServerFaultSchema>>>();
same<Mutual<Public.ServerFault, z.output<ServerFaultSchema>>>();
same<Mutual<Public.JobFaultInput, z.input<typeof failJobFaultSchema>>>();
same<Mutual<Public.JobFault, z.output<typeof failJobFaultSchema>>>();
same<Mutual<Public.Variants, z.output<typeof variantsSchema>>>();
same<Mutual<Public.VariantsInput, z.input<typeof variantsSchema>>>();
same<Mutual<Public.VariantsPatch, z.input<typeof variantsPatchSchema>>>();

// What the subpath exports is typed by the public types.
same<Mutual<Parameters<typeof subpath.startEmulator>[0], Public.EmulatorOptions | undefined>>();
same<Mutual<Awaited<ReturnType<typeof subpath.startEmulator>>["options"], Public.ResolvedEmulatorOptions>>();
same<Mutual<ReturnType<typeof subpath.resolveEmulatorOptions>, Public.ResolvedEmulatorOptions>>();
same<Mutual<Parameters<subpath.EmulatorAdmin["injectFault"]>[0], Public.FaultInput>>();
same<Mutual<Awaited<ReturnType<subpath.EmulatorAdmin["pendingFaults"]>>, Public.PendingFaults>>();
same<Mutual<Parameters<subpath.EmulatorAdmin["setVariants"]>[0], Public.VariantsPatch>>();
