/**
 * `GET /_emulator/variants` shows the switches as they stand; `PATCH /_emulator/variants` with any
 * subset changes them on the running emulator (jobs and servers stay). A new
 * `rateLimitWindowSeconds` starts the request-rate window afresh.
 */
import { describeIssues } from "./adminSchemas";
import type { EmulatorState } from "./EmulatorState";
import { SlidingWindow } from "./SlidingWindow";
import { variantsPatchSchema } from "./variants";

export interface VariantsAnswer {
  readonly status: number;
  readonly body: unknown;
}

export function handleVariantsRequest(state: EmulatorState, method: string, rawBody: Buffer): VariantsAnswer {
  if (method === "GET") return { status: 200, body: { variants: state.variants } };
  if (method !== "PATCH") return { status: 404, body: { error: `no admin route ${method} /_emulator/variants` } };
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return { status: 400, body: { error: "body is not valid JSON" } };
  }
  const parsed = variantsPatchSchema.safeParse(json);
  if (!parsed.success) return { status: 400, body: { error: `invalid body: ${describeIssues(parsed.error)}` } };
  const windowChanged =
    parsed.data.rateLimitWindowSeconds !== undefined &&
    parsed.data.rateLimitWindowSeconds !== state.variants.rateLimitWindowSeconds;
  state.variants = { ...state.variants, ...parsed.data };
  if (windowChanged) {
    state.rateWindow = new SlidingWindow(state.options.rateLimit, state.variants.rateLimitWindowSeconds * 1000);
  }
  return { status: 200, body: { variants: state.variants } };
}
