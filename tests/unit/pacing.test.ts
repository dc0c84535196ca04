import { reserve, settle, type PacingLedger, type Settlement } from "../../provider/pacing";

const T = 1_800_000_000_000;
const WINDOW = 60_000;
const limits = { limit: 10, windowMs: WINDOW };
const noPause = async (): Promise<void> => {
  throw new Error("no wait expected");
};

describe("reserve", () => {
  it("appends a pending record and prunes settled ones that left the window, never pending ones", async () => {
    const old = { atMs: T - WINDOW, count: 5 };
    const recent = { atMs: T - 1, count: 3 };
    const inFlight = { atMs: T - 2 * WINDOW, count: 2, pending: true as const };
    const ledger: PacingLedger = { records: [old, recent, inFlight] };
    const record = await reserve(ledger, 4, limits, () => T, noPause);
    expect(record).toEqual({ atMs: T, count: 4, pending: true });
    expect(ledger.records).toEqual([recent, inFlight, record]);
  });

  it("records at once, with no await, when the servers fit: a concurrent caller sees the record", async () => {
    const ledger: PacingLedger = { records: [] };
    const first = reserve(ledger, 6, limits, () => T, noPause);
    expect(ledger.records).toEqual([{ atMs: T, count: 6, pending: true }]);
    await first;
  });

  it("waits the computed delay once, and again only when another client took room meanwhile", async () => {
    const ledger: PacingLedger = { records: [{ atMs: T - 50_000, count: 10 }] };
    const waits: number[] = [];
    let now = T;
    const record = await reserve(
      ledger,
      1,
      limits,
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
        // Another client sharing the ledger fills the window during the first wait only.
        if (waits.length === 1) ledger.records = [...ledger.records, { atMs: now, count: 10 }];
      },
    );
    expect(waits).toEqual([10_000, 60_000]);
    expect(record).toEqual({ atMs: T + 70_000, count: 1, pending: true });
  });
});

describe("settle", () => {
  it.each<[string, Settlement, unknown[]]>([
    ["accepted: counted from its answer", { kind: "accepted", atMs: T + 500 }, [{ atMs: T + 500, count: 4 }]],
    [
      "maybe accepted: counted from when it was given up",
      { kind: "maybe-accepted", atMs: T + 900 },
      [{ atMs: T + 900, count: 4 }],
    ],
    ["refused: takes no room", { kind: "refused" }, []],
  ])("%s", async (_what, settlement, expected) => {
    const other = { atMs: T - 10, count: 1 };
    const ledger: PacingLedger = { records: [] };
    const record = await reserve(ledger, 4, limits, () => T, noPause);
    ledger.records = [...ledger.records, other];
    settle(ledger, record, settlement);
    expect(ledger.records).toEqual([other, ...expected]);
  });
});
