/**
 * Injected faults, consumed in the order they were added. Transport faults hit the next
 * matching API requests; server faults hit the next sub-jobs of one server.
 */
import type { ApiRoute, ServerFault, TransportFault } from "./adminSchemas";

interface Pending<T> {
  readonly fault: T;
  remaining: number;
}

export class FaultBook {
  private transport: Pending<TransportFault>[] = [];
  private server: Pending<ServerFault>[] = [];

  addTransport(fault: TransportFault): void {
    this.transport.push({ fault, remaining: fault.times });
  }

  addServer(fault: ServerFault): void {
    this.server.push({ fault, remaining: fault.times });
  }

  /** Consumes one use of the oldest transport fault for `route` (or `any`). */
  takeTransport(route: ApiRoute): TransportFault | undefined {
    return take(this.transport, (fault) => fault.route === route || fault.route === "any");
  }

  /** Consumes one use of the oldest fault of `serverId` whose kind is in `kinds`. */
  takeServer(serverId: string, kinds: readonly ServerFault["kind"][]): ServerFault | undefined {
    return take(this.server, (fault) => fault.serverId === serverId && kinds.includes(fault.kind));
  }

  pending(): { transport: TransportFault[]; server: ServerFault[] } {
    const expand = <T extends { times: number }>(list: Pending<T>[]): T[] =>
      list.map(({ fault, remaining }) => ({ ...fault, times: remaining }));
    return { transport: expand(this.transport), server: expand(this.server) };
  }

  clear(): void {
    this.transport = [];
    this.server = [];
  }
}

function take<T>(list: Pending<T>[], matches: (fault: T) => boolean): T | undefined {
  const index = list.findIndex((entry) => matches(entry.fault));
  if (index < 0) return undefined;
  const entry = list[index];
  entry.remaining -= 1;
  if (entry.remaining <= 0) list.splice(index, 1);
  return entry.fault;
}
