/** The refreshing holder: when it renews, what it does when a renewal fails, and after a refusal. */
import { refreshingCredentials } from "../../../provider/credentials";
import type { FoundCredentials } from "../../../provider/credentials";

function fakeSource(lifetimeMs: number | undefined, clock: { now: number }) {
  let issued = 0;
  const source = {
    failNext: false,
    sameNext: false,
    loads: 0,
    async load(): Promise<FoundCredentials> {
      source.loads++;
      if (source.failNext) throw new Error("metadata down");
      if (!source.sameNext) issued++;
      return {
        credentials: { accessKey: `AK${issued}`, secretKey: `SK${issued}`, securityToken: `T${issued}` },
        source: "test",
        ...(lifetimeMs === undefined ? {} : { expiresAtMs: clock.now + lifetimeMs }),
      };
    },
  };
  return source;
}

describe("refreshingCredentials", () => {
  it("loads a permanent key once", async () => {
    const clock = { now: 0 };
    const source = fakeSource(undefined, clock);
    const holder = refreshingCredentials(
      () => source.load(),
      () => clock.now,
    );
    await holder.current();
    clock.now = 1e12;
    expect((await holder.current()).accessKey).toBe("AK1");
    expect(source.loads).toBe(1);
    expect(await holder.renewAfterRefusal({ accessKey: "AK1", secretKey: "SK1", securityToken: "T1" })).toBeUndefined();
  });

  it.each([
    // lifetime, ms after loading, renewed?
    [3_600_000, 3_000_000 - 1, false], // an hour: renewed 10 minutes ahead
    [3_600_000, 3_000_000, true],
    [20_000, 9_999, false], // 20 seconds: renewed at half its life
    [20_000, 10_000, true],
  ])("a key living %d ms, asked for %d ms after loading: renewed %s", async (lifetime, after, renewed) => {
    const clock = { now: 1000 };
    const source = fakeSource(lifetime, clock);
    const holder = refreshingCredentials(
      () => source.load(),
      () => clock.now,
    );
    await holder.current();
    clock.now += after;
    expect((await holder.current()).accessKey).toBe(renewed ? "AK2" : "AK1");
  });

  it("renews once for concurrent callers", async () => {
    const clock = { now: 0 };
    const source = fakeSource(20_000, clock);
    const holder = refreshingCredentials(
      () => source.load(),
      () => clock.now,
    );
    await holder.current();
    clock.now = 15_000;
    const keys = await Promise.all([holder.current(), holder.current(), holder.current()]);
    expect(keys.map((k) => k.accessKey)).toEqual(["AK2", "AK2", "AK2"]);
    expect(source.loads).toBe(2);
  });

  it("keeps a still-valid key when a renewal fails, and throws once it has expired", async () => {
    const clock = { now: 0 };
    const source = fakeSource(20_000, clock);
    const holder = refreshingCredentials(
      () => source.load(),
      () => clock.now,
    );
    await holder.current();
    source.failNext = true;
    clock.now = 15_000;
    expect((await holder.current()).accessKey).toBe("AK1");
    clock.now = 20_000;
    await expect(holder.current()).rejects.toThrow("metadata down");
  });

  it("after a refusal: fresh credentials, those another call renewed, or none when the source gives the same", async () => {
    const clock = { now: 0 };
    const source = fakeSource(3_600_000, clock);
    const holder = refreshingCredentials(
      () => source.load(),
      () => clock.now,
    );
    const first = await holder.current();
    const fresh = await holder.renewAfterRefusal(first);
    expect(fresh?.accessKey).toBe("AK2");
    // A second call refused with the first key gets the key already renewed, without another load.
    expect((await holder.renewAfterRefusal(first))?.accessKey).toBe("AK2");
    expect(source.loads).toBe(2);
    source.sameNext = true;
    expect(await holder.renewAfterRefusal(fresh!)).toEqual(fresh);
  });
});
