/** observationsRecorded and listFailed: given a RunState and a list's answer (or failure), the next RunState. */
import { listFailed, observationsRecorded } from "../../../provider/converge/transitions";
import { info, seen, server, state } from "./kit";

describe("observationsRecorded", () => {
  it("keeps each server's last observation and its first as `before`; marks that a list answered; clears the read error", () => {
    const first = seen("a", "ACTIVE");
    const start = state([server("a", { last: first }), server("b")], [], {
      before: { a: first },
      listed: false,
      readError: info("ECS_NETWORK"),
    });
    const later = seen("a", "ACTIVE", "powering-off");
    const b = seen("b", "SHUTOFF");
    expect(observationsRecorded(start, [later, b, seen("stranger", "ACTIVE")])).toEqual({
      ...start,
      servers: { a: server("a", { last: later }), b: server("b", { last: b }) },
      before: { a: first, b },
      listed: true,
      readError: null,
    });
  });

  it("with nothing listed, only says that reads work", () => {
    const start = state([server("a", { phase: "job" })], [], { readError: info("ECS_TIMEOUT") });
    expect(observationsRecorded(start, [])).toEqual({ ...start, readError: null });
  });

  it("never changes the state it was given", () => {
    const start = state([server("a")]);
    const copy = structuredClone(start);
    observationsRecorded(start, [seen("a", "SHUTOFF")]);
    expect(start).toEqual(copy);
  });
});

describe("listFailed", () => {
  it("keeps the failure, to be told if it lasts to the deadline", () => {
    const start = state([server("a")]);
    expect(listFailed(start, info("ECS_SERVER_ERROR", "Common.0001"))).toEqual({
      ...start,
      readError: info("ECS_SERVER_ERROR", "Common.0001"),
    });
  });

  it("learns nothing from a read cut off by the deadline: the last reason stands", () => {
    const start = state([server("a")], [], { readError: info("ECS_THROTTLED") });
    expect(listFailed(start, info("ECS_ABORTED"))).toBe(start);
  });

  it("a read cut off while throttled keeps the gateway's refusal as the reason", () => {
    const start = state([server("a")]);
    const throttled = info("ECS_ABORTED", "APIGW.0308", "listing 1 server: over ratelimit (throttled for 600 s)");
    expect(listFailed(start, throttled)).toEqual({ ...start, readError: throttled });
  });
});
