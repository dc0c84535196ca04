/**
 * The per-server pattern on a large fleet takes too long to run in full (N=1000: about 100 rounds
 * of 10 s). It runs the first `measured` servers and is scaled up. Sound because its rounds are
 * sequential and alike: each of `concurrency` workers stops one server, then polls its job every
 * 10 s until it ends, then takes the next; at about one server a second in all (a stop and a poll
 * every 10 s per worker), far below the 1000 servers per window, the pacing never binds. So time grows with the number of rounds,
 * ceil(servers / concurrency), and calls with the number of servers. Pure.
 */
export interface PrefixRun {
  readonly measuredServers: number;
  readonly measuredWallMs: number;
  readonly measuredRequests: Readonly<Record<string, number>>;
}

export function roundsFor(servers: number, concurrency: number): number {
  return Math.ceil(servers / concurrency);
}

export function extrapolatePrefix(
  run: PrefixRun,
  servers: number,
  concurrency: number,
): { wallMs: number; requests: Record<string, number> } {
  if (run.measuredServers <= 0 || run.measuredServers > servers) {
    throw new RangeError(`measuredServers [${run.measuredServers}] must be in 1..${servers}`);
  }
  const timeScale = roundsFor(servers, concurrency) / roundsFor(run.measuredServers, concurrency);
  const callScale = servers / run.measuredServers;
  const requests: Record<string, number> = {};
  for (const [route, count] of Object.entries(run.measuredRequests)) requests[route] = Math.round(count * callScale);
  return { wallMs: Math.round(run.measuredWallMs * timeScale), requests };
}
