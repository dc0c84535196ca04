import { checkInputs, hasUnknowns, UNKNOWN_VALUE } from "../../provider/inputs";
import { describeSelector, selectorKey } from "../../provider/selector";
import { parseServerTags } from "../../provider/tagRules";

const check = (selector: unknown, extra: Record<string, unknown> = {}) => checkInputs({ selector, ...extra });

describe("selector: accepted and normalised", () => {
  it("a selector alone names the fleet: serverIds defaults to none", () => {
    const outcome = check({ tags: { env: "dev" } });
    expect(outcome.failures).toEqual([]);
    expect(outcome.inputs.serverIds).toEqual([]);
    expect(outcome.inputs.selector).toEqual({ tags: { env: ["dev"] }, notTags: {} });
  });

  it("values become sorted distinct lists, keys sorted; the normal form checks again to itself", () => {
    const outcome = check({
      tags: { team: ["web", "api", "web"], env: "dev" },
      notTags: { keep: "yes" },
      name: "web-",
    });
    expect(outcome.inputs.selector).toEqual({
      tags: { env: ["dev"], team: ["api", "web"] },
      notTags: { keep: ["yes"] },
      name: "web-",
    });
    expect(check(outcome.inputs.selector).inputs.selector).toEqual(outcome.inputs.selector);
    expect(selectorKey(check({ tags: { team: ["web", "api"], env: "dev" } }).inputs.selector as never)).toBe(
      selectorKey(check({ tags: { env: ["dev"], team: ["api", "web"] } }).inputs.selector as never),
    );
  });

  it("an empty value, spaces, and 36-character keys / 43-character values in any script are accepted", () => {
    const outcome = check({
      tags: { ["ключ".repeat(9)]: "значение".repeat(5) + "abc", env: "", "my team": "web ops" },
    });
    expect(outcome.failures).toEqual([]);
  });

  it("20 tag keys are accepted (a server carries up to 20 tags)", () => {
    expect(check({ tags: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "v"])) }).failures).toEqual(
      [],
    );
  });

  it("a name alone is a selector; serverIds and a selector together are accepted", () => {
    expect(check({ name: "web" }).failures).toEqual([]);
    const both = check({ tags: { env: "dev" } }, { serverIds: ["616fb98f-46ca-475e-917e-2563e5a8cd19"] });
    expect(both.failures).toEqual([]);
    expect(both.inputs.serverIds).toEqual(["616fb98f-46ca-475e-917e-2563e5a8cd19"]);
  });

  it("describes itself in one line: = for an exact name, ~ /…/u for a pattern, the enterprise project", () => {
    const selector = check({ tags: { env: ["dev", "test"] }, notTags: { keep: "yes" }, name: "web" }).inputs.selector;
    expect(describeSelector(selector as never)).toBe('env=dev|test, not keep=yes, name = "web"');
    const pattern = check({ namePattern: "^web-\\d+$", enterpriseProjectId: "0" }).inputs.selector;
    expect(describeSelector(pattern as never)).toBe("name ~ /^web-\\d+$/u, enterprise project 0");
  });

  it("namePattern, enterpriseProjectId and maxMembers are kept as given", () => {
    const ep = "9C2E1B7A-4F0E-4C5D-8A51-3B2F6C7D8E9F";
    const outcome = check({ tags: { env: "dev" }, namePattern: "^web-", enterpriseProjectId: ep, maxMembers: 20 });
    expect(outcome.failures).toEqual([]);
    expect(outcome.inputs.selector).toEqual({
      tags: { env: ["dev"] },
      notTags: {},
      namePattern: "^web-",
      enterpriseProjectId: ep,
      maxMembers: 20,
    });
  });

  it.each(["0", "9c2e1b7a-4f0e-4c5d-8a51-3b2f6c7d8e9f"])("enterpriseProjectId %s is accepted", (ep) => {
    expect(check({ name: "web", enterpriseProjectId: ep }).failures).toEqual([]);
  });

  it("a namePattern alone is a selector", () => {
    expect(check({ namePattern: "." }).failures).toEqual([]);
  });
});

describe("selector: refused at preview, naming property, value and rule", () => {
  const cases: [string, unknown, { property: string; reason: string }][] = [
    [
      "an empty selector (it would select the whole project)",
      {},
      {
        property: "selector",
        reason:
          "selector {} is invalid: expected at least one tag, a name or a namePattern: a selector without any would select every server of the project",
      },
    ],
    [
      "a key with a forbidden character",
      { tags: { "a=b": "x" } },
      {
        property: 'selector.tags["a=b"]',
        reason: expect.stringContaining('is invalid: tag key "a=b": expected a tag key without "="'),
      },
    ],
    [
      "a key over 36 characters",
      { tags: { ["k".repeat(37)]: "x" } },
      { property: `selector.tags.${"k".repeat(37)}`, reason: expect.stringContaining("at most 36 characters") },
    ],
    [
      "a value over 43 characters",
      { tags: { env: "v".repeat(44) } },
      {
        property: "selector.tags.env",
        reason: `selector.tags.env "${"v".repeat(44)}" is invalid: expected a tag value of at most 43 characters`,
      },
    ],
    [
      "a value with a forbidden character, in a list",
      { tags: { env: ["dev", "a/b"] } },
      {
        property: "selector.tags.env[1]",
        reason: expect.stringContaining('"a/b" is invalid: expected a tag value without "/"'),
      },
    ],
    [
      "a notTags value with a comma",
      { tags: { env: "dev" }, notTags: { keep: "a,b" } },
      { property: "selector.notTags.keep", reason: expect.stringContaining('without ","') },
    ],
    [
      "a control character in a value",
      { tags: { env: "dev\tx" } },
      { property: "selector.tags.env", reason: expect.stringContaining('expected a tag value without "\\t"') },
    ],
    [
      "an empty list of values",
      { tags: { env: [] } },
      { property: "selector.tags.env", reason: expect.stringContaining("expected at least one value") },
    ],
    [
      "more than 20 tag keys (BatchCreateServerTags: at most 20 tags a server)",
      { tags: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"])) },
      { property: "selector.tags", reason: expect.stringContaining("expected at most 20 tag keys") },
    ],
    [
      "a value that is not a string",
      { tags: { env: 3 } },
      { property: "selector.tags.env", reason: expect.stringContaining("expected a tag value (a string) or a list") },
    ],
    [
      "an unknown field",
      { tags: { env: "dev" }, label: "x" },
      {
        property: "selector.label",
        reason:
          '"label" is not a field of selector; its fields are tags, notTags, name, namePattern, enterpriseProjectId, maxMembers',
      },
    ],
    [
      "an enterprise project alone (it would select every server of that project)",
      { enterpriseProjectId: "0" },
      { property: "selector", reason: expect.stringContaining("expected at least one tag, a name or a namePattern") },
    ],
    [
      "name and namePattern together",
      { name: "web-1", namePattern: "^web-" },
      {
        property: "selector.namePattern",
        reason:
          'selector.namePattern "^web-" is invalid: expected name or namePattern, not both: name selects the servers named exactly so, namePattern those whose name the regular expression matches',
      },
    ],
    [
      "a namePattern that is not a regular expression",
      { namePattern: "web-(" },
      {
        property: "selector.namePattern",
        reason: expect.stringMatching(
          /^selector\.namePattern "web-\(" is invalid: expected a JavaScript regular expression \(compiled with the u flag, matched anywhere in the name: anchor it with \^ and \$ for a full match\): .*Unterminated group/,
        ),
      },
    ],
    [
      "a namePattern only the u flag refuses (a lone escape of a letter)",
      { namePattern: "\\q" },
      {
        property: "selector.namePattern",
        reason: expect.stringContaining("expected a JavaScript regular expression (compiled with the u flag"),
      },
    ],
    [
      "an enterpriseProjectId that is no project id",
      { name: "web", enterpriseProjectId: "prod" },
      {
        property: "selector.enterpriseProjectId",
        reason:
          'selector.enterpriseProjectId "prod" is invalid: expected an enterprise project id: "0" (the default project) or a UUID such as 9c2e1b7a-4f0e-4c5d-8a51-3b2f6c7d8e9f',
      },
    ],
    [
      "all_granted_eps on a selector (it narrows to one project; every project is the default)",
      { name: "web", enterpriseProjectId: "all_granted_eps" },
      {
        property: "selector.enterpriseProjectId",
        reason: expect.stringContaining("expected an enterprise project id"),
      },
    ],
    [
      "maxMembers 0",
      { name: "web", maxMembers: 0 },
      {
        property: "selector.maxMembers",
        reason: "selector.maxMembers 0 is invalid: expected a whole number of servers, at least 1",
      },
    ],
    [
      "maxMembers not whole",
      { name: "web", maxMembers: 2.5 },
      { property: "selector.maxMembers", reason: expect.stringContaining("expected a whole number of servers") },
    ],
    [
      "maxMembers as a string",
      { name: "web", maxMembers: "20" },
      { property: "selector.maxMembers", reason: expect.stringContaining("expected a whole number of servers") },
    ],
  ];
  it.each(cases)("%s", (_, selector, failure) => {
    expect(check(selector).failures).toContainEqual(failure);
  });

  it("neither serverIds nor selector: serverIds is required, and the message names both ways", () => {
    expect(checkInputs({}).failures).toContainEqual({
      property: "serverIds",
      reason: "serverIds is required: expected a list of ECS server ids, or a selector (tags and/or name), or both",
    });
  });
});

describe("selector: unknown at preview", () => {
  it.each([
    ["the whole selector", UNKNOWN_VALUE],
    ["one tag value", { tags: { env: UNKNOWN_VALUE } }],
    ["one value in a list", { tags: { env: ["dev", UNKNOWN_VALUE] } }],
  ])("%s unknown: no failure, the selector is computed as a whole", (_, selector) => {
    const outcome = check(selector);
    expect(outcome.failures).toEqual([]);
    expect(outcome.inputs.selector).toBe(UNKNOWN_VALUE);
    expect(hasUnknowns(outcome.inputs)).toBe(true);
  });

  it("a known part that breaks a rule beside an unknown one is checked on the real run", () => {
    expect(check({ tags: { env: UNKNOWN_VALUE, "a=b": "x" } }).failures).toEqual([]);
  });
});

describe("parseServerTags", () => {
  it("splits at the first '='; a tag without one has an empty value", () => {
    expect([...parseServerTags(["env=dev", "solo", "k="])]).toEqual([
      ["env", "dev"],
      ["solo", ""],
      ["k", ""],
    ]);
  });
});
