/**
 * What an up and a refresh print, in-process against the emulator over real HTTP: every line
 * labelled with the resource's id (a refresh's with "(refresh)"), the converger's progress, a
 * throttled listing's wait, a schedule's servers left alone. Pulumi shows these lines as the
 * resource's diagnostics; tests/lifecycle/* check that they travel through the host.
 */
import { serverPowerStateProvider as provider } from "../../provider/provider";
import { emulatorPerSuite } from "../emulatorPerSuite";
import { configureProvider } from "./configureProvider";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

const handle = emulatorPerSuite({ stopSeconds: 0.2, startSeconds: 0.2 }, [
  { id: id(1), name: "web-1", status: "ACTIVE", tags: { env: "dev" } },
  { id: id(2), name: "web-2", status: "SHUTOFF", tags: { env: "dev" } },
  { id: id(3), name: "db-3", status: "ACTIVE" },
]);

let lines: string[];
beforeEach(async () => {
  await configureProvider(handle.emulator.url);
  lines = [];
  jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
});
afterEach(() => jest.restoreAllMocks());

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await provider.check({}, { __provider: "test", ...news });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

/** A throttled answer to the next listing, to be waited for (Retry-After 0). */
const throttleNextList = () =>
  handle.admin.injectFault({ route: "list", kind: "throttle", times: 1, retryAfterSeconds: 0 });

const throttledLine = (label: string, what: string) =>
  `${label}: the API is throttling this account (APIGW.0308) while listing ${what}: throttled for 0 s, next attempt in 0 s; ` +
  "a throttled call did nothing, so it is sent again until the 900s deadline";

it("a create: the converger's progress, each line labelled with the resource's id", async () => {
  const inputs = await checked({ serverIds: [id(1), id(2)] });
  lines = [];
  const { id: rid } = await provider.create(inputs);
  expect(lines).toEqual([
    `ServerPowerState ${rid}: 2 servers: 1 already in state, stopping 1`,
    `ServerPowerState ${rid}: 2/2 servers done`,
  ]);
});

it("a selector's listing throttled at up: the wait and the members, labelled with the resource's id", async () => {
  const inputs = await checked({ selector: { tags: { env: "dev" } }, state: "running" });
  lines = [];
  await throttleNextList();
  const { id: rid } = await provider.create(inputs);
  const label = `ServerPowerState ${rid}`;
  expect(lines).toEqual([
    throttledLine(label, "the servers tagged env=dev"),
    `${label}: selector env=dev matched 2 servers: ${id(1)}, ${id(2)}`,
    `${label}: 2 servers: 1 already in state, starting 1`,
    `${label}: 2/2 servers done`,
  ]);
});

it('a refresh throttled: the selector\'s listing waits and says so, labelled "(refresh)"', async () => {
  const { id: rid, outs } = await provider.create(await checked({ selector: { tags: { env: "dev" } } }));
  lines = [];
  await throttleNextList();
  await provider.read!(rid, outs);
  expect(lines).toEqual([throttledLine(`ServerPowerState ${rid} (refresh)`, "the servers tagged env=dev")]);
});

/**
 * Running every day for one hour from two hours after now, in Kathmandu (+05:45): excludes now. The
 * wall clock is read with Intl directly, not through the code under test.
 */
function laterToday(): Record<string, unknown> {
  const hhmm = (ms: number) =>
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Kathmandu",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(ms));
  const now = Date.now();
  return {
    timezone: "Asia/Kathmandu",
    running: [{ days: ALL_DAYS, from: hhmm(now + 2 * 3_600_000), to: hhmm(now + 3 * 3_600_000) }],
    enforce: "at-transitions",
  };
}

it("a schedule enforced at transitions, a server added between them: the diff and the up name the servers left alone", async () => {
  const schedule = laterToday();
  const { id: rid, outs } = await provider.create(await checked({ serverIds: [id(1)], schedule }));
  const olds = { __provider: "test", ...outs };
  lines = [];
  const news = { __provider: "test", ...(await provider.check(olds, { serverIds: [id(1), id(3)], schedule })).inputs };
  await provider.diff(rid, olds, news);
  const label = `ServerPowerState ${rid}`;
  // The change, then the schedule's lines (read at the real now: their times are matched, not pinned).
  expect(lines).toEqual([
    `${label}: stop 1 added server unless already SHUTOFF: ${id(3)}`,
    expect.stringMatching(
      new RegExp(`^${label}: schedule: now .* Asia/Kathmandu .*: stopped \\(outside every running window`),
    ),
    expect.stringMatching(
      new RegExp(
        `^${label}: schedule: no transition since the last converge \\(converged stopped at .*\\); enforce at-transitions: ` +
          "up leaves 1 server as they are, acting only on new or failed ones$",
      ),
    ),
    expect.stringMatching(new RegExp(`^${label}: schedule: next transitions: .* running, .* stopped, .* running$`)),
  ]);
  lines = [];
  await provider.update!(rid, olds, news);
  expect(lines).toEqual([
    `${label}: schedule: no transition since the last converge (enforce at-transitions): 1 server left as they are: ${id(1)}`,
    `${label}: 1 server: 0 already in state, stopping 1`,
    `${label}: 1/1 server done`,
  ]);
  expect(await handle.admin.listServers()).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ id: id(1), status: "SHUTOFF" }),
      expect.objectContaining({ id: id(3), status: "SHUTOFF" }),
    ]),
  );
});
