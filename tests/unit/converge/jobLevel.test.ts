/**
 * Jobs without sub_jobs, or whose sub-jobs name no server (emulator variant subJobs): the job's own
 * status tells when to look, and the server list judges each of its servers.
 */
import { jobsToRead, serversToList } from "../../../provider/converge/round";
import { jobRead } from "../../../provider/converge/transitions";
import { NOW, following, job, state } from "./kit";

const start = state([following("a", "j1"), following("b", "j1")], [job("j1", ["a", "b"])]);
const NO_SERVER_IDS = [{ status: "SUCCESS" }, { status: "RUNNING" }] as const;

describe("a job whose sub-jobs do not say which server is which", () => {
  it.each([
    ["no sub-jobs", []],
    ["sub-jobs without server_id", NO_SERVER_IDS],
  ])("%s, still RUNNING: every server keeps following the job, none is listed", (_row, subJobs) => {
    const next = jobRead(start, "j1", { status: "RUNNING", subJobs: [...subJobs] }, NOW);
    expect(next.servers).toEqual(start.servers);
    expect(jobsToRead(next)).toEqual(["j1"]);
    expect(serversToList(next)).toEqual([]);
  });

  it.each([
    ["no sub-jobs", []],
    ["sub-jobs without server_id", [{ status: "SUCCESS" }, { status: "FAIL", errorCode: "Ecs.1000" }]],
  ])("%s, ended FAIL: every server is listed, each given the job's error should it stay put", (_row, subJobs) => {
    const next = jobRead(
      start,
      "j1",
      { status: "FAIL", errorCode: "Ecs.0611", failReason: "one failed", subJobs: [...subJobs] },
      NOW,
    );
    expect(serversToList(next)).toEqual(["a", "b"]);
    for (const id of ["a", "b"]) {
      expect(next.servers[id]).toMatchObject({
        phase: "observe",
        succeededAt: null,
        subJobError: { code: "Ecs.0611", message: "one failed" },
      });
    }
  });

  it("ended SUCCESS: every server is listed, with the SUCCESS remembered for a lagging list", () => {
    const next = jobRead(start, "j1", { status: "SUCCESS", subJobs: [] }, NOW);
    expect(serversToList(next)).toEqual(["a", "b"]);
    expect(jobsToRead(next)).toEqual([]);
  });
});
