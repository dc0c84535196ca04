import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";

const jsonObjectSchema = z.record(z.string(), z.json());

export const stateResourceSchema = z.object({
  type: z.string(),
  name: z.string(),
  id: z.string(),
  /** The checked inputs of the last successful step, `__provider` included. */
  inputs: jsonObjectSchema,
  /** What the provider returned; Diff/Update/Read/Delete get these as `olds`/`props`. */
  outputs: jsonObjectSchema,
});

export const sessionStateSchema = z.object({
  /** By URN, in creation order (deletes run in reverse). */
  resources: z.record(z.string(), stateResourceSchema),
  /**
   * Old halves of create-before-delete replacements not deleted yet (the step failed after the
   * new half was created); the next `up` or `destroy` deletes them first, as the engine does.
   */
  pendingDeletes: z.array(stateResourceSchema.extend({ urn: z.string() })).default([]),
});

export type StateResource = z.infer<typeof stateResourceSchema>;
export type SessionState = z.infer<typeof sessionStateSchema>;

/** A missing file is an empty stack, as before the first `pulumi up`. */
export function readSessionState(path: string): SessionState {
  if (!existsSync(path)) return { resources: {}, pendingDeletes: [] };
  const parsed = sessionStateSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new Error(`state file ${path} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Written through a temporary file and a rename, so a killed test never leaves half a state. */
export function writeSessionState(path: string, state: SessionState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n");
  renameSync(tmp, path);
}
