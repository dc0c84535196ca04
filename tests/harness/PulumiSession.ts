/**
 * `pulumi preview | up | refresh | destroy` without the CLI: each step runs the program under mocks
 * (runProgram), starts a fresh dynamic-provider host (the engine starts one per command, so
 * `configure` runs once per step), and applies the engine's step rules
 * (pkg/resource/deploy/step_generator.go) against a JSON state file.
 *
 * Not modelled: dependencies between resources (resources are stepped one after the other in
 * registration order, the first failure ends the step), parallelism, secrets encryption (the state
 * file holds inputs and outputs in plain text — a leak of a secret into them is visible), stack
 * outputs from real resource outputs (the program only ever sees mocks).
 */
import { ProgramRun, RegisteredResource, runProgram } from "./runProgram";
import { CheckFailure, ProviderHost } from "./ProviderHost";
import { ResourceInitFailedError, ProviderRpcError, StepFailedError } from "./errors";
import { JsonObject, jsonEqual } from "./json";
import { unwrapSecrets } from "./rpcValues";
import { SessionState, StateResource, readSessionState, writeSessionState } from "./sessionState";
import { Operation, StepError, StepName, StepResult } from "./StepResult";

export interface PulumiSessionOptions {
  programDir: string;
  project: string;
  stack: string;
  /** Stack config, keys namespaced (`huaweicloud:region`). Mutable between steps, like `pulumi config set`. */
  config: Record<string, string>;
  secretKeys?: string[];
  stateFile: string;
  /** Extra environment of the program and the host (e.g. credentials env vars). */
  env?: Record<string, string>;
  /** Every line the provider host prints, as it arrives. */
  onOutput?: (line: string) => void;
}

interface StepContext {
  host: ProviderHost;
  state: SessionState;
  dryRun: boolean;
  operations: Operation[];
}

export class PulumiSession {
  readonly options: PulumiSessionOptions;

  constructor(options: PulumiSessionOptions) {
    this.options = { ...options, config: { ...options.config } };
  }

  /** The stack config the next step uses; change it between steps as `pulumi config set` would. */
  get config(): Record<string, string> {
    return this.options.config;
  }

  readState(): SessionState {
    return readSessionState(this.options.stateFile);
  }

  /** Check + Diff only: never Create, Update or Delete, and the state file is not written. */
  preview(): Promise<StepResult> {
    return this.deploy("preview");
  }

  up(): Promise<StepResult> {
    return this.deploy("up");
  }

  /** Read for every resource in state; does not run the program (as `pulumi refresh`). */
  refresh(): Promise<StepResult> {
    return this.withHost("refresh", undefined, async (ctx) => {
      for (const [urn, old] of Object.entries(ctx.state.resources)) {
        let read;
        try {
          read = await ctx.host.read(urn, old.id, old.outputs, old.inputs);
        } catch (err) {
          return [stepError(urn, "read", err)];
        }
        if (read.id === "") {
          delete ctx.state.resources[urn];
          ctx.operations.push(operation(urn, old, "delete"));
        } else {
          const next: StateResource = {
            ...old,
            id: read.id,
            outputs: read.properties,
            inputs: read.inputs ?? old.inputs,
          };
          ctx.state.resources[urn] = next;
          const same = next.id === old.id && jsonEqual(next.outputs, old.outputs) && jsonEqual(next.inputs, old.inputs);
          ctx.operations.push(operation(urn, old, same ? "same" : "update"));
        }
        this.save(ctx.state);
      }
      return [];
    });
  }

  /** Delete for every resource in state, newest first; does not run the program. */
  destroy(): Promise<StepResult> {
    return this.withHost("destroy", undefined, async (ctx) => {
      const error = await this.deletePending(ctx);
      if (error) return [error];
      for (const [urn, old] of Object.entries(ctx.state.resources).reverse()) {
        try {
          await ctx.host.delete(urn, old.id, old.outputs);
        } catch (err) {
          return [stepError(urn, "delete", err)];
        }
        delete ctx.state.resources[urn];
        ctx.operations.push(operation(urn, old, "delete"));
        this.save(ctx.state);
      }
      return [];
    });
  }

  private async deploy(step: "preview" | "up"): Promise<StepResult> {
    const dryRun = step === "preview";
    // Program and host start in parallel: each is a cold node process.
    const hostStarting = this.startHost();
    let program: ProgramRun;
    try {
      program = await runProgram({ ...this.options, preview: dryRun });
    } catch (err) {
      await hostStarting.then((host) => host.close()).catch(() => undefined);
      throw err;
    }
    return this.withHost(step, { program, hostStarting }, async (ctx) => {
      const pendingError = await this.deletePending(ctx);
      if (pendingError) return [pendingError];
      const registered = new Set<string>();
      for (const resource of program.resources) {
        registered.add(resource.urn);
        const error = await this.stepResource(ctx, resource);
        if (error) return [error];
      }
      // Old halves of this step's create-before-delete replacements go once the new halves exist.
      const replacedError = await this.deletePending(ctx, false);
      if (replacedError) return [replacedError];
      for (const [urn, old] of Object.entries(ctx.state.resources).reverse()) {
        if (registered.has(urn)) continue;
        ctx.operations.push(operation(urn, old, "delete"));
        if (dryRun) continue;
        try {
          await ctx.host.delete(urn, old.id, old.outputs);
        } catch (err) {
          return [stepError(urn, "delete", err)];
        }
        delete ctx.state.resources[urn];
        this.save(ctx.state);
      }
      return [];
    });
  }

  /** Check → (new) Create | (existing) Diff → Same | Update | Replace. Returns the failure, if any. */
  private async stepResource(ctx: StepContext, resource: RegisteredResource): Promise<StepError | undefined> {
    const { urn } = resource;
    const old = ctx.state.resources[urn];
    // The host answers Configure with acceptSecrets=false, so the engine sends it plain values.
    const news = unwrapSecrets(resource.inputs) as JsonObject;
    let checked;
    try {
      checked = await ctx.host.check(urn, old?.inputs ?? {}, news);
    } catch (err) {
      return stepError(urn, "check", err);
    }
    if (checked.failures.length > 0) return checkFailed(urn, checked.failures);
    const inputs = checked.inputs;

    if (old === undefined) {
      ctx.operations.push(operation(urn, resource, "create"));
      return ctx.dryRun ? undefined : this.create(ctx, resource, inputs);
    }

    let diff;
    try {
      diff = await ctx.host.diff(urn, old.id, old.outputs, inputs);
    } catch (err) {
      return stepError(urn, "diff", err);
    }
    // DIFF_UNKNOWN: the engine diffs the old and new inputs itself, `__provider` included.
    const changed = diff.changes === "DIFF_SOME" || (diff.changes === "DIFF_UNKNOWN" && !jsonEqual(old.inputs, inputs));
    if (!changed) {
      ctx.operations.push({ ...operation(urn, resource, "same"), diff });
      if (!ctx.dryRun) {
        // A same step still writes the new inputs (a changed __provider must be persisted); outputs stay.
        ctx.state.resources[urn] = { ...old, inputs };
        this.save(ctx.state);
      }
      return undefined;
    }
    if (diff.replaces.length === 0) {
      ctx.operations.push({ ...operation(urn, resource, "update"), diff });
      return ctx.dryRun ? undefined : this.update(ctx, resource, old, inputs);
    }

    ctx.operations.push({ ...operation(urn, resource, "replace"), diff });
    // The replacement is a new resource: the engine checks the inputs again, against no olds.
    let replacement;
    try {
      replacement = await ctx.host.check(urn, {}, news);
    } catch (err) {
      return stepError(urn, "check", err);
    }
    if (replacement.failures.length > 0) return checkFailed(urn, replacement.failures);
    if (ctx.dryRun) return undefined;
    if (diff.deleteBeforeReplace) {
      try {
        await ctx.host.delete(urn, old.id, old.outputs);
      } catch (err) {
        return stepError(urn, "delete", err);
      }
      delete ctx.state.resources[urn];
      this.save(ctx.state);
      return this.create(ctx, resource, replacement.inputs);
    }
    const error = await this.create(ctx, resource, replacement.inputs);
    // Unless the new half failed outright, the old half is now only pending deletion.
    if (ctx.state.resources[urn] !== old) {
      ctx.state.pendingDeletes.push({ urn, ...old });
      this.save(ctx.state);
    }
    return error;
  }

  private async create(
    ctx: StepContext,
    resource: RegisteredResource,
    inputs: JsonObject,
  ): Promise<StepError | undefined> {
    const { urn, type, name } = resource;
    try {
      const created = await ctx.host.create(urn, inputs);
      if (created.id === "")
        return { urn, op: "create", message: `create of ${urn} returned no id`, reasons: ["provider returned no id"] };
      ctx.state.resources[urn] = { type, name, id: created.id, inputs, outputs: created.properties };
    } catch (err) {
      if (!(err instanceof ResourceInitFailedError)) return stepError(urn, "create", err);
      ctx.state.resources[urn] = { type, name, id: err.id, inputs, outputs: err.properties };
      return stepError(urn, "create", err);
    } finally {
      this.save(ctx.state);
    }
    return undefined;
  }

  private async update(
    ctx: StepContext,
    resource: RegisteredResource,
    old: StateResource,
    inputs: JsonObject,
  ): Promise<StepError | undefined> {
    const { urn } = resource;
    try {
      const updated = await ctx.host.update(urn, old.id, old.outputs, inputs);
      ctx.state.resources[urn] = { ...old, inputs, outputs: updated.properties };
    } catch (err) {
      if (!(err instanceof ResourceInitFailedError)) return stepError(urn, "update", err);
      ctx.state.resources[urn] = { ...old, id: err.id || old.id, inputs, outputs: err.properties };
      return stepError(urn, "update", err);
    } finally {
      this.save(ctx.state);
    }
    return undefined;
  }

  /**
   * Deletes the pending old halves of replacements. Leftovers of an earlier failed step are listed
   * as "delete" operations (`report`); this step's own are part of their "replace".
   */
  private async deletePending(ctx: StepContext, report = true): Promise<StepError | undefined> {
    for (const pending of [...ctx.state.pendingDeletes]) {
      if (report) ctx.operations.push(operation(pending.urn, pending, "delete"));
      if (ctx.dryRun) continue;
      try {
        await ctx.host.delete(pending.urn, pending.id, pending.outputs);
      } catch (err) {
        return stepError(pending.urn, "delete", err);
      }
      ctx.state.pendingDeletes = ctx.state.pendingDeletes.filter((p) => p !== pending);
      this.save(ctx.state);
    }
    return undefined;
  }

  private startHost(): Promise<ProviderHost> {
    const { programDir, project, stack, config, secretKeys, env, onOutput } = this.options;
    return ProviderHost.start({ programDir, project, stack, config, secretKeys, env, onOutput });
  }

  /** Runs one step with a configured host, closes it in every case, and throws StepFailedError on errors. */
  private async withHost(
    step: StepName,
    started: { program: ProgramRun; hostStarting: Promise<ProviderHost> } | undefined,
    body: (ctx: StepContext) => Promise<StepError[]>,
  ): Promise<StepResult> {
    const host = await (started?.hostStarting ?? this.startHost());
    const ctx: StepContext = { host, state: this.readState(), dryRun: step === "preview", operations: [] };
    let errors: StepError[];
    try {
      await host.configure(this.options.config, this.options.secretKeys ?? []);
      errors = await body(ctx);
    } finally {
      await host.close();
    }
    const result: StepResult = {
      step,
      operations: ctx.operations,
      outputs: started?.program.outputs ?? {},
      hostOutput: [...host.output],
      programOutput: started?.program.output ?? [],
    };
    if (errors.length > 0) throw new StepFailedError(result, errors);
    return result;
  }

  private save(state: SessionState): void {
    writeSessionState(this.options.stateFile, state);
  }
}

function operation(urn: string, resource: { type: string; name: string }, op: Operation["op"]): Operation {
  return { urn, type: resource.type, name: resource.name, op };
}

function checkFailed(urn: string, failures: CheckFailure[]): StepError {
  return {
    urn,
    op: "check",
    message: `check failed for ${urn}`,
    reasons: failures.map((f) => `${f.property}: ${f.reason}`),
  };
}

/** Provider errors become step errors (the step fails); anything else is a harness bug and is thrown. */
function stepError(urn: string, op: StepError["op"], err: unknown): StepError {
  if (err instanceof ResourceInitFailedError) return { urn, op, message: err.message, reasons: err.reasons };
  if (err instanceof ProviderRpcError) return { urn, op, message: err.message, reasons: [err.details] };
  throw err;
}
