/** The emulator CLI's "did you mean": edit distance and the nearest known flag. */
import { editDistance, nearestFlag } from "../../emulator/nearestFlag";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["seed", "seed", 0],
    ["sed", "seed", 1],
    ["seed", "sed", 1],
    ["port", "prot", 1],
    ["ab", "ba", 1],
    ["abc", "ca", 3],
    ["kitten", "sitting", 3],
    ["", "abc", 3],
  ])("%j → %j is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe("nearestFlag", () => {
  const known = ["port", "host", "seed", "stop-seconds", "start-seconds", "hidden-task-ms", "hidden-task-action"];

  it.each([
    ["sed", "seed"],
    ["prot", "port"],
    ["stop-second", "stop-seconds"],
    ["star-seconds", "start-seconds"],
    ["hidden", "hidden-task-ms"],
    ["hidden-task-acton", "hidden-task-action"],
  ])("--%s suggests --%s", (typed, suggestion) => {
    expect(nearestFlag(typed, known)).toBe(suggestion);
  });

  it.each(["bogus", "p", "x", "verbose"])("--%s suggests nothing: no flag is near it", (typed) => {
    expect(nearestFlag(typed, known)).toBeUndefined();
  });
});
