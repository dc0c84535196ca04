/**
 * Every emulator fault kind on every route, over real HTTP: which are retried (and after exactly
 * which delays), which are not, counted by the emulator's own stats.
 */
import type { EcsClient } from "../../provider/ecsClient";
import type { RetryPolicy } from "../../provider/retryPolicy";
import type { TransportFaultInput } from "../../emulator";
import { findProjectId } from "../../provider/findProjectId";
import {
  CREDENTIALS,
  FAST_TRANSITIONS,
  newClient,
  recordingSleep,
  REGION,
  startCaptureServer,
  testEmulatorPerSuite,
} from "./clientTestKit";

type GetRoute = "job" | "list" | "show" | "projects";

const handle = testEmulatorPerSuite(FAST_TRANSITIONS, [
  { id: "a", status: "ACTIVE" },
  { id: "b", status: "ACTIVE" },
  { id: "c", status: "SHUTOFF" },
]);
let jobId: string;

/** Clients that sleep through a recorder: the delays are asserted, not waited for. */
function recordingClient(extra: Parameters<typeof newClient>[1] = {}) {
  const recorder = recordingSleep();
  const client = newClient(handle.emulator.url, { sleep: recorder.sleep, random: () => 0.5, ...extra });
  return { client, delays: recorder.delays };
}

const ROUTE_KEY: Record<GetRoute | "action", string> = {
  action: "POST action",
  job: "GET job",
  list: "GET list",
  show: "GET show",
  projects: "GET projects",
};

/** One call on each GET route, returning something to assert on. */
async function callRoute(
  route: GetRoute,
  client: EcsClient,
  sleep: (ms: number) => Promise<void>,
  retry = {},
): Promise<unknown> {
  switch (route) {
    case "job":
      return (await client.getJob(jobId)).jobId;
    case "list":
      return (await client.listServers(["a", "c"])).map((s) => s.status);
    case "show":
      return (await client.getServer("a")).status;
    case "projects":
      return lookUpProject({ sleep, retry });
  }
}

/** What a call on a GET route is made with: the recorded sleep, the retry policy, maybe a timeout. */
interface CallOptions {
  readonly sleep: (ms: number) => Promise<void>;
  readonly retry: Partial<RetryPolicy>;
  readonly headersTimeoutMs?: number;
}

/** The project-id lookup against the emulator's IAM route, random 0.5. */
function lookUpProject(options: CallOptions): Promise<string> {
  return findProjectId({
    region: REGION,
    credentials: CREDENTIALS,
    iamEndpoint: handle.emulator.url,
    random: () => 0.5,
    ...options,
  });
}

/** A client for one call, closed afterwards whatever happens. */
async function withClient<T>(
  options: Parameters<typeof newClient>[1],
  use: (client: EcsClient) => Promise<T>,
): Promise<T> {
  const client = newClient(handle.emulator.url, options);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** One call on `route` with `options` (random 0.5): the lookup itself, or a client of its own, closed afterwards. */
function callOnce(route: GetRoute, options: CallOptions): Promise<unknown> {
  return route === "projects"
    ? lookUpProject(options)
    : withClient({ random: () => 0.5, ...options }, (c) => callRoute(route, c, options.sleep));
}

async function requests(route: GetRoute | "action"): Promise<number> {
  return (await handle.admin.stats()).requests[ROUTE_KEY[route]] ?? 0;
}

describe.each<GetRoute>(["job", "list", "show", "projects"])("GET %s", (route) => {
  let client: EcsClient;
  let delays: number[];
  let sleep: (ms: number) => Promise<void>;
  const retry = {
    baseDelayMs: 100,
    maxDelayMs: 1000,
    busyDelayMs: 7000,
    maxRetryAfterMs: 2500,
    throttleBaseDelayMs: 400,
    maxThrottleDelayMs: 1000,
  };

  beforeEach(async () => {
    const recorder = recordingSleep();
    delays = recorder.delays;
    sleep = recorder.sleep;
    client = newClient(handle.emulator.url, { sleep, random: () => 0.5, retry });
    if (route === "job") {
      // A reset would delete the job too: count requests from here instead.
      const setup = newClient(handle.emulator.url);
      jobId = (await setup.batchAction("os-stop", ["b"]))[0].jobId;
      await setup.close();
    }
  });
  afterEach(async () => {
    await client.close();
  });

  const expected = (): unknown =>
    route === "job"
      ? jobId
      : route === "list"
        ? ["ACTIVE", "SHUTOFF"]
        : route === "show"
          ? "ACTIVE"
          : expect.any(String);

  // Each row: the faults injected on the route (in order), then the waits and the requests that get it answered.
  it.each<[string, Omit<TransportFaultInput, "route">[], number[], number]>([
    [
      "retries a throttle (429 APIGW.0308), waiting Retry-After capped at maxRetryAfterMs",
      [
        { kind: "throttle", times: 1, retryAfterSeconds: 2 },
        { kind: "throttle", times: 1, retryAfterSeconds: 30 },
      ],
      [2000, 2500],
      3,
    ],
    [
      "retries 500 Common.0001 with full-jitter backoff (random 0.5: 50, 100 ms)",
      [{ kind: "server-error", times: 2 }],
      [50, 100],
      3,
    ],
    ["retries a connection reset", [{ kind: "reset", times: 1 }], [50], 2],
    [
      "retries a 202 Common.0024 without body (a throttle in disguise), with the throttle's equal jitter (random 0.5: 300 ms)",
      [{ kind: "accepted-no-job", times: 1 }],
      [300],
      2,
    ],
    ["retries 501 Ecs.0603 after exactly busyDelayMs", [{ kind: "busy", times: 1 }], [7000], 2],
  ])("%s", async (_name, faults, expectedDelays, expectedRequests) => {
    for (const fault of faults) await handle.admin.injectFault({ route, ...fault });
    await expect(callRoute(route, client, sleep, retry)).resolves.toEqual(expected());
    expect(delays).toEqual(expectedDelays);
    expect(await requests(route)).toBe(expectedRequests);
  });

  it("retries a headers timeout", async () => {
    // The retry must answer within the timeout even on a loaded machine: a second of slack.
    await handle.admin.injectFault({ route, kind: "delay", delayMs: 5000, times: 1 });
    const result = callOnce(route, { sleep, retry, headersTimeoutMs: 1000 });
    await expect(result).resolves.toEqual(expected());
    expect(delays).toEqual([50]);
    expect(await requests(route)).toBe(2);
  });

  it("gives up after maxAttempts with the last answer's code", async () => {
    await handle.admin.injectFault({ route, kind: "server-error", times: 10 });
    const call = callOnce(route, { sleep, retry: { ...retry, maxAttempts: 3 } });
    await expect(call).rejects.toMatchObject({
      code: "ECS_SERVER_ERROR",
      statusCode: 500,
      huaweiCode: "Common.0001",
      attempts: 3,
    });
    expect(delays).toEqual([50, 100]);
    expect(await requests(route)).toBe(3);
  });
});

describe("POST action: retried only when provably not accepted", () => {
  let client: EcsClient;
  let delays: number[];

  beforeEach(() => {
    ({ client, delays } = recordingClient({
      retry: {
        baseDelayMs: 100,
        maxDelayMs: 1000,
        busyDelayMs: 7000,
        maxRetryAfterMs: 2500,
        throttleBaseDelayMs: 400,
        maxThrottleDelayMs: 1000,
      },
    }));
  });
  afterEach(async () => {
    await client.close();
  });

  it("throttle (429): retried after Retry-After, exactly one job exists", async () => {
    await handle.admin.injectFault({ route: "action", kind: "throttle", times: 1, retryAfterSeconds: 1 });
    const submissions = await client.batchAction("os-stop", ["a", "b"]);
    expect(submissions).toHaveLength(1);
    expect(delays).toEqual([1000]);
    const stats = await handle.admin.stats();
    expect(stats.requests["POST action"]).toBe(2);
    expect(stats.serversSubmitted).toEqual({ "os-stop": 2 });
  });

  it("202 Common.0024 without job_id: retried with the throttle's equal jitter, exactly one job exists", async () => {
    await handle.admin.injectFault({ route: "action", kind: "accepted-no-job", times: 2 });
    const submissions = await client.batchAction("os-stop", ["a"]);
    expect(submissions).toEqual([expect.objectContaining({ jobId: expect.stringMatching(/^[0-9a-f]{32}$/) })]);
    expect(delays).toEqual([300, 600]);
    const stats = await handle.admin.stats();
    expect(stats.requests["POST action"]).toBe(3);
    expect(stats.serversSubmitted).toEqual({ "os-stop": 1 });
  });

  it("501 Ecs.0603 (busy): retried after exactly busyDelayMs", async () => {
    await handle.admin.injectFault({ route: "action", kind: "busy", times: 1 });
    await expect(client.batchAction("os-start", ["c"])).resolves.toHaveLength(1);
    expect(delays).toEqual([7000]);
    expect((await handle.admin.stats()).serversSubmitted).toEqual({ "os-start": 1 });
  });

  it("a connection reset: NOT retried, ECS_AMBIGUOUS_SUBMIT with the refresh hint", async () => {
    await handle.admin.injectFault({ route: "action", kind: "reset", times: 1 });
    await expect(client.batchAction("os-stop", ["a", "b"])).rejects.toMatchObject({
      code: "ECS_AMBIGUOUS_SUBMIT",
      serverIds: ["a", "b"],
      attempts: 1,
      submitted: [],
      message: expect.stringMatching(
        /^os-stop \(SOFT\) of 2 servers failed: .*\((UND_ERR_SOCKET|ECONNRESET)\) after the request may have been sent/,
      ),
      hint: "the action may have been accepted; run `pulumi refresh` then `pulumi up`: servers already in the desired state are not acted on again",
    });
    expect(delays).toEqual([]);
    expect(await requests("action")).toBe(1);
  });

  it.each([
    [500, "Common.0001"],
    [502, "APIGW.0202"],
    [503, undefined], // a proxy's HTML page: no code to keep
    [504, "APIGW.0203"],
  ] as const)(
    "%i on the action: NOT retried, ECS_AMBIGUOUS_SUBMIT keeping Huawei's code (%s) and the request id",
    async (status, huaweiCode) => {
      await handle.admin.injectFault({ route: "action", kind: "server-error", status, times: 1 });
      const error = await client.batchAction("os-stop", ["a"]).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "ECS_AMBIGUOUS_SUBMIT", statusCode: status, attempts: 1 });
      expect((error as { huaweiCode?: string }).huaweiCode).toBe(huaweiCode);
      expect((error as { requestId?: string }).requestId).toMatch(/^[0-9a-f]{32}$/);
      expect(await requests("action")).toBe(1);
    },
  );

  it("a timeout: NOT retried, ECS_AMBIGUOUS_SUBMIT, and indeed the cloud had accepted it", async () => {
    const slow = newClient(handle.emulator.url, { headersTimeoutMs: 60 });
    try {
      await handle.admin.injectFault({ route: "action", kind: "delay", delayMs: 2500, times: 1 });
      await expect(slow.batchAction("os-stop", ["a"])).rejects.toMatchObject({
        code: "ECS_AMBIGUOUS_SUBMIT",
        attempts: 1,
        message: expect.stringContaining("no response headers within 60 ms (UND_ERR_HEADERS_TIMEOUT)"),
      });
    } finally {
      await slow.close();
    }
    const stats = await handle.admin.stats();
    expect(stats.requests["POST action"]).toBe(1);
    expect(stats.serversSubmitted).toEqual({ "os-stop": 1 });
  });

  it("throttled until maxAttempts: ECS_THROTTLED (provably nothing accepted), no job", async () => {
    const { client: few, delays: fewDelays } = recordingClient({ retry: { maxAttempts: 3, maxRetryAfterMs: 10 } });
    try {
      await handle.admin.injectFault({ route: "action", kind: "throttle", times: 5 });
      await expect(few.batchAction("os-stop", ["a"])).rejects.toMatchObject({
        code: "ECS_THROTTLED",
        statusCode: 429,
        huaweiCode: "APIGW.0308",
        attempts: 3,
        hint: expect.stringContaining("lower huaweicloud:ecsServersPerMinute"),
      });
      expect(fewDelays).toEqual([10, 10]);
    } finally {
      await few.close();
    }
    const stats = await handle.admin.stats();
    expect(stats.requests["POST action"]).toBe(3);
    expect(stats.serversSubmitted).toEqual({});
  });
});

describe("connection refused (nothing listening)", () => {
  it("is retried for the POST too, since nothing was sent; then ECS_NETWORK, not ambiguous", async () => {
    const closed = await startCaptureServer(() => ({ status: 200 }));
    await closed.stop();
    const recorder = recordingSleep();
    const client = newClient(closed.url, {
      sleep: recorder.sleep,
      random: () => 0.5,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    });
    try {
      await expect(client.batchAction("os-stop", ["a"])).rejects.toMatchObject({
        code: "ECS_NETWORK",
        attempts: 3,
        message: expect.stringContaining("connection refused (ECONNREFUSED) after 3 attempts"),
        hint: expect.stringContaining(closed.url),
      });
      expect(recorder.delays).toEqual([50, 100]);
    } finally {
      await client.close();
    }
  });
});

describe("cancellation", () => {
  it("an abort during a retry wait ends a GET at once with ECS_ABORTED", async () => {
    const client = newClient(handle.emulator.url, { retry: { busyDelayMs: 30_000 } });
    try {
      await handle.admin.injectFault({ route: "show", kind: "busy", times: 1 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300); // well after the first answer, well before the 30 s wait ends
      await expect(client.getServer("a", { signal: controller.signal })).rejects.toMatchObject({ code: "ECS_ABORTED" });
    } finally {
      await client.close();
    }
    expect(await requests("show")).toBe(1);
  });

  it("an abort cuts off a GET in flight", async () => {
    const client = newClient(handle.emulator.url);
    try {
      await handle.admin.injectFault({ route: "list", kind: "delay", delayMs: 3000, times: 1 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      await expect(client.listServers(["a"], { signal: controller.signal })).rejects.toMatchObject({
        code: "ECS_ABORTED",
        attempts: 0,
      });
    } finally {
      await client.close();
    }
  });

  it("an abort never cuts off the action POST in flight: its job id is still returned", async () => {
    const client = newClient(handle.emulator.url);
    try {
      await handle.admin.injectFault({ route: "action", kind: "delay", delayMs: 1500, times: 1 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300); // the POST is sent by then, its answer held back
      const submissions = await client.batchAction("os-stop", ["a"], { signal: controller.signal });
      expect(submissions).toEqual([
        expect.objectContaining({ serverIds: ["a"], jobId: expect.stringMatching(/^[0-9a-f]{32}$/) }),
      ]);
    } finally {
      await client.close();
    }
  });

  it("an already aborted signal sends nothing", async () => {
    const client = newClient(handle.emulator.url);
    try {
      await expect(client.batchAction("os-stop", ["a"], { signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: "ECS_ABORTED",
        submitted: [],
      });
      await expect(client.getJob("x", { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "ECS_ABORTED" });
    } finally {
      await client.close();
    }
    expect((await handle.admin.stats()).total).toBe(0);
  });
});
