/**
 * The package's public types, written out by hand so that the shipped declarations (`dist/**.d.ts`)
 * name no zod and no undici type: a program made from Pulumi's TypeScript template (strict, no
 * `skipLibCheck`, no `esModuleInterop`) type-checks against them with any TypeScript 5.x or later.
 *
 * Each plain shape (error codes, records, options, the retry policy...) is declared here once: the
 * implementation modules import it (and re-export it) instead of declaring it again, and where the
 * implementation holds a richer type (an undici `Dispatcher` for `dispatcher`) it extends the one
 * here with only that field changed.
 *
 * The schemas stay the source of truth for what they validate: a type inferred from a schema (the
 * inputs, a job, a server) or derived from a list of values (`DesiredState`, `BatchActionName`...)
 * is written out here too, and tests/types/publicTypes.typecheck.ts asserts, in both directions,
 * that the two are assignable to each other, so `npm run typecheck` fails as soon as one drifts
 * from the other. A new input, output or record field goes into its schema first, then here.
 */

/** The power state a ServerPowerState declares. */
export type DesiredState = "stopped" | "running";
/** os-stop's and reboot's `type`: SOFT (ACPI, the guest shuts down) or HARD (forced). */
export type PowerActionType = "SOFT" | "HARD";
/** The os-stop type the resource sends. */
export type StopType = PowerActionType;
/** What `pulumi destroy` does: `"leave"` the servers as they are, or `"restore"` their initial status. */
export type OnDelete = "leave" | "restore";
/** The batch actions of `POST /v1/{project_id}/cloudservers/action`. */
export type BatchActionName = "os-stop" | "os-start" | "reboot";
/** The two actions a ServerPowerState submits. */
export type PowerAction = "os-stop" | "os-start";
/** The statuses a ServerPowerState converges to. */
export type StableStatus = "ACTIVE" | "SHUTOFF";

/** The stable codes of `EcsError` (callers match on these, never on `message`). */
export type EcsErrorCode =
  | "ECS_AUTH_FAILED"
  | "ECS_FORBIDDEN"
  | "ECS_NOT_FOUND"
  | "ECS_JOB_NOT_FOUND"
  | "ECS_PROJECT_NOT_FOUND"
  | "ECS_BAD_REQUEST"
  | "ECS_SERVER_STATE"
  | "ECS_SERVER_LOCKED"
  | "ECS_TOO_MANY_SERVERS"
  | "ECS_THROTTLED"
  | "ECS_BUSY"
  | "ECS_SERVER_ERROR"
  | "ECS_NETWORK"
  | "ECS_TIMEOUT"
  | "ECS_BAD_RESPONSE"
  | "ECS_AMBIGUOUS_SUBMIT"
  | "ECS_INVALID_ENDPOINT"
  | "ECS_INVALID_ARGUMENT"
  | "ECS_ABORTED"
  | "ECS_INTERNAL";

/**
 * A code as Huawei's API gives it (`Ecs.0114`, `APIGW.0301`, `Common.0011`), kept as it came: the
 * user can look it up in Huawei's error-code pages.
 */
export type HuaweiErrorCode = `${string}.${string}`;

/**
 * The codes a server's record (`servers[id].error.code`) and a partial failure show, one
 * vocabulary for the plan, the converger and the provider (README, When something fails):
 * - Huawei's own code when the API gave one (a refused call, a failed sub-job or job);
 * - our client's code when it gave none (`ECS_NETWORK`, `ECS_AMBIGUOUS_SUBMIT`, ...; `ERROR` for anything else thrown);
 * - what the converger concluded: `TIMEOUT` and `ABORTED` (not in the goal status when the
 *   deadline came or the operation was cancelled), `JOB_UNREADABLE` (its job could not be read
 *   and the server never moved), `SUBJOB_FAILED` / `JOB_FAILED` (a failure without a Huawei code);
 * - what the plan concluded: `STILL_<status>` (still in the other stable status after its job
 *   ended), `STATUS_<status>` (a status that cannot be turned into the goal).
 */
export type ServerErrorCode =
  | HuaweiErrorCode
  | EcsErrorCode
  | "ERROR"
  | "TIMEOUT"
  | "ABORTED"
  | "JOB_UNREADABLE"
  | "SUBJOB_FAILED"
  | "JOB_FAILED"
  | `STILL_${StableStatus}`
  | `STATUS_${string}`;

/** The inputs after `check`: defaults applied, `serverIds` de-duplicated (case-insensitively) and sorted. */
export interface PowerStateInputs {
  serverIds: string[];
  state: DesiredState;
  stopType: StopType;
  hardStopAfterSeconds?: number | undefined;
  timeoutSeconds: number;
  onDelete: OnDelete;
  region?: string | undefined;
  projectId?: string | undefined;
  endpoint?: string | undefined;
  /** The servers named by their tags (and name) instead of, or beside, their ids. */
  selector?: Selector | undefined;
}

/** The selector after `check`: every key's values a list of distinct values, keys sorted. */
export interface Selector {
  readonly tags: Readonly<Record<string, readonly string[]>>;
  readonly notTags: Readonly<Record<string, readonly string[]>>;
  /** Servers whose name equals this (case-sensitive). Not with `namePattern`. */
  readonly name?: string;
  /**
   * Servers whose name this JavaScript regular expression matches (compiled with the `u` flag,
   * search semantics as `RegExp.prototype.test`: anchor with `^…$` for a full match). Evaluated by
   * the provider, never sent to the API. Not with `name`.
   */
  readonly namePattern?: string;
  /** Only servers of this enterprise project: `"0"` (the default project) or a project's UUID. */
  readonly enterpriseProjectId?: string;
  /** The blast-radius guard: when the selector matches more servers than this, nothing is done. */
  readonly maxMembers?: number;
}

export interface ServerError {
  readonly code: ServerErrorCode;
  readonly message: string;
}

/** One server as recorded in the stack (the `servers` output). */
export interface ServerRecord {
  readonly status: string | null;
  readonly taskState: string | null;
  readonly lastJobId: string | null;
  readonly error: ServerError | null;
  /**
   * The server's enterprise project as last listed (`"0"`: the default one); null when the list did
   * not say; absent in records written before this field existed.
   */
  readonly enterpriseProjectId?: string | null;
}

/** One submitted job as recorded in the stack (the `jobs` output). */
export interface JobRecord {
  jobId: string;
  action: PowerAction;
  type: StopType | null;
  status: string;
  serverIds: string[];
  beginTime: string | null;
  endTime: string | null;
}

/** What the stack records for a ServerPowerState: the inputs, plus what was observed. */
export interface PowerStateOutputs extends PowerStateInputs {
  /** Server id → its status as last observed. */
  servers: Record<string, ServerRecord>;
  /** The jobs submitted by the last operation. */
  jobs: JobRecord[];
  /** Server id → status before this resource first changed it. */
  initialStates: Record<string, string>;
  /** When the last operation ended with every server in the declared state. */
  convergedAt: string | null;
  /** The endpoint and project the servers were acted on through; a change means a replacement. */
  resolvedEndpoint: string;
  resolvedProjectId: string;
  resolvedRegion: string | null;
  /** With a selector: the ids it matched at the last up or refresh, sorted. */
  members?: string[] | undefined;
  /** With a selector: when `members` was resolved (ISO time). */
  membersResolvedAt?: string | undefined;
}

/** A batch action call the API accepted (answered 2xx with a job id). */
export interface BatchSubmission {
  readonly jobId: string;
  readonly action: BatchActionName;
  /** Set for os-stop and reboot; os-start takes no type. */
  readonly type?: PowerActionType;
  readonly serverIds: readonly string[];
  readonly submittedAt: Date;
}

/** One element of a job's `entities.sub_jobs`: one server's part of a batch action. */
export interface SubJob {
  jobId: string | undefined;
  status: string;
  serverId: string | undefined;
  jobType: string | undefined;
  beginTime: string | undefined;
  endTime: string | undefined;
  errorCode: string | undefined;
  failReason: string | undefined;
  /** The cause of a sub-job failure, when Huawei gives one. */
  errorcodeMessage: string | undefined;
}

/** `GET /v1/{project_id}/jobs/{job_id}`, read. `status` is kept as sent (INIT, RUNNING, SUCCESS, FAIL, ...). */
export interface Job {
  jobId: string;
  status: string;
  jobType: string | undefined;
  beginTime: string | undefined;
  endTime: string | undefined;
  errorCode: string | undefined;
  failReason: string | undefined;
  subJobs: SubJob[];
  subJobsTotal: number | undefined;
}

/** One server of `/cloudservers/detail` or `/cloudservers/{id}`; `found: false` for an unknown id. */
export interface ServerObservation {
  id: string;
  /** The server's name, for messages; null for an unknown id. */
  name: string | null;
  found: boolean;
  status: string | null;
  /** `powering-off` while a stop runs (status still ACTIVE), `powering-on` while a start runs. */
  taskState: string | null;
  vmState: string | null;
  powerState: number | null;
  locked: boolean | null;
  fault: { code: string | number | undefined; message: string } | null;
  /** The server's enterprise project (`enterprise_project_id`; `"0"`: the default one), null when not given. */
  enterpriseProjectId: string | null;
}

export interface Credentials {
  readonly accessKey: string;
  readonly secretKey: string;
  /** Set with temporary (STS) credentials; sent as X-Security-Token and signed. */
  readonly securityToken?: string;
}

/** How the client retries; every field has a default (docs/client.md). */
export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
  /** Full-jitter backoff: uniform in [0, min(maxDelayMs, baseDelayMs * 2^retry)). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Delay before retrying after Ecs.0603 ("try again in a minute"). */
  readonly busyDelayMs: number;
  /** A `Retry-After` longer than this is cut down to it. */
  readonly maxRetryAfterMs: number;
  /** While throttled without `Retry-After`: equal jitter in [c/2, c], c = min(maxThrottleDelayMs, throttleBaseDelayMs * 2^retry). */
  readonly throttleBaseDelayMs: number;
  readonly maxThrottleDelayMs: number;
  /** Delay before sending again an action refused for the per-minute limit: the pacing window. */
  readonly pacedDelayMs: number;
  /** HTTP statuses after which a GET is retried. */
  readonly retryableStatuses: readonly number[];
  /** Huawei codes meaning "throttled, nothing done": retried for every method. */
  readonly throttleHuaweiCodes: readonly string[];
  /** Huawei codes meaning "busy, try again in a minute": retried after busyDelayMs, every method. */
  readonly busyHuaweiCodes: readonly string[];
  /**
   * Huawei codes meaning "over the servers-per-minute limit": refused, nothing done; retried after
   * pacedDelayMs. `Ecs.0118` ("too many servers in one batch") on a call of at most 1000 servers can
   * only mean the per-minute limit: the client never sends more than 1000.
   */
  readonly pacedHuaweiCodes: readonly string[];
  /** Network error codes after which a GET is retried. */
  readonly retryableNetworkErrors: readonly string[];
  /** Network error codes that prove the request was never sent: the POST may be retried too. */
  readonly unsentNetworkErrors: readonly string[];
}

/**
 * The access keys the gateway refused (401) in this process. Five failed authentications in a row
 * lock a key for five minutes, so after one refusal no client sharing the gate sends another call
 * with that key: N resources with a wrong key make one failed call, not N, and do not lock it.
 */
export interface AuthGate {
  refused: { readonly accessKey: string; readonly error: EcsError }[];
}

/**
 * An undici `Dispatcher` (an `Agent`, a `Pool`, a `MockAgent`...). Typed loosely here so that the
 * package's declarations do not depend on undici's; the client uses it as undici 7 defines it.
 */
export type HttpDispatcher = object;

/** Tunables shared by the ECS client and the project-id lookup. */
export interface TransportOptions {
  /** TCP + TLS connect timeout of the pool the client owns (ignored with an injected dispatcher). */
  readonly connectTimeoutMs?: number;
  /** Time allowed for the response headers to arrive. */
  readonly headersTimeoutMs?: number;
  /** Longest pause allowed between two chunks of the response body. */
  readonly bodyTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly userAgent?: string;
  /** Clock used for X-Sdk-Date, Retry-After dates and pacing. */
  readonly now?: () => Date;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1): the jitter of retry delays. */
  readonly random?: () => number;
  /** Clients sharing a gate stop sending with an access key the gateway refused (see AuthGate); none without one. */
  readonly authGate?: AuthGate;
}

/**
 * One batch of `count` servers the cloud accepted at about `atMs` (epoch ms: when its answer came).
 * `pending` while the call is still in flight: it counts as accepted now, and is never pruned.
 */
export interface SubmitRecord {
  readonly atMs: number;
  readonly count: number;
  readonly pending?: true;
}

/**
 * The servers submitted per rolling minute, shareable between clients: Huawei's limit is per
 * account, so every client of one process (one per resource) should draw on the same ledger.
 */
export interface PacingLedger {
  records: SubmitRecord[];
}

export interface EcsClientOptions extends TransportOptions {
  /** ECS origin, e.g. `https://ecs.cn-north-4.myhuaweicloud.com` (https only, except loopback). */
  readonly endpoint: string;
  readonly projectId: string;
  readonly credentials: Credentials;
  /** Use this undici dispatcher instead of a pool of our own; the caller then owns (and closes) it. */
  readonly dispatcher?: HttpDispatcher;
  /** At most this many servers submitted per rolling pacing window (Huawei documents 1000 per minute). */
  readonly serversPerMinute?: number;
  /** The pacing window, default 60 000 (Huawei's minute); shorter only for a cloud (or emulator) that counts so. */
  readonly pacingWindowMs?: number;
  /** Detail queries run at most this many at once. */
  readonly listConcurrency?: number;
  /** Share one ledger between clients so that together they keep to `serversPerMinute`. */
  readonly pacing?: PacingLedger;
  /**
   * The `enterprise_project_id` every server list sends: `all_granted_eps` (default: every enterprise
   * project the key is granted), `"0"` (the default project) or a project's UUID.
   */
  readonly enterpriseProjectId?: string;
}

export interface BatchActionOptions {
  /** os-stop: SOFT (default) or HARD; reboot: SOFT (default) or HARD; os-start takes none. */
  readonly type?: PowerActionType;
  /** Cancels the pacing waits and the remaining chunks; a POST in flight is let finish. */
  readonly signal?: AbortSignal;
  /** Called as each chunk is accepted, before the next is sent. */
  readonly onSubmitted?: (submission: BatchSubmission) => void;
  /** Told before each wait while a call is throttled (it is retried until `signal` fires). */
  readonly onThrottled?: (notice: ThrottleNotice) => void;
}

export interface RequestOptions {
  /** Bounds the call: a throttled call is retried until it fires. */
  readonly signal?: AbortSignal;
  /** Told before each wait while the call is throttled. */
  readonly onThrottled?: (notice: ThrottleNotice) => void;
}

/** The call is being throttled: since when, by what, and how long until the next attempt. */
export interface ThrottleNotice {
  readonly operation: string;
  /** Huawei's code of the last refusal (`APIGW.0308`, `Common.0024`, `Ecs.0118`...), when it had one. */
  readonly huaweiCode?: string;
  /** Since the first throttled answer of this call. */
  readonly throttledForMs: number;
  readonly nextAttemptInMs: number;
  readonly attempts: number;
}

/** The signed ECS client: batch power actions, jobs and server queries (docs/client.md). */
export interface EcsClient {
  /** Submits `action` for the servers in chunks of at most 1000, paced; resolves with each accepted call. */
  batchAction(
    action: BatchActionName,
    serverIds: readonly string[],
    options?: BatchActionOptions,
  ): Promise<BatchSubmission[]>;
  getJob(jobId: string, options?: RequestOptions): Promise<Job>;
  /** Every requested server, in the order asked, `found: false` for the unknown ones. */
  listServers(ids: readonly string[], options?: RequestOptions): Promise<ServerObservation[]>;
  getServer(id: string, options?: RequestOptions): Promise<ServerObservation>;
  /** Closes the client's own pool (not an injected dispatcher). */
  close(): Promise<void>;
}

export interface EcsClientConstructor {
  new (options: EcsClientOptions): EcsClient;
  readonly prototype: EcsClient;
}

export interface EcsErrorInit {
  readonly code: EcsErrorCode;
  /** What was being done, e.g. `os-stop (SOFT) of 3 servers`; the message starts with it. */
  readonly operation: string;
  /** Why it failed when there is no HTTP answer to quote, e.g. `connection reset (ECONNRESET)`. */
  readonly reason?: string;
  readonly statusCode?: number;
  readonly huaweiCode?: string;
  readonly huaweiMessage?: string;
  readonly requestId?: string;
  /** Route template, e.g. `POST /v1/{project_id}/cloudservers/action`. */
  readonly route?: string;
  readonly serverIds?: readonly string[];
  readonly hint?: string;
  /** Attempts made before giving up (1 when not retried). */
  readonly attempts?: number;
  readonly submitted?: readonly BatchSubmission[];
  readonly cause?: unknown;
}

/**
 * The one error of the ECS client: match on `code`; `message` is one line for a human. It carries
 * the fields it was made with (EcsErrorInit), `serverIds` and `submitted` always set.
 */
export interface EcsError extends Error, Omit<EcsErrorInit, "serverIds" | "submitted" | "cause"> {
  readonly serverIds: readonly string[];
  /** Batch calls accepted before this error: their jobs are running, the caller must not lose them. */
  readonly submitted: readonly BatchSubmission[];
  /** The structured fields for logs (`cause` left out). */
  toJSON(): Record<string, unknown>;
}

export interface EcsErrorConstructor {
  new (init: EcsErrorInit): EcsError;
  readonly prototype: EcsError;
}

export interface FindProjectIdOptions extends TransportOptions {
  readonly region: string;
  readonly credentials: Credentials;
  /** Defaults to `https://iam.{region}.myhuaweicloud.com`. */
  readonly iamEndpoint?: string;
  /** Use this undici dispatcher instead of a short-lived pool of our own. */
  readonly dispatcher?: HttpDispatcher;
  readonly signal?: AbortSignal;
}
