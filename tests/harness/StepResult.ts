import { JsonObject } from "./json";
import { DiffResult } from "./ProviderHost";

export type StepName = "preview" | "up" | "refresh" | "destroy";

/** What the engine did (or, in preview, would do) to one resource; the words of the CLI summary. */
export type OperationKind = "create" | "update" | "replace" | "delete" | "same";

export interface Operation {
  urn: string;
  type: string;
  name: string;
  op: OperationKind;
  /** The provider's Diff answer, when Diff was called. */
  diff?: DiffResult;
}

/** The lifecycle call that failed for a resource; `reasons` are the provider's, or the check failures. */
export interface StepError {
  urn: string;
  op: "check" | "diff" | "create" | "update" | "delete" | "read";
  message: string;
  reasons: string[];
}

export interface StepResult {
  step: StepName;
  operations: Operation[];
  /** Stack outputs of the program run (empty for refresh and destroy, which do not run the program). */
  outputs: JsonObject;
  /** Lines the provider host printed during this step (the provider's console.log / console.error). */
  hostOutput: string[];
  /** Lines the program printed (empty for refresh and destroy). */
  programOutput: string[];
}
