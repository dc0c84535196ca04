/** The three worked vectors of the reference (produced by the official Node SDK), byte for byte. */
import { canonicalQuery, formatSdkDate, parseSdkDate, sha256Hex, signRequest } from "../../provider/signer";

const credentials = { accessKey: "HPUAEXAMPLEAK0000001", secretKey: "exampleSecretKey0000000000000000000000000" };
const projectId = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const base = `https://ecs.cn-north-4.myhuaweicloud.com/v1/${projectId}`;
const date = new Date("2024-01-15T08:30:00Z");
const headers = { "Content-Type": "application/json" };

describe("signRequest: reference vectors", () => {
  it("signs the batch stop POST (vector 1)", () => {
    const body =
      '{"os-stop":{"servers":[{"id":"616fb98f-46ca-475e-917e-2563e5a8cd19"},{"id":"726fb98f-46ca-475e-917e-2563e5a8cd20"}],"type":"SOFT"}}';
    expect(sha256Hex(body)).toBe("12c7bcc1de26d06ea85162f435c24346d73274a821ecb10a5cf164279bba5c24");
    const signed = signRequest(
      { method: "POST", url: `${base}/cloudservers/action`, headers, body, projectId },
      credentials,
      date,
    );
    expect(signed).toEqual({
      "X-Sdk-Date": "20240115T083000Z",
      "X-Project-Id": projectId,
      Authorization:
        "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=860f692985711643aba35a492b3e16bd8ebd11b31ec20dddf08dd188a2e03a9a",
    });
  });

  it("signs the detail GET with a comma in the query (vector 2)", () => {
    const url = new URL(
      `${base}/cloudservers/detail?server_id=616fb98f-46ca-475e-917e-2563e5a8cd19,726fb98f-46ca-475e-917e-2563e5a8cd20&limit=100`,
    );
    expect(canonicalQuery(url.searchParams)).toBe(
      "limit=100&server_id=616fb98f-46ca-475e-917e-2563e5a8cd19%2C726fb98f-46ca-475e-917e-2563e5a8cd20",
    );
    const signed = signRequest({ method: "GET", url, headers, projectId }, credentials, date);
    expect(signed.Authorization).toBe(
      "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=115c914fac45d15eb5ecfbad8e1b0dd7c67eb9436cda959b322a14e9c9905e21",
    );
  });

  it("signs the job GET with a security token (vector 3)", () => {
    const signed = signRequest(
      { method: "GET", url: `${base}/jobs/ff80808288d41e1b018990260955686a`, headers, projectId },
      { ...credentials, securityToken: "EXAMPLE-SECURITY-TOKEN" },
      date,
    );
    expect(signed).toEqual({
      "X-Sdk-Date": "20240115T083000Z",
      "X-Project-Id": projectId,
      "X-Security-Token": "EXAMPLE-SECURITY-TOKEN",
      Authorization:
        "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, Signature=c078e5c78c6b6bec3b8093feffce9824f809d72d934af619877dc1034268a07d",
    });
  });

  it("does not mutate the request it signs", () => {
    const request = { method: "GET", url: `${base}/jobs/x`, headers: { ...headers }, projectId };
    const copy = JSON.parse(JSON.stringify(request));
    signRequest(request, credentials, date);
    expect(request).toEqual(copy);
  });
});

describe("X-Sdk-Date", () => {
  it("formats and parses the basic ISO form in UTC", () => {
    expect(formatSdkDate(new Date("2024-01-15T08:30:00.999Z"))).toBe("20240115T083000Z");
    expect(parseSdkDate("20240115T083000Z")?.toISOString()).toBe("2024-01-15T08:30:00.000Z");
    expect(parseSdkDate("2024-01-15T08:30:00Z")).toBeUndefined();
    expect(parseSdkDate("20241315T083000Z")).toBeUndefined();
  });
});
