/** Counts of API requests (admin requests are never counted) and of servers submitted per action. */
import type { PowerAction } from "./Fleet";

export interface EmulatorStatsSnapshot {
  /** Keyed `"<METHOD> <route>"`, e.g. `"POST action"`, `"GET job"`; `unknown` for unmatched paths. */
  readonly requests: Record<string, number>;
  readonly total: number;
  /** Servers in accepted action calls, per action (`os-stop`, `os-start`, `reboot`). */
  readonly serversSubmitted: Record<string, number>;
}

export class EmulatorStats {
  private requests: Record<string, number> = {};
  private total = 0;
  private serversSubmitted: Record<string, number> = {};

  countRequest(method: string, route: string): void {
    const key = `${method} ${route}`;
    this.requests[key] = (this.requests[key] ?? 0) + 1;
    this.total += 1;
  }

  countSubmitted(action: PowerAction, servers: number): void {
    this.serversSubmitted[action] = (this.serversSubmitted[action] ?? 0) + servers;
  }

  snapshot(): EmulatorStatsSnapshot {
    return { requests: { ...this.requests }, total: this.total, serversSubmitted: { ...this.serversSubmitted } };
  }

  clear(): void {
    this.requests = {};
    this.total = 0;
    this.serversSubmitted = {};
  }
}
