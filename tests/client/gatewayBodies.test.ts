/**
 * The gateway's own errors in the shape of Huawei's APIG FAQ (fci_00001), `{"error_message": "...",
 * "status_code": 429}` (emulator variant `gatewayBodies: "error-message"`): the client keeps Huawei's
 * text in its EcsError, over real HTTP against the emulator.
 */
import { CREDENTIALS, FAST_TRANSITIONS, newClient, testEmulatorPerSuite } from "./clientTestKit";

const handle = testEmulatorPerSuite({ ...FAST_TRANSITIONS, gatewayBodies: "error-message" }, [
  { id: "a", status: "ACTIVE" },
]);

describe("gateway errors shaped {error_message, status_code}", () => {
  it("a wrong secret key: ECS_AUTH_FAILED whose message is the gateway's text, with the request id, never retried", async () => {
    const wrong = newClient(handle.emulator.url, {
      credentials: { accessKey: CREDENTIALS.accessKey, secretKey: "not-the-secret-key-0000000000000000000000" },
    });
    const error = await wrong
      .getServer("a")
      .catch((e: unknown) => e)
      .finally(() => wrong.close());
    expect(error).toMatchObject({
      code: "ECS_AUTH_FAILED",
      statusCode: 401,
      huaweiMessage: expect.stringContaining("verify aksk signature fail"),
      requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
      attempts: 1,
    });
    expect((error as { huaweiCode?: string }).huaweiCode).toBeUndefined();
    expect((error as Error).message).toContain("verify aksk signature fail");
    expect((await handle.admin.stats()).answers).toEqual({ "GET show 401": 1 });
  });

  it("throttled past the policy's attempts: ECS_THROTTLED keeping the gateway's text", async () => {
    const client = newClient(handle.emulator.url, { retry: { maxAttempts: 3 } });
    await handle.admin.injectFault({ route: "job", kind: "throttle", times: 10, retryAfterSeconds: null });
    const error = await client
      .getJob("0123456789abcdef0123456789abcdef")
      .catch((e: unknown) => e)
      .finally(() => client.close());
    expect(error).toMatchObject({
      code: "ECS_THROTTLED",
      statusCode: 429,
      huaweiMessage: expect.stringContaining("over ratelimit,limit:200,time:5 minute"),
      attempts: 3,
    });
    expect((error as Error).message).toContain("over ratelimit,limit:200,time:5 minute");
    expect((await handle.admin.stats()).requests["GET job"]).toBe(3);
  });

  it("ECS's own errors keep their code and message (the variant reshapes only the gateway's)", async () => {
    const client = newClient(handle.emulator.url);
    await expect(client.batchAction("os-start", ["a"]).finally(() => client.close())).rejects.toMatchObject({
      code: "ECS_SERVER_STATE",
      huaweiCode: "Ecs.0100",
      huaweiMessage: expect.stringContaining("does not meet the requirements of os-start"),
    });
  });
});
