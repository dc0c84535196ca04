/**
 * Which Node runs the suite: printed, so that a CI log shows the matrix is real (see .ci/run), and
 * checked against EXPECT_NODE_MAJOR when .ci/run sets it: a PATH that put another `node` first fails here.
 */
const expected = process.env["EXPECT_NODE_MAJOR"];

describe("the Node running the tests", () => {
  it("is the one this run meant to use", () => {
    const major = Number(process.versions.node.split(".")[0]);
    process.stdout.write(`tests run on Node ${process.version} (${process.execPath})\n`);
    expect(major).toBeGreaterThanOrEqual(20);
    if (expected !== undefined) expect(`${major}`).toBe(expected);
  });
});
