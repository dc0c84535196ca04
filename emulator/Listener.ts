/**
 * The emulator's HTTP server over its life: listen, go away (every connection dropped, clients get
 * connection refused), come back on the same port, go away for a while (an outage), stop. One shared
 * attempt for each step however many callers ask; never listening again after stop().
 */
import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export class Listener {
  private readonly sockets = new Set<Socket>();
  private away: Promise<void> | undefined;
  private back: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private stopped = false;

  /**
   * @param timers the emulator's timer set: the outage's timer joins it, and stop() clears it.
   * @param log where a failed return after an outage is reported.
   */
  constructor(
    private readonly server: Server,
    private readonly host: string,
    private port: number,
    private readonly timers: Set<NodeJS.Timeout>,
    private readonly log?: (line: string) => void,
  ) {
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  /** Listens (the first time on the configured port, 0 picking one; later on the same one) and returns the address. */
  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, this.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.port = address.port;
    return address;
  }

  /** Stops listening and drops every connection. */
  readonly suspend = (): Promise<void> => {
    this.away ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    return this.away;
  };

  /** Listens again once fully away. */
  readonly resume = (): Promise<void> => {
    if (!this.away) return Promise.resolve();
    this.back ??= this.away
      .then(async () => {
        if (this.stopped) return;
        this.away = undefined;
        await this.listen();
      })
      .finally(() => {
        this.back = undefined;
      });
    return this.back;
  };

  /** Away now, back after `ms` (the timer does not keep the process alive: the CLI holds it open itself). */
  readonly outage = (ms: number): void => {
    void this.suspend().then(() => {
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.resume().catch((error: unknown) =>
          this.log?.(`could not listen again after the outage: ${String(error)}`),
        );
      }, ms);
      timer.unref();
      this.timers.add(timer);
    });
  };

  /** Clears the emulator's timers, lets a return under way end, and goes away for good. */
  readonly stop = (): Promise<void> => {
    this.stopped = true;
    this.stopping ??= (async () => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      await this.back?.catch(() => undefined); // a resume under way ends (not listening) before we close
      this.away = undefined;
      await this.suspend();
    })();
    return this.stopping;
  };
}
