import { JsonObject } from "./json";
import { StepError, StepName, StepResult } from "./StepResult";

/** One base class with a stable `code`, as undici does: tests match on `code`, not on wording. */
export class HarnessError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The program child process exited non-zero, or printed no result. */
export class ProgramRunError extends HarnessError {
  readonly exitCode: number | null;
  readonly output: string[];
  constructor(message: string, exitCode: number | null, output: string[]) {
    super("PROGRAM_FAILED", message);
    this.exitCode = exitCode;
    this.output = output;
  }
}

/** The host process died or never printed its port. */
export class HostStartError extends HarnessError {
  readonly output: string[];
  constructor(message: string, output: string[]) {
    super("HOST_START_FAILED", message);
    this.output = output;
  }
}

/** A provider RPC failed without partial-failure details: `details` is the provider's error message. */
export class ProviderRpcError extends HarnessError {
  readonly method: string;
  readonly grpcStatus: number;
  readonly details: string;
  constructor(method: string, grpcStatus: number, details: string) {
    super("PROVIDER_RPC_FAILED", `${method} failed: ${details}`);
    this.method = method;
    this.grpcStatus = grpcStatus;
    this.details = details;
  }
}

/**
 * Create/Update reported `pulumirpc.ErrorResourceInitFailed`: the resource exists (`id`) with
 * `properties`, but did not reach the desired state. The engine records it and fails the step.
 */
export class ResourceInitFailedError extends HarnessError {
  readonly method: string;
  readonly id: string;
  readonly properties: JsonObject;
  readonly reasons: string[];
  constructor(method: string, message: string, id: string, properties: JsonObject, reasons: string[]) {
    super("RESOURCE_INIT_FAILED", message);
    this.method = method;
    this.id = id;
    this.properties = properties;
    this.reasons = reasons;
  }
}

/** A session step failed the way `pulumi up` exits non-zero; `result` holds what was done before. */
export class StepFailedError extends HarnessError {
  readonly step: StepName;
  readonly errors: StepError[];
  readonly result: StepResult;
  constructor(result: StepResult, errors: StepError[]) {
    const summary = errors.map((e) => `${e.urn} (${e.op}): ${e.reasons.join("; ") || e.message}`).join("\n  ");
    super("STEP_FAILED", `${result.step} failed:\n  ${summary}`);
    this.step = result.step;
    this.errors = errors;
    this.result = result;
  }
}
