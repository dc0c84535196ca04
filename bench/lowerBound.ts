/**
 * The cloud's own time for converging a fleet: what no client can beat. Pure.
 *
 * With `perWindow` servers accepted per pacing window of `windowMs` (Huawei: 1000 per minute, and at
 * most 1000 per call), the last of ceil(n / perWindow) calls cannot be accepted before
 * (calls - 1) windows have passed; its job then takes the job's own duration. The emulator's job
 * lasts `jobInitMs` (INIT) + the transition (`stopSeconds`): a sub-job ends with its server's
 * transition, which starts when the call is accepted and takes jobInitMs + the action's duration.
 */
export interface LowerBoundInput {
  readonly servers: number;
  readonly windowMs: number;
  readonly perWindow: number;
  readonly jobInitMs: number;
  readonly transitionMs: number;
}

export function actionCallsFor(servers: number, perWindow: number): number {
  return Math.ceil(servers / perWindow);
}

export function lowerBoundMs({ servers, windowMs, perWindow, jobInitMs, transitionMs }: LowerBoundInput): number {
  if (!(servers > 0) || !(perWindow > 0) || !(windowMs > 0)) {
    throw new RangeError(`servers [${servers}], perWindow [${perWindow}] and windowMs [${windowMs}] must be positive`);
  }
  const calls = actionCallsFor(servers, perWindow);
  return (calls - 1) * windowMs + jobInitMs + transitionMs;
}
