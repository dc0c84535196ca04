import { classifyServer, planConvergence, restoreGoals, type ServerSnapshot } from "../../provider/plan";

const server = (
  id: string,
  status: string | null,
  taskState: string | null = null,
  extra: Partial<ServerSnapshot> = {},
): ServerSnapshot => ({
  id,
  found: true,
  status,
  taskState,
  locked: false,
  ...extra,
});

describe("classifyServer", () => {
  it("leaves a server already settled in the target status alone", () => {
    expect(classifyServer(server("a", "SHUTOFF"), "SHUTOFF", false)).toEqual({ kind: "done" });
    expect(classifyServer(server("a", "ACTIVE"), "ACTIVE", false)).toEqual({ kind: "done" });
  });

  it("acts on a server stable in the other status, once", () => {
    expect(classifyServer(server("a", "ACTIVE"), "SHUTOFF", false)).toEqual({ kind: "act" });
    expect(classifyServer(server("a", "SHUTOFF"), "ACTIVE", false)).toEqual({ kind: "act" });
    expect(classifyServer(server("a", "ACTIVE"), "SHUTOFF", true)).toMatchObject({
      kind: "fail",
      code: "STILL_ACTIVE",
    });
  });

  it("says as a field that a server already sent the action is still in the other status", () => {
    expect(classifyServer(server("a", "ACTIVE"), "SHUTOFF", true)).toEqual({
      kind: "fail",
      code: "STILL_ACTIVE",
      message: "still ACTIVE after its job ended; it was not sent the action again: run pulumi up again to retry",
      still: "ACTIVE",
    });
    expect(classifyServer(server("a", "SHUTOFF"), "ACTIVE", true)).toMatchObject({
      code: "STILL_SHUTOFF",
      still: "SHUTOFF",
    });
    // Any other failure is not "still there": the converger fails it at once.
    for (const verdict of [
      classifyServer({ ...server("a", null), found: false }, "SHUTOFF", true),
      classifyServer(server("a", "ACTIVE", null, { locked: true }), "SHUTOFF", true),
      classifyServer(server("a", "ERROR"), "SHUTOFF", true),
    ]) {
      expect(verdict).toMatchObject({ kind: "fail" });
      expect(verdict).not.toHaveProperty("still");
    }
  });

  it("waits for a server in transition, whichever way it is going", () => {
    expect(classifyServer(server("a", "ACTIVE", "powering-off"), "SHUTOFF", false)).toEqual({
      kind: "wait",
      reason: "task powering-off in progress",
    });
    expect(classifyServer(server("a", "SHUTOFF", "powering-on"), "SHUTOFF", false)).toMatchObject({ kind: "wait" });
    // status already SHUTOFF but a task still running is not done yet
    expect(classifyServer(server("a", "SHUTOFF", "powering-on"), "ACTIVE", true)).toMatchObject({ kind: "wait" });
    expect(classifyServer(server("a", "REBOOT"), "SHUTOFF", false)).toEqual({ kind: "wait", reason: "status REBOOT" });
  });

  it("fails a missing, locked or broken server with a code and what to do", () => {
    expect(classifyServer({ ...server("a", null), found: false }, "SHUTOFF", false)).toMatchObject({
      kind: "fail",
      code: "Ecs.0114",
      message: expect.stringContaining("remove it from serverIds"),
    });
    expect(classifyServer(server("a", "ACTIVE", null, { locked: true }), "SHUTOFF", false)).toMatchObject({
      kind: "fail",
      code: "Ecs.0605",
      message: expect.stringContaining("unlock"),
    });
    expect(classifyServer(server("a", "ERROR"), "SHUTOFF", false)).toMatchObject({
      kind: "fail",
      code: "STATUS_ERROR",
    });
    expect(classifyServer(server("a", "SHELVED"), "ACTIVE", false)).toMatchObject({
      kind: "fail",
      code: "STATUS_SHELVED",
    });
  });

  it("does not fail a locked server that is already where it should be", () => {
    expect(classifyServer(server("a", "SHUTOFF", null, { locked: true }), "SHUTOFF", false)).toEqual({ kind: "done" });
  });
});

describe("planConvergence", () => {
  it("sorts a mixed fleet, each server against its own goal", () => {
    const plan = planConvergence(
      [
        server("a", "ACTIVE"),
        server("b", "SHUTOFF"),
        server("c", "ACTIVE", "powering-off"),
        { ...server("d", null), found: false },
        server("e", "SHUTOFF"),
      ],
      { a: "stopped", b: "stopped", c: "stopped", d: "stopped", e: "running" },
    );
    expect(plan).toEqual({
      done: ["b"],
      act: ["a", "e"],
      wait: ["c"],
      failed: [{ id: "d", code: "Ecs.0114", message: expect.any(String) }],
    });
  });

  it("never plans an action for a server already submitted", () => {
    const plan = planConvergence([server("a", "ACTIVE")], { a: "stopped" }, new Set(["a"]));
    expect(plan.act).toEqual([]);
    expect(plan.failed.map((f) => f.id)).toEqual(["a"]);
    expect(plan.failed[0]).toMatchObject({ code: "STILL_ACTIVE", still: "ACTIVE" });
  });
});

describe("restoreGoals", () => {
  it("maps recorded stable statuses back to states and ignores anything else", () => {
    expect(restoreGoals({ a: "ACTIVE", b: "SHUTOFF", c: "ERROR" })).toEqual({ a: "running", b: "stopped" });
  });
});
