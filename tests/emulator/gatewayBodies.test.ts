/** Variant gatewayBodies: the gateway's own (APIGW.*) answers flat, or as {error_message, status_code} (APIG FAQ fci_00001). */
import type { EmulatorOptions } from "../../emulator";
import { parseCliArgs } from "../../emulator/parseCliArgs";
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const A = "00000000-0000-4000-8000-000000000001";

async function withEmulator(options: EmulatorOptions, body: (t: TestEmulator) => Promise<void>): Promise<void> {
  const t = await startTestEmulator({ servers: [{ id: A, status: "ACTIVE" }], ...options });
  try {
    await body(t);
  } finally {
    await t.emulator.stop();
  }
}

const WRONG_KEYS = { accessKey: "AKNOTKNOWN00000000000", secretKey: "wrong" };

describe("gatewayBodies", () => {
  it("flat by default: {error_code, error_msg, request_id}", async () => {
    await withEmulator({ rateLimit: 1 }, async (t) => {
      await t.client.list();
      const throttled = await t.client.list();
      expect(throttled.json).toEqual({
        error_code: "APIGW.0308",
        error_msg: expect.stringContaining("limit:1,time:1 minute"),
        request_id: throttled.headers.get("x-request-id"),
      });
    });
  });

  it("error-message: throttling, 401, an unknown route and 502 answer {error_message, status_code}, request id in the header", async () => {
    await withEmulator({ rateLimit: 2, gatewayBodies: "error-message" }, async (t) => {
      const unknownRoute = await t.client.call("GET", `/v1/${t.client.projectId}/nothing-here`);
      expect(unknownRoute.status).toBe(404);
      expect(unknownRoute.json).toEqual({
        error_message: "The API does not exist or has not been published in the environment.",
        status_code: 404,
      });
      const refused = await t.client.call("GET", `/v1/${t.client.projectId}/cloudservers/${A}`, {
        credentials: WRONG_KEYS,
      });
      expect(refused.status).toBe(401);
      expect(refused.json).toEqual({ error_message: expect.stringContaining("Incorrect IAM"), status_code: 401 });
      expect(refused.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
      await t.client.list();
      await t.client.list();
      const throttled = await t.client.list();
      expect(throttled.status).toBe(429);
      expect(throttled.json).toEqual({
        error_message: expect.stringContaining("policy user over ratelimit,limit:2,time:1 minute"),
        status_code: 429,
      });
    });
    await withEmulator({ gatewayBodies: "error-message" }, async (t) => {
      await t.admin.injectFault({ route: "show", kind: "server-error", status: 502 });
      const unavailable = await t.client.show(A);
      expect(unavailable.status).toBe(502);
      expect(unavailable.json).toEqual({ error_message: "Backend unavailable.", status_code: 502 });
    });
  });

  it("error-message leaves ECS's own errors (nested, or flat under errorBodies flat) and IAM's Pdp.0001 alone", async () => {
    await withEmulator({ gatewayBodies: "error-message" }, async (t) => {
      expect((await t.client.start([A])).json.error.code).toBe("Ecs.0100");
      await t.admin.setVariants({ errorBodies: "flat" });
      expect((await t.client.start([A])).json).toMatchObject({ error_code: "Ecs.0100" });
      await t.admin.setVariants({ authorizedEnterpriseProjects: ["ep-1"] });
      expect((await t.client.list()).json).toMatchObject({ error_code: "Pdp.0001" });
    });
  });

  it("is a CLI flag and refuses unknown shapes", async () => {
    expect(parseCliArgs(["--gateway-bodies", "error-message"])).toEqual({
      kind: "run",
      options: expect.objectContaining({ gatewayBodies: "error-message" }),
    });
    expect(() => parseCliArgs(["--gateway-bodies", "html"])).toThrow(
      "--gateway-bodies [html] must be one of flat, error-message",
    );
  });
});
