/** Gateway limits: servers per rolling minute across action calls, and requests per second. */
import { seededServerId } from "../../emulator";
import { startTestEmulator } from "./emulatorTestClient";

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => seededServerId(from + i * 2));

describe("batchPerMinute", () => {
  it("throttles the call that would pass the limit, with APIGW.0308 and Retry-After, and lets it through a minute later", async () => {
    const t = await startTestEmulator({ seed: 20, batchPerMinute: 5, throttleRetryAfter: true });
    try {
      expect((await t.client.stop(ids(0, 3))).status).toBe(200);
      t.clock.advance(10_000);
      const throttled = await t.client.stop(ids(6, 3));
      expect(throttled.status).toBe(429);
      expect(throttled.json).toEqual({
        error_code: "APIGW.0308",
        error_msg: expect.stringContaining("limit:5,time:1 minute"),
        request_id: throttled.headers.get("x-request-id"),
      });
      // The first 3 fall out of the window 60 s after they were accepted, 50 s from now.
      expect(throttled.headers.get("retry-after")).toBe("50");
      expect((await t.client.stop(ids(6, 2))).status).toBe(200);
      t.clock.advance(50_000);
      expect((await t.client.stop(ids(10, 3))).status).toBe(200);
    } finally {
      await t.emulator.stop();
    }
  });

  it("does not count servers of rejected calls", async () => {
    const t = await startTestEmulator({ seed: 20, batchPerMinute: 2 });
    try {
      expect((await t.client.stop([seededServerId(1)])).status).toBe(400); // SHUTOFF: rejected
      expect((await t.client.stop(ids(0, 2))).status).toBe(200);
      expect((await t.admin.stats()).serversSubmitted).toEqual({ "os-stop": 2 });
    } finally {
      await t.emulator.stop();
    }
  });

  it("with 0 is unlimited", async () => {
    const t = await startTestEmulator({ seed: 2000, batchPerMinute: 0 });
    try {
      expect((await t.client.stop(ids(0, 1000))).status).toBe(200);
      expect((await t.client.start(Array.from({ length: 1000 }, (_, i) => seededServerId(i * 2 + 1)))).status).toBe(
        200,
      );
    } finally {
      await t.emulator.stop();
    }
  });

  it("counts over batchWindowSeconds when the minute is shortened, and says so in the answer", async () => {
    const t = await startTestEmulator({
      seed: 20,
      batchPerMinute: 5,
      batchWindowSeconds: 5,
      throttleRetryAfter: true,
    });
    try {
      expect((await t.client.stop(ids(0, 5))).status).toBe(200);
      t.clock.advance(2_000);
      const throttled = await t.client.stop(ids(10, 1));
      expect(throttled.status).toBe(429);
      expect(throttled.json).toMatchObject({ error_msg: expect.stringContaining("limit:5,time:5 second") });
      // The first 5 leave the window 5 s after they were accepted, 3 s from now.
      expect(throttled.headers.get("retry-after")).toBe("3");
      t.clock.advance(2_999);
      expect((await t.client.stop(ids(10, 1))).status).toBe(429);
      t.clock.advance(1);
      expect((await t.client.stop(ids(10, 5))).status).toBe(200);
    } finally {
      await t.emulator.stop();
    }
  });

  it("defaults to the documented 1000 servers per minute", async () => {
    const t = await startTestEmulator({ seed: 2002 });
    try {
      expect(t.emulator.options.batchPerMinute).toBe(1000);
      expect(t.emulator.options.batchWindowSeconds).toBe(60);
      expect((await t.client.stop(ids(0, 1000))).status).toBe(200);
      expect((await t.client.stop([seededServerId(2000)])).status).toBe(429);
    } finally {
      await t.emulator.stop();
    }
  });
});

describe("rateLimit", () => {
  it("throttles requests beyond n per second on all API routes, then recovers", async () => {
    const t = await startTestEmulator({ seed: 1, rateLimit: 3, rateLimitWindowSeconds: 1, throttleRetryAfter: true });
    try {
      expect((await t.client.show(seededServerId(0))).status).toBe(200);
      expect((await t.client.list()).status).toBe(200);
      t.clock.advance(500);
      expect((await t.client.projects(t.emulator.options.region)).status).toBe(200);
      const throttled = await t.client.job("ff80808288d41e1b018990260955686a");
      expect(throttled.status).toBe(429);
      expect(throttled.json.error_code).toBe("APIGW.0308");
      expect(throttled.json.error_msg).toContain("limit:3,time:1 second");
      expect(throttled.headers.get("retry-after")).toBe("1");
      t.clock.advance(500);
      expect((await t.client.show(seededServerId(0))).status).toBe(200);
    } finally {
      await t.emulator.stop();
    }
  });

  it("by default counts over a minute and sends no Retry-After (no source shows APIG sending one)", async () => {
    const t = await startTestEmulator({ seed: 1, rateLimit: 2 });
    try {
      expect((await t.client.show(seededServerId(0))).status).toBe(200);
      t.clock.advance(30_000);
      expect((await t.client.list()).status).toBe(200);
      t.clock.advance(29_999);
      const throttled = await t.client.show(seededServerId(0));
      expect(throttled.status).toBe(429);
      expect(throttled.json.error_msg).toContain("limit:2,time:1 minute");
      expect(throttled.headers.has("retry-after")).toBe(false);
      t.clock.advance(1);
      expect((await t.client.show(seededServerId(0))).status).toBe(200);
    } finally {
      await t.emulator.stop();
    }
  });

  it("never throttles the admin API", async () => {
    const t = await startTestEmulator({ seed: 1, rateLimit: 1 });
    try {
      expect((await t.client.list()).status).toBe(200);
      for (let i = 0; i < 5; i += 1) await t.admin.listServers();
      expect((await t.admin.stats()).total).toBe(1);
    } finally {
      await t.emulator.stop();
    }
  });
});
