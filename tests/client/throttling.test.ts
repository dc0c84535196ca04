/**
 * Throttling as the real gateway does it (no `Retry-After`, as no Huawei source shows one): a call
 * bounded by the operation's signal is retried until that signal fires, reads and actions alike,
 * and says so as it waits; cut off, its error keeps the gateway's code and message. Over real HTTP
 * against the emulator, with a sleep that records the waits instead of taking them.
 */
import { FAST_TRANSITIONS, newClient, recordingSleep, startCaptureServer, testEmulatorPerSuite } from "./clientTestKit";
import type { ThrottleNotice } from "../../provider/transport";

const handle = testEmulatorPerSuite(FAST_TRANSITIONS, [
  { id: "a", status: "ACTIVE" },
  { id: "b", status: "SHUTOFF" },
]);

/** A client whose sleeps are recorded and whose throttle backoff is the default shape, scaled down. */
function throttledClient() {
  const recorder = recordingSleep();
  const notices: ThrottleNotice[] = [];
  const client = newClient(handle.emulator.url, {
    sleep: recorder.sleep,
    random: () => 0.5,
    retry: { maxAttempts: 5, throttleBaseDelayMs: 100, maxThrottleDelayMs: 1000 },
  });
  return { client, delays: recorder.delays, notices, onThrottled: (n: ThrottleNotice) => notices.push(n) };
}

/**
 * A signal that fires ("deadline") at the `n`-th throttle notice, or `delayMs` after it, and the notice
 * callback that counts them (each also passed on to `onThrottled`).
 */
function abortAfterThrottles(n: number, onThrottled: (notice: ThrottleNotice) => void, delayMs?: number) {
  const controller = new AbortController();
  let seen = 0;
  const abort = () => controller.abort(new Error("deadline"));
  return {
    signal: controller.signal,
    onThrottled: (notice: ThrottleNotice) => {
      onThrottled(notice);
      if (++seen !== n) return;
      if (delayMs === undefined) abort();
      else setTimeout(abort, delayMs);
    },
  };
}

describe("a call bounded by the operation's signal, throttled without Retry-After", () => {
  it("a read throttled 12 times (well over the 5 attempts of the old budget) is retried until it answers", async () => {
    const { client, delays, notices, onThrottled } = throttledClient();
    await handle.admin.injectFault({ route: "list", kind: "throttle", times: 12, retryAfterSeconds: null });
    const signal = new AbortController().signal;
    try {
      const servers = await client.listServers(["a", "b"], { signal, onThrottled });
      expect(servers.map((s) => s.status)).toEqual(["ACTIVE", "SHUTOFF"]);
    } finally {
      await client.close();
    }
    // Equal jitter at random 0.5: 3/4 of min(1000, 100 * 2^n).
    expect(delays).toEqual([75, 150, 300, 600, 750, 750, 750, 750, 750, 750, 750, 750]);
    expect(notices).toHaveLength(12);
    expect(notices[11]).toMatchObject({
      operation: "listing 2 servers",
      huaweiCode: "APIGW.0308",
      nextAttemptInMs: 750,
      attempts: 12,
    });
    expect((await handle.admin.stats()).requests["GET list"]).toBe(13);
  });

  it("an action throttled 8 times is sent again each time (refused, nothing done) and accepted once", async () => {
    const { client, notices, onThrottled } = throttledClient();
    await handle.admin.injectFault({ route: "action", kind: "throttle", times: 8, retryAfterSeconds: null });
    try {
      const submissions = await client.batchAction("os-stop", ["a"], {
        signal: new AbortController().signal,
        onThrottled,
      });
      expect(submissions).toHaveLength(1);
    } finally {
      await client.close();
    }
    expect(notices.map((n) => n.attempts)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const stats = await handle.admin.stats();
    expect(stats.requests["POST action"]).toBe(9);
    expect(stats.serversSubmitted).toEqual({ "os-stop": 1 });
  });

  it("cut off by the signal while throttled: ECS_ABORTED keeping APIGW.0308, its message and how long it lasted", async () => {
    const { client, onThrottled } = throttledClient();
    await handle.admin.injectFault({ route: "action", kind: "throttle", times: 1000, retryAfterSeconds: null });
    const { signal, onThrottled: abortAtSixth } = abortAfterThrottles(6, onThrottled);
    const error = await client
      .batchAction("os-stop", ["a"], { signal, onThrottled: abortAtSixth })
      .catch((e: unknown) => e)
      .finally(() => client.close());
    expect(error).toMatchObject({
      code: "ECS_ABORTED",
      huaweiCode: "APIGW.0308",
      huaweiMessage: expect.stringMatching(/over ratelimit.*\(throttled for \d+ s\)$/),
      reason: expect.stringMatching(/^cut off after the API gateway had throttled this call for \d+ s$/),
      serverIds: ["a"],
      hint: expect.stringContaining("rate limiting this account"),
    });
    const stats = await handle.admin.stats();
    expect(stats.requests["POST action"]).toBe(6);
    expect(stats.serversSubmitted).toEqual({});
  });

  it("a read cut off in flight (the attempt after a throttled one) keeps the throttling as its reason", async () => {
    const { client, onThrottled } = throttledClient();
    await handle.admin.injectFault({ route: "list", kind: "throttle", times: 3, retryAfterSeconds: null });
    await handle.admin.injectFault({ route: "list", kind: "delay", delayMs: 10_000, times: 1 });
    // The sleeps are recorded, not taken: the fourth attempt is in flight (delayed) when the signal fires.
    const { signal, onThrottled: abortAfterThird } = abortAfterThrottles(3, onThrottled, 300);
    const error = await client
      .listServers(["a"], { signal, onThrottled: abortAfterThird })
      .catch((e: unknown) => e)
      .finally(() => client.close());
    expect(error).toMatchObject({
      code: "ECS_ABORTED",
      huaweiCode: "APIGW.0308",
      huaweiMessage: expect.stringMatching(/over ratelimit.*\(throttled for \d+ s\)$/),
      reason: expect.stringMatching(/^cut off after the API gateway had throttled this call for \d+ s$/),
    });
    expect((await handle.admin.stats()).requests["GET list"]).toBe(4);
  });

  it("without a signal, the policy's maxAttempts still bounds it: ECS_THROTTLED after 5 attempts", async () => {
    const { client, notices, onThrottled } = throttledClient();
    await handle.admin.injectFault({ route: "job", kind: "throttle", times: 100, retryAfterSeconds: null });
    await expect(client.getJob("0123456789abcdef0123456789abcdef", { onThrottled })).rejects.toMatchObject({
      code: "ECS_THROTTLED",
      huaweiCode: "APIGW.0308",
      attempts: 5,
    });
    await client.close();
    expect(notices).toHaveLength(4);
  });
});

describe("Ecs.0118 on a call of at most 1000 servers", () => {
  it("is the per-minute limit: refused, so the action is sent again after one pacing window, and accepted", async () => {
    const recorder = recordingSleep();
    const notices: ThrottleNotice[] = [];
    // The emulator answers its per-minute limit with a 429; this answer is the other one the sources allow.
    const server = await startCaptureServer((_request, index) =>
      index < 2
        ? { status: 400, body: { error: { code: "Ecs.0118", message: "The number of servers exceeds the limit." } } }
        : { status: 200, body: { job_id: "ff80808288d41e1b018990260955686a" } },
    );
    const client = newClient(server.url, { sleep: recorder.sleep, pacingWindowMs: 60_000 });
    try {
      const submissions = await client.batchAction("os-stop", ["a", "b"], {
        signal: new AbortController().signal,
        onThrottled: (n) => notices.push(n),
      });
      expect(submissions.map((s) => s.jobId)).toEqual(["ff80808288d41e1b018990260955686a"]);
    } finally {
      await client.close();
      await server.stop();
    }
    expect(server.requests).toHaveLength(3);
    expect(recorder.delays).toEqual([60_000, 60_000]);
    expect(notices.map((n) => n.huaweiCode)).toEqual(["Ecs.0118", "Ecs.0118"]);
  });
});
