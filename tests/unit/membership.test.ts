import { checkInputs } from "../../provider/inputs";
import {
  describeResolution,
  lastTargets,
  memberBoundProblem,
  membershipChange,
  membershipView,
  withSelectorChange,
} from "../../provider/membership";
import type { Selector } from "../../provider/selector";

const a = "00000000-0000-4000-8000-00000000000a";
const b = "00000000-0000-4000-8000-00000000000b";
const c = "00000000-0000-4000-8000-00000000000c";
const selector = (raw: unknown): Selector => checkInputs({ selector: raw }).inputs.selector as Selector;
const dev = selector({ tags: { env: "dev" } });
const settled = { status: "SHUTOFF", taskState: null, error: null, lastJobId: null };

describe("membershipChange", () => {
  it.each([
    [[], [a], { joined: [a], left: [], targets: [a] }],
    [[a, b], [b, c], { joined: [c], left: [a], targets: [b, c] }],
    [[b, a], [a, b], { joined: [], left: [], targets: [a, b] }],
    [[a], [], { joined: [], left: [a], targets: [] }],
  ])("%j → %j", (previous, next, expected) => {
    expect(membershipChange(previous, next)).toEqual(expected);
  });
});

describe("lastTargets", () => {
  it("without a selector: the declared ids only", () => {
    expect(lastTargets({ serverIds: [a], servers: { [a]: settled, [b]: settled } as never })).toEqual([a]);
  });
  it("with a selector: declared ids and the members recorded", () => {
    expect(lastTargets({ serverIds: [c], selector: dev, servers: { [a]: settled, [b]: settled } as never })).toEqual([
      a,
      b,
      c,
    ]);
  });
});

describe("membershipView: what diff compares, with no API call", () => {
  const record = {
    serverIds: [],
    selector: dev,
    state: "stopped",
    members: [a, b],
    membersResolvedAt: "2026-12-04T18:00:00.000Z",
    servers: { [a]: settled, [b]: settled },
    initialStates: { [a]: "ACTIVE", [b]: "SHUTOFF" },
  };
  const news = { serverIds: [], selector: dev, state: "stopped" };

  it("no selector on either side: untouched", () => {
    const olds = { serverIds: [a] };
    const view = membershipView(olds, { serverIds: [a] });
    expect(view).toEqual({ olds, news: { serverIds: [a] }, selectorChanged: false, note: undefined });
  });

  it("a refresh found one more member: it joins; the note says resolution happens at up and how many matched", () => {
    const view = membershipView({ ...record, members: [a, b, c] }, news);
    expect(view.olds.serverIds).toEqual([a, b]);
    expect(view.news.serverIds).toEqual([a, b, c]);
    expect(view.selectorChanged).toBe(false);
    expect(view.note).toBe(
      `selector env=dev: membership is resolved at up; 3 servers matched at the last resolution (2026-12-04T18:00:00.000Z); joined since the last up: ${c}`,
    );
  });

  it("a member untagged: it leaves", () => {
    const view = membershipView({ ...record, members: [a] }, news);
    expect(view.news.serverIds).toEqual([a]);
    expect(view.note).toContain(`left since the last up: ${b}`);
  });

  it("a changed selector is a change; removed, its members are no longer acted on", () => {
    const changed = membershipView(record, { ...news, selector: selector({ tags: { env: "test" } }) });
    expect(changed.selectorChanged).toBe(true);
    expect(changed.note).toMatch(/^selector changed to env=test: membership is resolved at up/);
    expect(withSelectorChange({ changes: false }, changed)).toEqual({ changes: true });
    const removed = membershipView(record, { serverIds: [c], state: "stopped" });
    expect(removed.news.serverIds).toEqual([c]);
    expect(removed.note).toMatch(/^selector removed/);
  });

  it("nothing moved: no change", () => {
    const view = membershipView(record, news);
    expect(view.news.serverIds).toEqual(view.olds.serverIds);
    expect(withSelectorChange({ changes: false }, view)).toEqual({ changes: false });
  });
});

describe("bounds and messages", () => {
  it("more than the resource's bound is refused with the count and the advice to split", () => {
    expect(memberBoundProblem(dev, 3, 3, 3)).toBeUndefined();
    expect(memberBoundProblem(dev, 4, 5, 3)).toBe(
      "the selector (env=dev) matches 4 servers, 5 with serverIds, more than the 3 one ServerPowerState may hold: split the fleet into several ServerPowerState resources (for example by one more tag each); nothing was acted on",
    );
  });
  it("an empty match says nothing is managed", () => {
    expect(describeResolution(dev, [])).toBe("selector env=dev matched no server: nothing is managed through it");
    expect(describeResolution(dev, [a])).toBe(`selector env=dev matched 1 server: ${a}`);
  });
});
