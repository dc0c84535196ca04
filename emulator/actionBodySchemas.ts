/** The three batch power action bodies of `POST /v1/{project_id}/cloudservers/action`, validated strictly. */
import { z } from "zod";
import type { PowerAction } from "./Fleet";

const serversSchema = z.array(z.object({ id: z.string().min(1) }).strict()).min(1);
const typeSchema = z.enum(["SOFT", "HARD"]);

export const actionBodySchemas = {
  /** `type` optional, SOFT by default. */
  "os-stop": z.object({ servers: serversSchema, type: typeSchema.optional() }).strict(),
  "os-start": z.object({ servers: serversSchema }).strict(),
  /** `type` mandatory. */
  reboot: z.object({ servers: serversSchema, type: typeSchema }).strict(),
} satisfies Record<PowerAction, z.ZodType>;

export const POWER_ACTIONS = Object.keys(actionBodySchemas) as PowerAction[];

export type ActionBody = z.infer<(typeof actionBodySchemas)[PowerAction]>;
