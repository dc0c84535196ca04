/**
 * Resolving a selector over real HTTP against the emulator: every page of every listing, AND of keys,
 * notTags, exact names and name patterns checked on our side; and, against a bare capture server,
 * what goes on the wire (enterprise_project_id, when `name` is sent) and what the list's answer may
 * not smuggle in (another enterprise project, a fuzzy name match).
 */
import { checkInputs } from "../../provider/inputs";
import {
  apiNameFilter,
  listingRequest,
  listingTags,
  matchesSelector,
  resolveMembers,
  resolveTargets,
} from "../../provider/resolveMembers";
import type { Selector } from "../../provider/selector";
import type { ThrottleNotice } from "../../provider/transport";
import {
  newClient,
  PROJECT_ID,
  recordingSleep,
  startCaptureServer,
  startTestEmulator,
  type EmulatorHandle,
} from "./clientTestKit";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const selector = (raw: unknown): Selector => checkInputs({ selector: raw }).inputs.selector as Selector;

let handle: EmulatorHandle;
beforeAll(async () => {
  handle = await startTestEmulator();
  await handle.admin.putServers([
    ...Array.from({ length: 7 }, (_, i) => ({
      id: id(i + 1),
      status: "ACTIVE" as const,
      name: `web-${i + 1}`,
      tags: { env: "dev", team: i % 2 === 0 ? "web" : "api" },
    })),
    { id: id(8), status: "SHUTOFF", name: "db-1", tags: { env: "test", team: "web" } },
    { id: id(9), status: "ACTIVE", name: "db-2", tags: { env: "dev", team: "web", keep: "yes" } },
    { id: id(10), status: "ACTIVE", name: "ops", tags: { env: "prod" } },
    { id: id(11), status: "ACTIVE", name: "bob", tags: { env: "x" } },
    { id: id(12), status: "ACTIVE", name: "bobb", tags: { env: "x" } },
    { id: id(13), status: "ACTIVE", name: "Bob", tags: { env: "x" } },
    { id: id(14), status: "ACTIVE", name: "web+1", tags: { env: "x" } },
    { id: id(15), status: "ACTIVE", name: "webb1", tags: { env: "x" } },
  ]);
});
afterAll(() => handle.emulator.stop());

async function resolve(raw: unknown, pageLimit?: number) {
  const client = newClient(handle.emulator.url);
  try {
    await handle.admin.reset();
    const resolution = await resolveMembers(client, selector(raw), { pageLimit });
    return { ...resolution, calls: (await handle.admin.stats()).requests };
  } finally {
    await client.close();
  }
}

describe("resolveMembers", () => {
  it("reads every page (marker paging) and returns the sorted ids", async () => {
    const result = await resolve({ tags: { env: "dev" } }, 3);
    expect(result.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 9].map(id));
    // 8 matches at 3 a page: 3, 3, 2.
    expect(result.pages).toBe(3);
    expect(result.calls).toEqual({ "GET list": 3 });
  });

  it("keys are AND'd, values of a key OR'd: one listing per value of the key with the fewest values", async () => {
    const result = await resolve({ tags: { env: ["dev", "test"], team: "web" } });
    expect(result.ids).toEqual([1, 3, 5, 7, 8, 9].map(id));
    // team has one value: one listing (team=web), env matched on each server's tags.
    expect(result.calls).toEqual({ "GET list": 1 });
  });

  it("notTags leaves out the servers carrying any listed pair", async () => {
    expect((await resolve({ tags: { team: "web" }, notTags: { keep: "yes", env: "test" } })).ids).toEqual(
      [1, 3, 5, 7].map(id),
    );
  });

  it("name is exact and case-sensitive: the API's fuzzy filter returns bob and bobb, only bob is a member", async () => {
    const result = await resolve({ name: "bob" });
    expect(result.ids).toEqual([id(11)]);
    expect(result.members).toEqual([{ id: id(11), name: "bob", enterpriseProjectId: "0" }]);
  });

  it("a name with regular-expression characters is found: listed without the filter (which would miss it), compared here", async () => {
    // The emulator applies `name` as a regular expression: ?name=web+1 would return webb1, not web+1.
    expect((await resolve({ name: "web+1" })).ids).toEqual([id(14)]);
    expect((await resolve({ name: "(" })).ids).toEqual([]);
  });

  it("namePattern is a JavaScript regular expression of ours, searched in each name", async () => {
    expect((await resolve({ namePattern: "^db-\\d$" })).ids).toEqual([8, 9].map(id));
    expect((await resolve({ namePattern: "^[Bb]ob$" })).ids).toEqual([11, 13].map(id));
    expect((await resolve({ namePattern: "b\\+1" })).ids).toEqual([id(14)]);
  });

  it("a selector matching nothing resolves to no id", async () => {
    expect((await resolve({ tags: { env: "nowhere" } })).ids).toEqual([]);
  });

  it("an API refusal surfaces with Huawei's code and the listing it was making", async () => {
    const client = newClient(handle.emulator.url);
    try {
      await handle.admin.injectFault({ route: "list", kind: "forbidden", code: "Ecs.0003", times: 1 });
      await expect(resolveMembers(client, selector({ tags: { env: "dev" } }))).rejects.toThrow(
        /listing the servers tagged env=dev[\s\S]*Ecs\.0003/,
      );
    } finally {
      await client.close();
      await handle.admin.reset();
    }
  });
});

describe("a throttled resolution waits like every other read (issue 18)", () => {
  it("with the operation's signal, a listing throttled 8 times is retried until it answers, and says so", async () => {
    const recorder = recordingSleep();
    const client = newClient(handle.emulator.url, {
      sleep: recorder.sleep,
      random: () => 0.5,
      retry: { maxAttempts: 5, throttleBaseDelayMs: 100, maxThrottleDelayMs: 1000 },
    });
    const notices: ThrottleNotice[] = [];
    try {
      await handle.admin.reset();
      await handle.admin.injectFault({ route: "list", kind: "throttle", times: 8, retryAfterSeconds: null });
      const request = { signal: new AbortController().signal, onThrottled: (n: ThrottleNotice) => notices.push(n) };
      const { ids } = await resolveMembers(client, selector({ tags: { env: "prod" } }), { request });
      expect(ids).toEqual([id(10)]);
    } finally {
      await client.close();
    }
    expect(notices.map((n) => n.attempts)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(notices[0]).toMatchObject({ operation: "listing the servers tagged env=prod", huaweiCode: "APIGW.0308" });
    expect((await handle.admin.stats()).requests["GET list"]).toBe(9);
  });

  it("resolveTargets passes its request options to every listing", async () => {
    const client = newClient(handle.emulator.url, { random: () => 0.5, sleep: recordingSleep().sleep });
    const notices: ThrottleNotice[] = [];
    try {
      await handle.admin.reset();
      await handle.admin.injectFault({ route: "list", kind: "throttle", times: 7, retryAfterSeconds: null });
      const inputs = checkInputs({ selector: { tags: { env: "prod" } } }).inputs as never;
      const targets = await resolveTargets(client, inputs, "r", () => undefined, {
        signal: new AbortController().signal,
        onThrottled: (n) => notices.push(n),
      });
      expect(targets.members).toEqual([id(10)]);
    } finally {
      await client.close();
    }
    expect(notices).toHaveLength(7);
  });
});

describe("listingRequest (pure)", () => {
  it("bounded by the timeout; a throttling line at the first notice, then at most once per interval", () => {
    const lines: string[] = [];
    let nowMs = 0;
    const request = listingRequest(
      "ServerPowerState sps-1",
      900,
      (l) => lines.push(l),
      15_000,
      () => nowMs,
    );
    expect(request.signal?.aborted).toBe(false);
    const notice = {
      operation: "listing the servers tagged env=dev",
      huaweiCode: "APIGW.0308",
      throttledForMs: 0,
      nextAttemptInMs: 2000,
      attempts: 1,
    } as ThrottleNotice;
    for (const at of [0, 5_000, 14_999, 15_000, 20_000]) {
      nowMs = at;
      request.onThrottled!(notice);
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "ServerPowerState sps-1: the API is throttling this account (APIGW.0308) while listing the servers tagged env=dev: " +
        "throttled for 0 s, next attempt in 2 s; a throttled call did nothing, so it is sent again until the 900s deadline",
    );
  });
});

describe("resolveTargets: the maxMembers guard, before any action", () => {
  it("more members than maxMembers: refused with the count, the names and ids, and what to do", async () => {
    const client = newClient(handle.emulator.url);
    try {
      await handle.admin.reset();
      const inputs = checkInputs({ selector: { tags: { env: "dev" }, maxMembers: 3 } }).inputs as never;
      await expect(resolveTargets(client, inputs, "ServerPowerState sps-1", () => undefined)).rejects.toThrow(
        'ServerPowerState sps-1: the selector (env=dev) matches 8 servers, more than its maxMembers 3: "web-1" (' +
          id(1),
      );
    } finally {
      await client.close();
    }
    // Listed, nothing else.
    expect((await handle.admin.stats()).requests).toEqual({ "GET list": 1 });
  });

  it("as many members as maxMembers: resolved and logged", async () => {
    const client = newClient(handle.emulator.url);
    const lines: string[] = [];
    try {
      const inputs = checkInputs({ selector: { tags: { env: "test" }, maxMembers: 1 } }).inputs as never;
      const targets = await resolveTargets(client, inputs, "r", (l) => lines.push(l));
      expect(targets.resolved).toEqual([{ id: id(8), name: "db-1", enterpriseProjectId: "0" }]);
    } finally {
      await client.close();
    }
    expect(lines).toHaveLength(1);
  });
});

describe("on the wire (a capture server)", () => {
  const page = (servers: object[]) => ({ status: 200, body: { count: servers.length, servers } });
  const listed = (n: number, name: string, ep: string | undefined, tags: string[] = ["env=dev"]) => ({
    id: id(n),
    name,
    status: "ACTIVE",
    tags,
    ...(ep !== undefined ? { enterprise_project_id: ep } : {}),
  });
  const ep = "9c2e1b7a-4f0e-4c5d-8a51-3b2f6c7d8e9f";

  it("every listing sends enterprise_project_id=all_granted_eps first, then limit, name (a safe one), tags", async () => {
    const server = await startCaptureServer(() => page([listed(1, "bob", "0"), listed(2, "bobb", ep)]));
    const client = newClient(server.url);
    try {
      const result = await resolveMembers(client, selector({ tags: { env: "dev" }, name: "bob" }));
      expect(result.members).toEqual([{ id: id(1), name: "bob", enterpriseProjectId: "0" }]);
    } finally {
      await client.close();
      await server.stop();
    }
    expect(server.requests.map((r) => r.url)).toEqual([
      `/v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=all_granted_eps&limit=1000&name=bob&tags=env%3Ddev`,
    ]);
  });

  it("a name with other characters is not sent; the answer is filtered by exact name", async () => {
    const server = await startCaptureServer(() => page([listed(1, "a(b)", "0"), listed(2, "ab", "0")]));
    const client = newClient(server.url);
    try {
      expect((await resolveMembers(client, selector({ name: "a(b)" }))).ids).toEqual([id(1)]);
      expect((await resolveMembers(client, selector({ namePattern: "^a" }))).ids).toEqual([1, 2].map(id));
    } finally {
      await client.close();
      await server.stop();
    }
    expect(server.requests.map((r) => r.url)).toEqual([
      `/v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=all_granted_eps&limit=1000`,
      `/v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=all_granted_eps&limit=1000`,
    ]);
  });

  it("selector.enterpriseProjectId is sent, and a listed server of another project (or of none said) is no member", async () => {
    const server = await startCaptureServer(() =>
      page([listed(1, "a", ep), listed(2, "b", "0"), listed(3, "c", undefined)]),
    );
    const client = newClient(server.url);
    try {
      const result = await resolveMembers(client, selector({ tags: { env: "dev" }, enterpriseProjectId: ep }));
      expect(result.members).toEqual([{ id: id(1), name: "a", enterpriseProjectId: ep }]);
    } finally {
      await client.close();
      await server.stop();
    }
    expect(server.requests[0].url).toBe(
      `/v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=${ep}&limit=1000&tags=env%3Ddev`,
    );
  });

  it("the client's enterpriseProjectId scopes the selector's listings and the server_id listings", async () => {
    const server = await startCaptureServer((request) =>
      request.url.includes("server_id")
        ? page([{ id: "s1", status: "ACTIVE" }])
        : page([listed(1, "a", "0"), listed(2, "b", ep)]),
    );
    const client = newClient(server.url, { enterpriseProjectId: "0" });
    try {
      // The client's scope is a listing scope; only the selector's own enterpriseProjectId is re-checked.
      expect((await resolveMembers(client, selector({ tags: { env: "dev" } }))).ids).toEqual([1, 2].map(id));
      await client.listServers(["s1"]);
    } finally {
      await client.close();
      await server.stop();
    }
    expect(server.requests.map((r) => r.url)).toEqual([
      `/v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=0&limit=1000&tags=env%3Ddev`,
      `/v1/${PROJECT_ID}/cloudservers/detail?enterprise_project_id=0&limit=1&server_id=s1`,
    ]);
  });

  it("a client enterpriseProjectId that is no project id is refused when the client is built", () => {
    expect(() => newClient("http://127.0.0.1:1", { enterpriseProjectId: "prod" })).toThrow(
      /enterpriseProjectId \[prod\]: expected an enterprise project id: "0" \(the default project\) or a UUID .*, or all_granted_eps/,
    );
  });
});

describe("listingTags and matchesSelector (pure)", () => {
  it("picks the key with the fewest values; none without tags", () => {
    expect(listingTags(selector({ tags: { a: ["1", "2"], b: "3" } }))).toEqual(["b=3"]);
    expect(listingTags(selector({ name: "x" }))).toEqual([undefined]);
  });

  it.each([
    ["bob", "bob"],
    ["web-1.prod_a", "web-1.prod_a"],
    ["服务器-1", "服务器-1"],
    ["web+1", undefined],
    ["a(b)", undefined],
    ["a b", undefined],
    ["50%", undefined],
    ["^db", undefined],
  ])("the name %j is sent to the API as %j", (name, sent) => {
    expect(apiNameFilter(selector({ name }))).toBe(sent);
  });

  it("a namePattern is never sent to the API", () => {
    expect(apiNameFilter(selector({ namePattern: "bob" }))).toBeUndefined();
  });

  it.each([
    [{ name: "bob" }, { name: "bob" }, true],
    [{ name: "bob" }, { name: "bobb" }, false],
    [{ name: "bob" }, { name: "Bob" }, false],
    [{ name: "web+1" }, { name: "web+1" }, true],
    [{ namePattern: "^web-\\d+$" }, { name: "web-12" }, true],
    [{ namePattern: "^web-\\d+$" }, { name: "web-12a" }, false],
    [{ namePattern: "web" }, { name: "my-web-1" }, true],
    [{ namePattern: "\\p{Script=Han}" }, { name: "服务器" }, true],
    [{ name: "a", enterpriseProjectId: "0" }, { name: "a", enterpriseProjectId: "0" }, true],
    [{ name: "a", enterpriseProjectId: "0" }, { name: "a", enterpriseProjectId: null }, false],
    [{ name: "a", enterpriseProjectId: "0" }, { name: "a" }, false],
  ])("selector %j matches %j: %s", (raw, server, expected) => {
    expect(matchesSelector({ tags: [], ...server }, selector(raw))).toBe(expected);
  });

  it.each([
    [["env=dev", "team=web"], true],
    [["env=dev"], false],
    [["env=dev", "team=web", "keep=yes"], false],
    [["env=test", "team=web"], false],
  ])("tags %j match {env: dev, team: web, not keep=yes}: %s", (tags, expected) => {
    const s = selector({ tags: { env: "dev", team: "web" }, notTags: { keep: "yes" } });
    expect(matchesSelector({ tags }, s)).toBe(expected);
  });
});
