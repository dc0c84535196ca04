/** The blast-radius guard as a pure function: what preview and up say when a selector matches too many servers. */
import { checkInputs } from "../../provider/inputs";
import { MAX_NAMED_MEMBERS, maxMembersProblem } from "../../provider/resolveMembers";
import type { Selector } from "../../provider/selector";

const selector = (raw: unknown): Selector => checkInputs({ selector: raw }).inputs.selector as Selector;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const members = (count: number) => Array.from({ length: count }, (_, i) => ({ id: id(i + 1), name: `web-${i + 1}` }));

describe("maxMembersProblem", () => {
  it.each([
    ["no maxMembers, many members", { tags: { env: "dev" } }, 5000],
    ["fewer members than maxMembers", { tags: { env: "dev" }, maxMembers: 3 }, 2],
    ["exactly maxMembers", { tags: { env: "dev" }, maxMembers: 3 }, 3],
    ["no member at all", { tags: { env: "dev" }, maxMembers: 1 }, 0],
  ])("%s: no problem", (_, raw, count) => {
    expect(maxMembersProblem(selector(raw), members(count))).toBeUndefined();
  });

  it("one more than maxMembers: the count, every member by name and id, and what to do", () => {
    expect(maxMembersProblem(selector({ tags: { env: "dev" }, maxMembers: 2 }), members(3))).toBe(
      `the selector (env=dev) matches 3 servers, more than its maxMembers 2: ` +
        `"web-1" (${id(1)}), "web-2" (${id(2)}), "web-3" (${id(3)}). Nothing was acted on. ` +
        "Narrow the selector (one more tag, an exact name, an enterpriseProjectId), or, if all of them are meant, " +
        "raise selector.maxMembers to at least 3",
    );
  });

  it(`names the first ${MAX_NAMED_MEMBERS}, then "and N more"`, () => {
    const problem = maxMembersProblem(selector({ name: "web", maxMembers: 5 }), members(27))!;
    expect(problem).toContain("matches 27 servers, more than its maxMembers 5");
    expect(problem).toContain(`"web-20" (${id(20)}), and 7 more. Nothing was acted on.`);
    expect(problem).not.toContain(`"web-21"`);
    expect(problem).toContain("raise selector.maxMembers to at least 27");
  });

  it("a server without a name is shown as such", () => {
    expect(
      maxMembersProblem(selector({ namePattern: ".", maxMembers: 1 }), [
        { id: id(1), name: "" },
        { id: id(2), name: "b" },
      ]),
    ).toContain(`(no name) (${id(1)}), "b" (${id(2)})`);
  });
});
