/**
 * Injected faults, consumed in the order they were added. Transport faults hit the next
 * matching API requests; server faults hit the next action calls or sub-jobs of one server; job
 * faults hit the next accepted action calls.
 */
import type { ApiRoute, JobFault, PendingTransportFault, ServerFault, TransportFault } from "./publicTypes";

interface Pending<T> {
  readonly fault: T;
  remaining: number;
}

export interface PendingFaultsView {
  transport: PendingTransportFault[];
  server: ServerFault[];
  job: JobFault[];
}

/** The options each transport fault kind takes; the others' defaults are left out of what the admin API shows. */
const OPTIONS_OF: Partial<Record<TransportFault["kind"], readonly (keyof TransportFault)[]>> = {
  throttle: ["retryAfterSeconds"],
  "server-error": ["status"],
  reset: ["afterProcessing"],
  delay: ["delayMs"],
  forbidden: ["code"],
};

/** A transport fault as shown: route, kind, times and its own kind's options only. */
export function ownOptions(fault: TransportFault): PendingTransportFault {
  const shown: PendingTransportFault = { route: fault.route, kind: fault.kind, times: fault.times };
  for (const option of OPTIONS_OF[fault.kind] ?? []) {
    if (fault[option] !== undefined) Object.assign(shown, { [option]: fault[option] });
  }
  return shown;
}

export class FaultBook {
  private transport: Pending<TransportFault>[] = [];
  private server: Pending<ServerFault>[] = [];
  private job: Pending<JobFault>[] = [];

  addTransport(fault: TransportFault): void {
    this.transport.push({ fault, remaining: fault.times });
  }

  addServer(fault: ServerFault): void {
    this.server.push({ fault, remaining: fault.times });
  }

  addJob(fault: JobFault): void {
    this.job.push({ fault, remaining: fault.times });
  }

  /** Consumes one use of the oldest transport fault for `route` (or `any`). */
  takeTransport(route: ApiRoute): TransportFault | undefined {
    return take(this.transport, (fault) => fault.route === route || fault.route === "any");
  }

  /** Consumes one use of the oldest fault of `serverId` whose kind is in `kinds`. */
  takeServer<K extends ServerFault["kind"]>(
    serverId: string,
    kinds: readonly K[],
  ): Extract<ServerFault, { kind: K }> | undefined {
    return take(
      this.server,
      (fault) => fault.serverId === serverId && (kinds as readonly string[]).includes(fault.kind),
    ) as Extract<ServerFault, { kind: K }> | undefined;
  }

  /** Consumes one use of the oldest job fault. */
  takeJob(): JobFault | undefined {
    return take(this.job, () => true);
  }

  pending(): PendingFaultsView {
    const expand = <T extends { times: number }>(list: Pending<T>[]): T[] =>
      list.map(({ fault, remaining }) => ({ ...fault, times: remaining }));
    return {
      transport: expand(this.transport).map(ownOptions),
      server: expand(this.server),
      job: expand(this.job),
    };
  }

  clear(): void {
    this.transport = [];
    this.server = [];
    this.job = [];
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
