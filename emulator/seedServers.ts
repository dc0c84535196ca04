/** The deterministic fleet behind `--seed <n>`: ids are stable so scripts can name them. */

import type { PowerStatus } from "./publicTypes";

export type { PowerStatus } from "./publicTypes";

/** A server of the fleet `seedServers(n)` makes: a stable id and name, half running, half stopped. */
export interface SeedServer {
  readonly id: string;
  readonly name: string;
  readonly status: PowerStatus;
  readonly locked: boolean;
  /** `parity=even` or `parity=odd`: something to select a seeded fleet by tag. */
  readonly tags: Record<string, string>;
}

/** `00000000-0000-4000-8000-000000000000` + index, in the UUID v4 layout ECS ids have. */
export function seededServerId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;
}

/** Even indexes ACTIVE and tagged parity=even, odd ones SHUTOFF and parity=odd: half and half, whatever `count` is (rounded up to ACTIVE). */
export function seedServers(count: number): SeedServer[] {
  return Array.from({ length: count }, (_, index) => ({
    id: seededServerId(index),
    name: `seed-${index}`,
    status: index % 2 === 0 ? "ACTIVE" : "SHUTOFF",
    locked: false,
    tags: { parity: index % 2 === 0 ? "even" : "odd" },
  }));
}
