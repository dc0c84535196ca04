import {
  defaultEcsEndpoint,
  defaultIamEndpoint,
  isLoopbackEndpoint,
  isLoopbackHost,
  validateEndpoint,
  validateRegion,
} from "../../provider/endpoint";

describe("validateEndpoint", () => {
  it.each([
    ["https://ecs.cn-north-4.myhuaweicloud.com", "https://ecs.cn-north-4.myhuaweicloud.com"],
    ["https://ecs.cn-north-4.myhuaweicloud.com/", "https://ecs.cn-north-4.myhuaweicloud.com"],
    ["https://ecs.eu-west-101.myhuaweicloud.eu:443", "https://ecs.eu-west-101.myhuaweicloud.eu"],
    ["https://ecs.example.com:8443", "https://ecs.example.com:8443"],
    ["HTTPS://ECS.Example.COM", "https://ecs.example.com"],
    ["http://127.0.0.1:8780", "http://127.0.0.1:8780"],
    ["http://127.1.2.3:1/", "http://127.1.2.3:1"],
    ["http://localhost:8780", "http://localhost:8780"],
    ["http://[::1]:8780", "http://[::1]:8780"],
  ])("accepts %s as %s", (input, origin) => {
    expect(validateEndpoint(input)).toBe(origin);
  });

  it.each([
    ["http://ecs.cn-north-4.myhuaweicloud.com", /must use https: \(http: is allowed only for loopback hosts/],
    ["http://128.0.0.1:80", /must use https:/],
    ["http://127.0.0.1.nip.io", /must use https:/],
    ["http://localhost.example.com", /must use https:/],
    ["http://10.0.0.1", /must use https:/],
    ["ftp://127.0.0.1", /the scheme must be https: \(got ftp:\)/],
    ["ecs.cn-north-4.myhuaweicloud.com", /it is not an absolute URL/],
    ["", /it is not an absolute URL/],
    ["https://ecs.example.com/v1", /must not have a path \(got \/v1\)/],
    ["https://ecs.example.com/v1/abc/", /must not have a path/],
    ["https://ecs.example.com?x=1", /must not have a query or a fragment/],
    ["https://ecs.example.com/?", /must not have a query or a fragment/],
    ["https://ecs.example.com#top", /must not have a query or a fragment/],
    ["https://user:pass@ecs.example.com", /must not contain credentials/],
  ])("rejects %s", (input, rule) => {
    expect(() => validateEndpoint(input)).toThrow(rule);
  });

  it("names the setting and the value in a structured EcsError", () => {
    expect(() => validateEndpoint("http://ecs.example.com", "iamEndpoint")).toThrow(
      expect.objectContaining({
        name: "EcsError",
        code: "ECS_INVALID_ENDPOINT",
        message: expect.stringMatching(
          /^checking iamEndpoint \[http:\/\/ecs\.example\.com\] failed: it must use https:/,
        ),
      }),
    );
  });
});

describe("isLoopbackHost", () => {
  it("knows 127.0.0.0/8, localhost and [::1] only", () => {
    expect(["127.0.0.1", "127.255.255.254", "localhost", "[::1]"].every(isLoopbackHost)).toBe(true);
    expect(
      ["128.0.0.1", "127.0.0.256", "::1", "0.0.0.0", "localhost.", "127.0.0.1.example.com"].some(isLoopbackHost),
    ).toBe(false);
  });
});

describe("default endpoints", () => {
  it("builds the ECS and IAM hosts from a region", () => {
    expect(defaultEcsEndpoint("cn-north-4")).toBe("https://ecs.cn-north-4.myhuaweicloud.com");
    expect(defaultIamEndpoint("ap-southeast-1")).toBe("https://iam.ap-southeast-1.myhuaweicloud.com");
  });

  it("serves the eu-west-1xx regions from myhuaweicloud.eu, and eu-west-0 from .com", () => {
    expect(defaultEcsEndpoint("eu-west-101")).toBe("https://ecs.eu-west-101.myhuaweicloud.eu");
    expect(defaultIamEndpoint("eu-west-101")).toBe("https://iam.eu-west-101.myhuaweicloud.eu");
    expect(defaultEcsEndpoint("eu-west-0")).toBe("https://ecs.eu-west-0.myhuaweicloud.com");
    expect(defaultIamEndpoint("eu-west-0")).toBe("https://iam.eu-west-0.myhuaweicloud.com");
  });

  it("refuses a region that would change the host", () => {
    for (const region of ["evil.com/x", "cn-north-4.attacker", "CN-NORTH-4", "", "cn"]) {
      expect(() => validateRegion(region)).toThrow(expect.objectContaining({ code: "ECS_INVALID_ARGUMENT" }));
    }
  });
});

describe("isLoopbackEndpoint", () => {
  it("is true only for a URL whose host is loopback", () => {
    expect(
      ["http://127.0.0.1:8780", "http://localhost:1", "http://[::1]:2", "https://127.5.6.7"].map(isLoopbackEndpoint),
    ).toEqual([true, true, true, true]);
    expect(
      ["https://ecs.cn-north-4.myhuaweicloud.com", "http://10.0.0.1", "http://127.0.0.1.example.com", "not a url"].map(
        isLoopbackEndpoint,
      ),
    ).toEqual([false, false, false, false]);
  });
});
