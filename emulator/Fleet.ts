/**
 * The emulated servers and their power transitions. State is computed lazily from the clock:
 * a transition stores when it started and ends, and every read settles the servers whose
 * transition has ended. No timers, so nothing is left pending when the emulator stops, and
 * the state is exact at whatever instant it is read.
 */
import { DEFAULT_ENTERPRISE_PROJECT } from "./enterpriseProjects";
import type { AdminServerInput, PowerAction, PowerStatus, ServerPatch } from "./publicTypes";

export type { PowerAction } from "./publicTypes";

export interface Failure {
  readonly errorCode: string;
  readonly reason: string;
}

/**
 * One power transition. Shared with the sub-job that drives it: the sub-job ends when the
 * transition ends, and fails when `failure` is set.
 */
export interface Transition {
  readonly action: PowerAction;
  readonly hard: boolean;
  readonly startMs: number;
  /** Infinity while stuck (an injected `stuck` fault). */
  endMs: number;
  readonly from: PowerStatus;
  readonly to: PowerStatus;
  /** Set when the transition fails (injected, interrupted or the server deleted): the server keeps its state. */
  failure?: Failure;
  /** Until then the server shows no task (the `hiddenTaskMs` variant): its job is still INIT. */
  readonly hiddenUntilMs?: number;
}

export interface ServerRecord {
  readonly id: string;
  name: string;
  readonly createdMs: number;
  updatedMs: number;
  locked: boolean;
  /** Tag key → value (see emulator/serverTags.ts). */
  tags: Record<string, string>;
  /** The enterprise project it belongs to ("0": the default EP). */
  enterpriseProjectId: string;
  /** The settled power state; during a transition, the state it started from. */
  status: PowerStatus;
  transition?: Transition;
  /** The last transition that changed its status, and when it ended (for the `listLagSeconds` variant). */
  lastChange?: { readonly from: PowerStatus; readonly atMs: number };
}

export class Fleet {
  private readonly servers = new Map<string, ServerRecord>();

  /** Adds or replaces servers; a replaced server's transition is interrupted. */
  put(servers: readonly AdminServerInput[], nowMs: number): void {
    for (const input of servers) {
      const existing = this.servers.get(input.id);
      if (existing?.transition) {
        this.interrupt(existing, nowMs, input.status);
      }
      this.servers.set(input.id, {
        id: input.id,
        name: input.name ?? existing?.name ?? `server-${input.id.slice(0, 8)}`,
        createdMs: existing?.createdMs ?? nowMs,
        updatedMs: nowMs,
        locked: input.locked ?? false,
        tags: input.tags ?? existing?.tags ?? {},
        enterpriseProjectId: input.enterpriseProjectId ?? existing?.enterpriseProjectId ?? DEFAULT_ENTERPRISE_PROJECT,
        status: input.status,
      });
    }
  }

  get(id: string, nowMs: number): ServerRecord | undefined {
    const server = this.servers.get(id);
    if (server) this.settle(server, nowMs);
    return server;
  }

  /** All servers, oldest first (ties by id), settled at `nowMs`. */
  list(nowMs: number): ServerRecord[] {
    const all = [...this.servers.values()];
    for (const server of all) this.settle(server, nowMs);
    return all.sort((a, b) => a.createdMs - b.createdMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Out-of-band change (drift): a new status interrupts any transition. Undefined if unknown. */
  patch(id: string, patch: ServerPatch, nowMs: number): ServerRecord | undefined {
    const server = this.get(id, nowMs);
    if (!server) return undefined;
    if (patch.status !== undefined) {
      if (server.transition) this.interrupt(server, nowMs, patch.status);
      server.status = patch.status;
      server.lastChange = undefined;
    }
    if (patch.locked !== undefined) server.locked = patch.locked;
    if (patch.name !== undefined) server.name = patch.name;
    if (patch.tags !== undefined) server.tags = patch.tags;
    if (patch.enterpriseProjectId !== undefined) server.enterpriseProjectId = patch.enterpriseProjectId;
    server.updatedMs = nowMs;
    return server;
  }

  /** Removes a server; its running sub-job fails with Ecs.0114. False if unknown. */
  delete(id: string, nowMs: number): boolean {
    const server = this.get(id, nowMs);
    if (!server) return false;
    if (server.transition) {
      server.transition.endMs = nowMs;
      server.transition.failure = { errorCode: "Ecs.0114", reason: `Instance[${id}] could not be found.` };
    }
    this.servers.delete(id);
    return true;
  }

  /**
   * A HARD os-stop on a server that a SOFT os-stop has not stopped yet (a guest ignoring ACPI, or a
   * stuck stop) forces it: the SOFT transition ends now and its sub-job fails as superseded.
   */
  isForceableBy(server: ServerRecord, action: PowerAction, hard: boolean): boolean {
    const current = server.transition;
    return action === "os-stop" && hard && current !== undefined && current.action === "os-stop" && !current.hard;
  }

  supersede(server: ServerRecord, nowMs: number): void {
    const transition = server.transition!;
    transition.endMs = nowMs;
    transition.failure ??= {
      errorCode: "Ecs.1000",
      reason: `The SOFT stop of instance[${server.id}] was superseded by a forced (HARD) stop.`,
    };
    server.transition = undefined;
  }

  /** Starts a transition on a settled, idle server. `durationMs` Infinity = stuck. */
  begin(
    server: ServerRecord,
    action: PowerAction,
    hard: boolean,
    startMs: number,
    durationMs: number,
    failure?: Failure,
    hiddenUntilMs?: number,
  ): Transition {
    const to: PowerStatus = action === "os-stop" ? "SHUTOFF" : "ACTIVE";
    const transition: Transition = {
      action,
      hard,
      startMs,
      endMs: startMs + durationMs,
      from: server.status,
      to: failure ? server.status : to,
      failure,
      ...(hiddenUntilMs !== undefined && hiddenUntilMs > startMs ? { hiddenUntilMs } : {}),
    };
    server.transition = transition;
    server.updatedMs = startMs;
    return transition;
  }

  /** Ends every transition now (stuck ones included), as `POST /_emulator/reset` does. */
  finishAll(nowMs: number): void {
    for (const server of this.servers.values()) {
      if (server.transition && server.transition.endMs > nowMs) server.transition.endMs = nowMs;
      this.settle(server, nowMs);
    }
  }

  private settle(server: ServerRecord, nowMs: number): void {
    const transition = server.transition;
    if (!transition || transition.endMs > nowMs) return;
    server.status = transition.failure ? transition.from : transition.to;
    if (server.status !== transition.from) server.lastChange = { from: transition.from, atMs: transition.endMs };
    server.updatedMs = transition.endMs;
    server.transition = undefined;
  }

  /**
   * An out-of-band change ends a transition at once: its sub-job succeeds when the new status
   * is what the transition was heading for (the work got done), and fails otherwise.
   */
  private interrupt(server: ServerRecord, nowMs: number, newStatus: PowerStatus): void {
    const transition = server.transition!;
    transition.endMs = nowMs;
    if (!transition.failure && newStatus !== transition.to) {
      transition.failure = {
        errorCode: "Ecs.1000",
        reason: `The ${transition.action} operation on instance[${server.id}] was interrupted: its state changed out of band.`,
      };
    }
    server.transition = undefined;
  }
}
