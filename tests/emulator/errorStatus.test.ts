/**
 * An ERROR server (set through the admin API): shown with vm_state `error` (Nova's vm_states), found by
 * `status=ERROR` and not by `status=ACTIVE`; it can be stopped (upstream Nova's `stop` accepts vm_state
 * ERROR) but not started nor rebooted.
 */
import { startTestEmulator, type TestEmulator } from "./emulatorTestClient";

const BROKEN = "00000000-0000-4000-8000-000000000001";
const FINE = "00000000-0000-4000-8000-000000000002";

describe("a server in ERROR", () => {
  let t: TestEmulator;
  beforeEach(async () => {
    t = await startTestEmulator({
      servers: [
        { id: BROKEN, status: "ERROR", name: "broken" },
        { id: FINE, status: "ACTIVE", name: "fine" },
      ],
    });
  });
  afterEach(() => t.emulator.stop());

  it("is shown with status ERROR, vm_state error, power_state 0 and no task", async () => {
    expect((await t.client.show(BROKEN)).json.server).toMatchObject({
      status: "ERROR",
      "OS-EXT-STS:vm_state": "error",
      "OS-EXT-STS:power_state": 0,
      "OS-EXT-STS:task_state": null,
    });
    expect((await t.client.show(FINE)).json.server).toMatchObject({
      "OS-EXT-STS:vm_state": "active",
      "OS-EXT-STS:power_state": 1,
    });
    expect((await t.admin.listServers()).find((s) => s.id === BROKEN)?.status).toBe("ERROR");
  });

  it("status=ERROR finds it; status=ACTIVE does not", async () => {
    const names = async (query: string) =>
      (await t.client.list(query)).json.servers.map((s: { name: string }) => s.name) as string[];
    expect(await names("status=ERROR")).toEqual(["broken"]);
    expect(await names("status=ACTIVE")).toEqual(["fine"]);
  });

  it("a start or a reboot is refused 400 Ecs.0100 naming what it needs; a start is never a no-op", async () => {
    const start = await t.client.start([BROKEN]);
    expect(start.status).toBe(400);
    expect(start.json.error).toMatchObject({
      code: "Ecs.0100",
      message: `Instance[${BROKEN}] status ERROR does not meet the requirements of os-start (needs SHUTOFF).`,
    });
    for (const type of ["SOFT", "HARD"] as const) {
      const reboot = await t.client.reboot([BROKEN], type);
      expect(reboot.status).toBe(400);
      expect(reboot.json.error.message).toContain("needs ACTIVE");
    }
    await t.admin.setVariants({ alreadyInState: "noop" });
    const accepted = await t.client.start([BROKEN]);
    expect(accepted.status).toBe(200);
    t.clock.advance(1_000);
    const job = (await t.client.job(accepted.json.job_id)).json;
    expect(job.status).toBe("FAIL");
    expect(job.entities.sub_jobs[0]).toMatchObject({ status: "FAIL", error_code: "Ecs.0100" });
    expect((await t.client.show(BROKEN)).json.server.status).toBe("ERROR");
  });

  it("a stop is accepted and leaves it SHUTOFF, which a start then runs", async () => {
    const stop = await t.client.stop([BROKEN, FINE]);
    expect(stop.status).toBe(200);
    t.clock.advance(10_000);
    expect((await t.client.job(stop.json.job_id)).json.status).toBe("SUCCESS");
    expect((await t.client.show(BROKEN)).json.server).toMatchObject({
      status: "SHUTOFF",
      "OS-EXT-STS:vm_state": "stopped",
    });
    expect((await t.client.start([BROKEN])).status).toBe(200);
  });

  it("set out of band during a stop, the stop's sub-job fails (the server did not get where it was going)", async () => {
    const stop = await t.client.stop([FINE]);
    await t.admin.setServer(FINE, { status: "ERROR" });
    t.clock.advance(10_000);
    const job = (await t.client.job(stop.json.job_id)).json;
    expect(job.entities.sub_jobs[0]).toMatchObject({ status: "FAIL", error_code: "Ecs.1000" });
    expect((await t.client.show(FINE)).json.server.status).toBe("ERROR");
  });

  it("an unknown status is still refused by the admin API", async () => {
    await expect(t.admin.setServer(FINE, { status: "BUILD" as "ERROR" })).rejects.toThrow(/status/);
  });
});
