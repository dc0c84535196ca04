import { EcsError } from "../../provider/errors";
import { classifyAttempt, defaultRetryPolicy, parseRetryAfterMs, resolveRetryPolicy } from "../../provider/retryPolicy";
import type { AttemptOutcome, RetryPolicy } from "../../provider/retryPolicy";

const NOW_MS = Date.parse("2024-01-15T08:30:00Z");
const policy: RetryPolicy = resolveRetryPolicy({
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  busyDelayMs: 7000,
  maxRetryAfterMs: 5000,
});
const ctx = (attempt: number, random = 0.5) => ({ attempt, policy, random: () => random, nowMs: NOW_MS });
const response = (
  statusCode: number,
  extra: Partial<Extract<AttemptOutcome, { kind: "response" }>> = {},
): AttemptOutcome => ({
  kind: "response",
  statusCode,
  ...extra,
});
const network = (errorCode: string): AttemptOutcome => ({ kind: "network", errorCode });

describe("classifyAttempt: GET", () => {
  it.each([
    ["ECONNRESET"],
    ["ECONNREFUSED"],
    ["EPIPE"],
    ["UND_ERR_SOCKET"],
    ["UND_ERR_CONNECT_TIMEOUT"],
    ["UND_ERR_HEADERS_TIMEOUT"],
    ["UND_ERR_BODY_TIMEOUT"],
  ])("retries the network error %s", (code) => {
    expect(classifyAttempt("GET", network(code), ctx(0))).toMatchObject({ retry: true });
  });

  it("does not retry an unknown network error or a DNS name that does not exist", () => {
    expect(classifyAttempt("GET", network("ENOTFOUND"), ctx(0))).toEqual({ retry: false, reason: "network" });
    expect(classifyAttempt("GET", network("UNKNOWN"), ctx(0))).toEqual({ retry: false, reason: "network" });
  });

  it.each([429, 500, 502, 503, 504])("retries HTTP %i", (status) => {
    expect(classifyAttempt("GET", response(status), ctx(0)).retry).toBe(true);
  });

  it.each([400, 401, 403, 404, 409])("fails at once on HTTP %i", (status) => {
    expect(classifyAttempt("GET", response(status), ctx(0))).toEqual({ retry: false, reason: "rejected" });
  });

  it("treats a 2xx carrying Common.0024 as throttled, not as an answer", () => {
    expect(classifyAttempt("GET", response(202, { huaweiCode: "Common.0024" }), ctx(0))).toMatchObject({
      retry: true,
      reason: "throttled",
    });
    expect(classifyAttempt("GET", response(200), ctx(0))).toEqual({ retry: false, reason: "success" });
  });

  it("never retries 401, even when a policy lists it, so our retries never lock the access key", () => {
    const greedy = resolveRetryPolicy({ retryableStatuses: [401, 503] });
    expect(classifyAttempt("GET", response(503), { ...ctx(0), policy: greedy }).retry).toBe(true);
    expect(classifyAttempt("GET", response(401, { huaweiCode: "APIGW.0301" }), { ...ctx(0), policy: greedy })).toEqual({
      retry: false,
      reason: "rejected",
    });
  });
});

describe("classifyAttempt: a garbled 2xx", () => {
  const garbled: AttemptOutcome = { kind: "garbled" };

  it("is retried on a GET with the same jittered backoff as a truncated transfer", () => {
    expect(classifyAttempt("GET", garbled, ctx(1, 0.5))).toEqual({ retry: true, reason: "garbled", delayMs: 100 });
    expect(classifyAttempt("GET", garbled, ctx(1, 0.5)).delayMs).toBe(
      classifyAttempt("GET", network("UND_ERR_RES_CONTENT_LENGTH_MISMATCH"), ctx(1, 0.5)).delayMs,
    );
  });

  it("stops at maxAttempts, and is not retried when the policy does not retry truncated transfers", () => {
    expect(classifyAttempt("GET", garbled, ctx(3))).toEqual({ retry: false, reason: "garbled", exhausted: true });
    const strict = { ...policy, retryableNetworkErrors: ["ECONNRESET"] };
    expect(classifyAttempt("GET", garbled, { ...ctx(0), policy: strict })).toEqual({ retry: false, reason: "garbled" });
  });
});

describe("classifyAttempt: the action POST", () => {
  it("succeeds only with a 2xx and a job id", () => {
    expect(classifyAttempt("POST", response(200, { hasJobId: true }), ctx(0))).toEqual({
      retry: false,
      reason: "success",
    });
    expect(classifyAttempt("POST", response(200, { hasJobId: false }), ctx(0))).toEqual({
      retry: false,
      reason: "ambiguous",
    });
  });

  it("retries when provably not accepted: 429, 202 Common.0024, a refused connection", () => {
    expect(classifyAttempt("POST", response(429, { huaweiCode: "APIGW.0308" }), ctx(0))).toMatchObject({
      retry: true,
      reason: "throttled",
    });
    expect(classifyAttempt("POST", response(202, { huaweiCode: "Common.0024" }), ctx(0))).toMatchObject({
      retry: true,
      reason: "throttled",
    });
    expect(classifyAttempt("POST", network("ECONNREFUSED"), ctx(0))).toMatchObject({ retry: true, reason: "not-sent" });
    expect(classifyAttempt("POST", network("UND_ERR_CONNECT_TIMEOUT"), ctx(0))).toMatchObject({
      retry: true,
      reason: "not-sent",
    });
  });

  it("retries 501 Ecs.0603 after exactly busyDelayMs", () => {
    expect(classifyAttempt("POST", response(501, { huaweiCode: "Ecs.0603" }), ctx(0))).toEqual({
      retry: true,
      reason: "busy",
      delayMs: 7000,
    });
    expect(classifyAttempt("GET", response(501, { huaweiCode: "Ecs.0603" }), ctx(2))).toEqual({
      retry: true,
      reason: "busy",
      delayMs: 7000,
    });
  });

  it.each([
    ["a reset after sending", network("ECONNRESET")],
    ["a socket closed by the other side", network("UND_ERR_SOCKET")],
    ["a headers timeout", network("UND_ERR_HEADERS_TIMEOUT")],
    ["a body timeout", network("UND_ERR_BODY_TIMEOUT")],
    ["a 500", response(500, { huaweiCode: "Common.0001" })],
    ["a 503 without code", response(503)],
    ["a 2xx without job id", response(200)],
    ["a garbled 2xx", { kind: "garbled" } as AttemptOutcome],
  ])("never retries after an ambiguous failure: %s", (_label, outcome) => {
    expect(classifyAttempt("POST", outcome, ctx(0))).toEqual({ retry: false, reason: "ambiguous" });
  });

  it.each([400, 401, 403, 404])("fails at once on HTTP %i (rejected, so not ambiguous)", (status) => {
    expect(classifyAttempt("POST", response(status), ctx(0))).toEqual({ retry: false, reason: "rejected" });
  });
});

describe("classifyAttempt: delays", () => {
  it("uses capped exponential backoff with full jitter: floor(random * min(max, base * 2^attempt))", () => {
    const patient = resolveRetryPolicy({ ...policy, maxAttempts: 10 });
    const delays = [0, 1, 2, 3, 4].map(
      (attempt) => classifyAttempt("GET", response(503), { ...ctx(attempt, 0.75), policy: patient }).delayMs,
    );
    // base 100 → 100, 200, 400, 800, then capped at 1000; times 0.75, floored.
    expect(delays).toEqual([75, 150, 300, 600, 750]);
    expect(classifyAttempt("GET", response(503), ctx(0, 0)).delayMs).toBe(0);
  });

  it("honours Retry-After in seconds exactly, instead of the jittered backoff", () => {
    expect(classifyAttempt("GET", response(429, { retryAfter: "3" }), ctx(0)).delayMs).toBe(3000);
    expect(classifyAttempt("POST", response(429, { retryAfter: "0" }), ctx(0)).delayMs).toBe(0);
  });

  it("honours Retry-After as an HTTP date", () => {
    const at = new Date(NOW_MS + 4000).toUTCString();
    expect(classifyAttempt("GET", response(503, { retryAfter: at }), ctx(0)).delayMs).toBe(4000);
  });

  it("caps Retry-After at maxRetryAfterMs", () => {
    expect(classifyAttempt("GET", response(429, { retryAfter: "3600" }), ctx(0)).delayMs).toBe(5000);
  });

  it("stops at maxAttempts and says the failure was retryable", () => {
    expect(classifyAttempt("GET", response(503), ctx(2)).retry).toBe(true);
    expect(classifyAttempt("GET", response(503), ctx(3))).toEqual({
      retry: false,
      reason: "server-error",
      exhausted: true,
    });
    expect(classifyAttempt("POST", response(429), ctx(3))).toEqual({
      retry: false,
      reason: "throttled",
      exhausted: true,
    });
  });
});

describe("classifyAttempt: throttling until the deadline", () => {
  const throttled = resolveRetryPolicy({ ...policy, throttleBaseDelayMs: 400, maxThrottleDelayMs: 3000 });
  const at = (attempt: number, random: number, patient: boolean) => ({
    attempt,
    policy: throttled,
    random: () => random,
    nowMs: NOW_MS,
    patient,
  });

  it.each([
    ["GET", response(429, { huaweiCode: "APIGW.0308" })],
    ["POST", response(429, { huaweiCode: "APIGW.0308" })],
    ["POST", response(202, { huaweiCode: "Common.0024" })],
    ["GET", response(429, { huaweiCode: "Common.1503" })],
  ])("a patient %s call throttled (%o) is retried far past maxAttempts", (method, outcome) => {
    expect(classifyAttempt(method, outcome, at(50, 0.5, true))).toMatchObject({ retry: true, reason: "throttled" });
    expect(classifyAttempt(method, outcome, at(50, 0.5, false))).toEqual({
      retry: false,
      reason: "throttled",
      exhausted: true,
    });
  });

  it("patience is for throttling only: a 5xx, a reset, a busy answer still stop at maxAttempts", () => {
    expect(classifyAttempt("GET", response(503), at(3, 0.5, true))).toMatchObject({ retry: false, exhausted: true });
    expect(classifyAttempt("GET", network("ECONNRESET"), at(3, 0.5, true))).toMatchObject({ retry: false });
    expect(classifyAttempt("GET", response(501, { huaweiCode: "Ecs.0603" }), at(3, 0.5, true))).toMatchObject({
      retry: false,
    });
  });

  it("without Retry-After waits with capped exponential backoff and equal jitter: in [c/2, c], c = min(cap, base * 2^n)", () => {
    const delays = (random: number) =>
      [0, 1, 2, 3, 4, 5, 9].map((n) => classifyAttempt("GET", response(429), at(n, random, true)).delayMs);
    // base 400 → 400, 800, 1600, then capped at 3000.
    expect(delays(0)).toEqual([200, 400, 800, 1500, 1500, 1500, 1500]);
    expect(delays(0.999999)).toEqual([399, 799, 1599, 2999, 2999, 2999, 2999]);
  });

  it("the default cap is in the tens of seconds and the first wait follows Huawei's advice (2-5 s)", () => {
    const defaults = { attempt: 0, policy: defaultRetryPolicy(), random: () => 1, nowMs: NOW_MS, patient: true };
    expect(defaults.policy.maxThrottleDelayMs).toBe(30_000);
    expect(classifyAttempt("GET", response(429), defaults).delayMs).toBe(2000);
    expect(classifyAttempt("GET", response(429), { ...defaults, attempt: 20 }).delayMs).toBe(30_000);
  });

  it("Retry-After, when present, wins over the backoff", () => {
    expect(classifyAttempt("GET", response(429, { retryAfter: "4" }), at(9, 0.5, true)).delayMs).toBe(4000);
  });

  it("Ecs.0118 on an action (at most 1000 servers: the per-minute limit) is refused, sent again after the pacing window", () => {
    const paced = resolveRetryPolicy({ ...throttled, pacedDelayMs: 60_000 });
    const outcome = response(400, { huaweiCode: "Ecs.0118" });
    expect(classifyAttempt("POST", outcome, { ...at(0, 0.5, true), policy: paced })).toEqual({
      retry: true,
      reason: "throttled",
      delayMs: 60_000,
    });
    expect(classifyAttempt("POST", outcome, { ...at(40, 0.5, true), policy: paced }).retry).toBe(true);
    // Without a deadline to bound it, maxAttempts still does.
    expect(classifyAttempt("POST", outcome, { ...at(3, 0.5, false), policy: paced })).toMatchObject({
      retry: false,
      exhausted: true,
    });
  });

  it("refuses a throttle cap below its base", () => {
    expect(() => resolveRetryPolicy({ throttleBaseDelayMs: 5000, maxThrottleDelayMs: 1000 })).toThrow(
      /retry.maxThrottleDelayMs \[1000\] must be >= retry.throttleBaseDelayMs \[5000\]/,
    );
  });
});

describe("parseRetryAfterMs", () => {
  it("reads delta-seconds and HTTP dates, never negative", () => {
    expect(parseRetryAfterMs("120", NOW_MS)).toBe(120_000);
    expect(parseRetryAfterMs(" 2 ", NOW_MS)).toBe(2000);
    expect(parseRetryAfterMs("Mon, 15 Jan 2024 08:30:10 GMT", NOW_MS)).toBe(10_000);
    expect(parseRetryAfterMs("Mon, 15 Jan 2024 08:00:00 GMT", NOW_MS)).toBe(0);
  });

  it("ignores what is neither", () => {
    expect(parseRetryAfterMs(undefined, NOW_MS)).toBeUndefined();
    expect(parseRetryAfterMs("-1", NOW_MS)).toBeUndefined();
    expect(parseRetryAfterMs("1.5", NOW_MS)).toBeUndefined();
    expect(parseRetryAfterMs("soon", NOW_MS)).toBeUndefined();
    expect(parseRetryAfterMs("2024-01-15", NOW_MS)).toBeUndefined();
  });
});

describe("defaultRetryPolicy", () => {
  // The README's retry table promises these: a throttle waits 2 s then doubles up to 30 s, Retry-After is
  // honoured up to 60 s, Ecs.0603 (busy) and Ecs.0118 (per-minute limit) are sent again after a minute, and a
  // POST is re-sent only after an error that fails before a byte is written.
  it("is the documented policy, value by value", () => {
    expect(defaultRetryPolicy()).toEqual({
      maxAttempts: 5,
      baseDelayMs: 500,
      maxDelayMs: 20_000,
      busyDelayMs: 60_000,
      maxRetryAfterMs: 60_000,
      throttleBaseDelayMs: 2_000,
      maxThrottleDelayMs: 30_000,
      pacedDelayMs: 60_000,
      retryableStatuses: [408, 429, 500, 502, 503, 504],
      throttleHuaweiCodes: ["Common.0024", "APIGW.0308", "Common.1503"],
      busyHuaweiCodes: ["Ecs.0603"],
      pacedHuaweiCodes: ["Ecs.0118"],
      retryableNetworkErrors: [
        "ECONNRESET",
        "ECONNREFUSED",
        "ECONNABORTED",
        "EPIPE",
        "ETIMEDOUT",
        "EAI_AGAIN",
        "ENETUNREACH",
        "EHOSTUNREACH",
        "UND_ERR_SOCKET",
        "UND_ERR_CONNECT_TIMEOUT",
        "UND_ERR_HEADERS_TIMEOUT",
        "UND_ERR_BODY_TIMEOUT",
        "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
      ],
      unsentNetworkErrors: ["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "EAI_AGAIN"],
    });
  });
});

describe("resolveRetryPolicy", () => {
  it("overlays the defaults, ignoring undefined overrides", () => {
    expect(resolveRetryPolicy({ maxAttempts: 2, baseDelayMs: undefined })).toEqual({
      ...defaultRetryPolicy(),
      maxAttempts: 2,
    });
  });

  it("returns a fresh object each time, so a caller cannot change the defaults", () => {
    const a = defaultRetryPolicy();
    (a.retryableStatuses as number[]).push(418);
    expect(defaultRetryPolicy().retryableStatuses).not.toContain(418);
  });

  it("rejects bad settings naming the setting, the value and the rule", () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(EcsError);
    expect(() => resolveRetryPolicy({ maxAttempts: 1.5 })).toThrow(
      /retry\.maxAttempts \[1\.5\] must be an integer >= 1/,
    );
    expect(() => resolveRetryPolicy({ busyDelayMs: -1 })).toThrow(/retry\.busyDelayMs \[-1\] must be a number >= 0/);
    expect(() => resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 10 })).toThrow(
      /retry\.maxDelayMs \[10\] must be >= retry\.baseDelayMs \[100\]/,
    );
  });
});

/** The error resolveRetryPolicy throws for `overrides`, or undefined when it accepts them. */
function refusal(overrides: Partial<RetryPolicy>): EcsError | undefined {
  try {
    resolveRetryPolicy(overrides);
    return undefined;
  } catch (error) {
    if (error instanceof EcsError) return error;
    throw error;
  }
}

describe("resolveRetryPolicy: the edges of each rule", () => {
  it("accepts each minimum itself: one attempt, every delay 0, each cap equal to its base", () => {
    const edge = {
      maxAttempts: 1,
      baseDelayMs: 0,
      maxDelayMs: 0,
      busyDelayMs: 0,
      maxRetryAfterMs: 0,
      throttleBaseDelayMs: 0,
      maxThrottleDelayMs: 0,
      pacedDelayMs: 0,
    };
    expect(resolveRetryPolicy(edge)).toMatchObject(edge);
    expect(resolveRetryPolicy({ baseDelayMs: 700, maxDelayMs: 700 })).toMatchObject({ maxDelayMs: 700 });
    const throttle = { throttleBaseDelayMs: 4000, maxThrottleDelayMs: 4000 };
    expect(resolveRetryPolicy(throttle)).toMatchObject(throttle);
  });

  it("accepts a fractional delay (only maxAttempts must be an integer)", () => {
    const fractional = {
      baseDelayMs: 0.5,
      maxDelayMs: 1.5,
      busyDelayMs: 2.5,
      maxRetryAfterMs: 3.5,
      throttleBaseDelayMs: 4.5,
      maxThrottleDelayMs: 5.5,
      pacedDelayMs: 6.5,
    };
    expect(resolveRetryPolicy(fractional)).toMatchObject(fractional);
  });

  it('names every bad setting at once, joined by "; ", and compares a pair only when each of its settings is valid', () => {
    const error = refusal({ maxAttempts: 0, baseDelayMs: 100, maxDelayMs: -1 });
    expect(error).toMatchObject({
      code: "ECS_INVALID_ARGUMENT",
      operation: "checking the retry policy",
      reason: "retry.maxAttempts [0] must be an integer >= 1; retry.maxDelayMs [-1] must be a number >= 0",
    });
    expect(refusal({ throttleBaseDelayMs: 100, maxThrottleDelayMs: -1 })?.reason).toBe(
      "retry.maxThrottleDelayMs [-1] must be a number >= 0",
    );
    expect(
      refusal({ baseDelayMs: 100, maxDelayMs: 10, throttleBaseDelayMs: 100, maxThrottleDelayMs: 10 })?.reason,
    ).toBe("retry.maxDelayMs [10] must be >= retry.baseDelayMs [100]");
    expect(refusal({ maxAttempts: 2 })).toBeUndefined();
  });
});

describe("classifyAttempt: status codes at the edges of 2xx and 5xx", () => {
  it("a 1xx or a 300 is no answer: a GET is rejected, an action POST with a job id is not accepted", () => {
    for (const status of [100, 199, 300]) {
      expect(classifyAttempt("GET", response(status), ctx(0))).toEqual({ retry: false, reason: "rejected" });
      expect(classifyAttempt("POST", response(status, { hasJobId: true }), ctx(0))).toEqual({
        retry: false,
        reason: "rejected",
      });
    }
    expect(classifyAttempt("GET", response(299), ctx(0))).toEqual({ retry: false, reason: "success" });
  });

  it("a 5xx the policy does not retry is still a server error, not a rejection; a listed 4xx is retried as one", () => {
    expect(classifyAttempt("GET", response(501), ctx(0))).toEqual({ retry: false, reason: "server-error" });
    const only503 = { ...ctx(0), policy: resolveRetryPolicy({ retryableStatuses: [503] }) };
    expect(classifyAttempt("GET", response(500), only503)).toEqual({ retry: false, reason: "server-error" });
    expect(classifyAttempt("GET", response(408), ctx(0))).toMatchObject({ retry: true, reason: "server-error" });
  });

  it("Ecs.0118 (the action's per-minute limit) on a GET is an ordinary refusal, not throttling", () => {
    expect(classifyAttempt("GET", response(400, { huaweiCode: "Ecs.0118" }), ctx(0))).toEqual({
      retry: false,
      reason: "rejected",
    });
  });
});

describe("parseRetryAfterMs: only an HTTP date in GMT", () => {
  it("ignores a date with an offset after GMT, which Date.parse would read", () => {
    expect(Number.isNaN(Date.parse("Mon, 15 Jan 2024 09:30:10 GMT+0100"))).toBe(false);
    expect(parseRetryAfterMs("Mon, 15 Jan 2024 09:30:10 GMT+0100", NOW_MS)).toBeUndefined();
  });
});
