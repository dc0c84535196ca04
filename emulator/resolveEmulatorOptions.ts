/**
 * Options of `startEmulator`: defaults are merged and everything is validated once, before the server
 * binds; a bad option fails with a message naming it, its value and the rule. The rules are
 * emulatorOptionsSchema.ts; the types, publicTypes.ts.
 */
import { z } from "zod";
import { describeIssues } from "./adminSchemas";
import { emulatorOptionsSchema } from "./emulatorOptionsSchema";
import type { EmulatorOptions, ResolvedEmulatorOptions } from "./publicTypes";

/** Options `startEmulator` refuses: the message names each option, its value and the rule. */
export class EmulatorOptionsError extends Error {
  readonly code = "EMULATOR_INVALID_OPTIONS";
  constructor(message: string) {
    super(message);
    this.name = "EmulatorOptionsError";
  }
}

/** The options with every default filled in, checked as `startEmulator` checks them (throws `EmulatorOptionsError`). */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const parsed = emulatorOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => {
      const key = issue.path[0];
      const value = typeof key === "string" ? (options as Record<string, unknown>)[key] : undefined;
      const shown = key === "secretKey" ? "***" : typeof value === "function" ? "function" : JSON.stringify(value);
      return `${describeIssues(new z.ZodError([issue]))} (got ${shown})`;
    });
    throw new EmulatorOptionsError(`invalid emulator options: ${details.join("; ")}`);
  }
  const ids = new Set<string>();
  for (const server of parsed.data.servers) {
    if (ids.has(server.id))
      throw new EmulatorOptionsError(`invalid emulator options: servers: duplicate id [${server.id}]`);
    ids.add(server.id);
  }
  return parsed.data;
}
