import { countOf } from "../../provider/plural";

describe("countOf", () => {
  it.each([
    [0, "server", undefined, "0 servers"],
    [1, "server", undefined, "1 server"],
    [2, "server", undefined, "2 servers"],
    [1000, "server", undefined, "1000 servers"],
    [1, "match", "matches", "1 match"],
    [3, "match", "matches", "3 matches"],
  ])("%d %s (plural %s) reads %s", (count, noun, pluralNoun, expected) => {
    expect(countOf(count, noun, pluralNoun)).toBe(expected);
  });
});
