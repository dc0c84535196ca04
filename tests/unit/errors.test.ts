import { inspect } from "node:util";
import {
  EcsError,
  errorCodeForResponse,
  formatServerList,
  hintFor,
  redactSecrets,
  withSubmitted,
} from "../../provider/errors";
import type { BatchSubmission } from "../../provider/errors";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `srv-${i}`);

describe("EcsError", () => {
  it("is an Error with a name, a stable code and structured fields", () => {
    const error = new EcsError({
      code: "ECS_SERVER_LOCKED",
      operation: "os-stop (SOFT) of 2 servers",
      statusCode: 400,
      huaweiCode: "Ecs.0605",
      huaweiMessage: "Instance[a] is locked.",
      requestId: "req-1",
      route: "POST /v1/{project_id}/cloudservers/action",
      serverIds: ["a", "b"],
      hint: hintFor("ECS_SERVER_LOCKED"),
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "EcsError",
      code: "ECS_SERVER_LOCKED",
      statusCode: 400,
      huaweiCode: "Ecs.0605",
      huaweiMessage: "Instance[a] is locked.",
      requestId: "req-1",
      route: "POST /v1/{project_id}/cloudservers/action",
      serverIds: ["a", "b"],
      submitted: [],
    });
    expect(error.message).toBe(
      'os-stop (SOFT) of 2 servers failed: HTTP 400 Ecs.0605 "Instance[a] is locked." (request id req-1); servers: a, b. ' +
        "Unlock the server (console: More > Unlock, or the unlock API) and run `pulumi up` again.",
    );
  });

  it("keeps the message on one line and never dumps JSON", () => {
    const error = new EcsError({
      code: "ECS_BAD_REQUEST",
      operation: "os-start of 1 server",
      statusCode: 400,
      huaweiCode: "Ecs.1000",
      huaweiMessage: 'nova said:\n  {"badRequest":\n {"message": "x"}}',
      serverIds: ["a"],
    });
    expect(error.message).not.toMatch(/\n/);
    expect(error.message).toBe(
      'os-start of 1 server failed: HTTP 400 Ecs.1000 "nova said: {"badRequest": {"message": "x"}}"; server: a.',
    );
  });

  it("joins Huawei's answer and our own reason with a dash, then attempts and request id", () => {
    const error = new EcsError({
      code: "ECS_AMBIGUOUS_SUBMIT",
      operation: "os-stop (SOFT) of 1 server",
      statusCode: 500,
      huaweiCode: "Common.0001",
      huaweiMessage: "System exception.",
      reason: "the server failed after receiving the request",
      requestId: "r-1",
      serverIds: ["a"],
      hint: hintFor("ECS_AMBIGUOUS_SUBMIT"),
    });
    expect(error.message).toMatch(
      /^os-stop \(SOFT\) of 1 server failed: HTTP 500 Common\.0001 "System exception\." — the server failed after receiving the request \(request id r-1\); server: a\. The action may/,
    );
    expect(
      new EcsError({ code: "ECS_NETWORK", operation: "x", reason: "connection refused (ECONNREFUSED)", attempts: 3 })
        .message,
    ).toBe("x failed: connection refused (ECONNREFUSED) after 3 attempts.");
  });

  it("lists the first 10 servers, then 'and N more'", () => {
    const error = new EcsError({ code: "ECS_NOT_FOUND", operation: "listing 25 servers", serverIds: ids(25) });
    expect(error.message).toContain(
      "servers: srv-0, srv-1, srv-2, srv-3, srv-4, srv-5, srv-6, srv-7, srv-8, srv-9 and 15 more.",
    );
    expect(error.serverIds).toHaveLength(25);
  });

  it("says how many attempts were made when it retried", () => {
    const error = new EcsError({ code: "ECS_THROTTLED", operation: "reading job j", statusCode: 429, attempts: 5 });
    expect(error.message).toMatch(/^reading job j failed: HTTP 429 after 5 attempts\./);
    expect(new EcsError({ code: "ECS_THROTTLED", operation: "x", statusCode: 429, attempts: 1 }).message).toBe(
      "x failed: HTTP 429.",
    );
  });

  it("serializes to JSON with its message and fields, without the cause (it may be a raw socket error)", () => {
    const error = new EcsError({
      code: "ECS_NETWORK",
      operation: "x",
      reason: "connection reset (ECONNRESET)",
      serverIds: ["a"],
      cause: { socket: { localPort: 1 } },
    });
    const json = JSON.parse(JSON.stringify(error));
    expect(json).toMatchObject({
      name: "EcsError",
      code: "ECS_NETWORK",
      message: error.message,
      serverIds: ["a"],
      submitted: [],
    });
    expect(json).not.toHaveProperty("cause");
    expect(error.cause).toEqual({ socket: { localPort: 1 } });
  });

  it("withSubmitted attaches accepted jobs and names their ids, keeping every other field", () => {
    const submitted: BatchSubmission[] = [
      { jobId: "job-1", action: "os-stop", type: "SOFT", serverIds: ["a"], submittedAt: new Date(0) },
      { jobId: "job-2", action: "os-stop", type: "SOFT", serverIds: ["b"], submittedAt: new Date(0) },
    ];
    const cause = new Error("reset");
    const original = new EcsError({
      code: "ECS_AMBIGUOUS_SUBMIT",
      operation: "os-stop (SOFT) of 1 server",
      serverIds: ["c"],
      requestId: "r",
      cause,
    });
    const error = withSubmitted(original, submitted);
    expect(error).toMatchObject({ code: "ECS_AMBIGUOUS_SUBMIT", serverIds: ["c"], requestId: "r", submitted });
    expect(error.cause).toBe(cause);
    expect(error.message).toContain("already accepted: jobs job-1, job-2");
  });
});

describe("errorCodeForResponse", () => {
  it.each([
    [401, "APIGW.0301", "ECS_AUTH_FAILED"],
    [401, undefined, "ECS_AUTH_FAILED"],
    [403, "Ecs.0003", "ECS_FORBIDDEN"],
    [403, "Pdp.0001", "ECS_FORBIDDEN"],
    [404, "Ecs.0114", "ECS_NOT_FOUND"],
    [404, "Ecs.0614", "ECS_NOT_FOUND"],
    [404, "APIGW.0101", "ECS_NOT_FOUND"],
    [400, "Ecs.0605", "ECS_SERVER_LOCKED"],
    [400, "Ecs.0100", "ECS_SERVER_STATE"],
    [400, "Ecs.0118", "ECS_TOO_MANY_SERVERS"],
    [400, "Ecs.0005", "ECS_BAD_REQUEST"],
    [400, "Common.0011", "ECS_JOB_NOT_FOUND"],
    [501, "Ecs.0603", "ECS_BUSY"],
    [429, "APIGW.0308", "ECS_THROTTLED"],
    [202, "Common.0024", "ECS_THROTTLED"],
    [500, "Common.0001", "ECS_SERVER_ERROR"],
    [502, undefined, "ECS_SERVER_ERROR"],
    [302, undefined, "ECS_BAD_RESPONSE"],
    // "HTTP status codes may not be accurate": a known Huawei code wins over the status.
    [400, "Ecs.0114", "ECS_NOT_FOUND"],
  ])("HTTP %s %s → %s", (status, code, expected) => {
    expect(errorCodeForResponse(status, code)).toBe(expected);
  });
});

describe("hintFor", () => {
  it("says what to do for the codes a user can act on", () => {
    expect(hintFor("ECS_AUTH_FAILED")).toMatch(
      /access key \/ secret key and that this machine's clock is within 15 minutes of UTC/,
    );
    expect(hintFor("ECS_AUTH_FAILED", { clockSkewMinutes: 42 })).toMatch(/clock is about 42 minutes off/);
    expect(hintFor("ECS_FORBIDDEN", { iamAction: "ecs:cloudServers:stop" })).toMatch(/ecs:cloudServers:stop/);
    expect(hintFor("ECS_SERVER_LOCKED")).toMatch(/unlock the server/i);
    expect(hintFor("ECS_AMBIGUOUS_SUBMIT")).toBe(
      "the action may have been accepted; run `pulumi refresh` then `pulumi up`: servers already in the desired state are not acted on again",
    );
    expect(hintFor("ECS_NETWORK", { endpoint: "https://ecs.x" })).toMatch(/https:\/\/ecs\.x/);
    expect(hintFor("ECS_PROJECT_NOT_FOUND")).toMatch(/wrong region or no access/);
  });
});

describe("secrets", () => {
  const secretKey = "verySecretKey0000000000000000000000000001";
  const token = "SECURITYTOKEN-abcdef";

  it("redactSecrets removes every occurrence, and ignores secrets too short to be real", () => {
    expect(redactSecrets(`a ${secretKey} b ${secretKey} ${token}`, [secretKey, token, undefined])).toBe(
      "a [REDACTED] b [REDACTED] [REDACTED]",
    );
    expect(redactSecrets("abc", ["b"])).toBe("abc");
  });

  it("an error built from redacted text carries no secret in message, fields, JSON or inspect output", () => {
    const echoed = `bad signature for ${secretKey} with token ${token}`;
    const error = new EcsError({
      code: "ECS_AUTH_FAILED",
      operation: "reading job j",
      statusCode: 401,
      huaweiMessage: redactSecrets(echoed, [secretKey, token]),
    });
    for (const text of [
      error.message,
      JSON.stringify(error),
      inspect(error, { depth: 5 }),
      String(error.huaweiMessage),
    ]) {
      expect(text).not.toContain(secretKey);
      expect(text).not.toContain(token);
    }
  });
});

describe("formatServerList", () => {
  it("shows up to max ids", () => {
    expect(formatServerList(["a", "b"], 2)).toBe("a, b");
    expect(formatServerList(["a", "b", "c"], 2)).toBe("a, b and 1 more");
  });
});
