/**
 * What a user would write instead, on Huawei's official Node SDK (`@huaweicloud/huaweicloud-sdk-ecs`),
 * against the same emulator. Neither reads the servers first nor confirms them after: they trust
 * the job, as Terraform does (the ECS API reference, §7: "Throttling, retries, waiting").
 *
 * - batchStopWithSdk: BatchStopServers in chunks of at most 1000, one chunk per pacing window
 *   (the next chunk waits a full window after the previous one was answered), then ShowJob for each
 *   job every 10 s until it ends.
 * - perServerStop: Terraform's per-server pattern: one os-stop per server, then ShowJob for that job
 *   every 10 s until it ends, at most 10 servers at a time.
 */
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import {
  BatchStopServersOption,
  BatchStopServersOptionTypeEnum,
  BatchStopServersRequest,
  BatchStopServersRequestBody,
  EcsClient,
  ServerId,
  ShowJobRequest,
} from "@huaweicloud/huaweicloud-sdk-ecs";

export interface SdkTarget {
  readonly url: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly projectId: string;
}

export interface ScriptRun {
  readonly wallMs: number;
  /** Servers the script waited for (all, or the measured prefix). */
  readonly servers: number;
  readonly failedJobs: number;
}

/** Terraform's and the reference script's poll interval. */
export const SDK_POLL_INTERVAL_MS = 10_000;
/** Terraform's default parallelism. */
export const PER_SERVER_CONCURRENCY = 10;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function sdkClient(target: SdkTarget): EcsClient {
  const credentials = new BasicCredentials()
    .withAk(target.accessKey)
    .withSk(target.secretKey)
    .withProjectId(target.projectId);
  return EcsClient.newBuilder().withCredential(credentials).withEndpoint(target.url).build();
}

async function stop(client: EcsClient, ids: readonly string[]): Promise<string> {
  const option = new BatchStopServersOption(ids.map((id) => new ServerId(id))).withType(
    BatchStopServersOptionTypeEnum.SOFT,
  );
  const answer = await client.batchStopServers(
    new BatchStopServersRequest().withBody(new BatchStopServersRequestBody(option)),
  );
  // The SDK hands back the parsed JSON typed as its model: the wire name is what is there.
  const jobId = (answer as unknown as { job_id?: string }).job_id;
  if (!jobId) throw new Error(`BatchStopServers answered without a job_id: ${JSON.stringify(answer)}`);
  return jobId;
}

/** Polls every SDK_POLL_INTERVAL_MS, the first poll one interval after the submission; true when SUCCESS. */
async function waitForJob(client: EcsClient, jobId: string, pollIntervalMs: number): Promise<boolean> {
  for (;;) {
    await sleep(pollIntervalMs);
    const job = await client.showJob(new ShowJobRequest().withJobId(jobId));
    if (job.status === "SUCCESS") return true;
    if (job.status === "FAIL") return false;
  }
}

export async function batchStopWithSdk(
  target: SdkTarget,
  ids: readonly string[],
  windowMs: number,
  pollIntervalMs = SDK_POLL_INTERVAL_MS,
): Promise<ScriptRun> {
  const client = sdkClient(target);
  const started = Date.now();
  const waits: Promise<boolean>[] = [];
  for (let start = 0; start < ids.length; start += 1000) {
    if (start > 0) await sleep(windowMs);
    const jobId = await stop(client, ids.slice(start, start + 1000));
    waits.push(waitForJob(client, jobId, pollIntervalMs));
  }
  const outcomes = await Promise.all(waits);
  return { wallMs: Date.now() - started, servers: ids.length, failedJobs: outcomes.filter((ok) => !ok).length };
}

export async function perServerStop(
  target: SdkTarget,
  ids: readonly string[],
  concurrency = PER_SERVER_CONCURRENCY,
  pollIntervalMs = SDK_POLL_INTERVAL_MS,
): Promise<ScriptRun> {
  const client = sdkClient(target);
  const started = Date.now();
  let next = 0;
  let failedJobs = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++];
      const jobId = await stop(client, [id]);
      if (!(await waitForJob(client, jobId, pollIntervalMs))) failedJobs += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return { wallMs: Date.now() - started, servers: ids.length, failedJobs };
}
