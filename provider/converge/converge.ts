/**
 * Converge: bring each server to its goal state and record the truth.
 *
 * Each round: read the jobs followed → list the servers to look at → record → plan → submit →
 * fold the answers → escalate SOFT stops that outlasted hardStopAfterSeconds → report. Then settle
 * what did not finish, and return the records. Jobs are the main signal; a server is listed again
 * as soon as its sub-job (or job) ends. Servers that were already moving (out-of-band tasks) are
 * watched through the server list instead.
 *
 * This is the I/O driver only: state changes are the transitions of `transitions.ts`, decisions
 * the functions of `round.ts`, log lines those of `progress.ts`. Plain data and module-level
 * functions (Pulumi serializes the provider's closures).
 */
import { describeError, isAborted, isTransientRead, serverIdsOf } from "../classify";
import { watchForInterrupt } from "../interrupt";
import { runWaiter, type PollResult } from "../waiter";
import type { ConvergeOptions, ConvergeResult } from "./model";
import {
  conflictLine,
  firstRoundLine,
  hardStopLines,
  jobReadFailureLine,
  listFailureLine,
  progressLine,
} from "./progress";
import {
  batchesToSend,
  dueForHardStop,
  hardStopReason,
  heldForResend,
  isSettled,
  jobsToRead,
  openJobs,
  planRound,
  resultOf,
  serversToList,
  stillRunning,
  unfinishedServers,
  type Batch,
} from "./round";
import { callOptions, finalLookSignal, readContext, startRun, waiterOptions, type Run } from "./run";
import {
  callFailed,
  hardStopsSent,
  jobRead,
  jobReadFailed,
  listFailed,
  observationsRecorded,
  submissionAccepted,
  submissionFailed,
  unfinishedSettled,
  verdictsApplied,
} from "./transitions";

export async function converge(options: ConvergeOptions): Promise<ConvergeResult> {
  const run = startRun(options);
  // A signal to the host (the engine ending the plugin, a CI runner) says what this run leaves behind.
  const unwatch = watchForInterrupt(run.label, () => run.state);
  try {
    return await convergeRun(run, options);
  } finally {
    unwatch();
  }
}

async function convergeRun(run: Run, options: ConvergeOptions): Promise<ConvergeResult> {
  const outcome = await runWaiter(waiterOptions(run, options), () => playRound(run)).catch((error: unknown) => {
    // A call failed for good (after the client's own retries): keep what is known, fail the rest with it.
    run.state = callFailed(run.state, describeError(error));
    return { state: "FAILURE" as const };
  });
  await lastLook(run);
  run.state = unfinishedSettled(run.state, outcome.state);
  reportProgress(run, true);
  await refreshJobRecords(run);
  return resultOf(run.state, outcome.state);
}

async function playRound(run: Run): Promise<PollResult<never>> {
  await readJobs(run);
  if (!(await listServers(run))) return { state: "RETRY" }; // nothing is planned on stale observations
  const plan = planRound(run.state);
  run.state = verdictsApplied(run.state, plan, run.now());
  if (run.firstRound) run.log(firstRoundLine(run.label, run.state, plan));
  run.firstRound = false;
  for (const batch of batchesToSend(run.state, heldForResend(run.state, plan, run.now()))) await submit(run, batch);
  await escalateHardStops(run);
  const settled = isSettled(run.state);
  // The settled round's line is the closing one, printed once the run has settled what did not finish.
  if (!settled) reportProgress(run, false);
  return { state: settled ? "SUCCESS" : "RETRY" };
}

/** Reads every job followed, at once; folds the answers in order once all are in. */
async function readJobs(run: Run): Promise<void> {
  const reads = await Promise.all(
    jobsToRead(run.state).map((jobId) =>
      run.api.getJob(jobId, callOptions(run)).then(
        (job) => ({ jobId, job, error: undefined, at: run.now() }),
        (error: unknown) => ({ jobId, job: undefined, error, at: run.now() }),
      ),
    ),
  );
  for (const { jobId, job, error, at } of reads) {
    if (job) {
      run.state = jobRead(run.state, jobId, job, at);
      continue;
    }
    const info = describeError(error);
    const before = run.state.jobs[jobId];
    run.state = jobReadFailed(run.state, jobId, info, at);
    const line = jobReadFailureLine(run.label, jobId, info, before, run.state.jobs[jobId]);
    if (line) run.log(line);
  }
}

/** Lists the servers to look at; false when the list failed in a way worth trying again next round. */
async function listServers(run: Run): Promise<boolean> {
  try {
    run.state = observationsRecorded(run.state, await list(run, serversToList(run.state)));
    return true;
  } catch (error) {
    const info = describeError(error);
    if (!isTransientRead(info, readContext(run))) throw error;
    run.state = listFailed(run.state, info);
    if (!isAborted(info)) run.log(listFailureLine(run.label, info, run.state.config.timeoutSeconds));
    return false;
  }
}

async function submit(run: Run, batch: Batch): Promise<void> {
  const { action, serverIds, type } = batch;
  const sentAt = run.now();
  const accepted: { submission: { jobId: string; serverIds: readonly string[] }; at: number }[] = [];
  let failure: { error: unknown } | undefined;
  try {
    await run.api.batchAction(action, serverIds, {
      ...(type ? { type } : {}),
      ...callOptions(run),
      onSubmitted: (submission) => void accepted.push({ submission, at: run.now() }),
    });
  } catch (error) {
    failure = { error };
  }
  for (const { submission, at } of accepted) {
    run.state = submissionAccepted(run.state, { action, type, submission, sentAt }, at);
  }
  if (!failure) return;
  const before = run.state.conflicts;
  run.state = submissionFailed(
    run.state,
    {
      serverIds,
      accepted: accepted.flatMap((a) => a.submission.serverIds),
      failedCall: serverIdsOf(failure.error),
      info: describeError(failure.error),
      deadlineReached: run.deadline.aborted,
      hardStop: action === "os-stop" && type === "HARD",
    },
    run.now(),
  );
  const conflicted = serverIds.filter((id) => run.state.conflicts[id] !== before[id]);
  if (conflicted.length > 0) {
    run.log(conflictLine(run.label, action, run.state, conflicted, describeError(failure.error), run.now()));
  }
}

/** SOFT stops that outlasted hardStopAfterSeconds: look first (a HARD stop for a server already SHUTOFF could get the whole batch rejected), then stop HARD those still running. */
async function escalateHardStops(run: Run): Promise<void> {
  const after = run.state.config.hardStopAfterSeconds!;
  const due = dueForHardStop(run.state, run.now());
  if (due.length === 0) return;
  const reasons = new Map(due.map((id) => [id, hardStopReason(run.state.servers[id], run.now(), after)]));
  try {
    run.state = observationsRecorded(run.state, await list(run, due));
  } catch (error) {
    if (!isTransientRead(describeError(error), readContext(run))) throw error;
    return; // due again next round
  }
  run.state = hardStopsSent(run.state, due);
  const running = stillRunning(run.state, due);
  if (running.length === 0) return;
  for (const line of hardStopLines(
    run.label,
    running.map((id) => ({ id, reason: reasons.get(id)! })),
    after,
  )) {
    run.log(line);
  }
  await submit(run, { action: "os-stop", serverIds: running, type: "HARD" });
}

/** Records the truth for what did not finish (unless a call failed for good), before saying why. */
async function lastLook(run: Run): Promise<void> {
  const unfinished = unfinishedServers(run.state);
  if (unfinished.length === 0 || run.state.callError) return;
  const observations = await list(run, unfinished, finalLookSignal(run)).catch(() => undefined);
  if (observations) run.state = observationsRecorded(run.state, observations);
}

/** The `jobs` output should say how each job ended, even those no server was waiting on any more. */
async function refreshJobRecords(run: Run): Promise<void> {
  if (run.state.callError) return;
  const signal = finalLookSignal(run);
  const reads = await Promise.all(
    openJobs(run.state).map((jobId) =>
      run.api.getJob(jobId, callOptions(run, signal)).then(
        (job) => ({ jobId, job }),
        () => ({ jobId, job: undefined }),
      ),
    ),
  );
  for (const { jobId, job } of reads) if (job) run.state = jobRead(run.state, jobId, job, run.now());
}

function list(run: Run, ids: readonly string[], signal: AbortSignal = run.operationSignal) {
  return ids.length === 0 ? Promise.resolve([]) : run.api.listServers(ids, callOptions(run, signal));
}

function reportProgress(run: Run, force: boolean): void {
  if (!force && run.now() - run.lastProgressAt < run.progressIntervalMs) return;
  run.lastProgressAt = run.now();
  run.log(progressLine(run.label, run.state));
}
