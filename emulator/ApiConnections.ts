/**
 * The connections that have carried an API request (admin requests excluded) and are still open:
 * `GET /_emulator/connections` answers their count, so a test can see whether a client closed its
 * connections or left them idle in a keep-alive pool. Test instrumentation, not ECS behaviour.
 */
import type { Socket } from "node:net";

export class ApiConnections {
  private readonly open = new Set<Socket>();

  /** Counts `socket` from its first API request until it closes. */
  track(socket: Socket): void {
    if (this.open.has(socket) || socket.destroyed) return;
    this.open.add(socket);
    socket.once("close", () => this.open.delete(socket));
  }

  get count(): number {
    return this.open.size;
  }
}
