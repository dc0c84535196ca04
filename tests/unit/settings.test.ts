import { readProviderConfig, resolveSettings, resolveTarget } from "../../provider/settings";

const config = (entries: Record<string, string>) => readProviderConfig((k) => entries[k]);

describe("settings resolution", () => {
  it("prefers resource args, then stack config, then the environment", () => {
    const env = { HW_REGION_NAME: "cn-east-3", HW_PROJECT_ID: "e".repeat(32), HW_ACCESS_KEY: "env-ak", HW_SECRET_KEY: "env-sk" };
    const c = config({ "huaweicloud:region": "cn-north-4", "huaweicloud:accessKey": "cfg-ak", "huaweicloud:secretKey": "cfg-sk" });
    expect(resolveSettings({}, c, env)).toEqual({
      endpoint: "https://ecs.cn-north-4.myhuaweicloud.com",
      region: "cn-north-4",
      projectId: "e".repeat(32),
      credentials: { accessKey: "cfg-ak", secretKey: "cfg-sk" },
      iamEndpoint: undefined,
      serversPerMinute: undefined,
      pacingWindowSeconds: undefined,
    });
    expect(resolveTarget({ region: "ap-southeast-1" }, c, env).endpoint).toBe("https://ecs.ap-southeast-1.myhuaweicloud.com");
    expect(resolveTarget({ endpoint: "http://127.0.0.1:9/" }, c, env).endpoint).toBe("http://127.0.0.1:9");
  });

  it("falls back to the SDKs' variable names and carries a security token", () => {
    const env = { HUAWEICLOUD_SDK_AK: "ak", HUAWEICLOUD_SDK_SK: "sk", HUAWEICLOUD_SDK_SECURITY_TOKEN: "tok", HUAWEICLOUD_SDK_PROJECT_ID: "p".repeat(32) };
    const s = resolveSettings({ endpoint: "https://ecs.example" }, {}, env);
    expect(s.credentials).toEqual({ accessKey: "ak", secretKey: "sk", securityToken: "tok" });
    expect(s.projectId).toBe("p".repeat(32));
  });

  it("ecsEndpoint config overrides the region default", () => {
    expect(resolveTarget({}, config({ "huaweicloud:ecsEndpoint": "https://ecs.eu-west-101.myhuaweicloud.eu" }), {}).endpoint).toBe(
      "https://ecs.eu-west-101.myhuaweicloud.eu",
    );
  });

  it("says which keys are missing, never a secret value", () => {
    expect(() => resolveSettings({}, config({ "huaweicloud:region": "cn-north-4", "huaweicloud:secretKey": "TOPSECRET" }), {})).toThrow(
      /no credentials: set huaweicloud:accessKey \(or HW_ACCESS_KEY\); use `pulumi config set --secret/,
    );
    const thrown = (() => {
      try {
        resolveSettings({}, config({ "huaweicloud:region": "cn-north-4", "huaweicloud:secretKey": "TOPSECRET" }), {});
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(Error);
    expect(String(thrown)).not.toContain("TOPSECRET");
    expect(() => resolveTarget({}, {}, {})).toThrow(/no region: set the resource's region, the stack config huaweicloud:region/);
    expect(() => resolveSettings({ endpoint: "https://x" }, {}, { HW_ACCESS_KEY: "a", HW_SECRET_KEY: "b" })).toThrow(/no project id/);
  });

  it("validates huaweicloud:ecsServersPerMinute", () => {
    const env = { HW_ACCESS_KEY: "a", HW_SECRET_KEY: "b", HW_PROJECT_ID: "p".repeat(32), HW_REGION_NAME: "cn-north-4" };
    expect(resolveSettings({}, config({ "huaweicloud:ecsServersPerMinute": "500" }), env).serversPerMinute).toBe(500);
    expect(() => resolveSettings({}, config({ "huaweicloud:ecsServersPerMinute": "0" }), env)).toThrow(
      'huaweicloud:ecsServersPerMinute "0" is invalid: expected a whole number of servers per minute, at least 1',
    );
  });

  it("validates huaweicloud:ecsPacingWindowSeconds: whole seconds from 1 to 3600", () => {
    const env = { HW_ACCESS_KEY: "a", HW_SECRET_KEY: "b", HW_PROJECT_ID: "p".repeat(32), HW_REGION_NAME: "cn-north-4" };
    expect(resolveSettings({}, config({}), env).pacingWindowSeconds).toBeUndefined();
    expect(resolveSettings({}, config({ "huaweicloud:ecsPacingWindowSeconds": "5" }), env).pacingWindowSeconds).toBe(5);
    expect(resolveSettings({}, config({ "huaweicloud:ecsPacingWindowSeconds": "3600" }), env).pacingWindowSeconds).toBe(3600);
    for (const bad of ["0", "2.5", "-5", "3601", "a minute"]) {
      expect(() => resolveSettings({}, config({ "huaweicloud:ecsPacingWindowSeconds": bad }), env)).toThrow(
        `huaweicloud:ecsPacingWindowSeconds "${bad}" is invalid: expected a whole number of seconds, from 1 to 3600`,
      );
    }
  });
});
