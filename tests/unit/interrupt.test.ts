/**
 * Issue 20, cancellation: what an operation cut short by a signal to the host prints (pure, from the
 * converger's RunState). The signal path itself runs through Pulumi's host in
 * tests/lifecycle/interruptSignal.test.ts.
 */
import { interruptedLines } from "../../provider/interrupt";
import { following, seen, server, state } from "./converge/kit";

describe("interruptedLines", () => {
  it.each<[string, Parameters<typeof state>[0], string[]]>([
    ["every server settled: nothing to say", [server("a", { phase: "done", last: seen("a", "SHUTOFF") })], []],
    [
      "one accepted and moving, one never sent, one done (left out)",
      [
        following("a", "job-1", { last: seen("a", "ACTIVE", "powering-off") }),
        server("b", { last: seen("b", "ACTIVE") }),
        server("c", { phase: "done", last: seen("c", "SHUTOFF") }),
      ],
      [
        "L: SIGTERM received: the provider host is ending; no further action is sent. 2 servers not confirmed yet",
        "L: left moving (its action was accepted or may have been): a (job job-1, last seen ACTIVE (powering-off))",
        "L: never sent an action: b (last seen ACTIVE)",
        "L: run pulumi refresh (it clears the pending operation), then pulumi up: servers still moving are followed, never sent the action again",
      ],
    ],
    [
      "a call with no answer (may have been accepted, no job id), and a server not listed yet",
      [server("a", { submitted: true, last: seen("a", "ACTIVE") }), server("b")],
      [
        "L: SIGTERM received: the provider host is ending; no further action is sent. 2 servers not confirmed yet",
        "L: left moving (its action was accepted or may have been): a (last seen ACTIVE)",
        "L: never sent an action: b (not listed yet)",
        "L: run pulumi refresh (it clears the pending operation), then pulumi up: servers still moving are followed, never sent the action again",
      ],
    ],
    [
      "a failed server is settled: left out",
      [
        server("a", { phase: "failed", error: { code: "TIMEOUT", message: "m" } }),
        following("b", "job-2", { last: seen("b", "ACTIVE", "powering-off") }),
      ],
      [
        "L: SIGTERM received: the provider host is ending; no further action is sent. 1 server not confirmed yet",
        "L: left moving (its action was accepted or may have been): b (job job-2, last seen ACTIVE (powering-off))",
        "L: run pulumi refresh (it clears the pending operation), then pulumi up: servers still moving are followed, never sent the action again",
      ],
    ],
  ])("%s", (_row, servers, lines) => {
    expect(interruptedLines("L", state(servers), "SIGTERM")).toEqual(lines);
  });
});
