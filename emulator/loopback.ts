/** The emulator has no authentication on its admin API: it must never be reachable from another host. */
import { isLoopbackHost as isLoopbackUrlHost } from "../provider/endpoint";

/** True for a loopback bind address: 127.x.x.x, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  // The provider's rule, which takes URL host names (IPv6 in brackets); a bind address has none.
  return isLoopbackUrlHost(host === "::1" ? "[::1]" : host);
}
