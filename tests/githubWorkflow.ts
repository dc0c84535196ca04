/**
 * A GitHub Actions workflow file parsed as YAML, typed as far as the workflow tests read it: the shape is
 * declared once here for tests/examples (the pipelines users copy) and tests/release (the one that publishes).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** One step of a job. */
export interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** A workflow whose triggers (`on`) have the shape `On`. */
export interface Workflow<On> {
  on: On;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, { steps: WorkflowStep[] }>;
}

/** The workflow at `path`, its text, and the steps of its first (only) job. */
export function readWorkflow<On>(path: string): { text: string; workflow: Workflow<On>; steps: WorkflowStep[] } {
  const text = readFileSync(path, "utf8");
  const workflow = parse(text) as Workflow<On>;
  return { text, workflow, steps: Object.values(workflow.jobs)[0]!.steps };
}
