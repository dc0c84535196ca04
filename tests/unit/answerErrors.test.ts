/** huaweiErrorOf: every error body shape Huawei answers with, read into one code / message / request id. */
import { huaweiErrorOf } from "../../provider/transport/answerErrors";

describe("huaweiErrorOf", () => {
  it.each<[string, unknown, ReturnType<typeof huaweiErrorOf>]>([
    [
      "ECS's nested body",
      { error: { code: "Ecs.0100", message: "status does not meet" } },
      { code: "Ecs.0100", message: "status does not meet", requestId: undefined },
    ],
    [
      "the gateway's flat body",
      { error_code: "APIGW.0308", error_msg: "over ratelimit", request_id: "r1" },
      { code: "APIGW.0308", message: "over ratelimit", requestId: "r1" },
    ],
    [
      "the top-level body",
      { code: "Common.0011", message: "job expired" },
      { code: "Common.0011", message: "job expired", requestId: undefined },
    ],
    [
      "the gateway's {error_message, status_code} (APIG FAQ fci_00001)",
      { error_message: "The throttling threshold has been reached", status_code: 429 },
      { code: undefined, message: "The throttling threshold has been reached", requestId: undefined, statusCode: 429 },
    ],
  ])("%s", (_shape, body, expected) => {
    expect(huaweiErrorOf(body)).toEqual(expected);
  });

  it("prefers a coded message to error_message, and ignores a malformed error_message or status_code", () => {
    expect(huaweiErrorOf({ error_code: "APIGW.0301", error_msg: "coded", error_message: "plain" }).message).toBe(
      "coded",
    );
    expect(huaweiErrorOf({ error_message: "", status_code: "429" })).toEqual({
      code: undefined,
      message: undefined,
      requestId: undefined,
    });
    expect(huaweiErrorOf({ error_message: 7, status_code: 4.5 }).statusCode).toBeUndefined();
  });
});
