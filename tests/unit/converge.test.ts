/**
 * The converger's poll schedule on a fake API and a pinned clock: pauses stay a fraction of the
 * age of the job awaited, not of the whole operation (whose first minutes may be pacing).
 */
import {
  converge,
  type JobView,
  type ObservationView,
  type PowerApi,
  type SubmissionView,
} from "../../provider/converge";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

/** Two servers stopped in two paced chunks: the second is accepted `paceMs` after the first; each job takes 3 s. */
function pacedFleet(paceMs: number) {
  let t = 1_000_000;
  const sleeps: number[] = [];
  const accepted: Record<string, { at: number; id: string }> = {};
  const stoppedAt = (id: string): number | undefined => {
    const job = Object.values(accepted).find((j) => j.id === id);
    return job ? job.at + 3_000 : undefined;
  };
  const api: PowerApi = {
    async batchAction(_action, ids, options): Promise<SubmissionView[]> {
      const out: SubmissionView[] = [];
      for (const [i, id] of ids.entries()) {
        if (i > 0) t += paceMs; // the pacing wait between chunks
        const submission = { jobId: `job-${id}`, serverIds: [id] };
        accepted[submission.jobId] = { at: t, id };
        options?.onSubmitted?.(submission);
        out.push(submission);
      }
      return out;
    },
    async getJob(jobId): Promise<JobView> {
      const job = accepted[jobId];
      const ended = t >= job.at + 3_000;
      return {
        status: ended ? "SUCCESS" : "RUNNING",
        subJobs: [{ status: ended ? "SUCCESS" : "RUNNING", serverId: job.id }],
      };
    },
    async listServers(ids): Promise<ObservationView[]> {
      return ids.map((id) => {
        const end = stoppedAt(id);
        const moving = end !== undefined && t < end;
        const stopped = end !== undefined && t >= end;
        return {
          id,
          found: true,
          status: stopped ? "SHUTOFF" : "ACTIVE",
          taskState: moving ? "powering-off" : null,
          locked: false,
        };
      });
    },
  };
  return {
    api,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

describe("converge: the poll schedule", () => {
  it("after 60 s of pacing, polls the last job every second (its age), not every 8% of the minute", async () => {
    const fleet = pacedFleet(60_000);
    const result = await converge({
      api: fleet.api,
      goals: { [A]: "stopped", [B]: "stopped" },
      stopType: "SOFT",
      timeoutSeconds: 600,
      now: fleet.now,
      sleep: fleet.sleep,
      random: () => 0.999999,
    });
    expect(result.failures).toEqual([]);
    expect(Object.values(result.servers).map((s) => s.status)).toEqual(["SHUTOFF", "SHUTOFF"]);
    // The second job is accepted at +60 s and ends at +63 s: seen on the third one-second poll.
    expect(fleet.sleeps).toEqual([1000, 1000, 1000]);
  });
});
