import {
  describeError,
  isEcsError,
  isTransientRead,
  serverIdsOf,
  shownCode,
  submissionFailureKind,
  type ErrorInfo,
} from "../../provider/classify";
import { EcsError } from "../../provider/errors";

const refused = new EcsError({
  code: "ECS_SERVER_STATE",
  operation: "os-stop (SOFT) of 2 servers",
  statusCode: 400,
  huaweiCode: "Ecs.0100",
  huaweiMessage: "The server status does not meet the requirements.",
  requestId: "r-1",
  serverIds: ["a", "b"],
  hint: "run `pulumi refresh`",
});

describe("describeError", () => {
  it("reads an EcsError's fields into one message about one server (no server list)", () => {
    expect(describeError(refused)).toEqual({
      code: "ECS_SERVER_STATE",
      huaweiCode: "Ecs.0100",
      message:
        "os-stop (SOFT) of 2 servers: The server status does not meet the requirements. (request id r-1) run `pulumi refresh`",
    });
  });

  it("uses the reason when there is no Huawei message, and the plain message for anything else", () => {
    const network = new EcsError({ code: "ECS_NETWORK", operation: "listing 1 server", reason: "connection reset" });
    expect(describeError(network)).toEqual({ code: "ECS_NETWORK", message: "listing 1 server: connection reset" });
    expect(describeError(new TypeError("boom"))).toEqual({ code: "ERROR", message: "boom" });
    expect(describeError("text")).toEqual({ code: "ERROR", message: "text" });
  });

  it("keeps Huawei's code as the code a server's record shows, else ours", () => {
    expect(shownCode(describeError(refused))).toBe("Ecs.0100");
    expect(shownCode({ code: "ECS_NETWORK", message: "x" })).toBe("ECS_NETWORK");
  });
});

describe("isEcsError and serverIdsOf", () => {
  it("recognise the client's error, also by shape (a serialized class is not the same class)", () => {
    expect(isEcsError(refused)).toBe(true);
    const reshaped = { ...refused.toJSON(), name: "EcsError", code: "ECS_BUSY", serverIds: ["c"] };
    expect(isEcsError(reshaped)).toBe(true);
    expect(serverIdsOf(reshaped)).toEqual(["c"]);
    expect(isEcsError(new Error("x"))).toBe(false);
    expect(isEcsError({ name: "EcsError" })).toBe(false);
    expect(serverIdsOf(refused)).toEqual(["a", "b"]);
    expect(serverIdsOf({ serverIds: ["x"] })).toEqual([]);
    expect(serverIdsOf(undefined)).toEqual([]);
  });
});

describe("isTransientRead", () => {
  const info = (code: ErrorInfo["code"]): ErrorInfo => ({ code, message: "m" });
  const listed = { listed: true, deadlineReached: false, cancelled: false };
  it.each([
    ["ECS_NETWORK", listed, true],
    ["ECS_TIMEOUT", listed, true],
    ["ECS_SERVER_ERROR", listed, true],
    ["ECS_THROTTLED", listed, true],
    ["ECS_BUSY", listed, true],
    ["ECS_BAD_RESPONSE", listed, true],
    // before any list has answered, the same failures more likely mean a wrong endpoint
    ["ECS_NETWORK", { ...listed, listed: false }, false],
    ["ECS_FORBIDDEN", listed, false],
    ["ECS_AUTH_FAILED", listed, false],
    // cut off by the deadline: the waiter ends it as a timeout; by a cancellation: not transient
    ["ECS_ABORTED", { ...listed, listed: false, deadlineReached: true }, true],
    ["ECS_ABORTED", { ...listed, deadlineReached: true, cancelled: true }, false],
    ["ECS_ABORTED", listed, false],
  ] as const)("%s with %j: %s", (code, context, expected) => {
    expect(isTransientRead(info(code), context)).toBe(expected);
  });
});

describe("submissionFailureKind", () => {
  it.each([
    [{ code: "ECS_AMBIGUOUS_SUBMIT", huaweiCode: "Common.0001" }, false, "ambiguous"],
    [{ code: "ECS_SERVER_STATE", huaweiCode: "Ecs.0100" }, false, "server-state"],
    [{ code: "ECS_NOT_FOUND", huaweiCode: "Ecs.0114" }, false, "server-state"],
    [{ code: "ECS_NOT_FOUND", huaweiCode: "Ecs.0614" }, false, "server-state"],
    [{ code: "ECS_SERVER_LOCKED", huaweiCode: "Ecs.0605" }, false, "server-state"],
    [{ code: "ECS_ABORTED" }, true, "deadline"],
    [{ code: "ECS_ABORTED" }, false, "other"],
    [{ code: "ECS_FORBIDDEN", huaweiCode: "Pdp.0001" }, true, "other"],
    [{ code: "ECS_TOO_MANY_SERVERS", huaweiCode: "Ecs.0118" }, false, "other"],
  ] as const)("%j (deadline reached: %s): %s", (fields, deadlineReached, kind) => {
    expect(submissionFailureKind({ message: "m", ...fields }, deadlineReached)).toBe(kind);
  });
});
