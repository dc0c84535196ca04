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

  it("describes itself in one line", () => {
    const selector = check({ tags: { env: ["dev", "test"] }, notTags: { keep: "yes" }, name: "web" }).inputs.selector;
    expect(describeSelector(selector as never)).toBe('env=dev|test, not keep=yes, name ~ "web"');
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
          "selector {} is invalid: expected at least one tag or a name: a selector without either would select every server of the project",
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
        reason: '"label" is not a field of selector; its fields are tags, notTags and name',
      },
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
