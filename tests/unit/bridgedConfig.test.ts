/** The bridged provider's keys: endpoints, cloud, maxRetries, insecure, and their precedence against ours. */
import { bridgedSettings } from "../../provider/bridgedConfig";
import { readProviderConfig, resolveSettings, settingsProblems } from "../../provider/settings";

const config = (entries: Record<string, string>) => readProviderConfig((k) => entries[k]);
const ENDPOINTS = JSON.stringify({ ecs: "https://ecs.private.example/", iam: "https://iam.private.example", vpc: "x" });

describe("the bridged provider's config keys", () => {
  it("huaweicloud:endpoints gives the ECS and IAM endpoints, after our own keys and the resource's input", () => {
    const c = config({ "huaweicloud:region": "cn-north-4", "huaweicloud:endpoints": ENDPOINTS });
    const s = resolveSettings({}, c, {});
    expect([s.endpoint, s.iamEndpoint]).toEqual(["https://ecs.private.example", "https://iam.private.example"]);
    const ours = config({
      "huaweicloud:region": "cn-north-4",
      "huaweicloud:endpoints": ENDPOINTS,
      "huaweicloud:ecsEndpoint": "https://ecs.ours.example",
      "huaweicloud:iamEndpoint": "https://iam.ours.example",
    });
    expect(resolveSettings({}, ours, {})).toMatchObject({
      endpoint: "https://ecs.ours.example",
      iamEndpoint: "https://iam.ours.example",
    });
    expect(resolveSettings({ endpoint: "https://ecs.input.example" }, ours, {}).endpoint).toBe(
      "https://ecs.input.example",
    );
  });

  it("huaweicloud:cloud is the domain of the default endpoints; unset, eu-west-1xx stays on .eu", () => {
    const c = config({ "huaweicloud:region": "ap-southeast-1", "huaweicloud:cloud": "myhuaweicloud.example" });
    expect(resolveSettings({}, c, {})).toMatchObject({
      endpoint: "https://ecs.ap-southeast-1.myhuaweicloud.example",
      iamEndpoint: "https://iam.ap-southeast-1.myhuaweicloud.example",
    });
    const eu = resolveSettings({}, config({ "huaweicloud:region": "eu-west-101" }), {});
    expect([eu.endpoint, eu.iamEndpoint]).toEqual(["https://ecs.eu-west-101.myhuaweicloud.eu", undefined]);
  });

  it("huaweicloud:maxRetries gives the attempts per call (1 + retries)", () => {
    expect(bridgedSettings({ maxRetries: "0" }).settings.maxAttempts).toBe(1);
    expect(
      resolveSettings({}, config({ "huaweicloud:region": "cn-north-4", "huaweicloud:maxRetries": "5" }), {})
        .maxAttempts,
    ).toBe(6);
    expect(resolveSettings({}, config({ "huaweicloud:region": "cn-north-4" }), {})).not.toHaveProperty("maxAttempts");
  });

  it.each([
    ["huaweicloud:endpoints", "ecs", /^huaweicloud:endpoints is invalid: expected a map/],
    [
      "huaweicloud:endpoints",
      '{"ecs": "http://ecs.example.com"}',
      /^huaweicloud:endpoints.ecs "http:\/\/ecs.example.com" is invalid: it must use https:/,
    ],
    ["huaweicloud:cloud", "https://x", /^huaweicloud:cloud "https:\/\/x" is invalid: expected a domain/],
    [
      "huaweicloud:maxRetries",
      "-1",
      /^huaweicloud:maxRetries "-1" is invalid: expected a whole number of retries from 0 to 20$/,
    ],
    [
      "huaweicloud:insecure",
      "true",
      /^huaweicloud:insecure "true" is refused: .*TLS is always verified; trust a private CA with NODE_EXTRA_CA_CERTS/,
    ],
  ])("%s %s is refused at preview, naming the key, the value and the rule", (key, value, message) => {
    const problems = settingsProblems({}, config({ "huaweicloud:region": "cn-north-4", [key]: value }), {});
    expect(problems.map((p) => p.reason)).toEqual([expect.stringMatching(message)]);
  });

  it("huaweicloud:insecure false is accepted", () => {
    expect(
      settingsProblems({}, config({ "huaweicloud:region": "cn-north-4", "huaweicloud:insecure": "false" }), {}),
    ).toEqual([]);
  });
});
