/** The live plan: each server read at preview sorted into what the up will do, and the words for it. */
import type { ServerRecord } from "../../../provider/converge";
import { describeLivePlan, formatPlanList, livePlan, type LiveServer } from "../../../provider/preview";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function server(n: number, fields: Partial<LiveServer> = {}): LiveServer {
  return { id: id(n), name: `web-${n}`, found: true, status: "ACTIVE", taskState: null, locked: false, ...fields };
}

function record(status: string, taskState: string | null = null): ServerRecord {
  return { status, taskState, lastJobId: null, error: null };
}

describe("livePlan sorts each server as the converger would", () => {
  const rows: [string, LiveServer, "act" | "already" | "busy" | "blocked", string][] = [
    ["ACTIVE, stopped declared: will be stopped", server(1), "act", ""],
    ["SHUTOFF: already there", server(2, { status: "SHUTOFF" }), "already", ""],
    ["powering-off: busy", server(3, { taskState: "powering-off" }), "busy", "task powering-off in progress"],
    ["REBOOT: busy", server(4, { status: "REBOOT" }), "busy", "status REBOOT"],
    ["locked and ACTIVE: blocked Ecs.0605", server(5, { locked: true }), "blocked", "Ecs.0605"],
    ["ERROR: blocked STATUS_ERROR", server(6, { status: "ERROR" }), "blocked", "STATUS_ERROR"],
    ["not found: blocked Ecs.0114", server(7, { found: false, status: null, name: null }), "blocked", "Ecs.0114"],
  ];
  it.each(rows)("%s", (_row, live, kind, detail) => {
    const plan = livePlan({ state: "stopped", servers: [live] });
    const kinds = { act: plan.act, already: plan.already, busy: plan.busy, blocked: plan.blocked };
    for (const [name, list] of Object.entries(kinds)) {
      expect(list.map((s) => s.id)).toEqual(name === kind ? [live.id] : []);
    }
    if (kind === "busy") expect(plan.busy[0].reason).toBe(detail);
    if (kind === "blocked") expect(plan.blocked[0].code).toBe(detail);
  });

  it("running declared: a SHUTOFF server will be started, an ACTIVE one is already there", () => {
    const plan = livePlan({ state: "running", servers: [server(1, { status: "SHUTOFF" }), server(2)] });
    expect(plan.target).toBe("ACTIVE");
    expect(plan.act.map((s) => s.id)).toEqual([id(1)]);
    expect(plan.already.map((s) => s.id)).toEqual([id(2)]);
  });

  it("names the drift from the record: status, task and disappearance; servers the record does not know are no drift", () => {
    const plan = livePlan({
      state: "stopped",
      servers: [
        server(1),
        server(2, { status: "SHUTOFF" }),
        server(3, { taskState: "powering-off" }),
        server(4, { found: false, status: null }),
        server(5),
      ],
      recorded: {
        [id(1)]: record("SHUTOFF"),
        [id(2)]: record("SHUTOFF"),
        [id(3)]: record("ACTIVE"),
        [id(4)]: record("SHUTOFF"),
      },
    });
    expect(plan.drift).toEqual([
      { id: id(1), name: "web-1", recorded: "SHUTOFF", live: "ACTIVE" },
      { id: id(3), name: "web-3", recorded: "ACTIVE", live: "ACTIVE (powering-off)" },
      { id: id(4), name: "web-4", recorded: "SHUTOFF", live: "not found" },
    ]);
  });
});

describe("describeLivePlan", () => {
  it("a half-stopped fleet: counts, then each kind with names and ids", () => {
    const plan = livePlan({
      state: "stopped",
      servers: [server(1), server(2, { status: "SHUTOFF" }), server(3, { locked: true }), server(4, { name: null })],
      recorded: { [id(2)]: record("ACTIVE") },
    });
    expect(describeLivePlan(plan)).toEqual([
      "live plan (read now with GET calls only; nothing was changed): 4 servers declared stopped: 2 will be stopped, 1 already SHUTOFF, 1 cannot be acted on",
      `  will be stopped: web-1 (${id(1)}), ${id(4)}`,
      `  already SHUTOFF, left as they are: web-2 (${id(2)})`,
      `  cannot be acted on (the up will report them): web-3 (${id(3)}): Ecs.0605 server is locked, so it cannot be stopped: unlock it, then run pulumi up again`,
      `  changed since the last up or refresh: web-2 (${id(2)}) recorded ACTIVE, now SHUTOFF`,
    ]);
  });

  it("says who joined and left a selection, and what happens to those who left", () => {
    const plan = livePlan({ state: "running", servers: [server(1)] });
    const joined = [{ id: id(1), name: "web-1" }];
    const left = [{ id: id(9), name: null }];
    expect(describeLivePlan(plan, { joined, left, restoreLeavers: true }).slice(-2)).toEqual([
      `  joined the selection since the last up: web-1 (${id(1)})`,
      `  left the selection since the last up, restored to their initial status: ${id(9)}`,
    ]);
    expect(describeLivePlan(plan, { joined: [], left, restoreLeavers: false }).slice(-1)).toEqual([
      `  left the selection since the last up, left as they are: ${id(9)}`,
    ]);
  });

  it("names the first 20, then how many more", () => {
    const names = Array.from({ length: 23 }, (_, i) => `s${i + 1}`);
    expect(formatPlanList(names)).toBe(`${names.slice(0, 20).join(", ")} and 3 more`);
    expect(formatPlanList(names.slice(0, 20))).toBe(names.slice(0, 20).join(", "));
  });
});
