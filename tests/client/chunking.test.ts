/** Splitting into API-sized calls, bounded list concurrency, and never losing an accepted job id. */
import type { BatchSubmission } from "../../provider/ecsClient";
import {
  FAST_TRANSITIONS,
  ids,
  newClient,
  PROJECT_ID,
  recordingSleep,
  startCaptureServer,
  testEmulatorPerSuite,
} from "./clientTestKit";

const handle = testEmulatorPerSuite(FAST_TRANSITIONS);

describe("batchAction chunking", () => {
  it("sends 2500 servers as 3 calls of 1000, 1000 and 500 (Ecs.0118 is never provoked)", async () => {
    const fleet = ids("srv", 2500);
    await handle.admin.putServers(fleet.map((id) => ({ id, status: "ACTIVE" as const })));
    const recorder = recordingSleep();
    // A limit above the fleet size: no pacing wait here, only the split.
    const client = newClient(handle.emulator.url, { serversPerMinute: 5000, sleep: recorder.sleep });
    const seen: BatchSubmission[] = [];
    try {
      const submissions = await client.batchAction("os-stop", fleet, { onSubmitted: (s) => seen.push(s) });
      expect(submissions.map((s) => s.serverIds.length)).toEqual([1000, 1000, 500]);
      expect(submissions.flatMap((s) => s.serverIds)).toEqual(fleet);
      expect(new Set(submissions.map((s) => s.jobId)).size).toBe(3);
      expect(seen).toEqual(submissions);
      expect(recorder.delays).toEqual([]);
    } finally {
      await client.close();
    }
    const stats = await handle.admin.stats();
    expect(stats.requests["POST action"]).toBe(3);
    expect(stats.serversSubmitted).toEqual({ "os-stop": 2500 });
  });

  it("when the 2nd call fails, the error carries the 1st call's job and the 3rd is never sent", async () => {
    const fleet = ids("srv", 2500);
    await handle.admin.putServers(fleet.map((id, i) => ({ id, status: "ACTIVE" as const, locked: i === 1500 })));
    const client = newClient(handle.emulator.url, { serversPerMinute: 5000 });
    const seen: string[] = [];
    let accepted: BatchSubmission[] = [];
    try {
      const failure = client.batchAction("os-stop", fleet, { type: "HARD", onSubmitted: (s) => seen.push(s.jobId) });
      await expect(failure).rejects.toMatchObject({
        code: "ECS_SERVER_LOCKED",
        huaweiCode: "Ecs.0605",
        serverIds: fleet.slice(1000, 2000),
        submitted: [
          {
            jobId: expect.any(String),
            action: "os-stop",
            type: "HARD",
            serverIds: fleet.slice(0, 1000),
            submittedAt: expect.any(Date),
          },
        ],
      });
      accepted = await failure.catch((error: { submitted: BatchSubmission[] }) => error.submitted);
      await expect(failure).rejects.toMatchObject({
        message: expect.stringContaining(`already accepted: job ${accepted[0].jobId}`),
      });
    } finally {
      await client.close();
    }
    expect(seen).toEqual([accepted[0].jobId]);
    const stats = await handle.admin.stats();
    expect(stats.requests["POST action"]).toBe(2);
    expect(stats.serversSubmitted).toEqual({ "os-stop": 1000 });
  });

  it("when a later call is ambiguous, the error is ECS_AMBIGUOUS_SUBMIT for that chunk and still carries the accepted job", async () => {
    const server = await startCaptureServer((_request, index) =>
      index === 0
        ? { status: 200, body: { job_id: "job-one" } }
        : { status: 503, body: "<html>Service Unavailable</html>" },
    );
    // 2 servers per minute: chunks [a, b] and [c], the wait between them recorded, not slept.
    const recorder = recordingSleep();
    const paced = newClient(server.url, { serversPerMinute: 2, sleep: recorder.sleep });
    try {
      await expect(paced.batchAction("os-start", ["a", "b", "c"])).rejects.toMatchObject({
        code: "ECS_AMBIGUOUS_SUBMIT",
        statusCode: 503,
        serverIds: ["c"],
        submitted: [{ jobId: "job-one", action: "os-start", serverIds: ["a", "b"] }],
        message: expect.stringContaining('non-JSON answer: "<html>Service Unavailable</html>"'),
      });
      expect(server.requests).toHaveLength(2);
      expect(recorder.delays).toHaveLength(1);
    } finally {
      await paced.close();
      await server.stop();
    }
  });

  it("deduplicates ids and rejects bad ones before sending anything", async () => {
    await handle.admin.putServers([{ id: "a", status: "ACTIVE" }]);
    const client = newClient(handle.emulator.url);
    try {
      await expect(client.batchAction("os-stop", ["a", "a", "a"])).resolves.toEqual([
        expect.objectContaining({ serverIds: ["a"] }),
      ]);
      await expect(client.batchAction("os-stop", ["a", ""])).rejects.toMatchObject({
        code: "ECS_INVALID_ARGUMENT",
        message: expect.stringContaining("serverIds[1] []"),
      });
      await expect(client.batchAction("os-stop", ["a,b"])).rejects.toMatchObject({ code: "ECS_INVALID_ARGUMENT" });
      await expect(client.listServers(["a", 7 as unknown as string])).rejects.toMatchObject({
        code: "ECS_INVALID_ARGUMENT",
      });
      await expect(client.batchAction("os-start", ["a"], { type: "HARD" })).rejects.toMatchObject({
        code: "ECS_INVALID_ARGUMENT",
        message: expect.stringContaining("os-start takes no type"),
      });
      await expect(client.batchAction("os-stop", ["a"], { type: "SOFTISH" as "SOFT" })).rejects.toMatchObject({
        code: "ECS_INVALID_ARGUMENT",
      });
      await expect(client.batchAction("os-delete" as "os-stop", ["a"])).rejects.toMatchObject({
        code: "ECS_INVALID_ARGUMENT",
      });
    } finally {
      await client.close();
    }
    expect((await handle.admin.stats()).requests).toEqual({ "POST action": 1 });
  });
});

describe("listServers chunking and concurrency", () => {
  it("asks for 250 ids in 3 calls of 100, 100 and 50, and answers in the order asked", async () => {
    const known = ids("srv", 240);
    await handle.admin.putServers(
      known.map((id, i) => ({ id, status: i % 2 === 0 ? ("ACTIVE" as const) : ("SHUTOFF" as const) })),
    );
    // Unknown ids spread through the list, in every chunk.
    const asked = [...known];
    for (let i = 0; i < 10; i++) asked.splice(i * 25, 0, `ghost-${i}`);
    const client = newClient(handle.emulator.url);
    try {
      const servers = await client.listServers(asked);
      expect(servers.map((s) => s.id)).toEqual(asked);
      expect(servers.filter((s) => !s.found).map((s) => s.id)).toEqual(ids("ghost", 10).map((_, i) => `ghost-${i}`));
      expect(servers.filter((s) => s.found).map((s) => s.status)).toEqual(
        known.map((_, i) => (i % 2 === 0 ? "ACTIVE" : "SHUTOFF")),
      );
    } finally {
      await client.close();
    }
    expect((await handle.admin.stats()).requests).toEqual({ "GET list": 3 });
  });

  it("sends limit=<n> and comma-joined ids, at most listConcurrency at once", async () => {
    const server = await startCaptureServer((request) => {
      const url = new URL(request.url, "http://x");
      const asked = (url.searchParams.get("server_id") ?? "").split(",");
      return {
        status: 200,
        delayMs: 40,
        body: { count: asked.length, servers: asked.map((id) => ({ id, status: "ACTIVE" })) },
      };
    });
    const fleet = ids("srv", 1000);
    const client = newClient(server.url, { listConcurrency: 3 });
    const defaultClient = newClient(server.url);
    try {
      const servers = await client.listServers(fleet);
      expect(servers.map((s) => s.id)).toEqual(fleet);
      expect(server.requests).toHaveLength(10);
      expect(server.maxInFlight()).toBe(3);
      const first = new URL(server.requests[0].url, "http://x");
      expect(first.pathname).toBe(`/v1/${PROJECT_ID}/cloudservers/detail`);
      expect(first.searchParams.get("limit")).toBe("100");
      expect(server.requests[0].url).toContain(`limit=100&server_id=${fleet.slice(0, 100).join("%2C")}`);

      await defaultClient.listServers(fleet);
      expect(server.maxInFlight()).toBe(4);
    } finally {
      await client.close();
      await defaultClient.close();
      await server.stop();
    }
  });

  it("fails as a whole when one chunk fails, and starts no new chunk after the failure", async () => {
    const server = await startCaptureServer((_request, index) =>
      index === 0
        ? { status: 400, body: { error: { code: "Ecs.0005", message: "bad server_id" } } }
        : { status: 200, delayMs: 20, body: { servers: [] } },
    );
    const client = newClient(server.url, { listConcurrency: 2 });
    try {
      await expect(client.listServers(ids("srv", 1000))).rejects.toMatchObject({
        code: "ECS_BAD_REQUEST",
        huaweiCode: "Ecs.0005",
        serverIds: ids("srv", 100),
        message: expect.stringContaining("servers: srv-00000, srv-00001"),
      });
      // The first worker failed; the second had its one chunk in flight and then stopped.
      expect(server.requests.length).toBeLessThanOrEqual(3);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
