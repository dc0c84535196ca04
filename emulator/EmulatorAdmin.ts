/** A small typed client of the emulator's admin API (`/_emulator/...`), over global fetch. */
import type { EmulatorStatsSnapshot } from "./EmulatorStats";
import type {
  AdminServerInput,
  AdminServerView,
  FaultInput,
  PendingFaults,
  ServerPatch,
  Variants,
  VariantsPatch,
} from "./publicTypes";

/** An admin call the emulator refused: its HTTP status and message (a bad body, an unknown server). */
export class EmulatorAdminError extends Error {
  readonly code = "EMULATOR_ADMIN_ERROR";
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = "EmulatorAdminError";
  }
}

/**
 * A client of the emulator's unsigned admin API (`/_emulator/`): servers, faults, variants, stats, reset,
 * outage (docs/emulator.md).
 */
export class EmulatorAdmin {
  private readonly baseUrl: string;

  constructor(url: string) {
    this.baseUrl = url.replace(/\/+$/, "");
  }

  /** Adds or replaces servers (a replaced server's transition is interrupted). */
  async putServers(servers: readonly AdminServerInput[]): Promise<AdminServerView[]> {
    const body = await this.call<{ servers: AdminServerView[] }>("POST", "/_emulator/servers", { servers });
    return body.servers;
  }

  async listServers(): Promise<AdminServerView[]> {
    const body = await this.call<{ servers: AdminServerView[] }>("GET", "/_emulator/servers");
    return body.servers;
  }

  /** Changes one server out of band (drift); a new status ends any transition at once. */
  async setServer(id: string, patch: ServerPatch): Promise<AdminServerView> {
    const body = await this.call<{ server: AdminServerView }>(
      "PATCH",
      `/_emulator/servers/${encodeURIComponent(id)}`,
      patch,
    );
    return body.server;
  }

  async deleteServer(id: string): Promise<void> {
    await this.call("DELETE", `/_emulator/servers/${encodeURIComponent(id)}`);
  }

  async injectFault(fault: FaultInput): Promise<PendingFaults> {
    const body = await this.call<{ faults: PendingFaults }>("POST", "/_emulator/faults", fault);
    return body.faults;
  }

  /** Faults injected and not yet used up. */
  async pendingFaults(): Promise<PendingFaults> {
    const body = await this.call<{ faults: PendingFaults }>("GET", "/_emulator/faults");
    return body.faults;
  }

  async stats(): Promise<EmulatorStatsSnapshot> {
    return this.call<EmulatorStatsSnapshot>("GET", "/_emulator/stats");
  }

  /** How many connections that carried an API request are still open (admin requests not counted). */
  async openConnections(): Promise<number> {
    return (await this.call<{ open: number }>("GET", "/_emulator/connections")).open;
  }

  /** The answers no source settles, as they stand now. */
  async variants(): Promise<Variants> {
    const body = await this.call<{ variants: Variants }>("GET", "/_emulator/variants");
    return body.variants;
  }

  /** Changes some of those answers on the running emulator; returns them all. */
  async setVariants(patch: VariantsPatch): Promise<Variants> {
    const body = await this.call<{ variants: Variants }>("PATCH", "/_emulator/variants", patch);
    return body.variants;
  }

  /** Clears faults, stats, jobs and limit windows; servers stay, their transitions end now. */
  async reset(): Promise<void> {
    await this.call("POST", "/_emulator/reset");
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // Not JSON: keep the raw text.
      }
      throw new EmulatorAdminError(
        `${method} ${path} failed with HTTP ${response.status}: ${message}`,
        response.status,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
