/** Reading the emulator's count of open API connections (`GET /_emulator/connections`) once a close has reached it. */
import type { EmulatorAdmin } from "../emulator";

/**
 * The count once it reaches `expected`, or as it is after `withinMs` (a client's close reaches the
 * server a moment after it resolves). An idle keep-alive connection stays open for seconds: longer than this.
 */
export async function openConnectionsSettled(admin: EmulatorAdmin, expected: number, withinMs = 1000): Promise<number> {
  const until = Date.now() + withinMs;
  let count = await admin.openConnections();
  while (count !== expected && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    count = await admin.openConnections();
  }
  return count;
}
