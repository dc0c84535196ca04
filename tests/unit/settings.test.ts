import {
  previewReadTimeoutSeconds,
  readProviderConfig,
  resolveSettings,
  resolveTarget,
  settingsProblems,
} from "../../provider/settings";

const config = (entries: Record<string, string>) => readProviderConfig((k) => entries[k]);

describe("settings resolution", () => {
  it("prefers resource args, then stack config, then the environment", () => {
    const env = {
      HW_REGION_NAME: "cn-east-3",
      HW_PROJECT_ID: "e".repeat(32),
      HW_ACCESS_KEY: "env-ak",
      HW_SECRET_KEY: "env-sk",
    };
    const c = config({
      "huaweicloud:region": "cn-north-4",
      "huaweicloud:accessKey": "cfg-ak",
      "huaweicloud:secretKey": "cfg-sk",
    });
    expect(resolveSettings({}, c, env)).toEqual({
      endpoint: "https://ecs.cn-north-4.myhuaweicloud.com",
      region: "cn-north-4",
      projectId: "e".repeat(32),
      iamEndpoint: undefined,
      serversPerMinute: undefined,
      pacingWindowSeconds: undefined,
    });
    expect(resolveTarget({ region: "ap-southeast-1" }, c, env).endpoint).toBe(
      "https://ecs.ap-southeast-1.myhuaweicloud.com",
    );
    expect(resolveTarget({ endpoint: "http://127.0.0.1:9/" }, c, env).endpoint).toBe("http://127.0.0.1:9");
  });

  it("falls back to the SDKs' variable name of the project id", () => {
    const env = { HUAWEICLOUD_SDK_PROJECT_ID: "f".repeat(32) };
    expect(resolveSettings({ endpoint: "https://ecs.example" }, {}, env).projectId).toBe("f".repeat(32));
  });

  it("ecsEndpoint config overrides the region default", () => {
    expect(
      resolveTarget({}, config({ "huaweicloud:ecsEndpoint": "https://ecs.eu-west-101.myhuaweicloud.eu" }), {}).endpoint,
    ).toBe("https://ecs.eu-west-101.myhuaweicloud.eu");
  });

  it("says which keys are missing (credentials: tests/unit/credentials/chain.test.ts)", () => {
    expect(() => resolveTarget({}, {}, {})).toThrow(
      /^huaweicloud:region is not set \(nor the resource's region, nor HW_REGION_NAME\)/,
    );
    expect(() => resolveSettings({ endpoint: "https://x" }, {}, { HW_ACCESS_KEY: "a", HW_SECRET_KEY: "b" })).toThrow(
      /^huaweicloud:projectId is not set .*, and there is no region to look it up from/,
    );
  });

  it("lists every problem at once, each naming where the value came from", () => {
    const env = { HW_REGION_NAME: "Beijing", HW_PROJECT_ID: "xyz" };
    expect(
      settingsProblems({}, config({ "huaweicloud:ecsEndpoint": "http://ecs.example.com" }), env).map((p) => p.reason),
    ).toEqual([
      'HW_REGION_NAME "Beijing" is invalid: expected a Huawei Cloud region name such as cn-north-4',
      'huaweicloud:ecsEndpoint "http://ecs.example.com" is invalid: it must use https: (http: is allowed only for loopback hosts: 127.0.0.0/8, localhost, [::1]); use an origin such as https://ecs.cn-north-4.myhuaweicloud.com',
      'HW_PROJECT_ID "xyz" is invalid: expected a project id: 32 lower-case hex characters',
    ]);
    // a resource input is named as such, so the engine can show its value
    expect(
      settingsProblems(
        { region: "Beijing", endpoint: "https://e" },
        {},
        { HW_ACCESS_KEY: "a", HW_SECRET_KEY: "b", HW_PROJECT_ID: "f".repeat(32) },
      ),
    ).toEqual([
      { key: "region", reason: 'region "Beijing" is invalid: expected a Huawei Cloud region name such as cn-north-4' },
    ]);
  });

  it("validates huaweicloud:ecsServersPerMinute", () => {
    const env = { HW_ACCESS_KEY: "a", HW_SECRET_KEY: "b", HW_PROJECT_ID: "f".repeat(32), HW_REGION_NAME: "cn-north-4" };
    expect(resolveSettings({}, config({ "huaweicloud:ecsServersPerMinute": "500" }), env).serversPerMinute).toBe(500);
    expect(() => resolveSettings({}, config({ "huaweicloud:ecsServersPerMinute": "0" }), env)).toThrow(
      'huaweicloud:ecsServersPerMinute "0" is invalid: expected a whole number of servers per minute, at least 1',
    );
  });

  it("validates huaweicloud:ecsRequestTimeoutSeconds", () => {
    const env = {
      HW_ACCESS_KEY: "a",
      HW_SECRET_KEY: "b",
      HW_PROJECT_ID: "0a".repeat(16),
      HW_REGION_NAME: "cn-north-4",
    };
    expect(resolveSettings({}, config({}), env)).not.toHaveProperty("requestTimeoutSeconds");
    expect(
      resolveSettings({}, config({ "huaweicloud:ecsRequestTimeoutSeconds": "2.5" }), env).requestTimeoutSeconds,
    ).toBe(2.5);
    for (const bad of ["0", "601", "soon"]) {
      expect(() => resolveSettings({}, config({ "huaweicloud:ecsRequestTimeoutSeconds": bad }), env)).toThrow(
        `huaweicloud:ecsRequestTimeoutSeconds "${bad}" is invalid: expected a number of seconds from 1 to 600`,
      );
    }
  });

  it("huaweicloud:ecsPreviewReadTimeoutSeconds: 60 by default, else its value, from 1 to 600 seconds", () => {
    const env = {
      HW_ACCESS_KEY: "a",
      HW_SECRET_KEY: "b",
      HW_PROJECT_ID: "0a".repeat(16),
      HW_REGION_NAME: "cn-north-4",
    };
    expect(previewReadTimeoutSeconds(config({}))).toBe(60);
    expect(previewReadTimeoutSeconds(config({ "huaweicloud:ecsPreviewReadTimeoutSeconds": "1.5" }))).toBe(1.5);
    for (const good of ["1", "600"]) {
      expect(settingsProblems({}, config({ "huaweicloud:ecsPreviewReadTimeoutSeconds": good }), env)).toEqual([]);
    }
    for (const bad of ["0", "0.5", "600.5", "soon"]) {
      expect(settingsProblems({}, config({ "huaweicloud:ecsPreviewReadTimeoutSeconds": bad }), env)).toEqual([
        {
          key: "",
          reason: `huaweicloud:ecsPreviewReadTimeoutSeconds "${bad}" is invalid: expected a number of seconds from 1 to 600`,
        },
      ]);
    }
  });

  it("validates huaweicloud:ecsPacingWindowSeconds: whole seconds from 1 to 3600", () => {
    const env = {
      HW_ACCESS_KEY: "a",
      HW_SECRET_KEY: "b",
      HW_PROJECT_ID: "0a".repeat(16),
      HW_REGION_NAME: "cn-north-4",
    };
    expect(resolveSettings({}, config({}), env).pacingWindowSeconds).toBeUndefined();
    const emulator = { "huaweicloud:ecsEndpoint": "http://127.0.0.1:8780" };
    expect(
      resolveSettings({}, config({ ...emulator, "huaweicloud:ecsPacingWindowSeconds": "5" }), env).pacingWindowSeconds,
    ).toBe(5);
    expect(resolveSettings({}, config({ "huaweicloud:ecsPacingWindowSeconds": "60" }), env).pacingWindowSeconds).toBe(
      60,
    );
    // Against Huawei Cloud (here the region's endpoint), a window shorter than its minute would overrun the quota.
    for (const short of ["5", "59"]) {
      expect(() => resolveSettings({}, config({ "huaweicloud:ecsPacingWindowSeconds": short }), env)).toThrow(
        `huaweicloud:ecsPacingWindowSeconds "${short}" is invalid: a window under 60 seconds is only for a loopback endpoint such as the local emulator; Huawei Cloud counts servers per minute (leave the key unset, or 60 or more)`,
      );
    }
    expect(resolveSettings({}, config({ "huaweicloud:ecsPacingWindowSeconds": "3600" }), env).pacingWindowSeconds).toBe(
      3600,
    );
    for (const bad of ["0", "2.5", "-5", "3601", "a minute"]) {
      expect(() => resolveSettings({}, config({ "huaweicloud:ecsPacingWindowSeconds": bad }), env)).toThrow(
        `huaweicloud:ecsPacingWindowSeconds "${bad}" is invalid: expected a whole number of seconds, from 1 to 3600`,
      );
    }
  });

  describe("huaweicloud:enterpriseProjectId / HW_ENTERPRISE_PROJECT_ID: the listings' enterprise project", () => {
    const env = {
      HW_ACCESS_KEY: "a",
      HW_SECRET_KEY: "b",
      HW_PROJECT_ID: "0a".repeat(16),
      HW_REGION_NAME: "cn-north-4",
    };
    const ep = "9c2e1b7a-4f0e-4c5d-8a51-3b2f6c7d8e9f";

    it("unset: none resolved (the client sends all_granted_eps)", () => {
      expect(resolveSettings({}, config({}), env)).not.toHaveProperty("enterpriseProjectId");
    });

    it.each(["0", ep, "all_granted_eps"])("%s is accepted, from stack config or the environment", (value) => {
      expect(resolveSettings({}, config({ "huaweicloud:enterpriseProjectId": value }), env).enterpriseProjectId).toBe(
        value,
      );
      expect(resolveSettings({}, config({}), { ...env, HW_ENTERPRISE_PROJECT_ID: value }).enterpriseProjectId).toBe(
        value,
      );
    });

    it("stack config wins over the environment", () => {
      const resolved = resolveSettings({}, config({ "huaweicloud:enterpriseProjectId": "0" }), {
        ...env,
        HW_ENTERPRISE_PROJECT_ID: ep,
      });
      expect(resolved.enterpriseProjectId).toBe("0");
    });

    it.each([
      ["huaweicloud:enterpriseProjectId", "prod"],
      ["huaweicloud:enterpriseProjectId", "all"],
      ["HW_ENTERPRISE_PROJECT_ID", "9c2e1b7a4f0e4c5d8a513b2f6c7d8e9f"],
    ])("%s %j is refused at preview, naming key, value and rule", (key, value) => {
      const [c, e] = key.startsWith("huaweicloud:")
        ? [config({ [key]: value }), env]
        : [config({}), { ...env, [key]: value }];
      expect(settingsProblems({}, c, e)).toEqual([
        {
          key: "",
          reason: `${key} ${JSON.stringify(value)} is invalid: expected an enterprise project id: "0" (the default project) or a UUID such as 9c2e1b7a-4f0e-4c5d-8a51-3b2f6c7d8e9f, or all_granted_eps (every project the key is granted)`,
        },
      ]);
    });
  });
});
