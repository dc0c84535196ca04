/**
 * The emulator subpath's public types (`pulumi-huaweicloud-ecs-power/emulator`), written out by hand so
 * that its shipped declarations name no zod type: a program made from Pulumi's TypeScript template
 * (strict, no `skipLibCheck`, no `esModuleInterop`) that rehearses its pipeline against the emulator
 * type-checks with any TypeScript 5.x or later.
 *
 * The schemas (emulatorOptionsSchema.ts, adminSchemas.ts, variants.ts) stay the source of
 * truth: tests/types/emulatorPublicTypes.typecheck.ts asserts, in both directions, that each type here
 * and the one inferred from its schema are assignable to each other, so `npm run typecheck` fails as soon
 * as one drifts. A new option, fault field or switch goes into its schema first, then here.
 */

/**
 * A server's status as the emulator stores it: the two stable ECS statuses, and ERROR (set through the
 * admin API: a server an operation left broken; it can be stopped, as upstream Nova allows, not started).
 */
export type PowerStatus = "ACTIVE" | "SHUTOFF" | "ERROR";
/** The batch actions the emulator serves. */
export type PowerAction = "os-stop" | "os-start" | "reboot";

/** A server given to `startEmulator({ servers })` or `EmulatorAdmin.putServers`. */
export interface AdminServerInput {
  /** ECS ids are UUIDs; 1–64 characters of A-Z, a-z, 0-9 or `-` are accepted, so tests can use short ids. */
  id: string;
  status: PowerStatus;
  /** A locked server refuses actions (`Ecs.0605`). Default false. */
  locked?: boolean;
  /** 1–255 characters; default `server-` and the id's first 8 characters. */
  name?: string;
  /** Tag key → value (at most 10; Huawei's key and value rules), rendered as `"key=value"` in server details. */
  tags?: Record<string, string>;
  /** The enterprise project the server belongs to (`"0"` or a UUID; 1–64 of A-Z, a-z, 0-9, `-`). Default `"0"`, the default EP. */
  enterpriseProjectId?: string;
}

/** A change made out of band (`EmulatorAdmin.setServer`): drift. At least one field. */
export interface ServerPatch {
  /** A new status ends any transition at once. */
  status?: PowerStatus;
  locked?: boolean;
  name?: string;
  /** Replaces the server's tags (an empty object removes them all). */
  tags?: Record<string, string>;
  /** Moves the server to another enterprise project. */
  enterpriseProjectId?: string;
}

/** How the admin API shows a server: the status and task_state the ECS API would show now. */
export interface AdminServerView {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly taskState: string | null;
  readonly locked: boolean;
  readonly tags: Record<string, string>;
  readonly enterpriseProjectId: string;
}

/** The API routes a transport fault can target. */
export type ApiRoute = "action" | "job" | "list" | "show" | "projects" | "tags" | "securitytokens";

/** What a transport fault does to the request it meets (docs/emulator.md, Faults). */
export type TransportFaultKind =
  | "throttle"
  | "server-error"
  | "reset"
  | "delay"
  | "accepted-no-job"
  | "busy"
  | "malformed-json"
  | "forbidden"
  | "expired-job"
  | "pending-payment";

/** A fault on the next `times` requests of a route (or of `any` route). */
export interface TransportFaultInput {
  route: ApiRoute | "any";
  kind: TransportFaultKind;
  /** How many requests it meets; default 1. */
  times?: number;
  /** Only for `delay` (and required there): how long the (already processed) answer is held back. */
  delayMs?: number;
  /** Only for `throttle`: the Retry-After value; 0 is allowed; null sends no Retry-After header. Default 1. */
  retryAfterSeconds?: number | null;
  /** Only for `server-error`: 500 (`Common.0001`), 502 (`APIGW.0202`), 503 (a proxy's HTML page) or 504 (`APIGW.0203`). Default 500. */
  status?: 500 | 502 | 503 | 504;
  /** Only for `reset`: drop the connection after the request was processed (an action is then accepted). */
  afterProcessing?: boolean;
  /** Only for `forbidden`: `Ecs.0003` (no permission) or `Pdp.0001` (an IAM policy denies; the default). */
  code?: "Ecs.0003" | "Pdp.0001";
}

/** A pending transport fault, defaults filled in. */
export interface TransportFault extends Required<Omit<TransportFaultInput, "delayMs">> {
  delayMs?: number;
}

/** The next `times` sub-jobs for the server FAIL with `errorCode` / `reason`. */
export interface FailSubjobFaultInput {
  serverId: string;
  kind: "fail-subjob";
  times?: number;
  /** Default `Ecs.1000`. */
  errorCode?: string;
  reason?: string;
}
/** The server's next `times` transitions never finish (a SOFT stop the guest ignores; see the `ignoredSoftStop` switch). */
export interface StuckFaultInput {
  serverId: string;
  kind: "stuck";
  times?: number;
}
/** The server is deleted just before the next action call naming it is processed. */
export interface VanishFaultInput {
  serverId: string;
  kind: "vanish";
  times?: 1;
}
/** The server is set to `status` just before the next action call naming it is processed. */
export interface DriftFaultInput {
  serverId: string;
  kind: "drift";
  status: PowerStatus;
  times?: number;
}
/** A fault on one server's next action or sub-job: fail it, make it stuck, vanish or drift the server. */
export type ServerFaultInput = FailSubjobFaultInput | StuckFaultInput | VanishFaultInput | DriftFaultInput;
/** A pending server fault, defaults filled in. */
export type ServerFault =
  Required<FailSubjobFaultInput> | Required<StuckFaultInput> | Required<VanishFaultInput> | Required<DriftFaultInput>;

/** The next accepted action call's job FAILs as a whole: every sub-job fails with `errorCode`, no server moves. */
export interface JobFaultInput {
  kind: "fail-job";
  times?: number;
  /** Default `Ecs.0611`. */
  errorCode?: string;
  reason?: string;
}
/** A pending job fault, defaults filled in. */
export type JobFault = Required<JobFaultInput>;

/** A pending fault of any kind. */
export type Fault = TransportFault | ServerFault | JobFault;

/** What `EmulatorAdmin.injectFault` takes: a fault with `serverId` is a server fault, `fail-job` a job fault. */
export type FaultInput = TransportFaultInput | ServerFaultInput | JobFaultInput;

/**
 * A pending transport fault as the admin API shows it: route, kind, the requests it still meets, and only
 * the options its kind takes (`retryAfterSeconds` for a throttle, `status` for a server error...).
 */
export interface PendingTransportFault extends TransportFaultInput {
  times: number;
}

/** The faults injected and not yet used up. */
export interface PendingFaults {
  readonly transport: PendingTransportFault[];
  readonly server: ServerFault[];
  readonly job: JobFault[];
}

/**
 * The variants: every behaviour of Huawei Cloud no source settles, one switch each, with its default
 * (the most realistic reading of the sources). docs/variants.md gives the sources for each.
 */
export interface Variants {
  /** Throttling answers carry `Retry-After`. Default false (no public source shows APIG sending one). */
  throttleRetryAfter: boolean;
  /** The window `rateLimit` counts requests over, in seconds (0 < s ≤ 3600). Default 60. */
  rateLimitWindowSeconds: number;
  /** A HARD `os-stop` on a server a SOFT stop is still powering off. Default `supersede`. */
  hardDuringSoft: "supersede" | "reject-400" | "reject-409" | "fail-subjob";
  /** A SOFT stop the guest ignores (the `stuck` fault on a SOFT `os-stop`). Default `stay`. */
  ignoredSoftStop: "stay" | "fail" | "force";
  /** After how long `ignoredSoftStop` `fail` / `force` ends it (0–86400 s). Default 60. */
  ignoredSoftStopSeconds: number;
  /** After a transition ends, the server list keeps showing the old status this long (0–3600 s). Default 0. */
  listLagSeconds: number;
  /** Batch jobs: one sub-job per server with `server_id`, no `sub_jobs`, or sub-jobs without `server_id`. Default `per-server`. */
  subJobs: "per-server" | "none" | "no-server-id";
  /** ECS's error bodies: nested `{"error": {code, message}}`, flat `{error_code, error_msg}` or top-level `{code, message}`. Default `nested`. */
  errorBodies: "nested" | "flat" | "top-level";
  /** More servers than the per-minute limit: `429 APIGW.0308` (`throttle`) or `400 Ecs.0118`. Default `throttle`. */
  batchLimitAnswer: "throttle" | "ecs-0118";
  /** `os-stop` on a SHUTOFF server (or `os-start` on an ACTIVE one): 400 Ecs.0100, a FAIL sub-job, or a no-op SUCCESS. Default `reject`. */
  alreadyInState: "reject" | "fail-subjob" | "noop";
  /** An unknown server id in an action body: 404 Ecs.0114 or a FAIL sub-job. Default `reject`. */
  unknownServer: "reject" | "fail-subjob";
  /** Refuse (400 Ecs.0005) a server list whose `server_id` commas arrive literal rather than `%2C`. Default false. */
  requireEncodedCommas: boolean;
  /** The gateway refuses a request URI longer than this with 414 APIGW.0201 (256–1048576). Default 32768. */
  maxUriBytes: number;
  /** The list's `name` filter (a regular-expression search, `.` any character): case-sensitive or not. Default `case-sensitive`. */
  listNameMatch: "case-sensitive" | "case-insensitive";
  /**
   * The enterprise projects (ids, at most 100) the access key is authorized for; empty = authorized at
   * project level, for every EP. Servers of other EPs are left out of lists (null entries with `server_id`)
   * and refused `403 Pdp.0001` to `GET /cloudservers/{id}` and to actions. Default `[]`.
   */
  authorizedEnterpriseProjects: string[];
  /**
   * A server list without `enterprise_project_id`: `forbidden` (403 `Pdp.0001` for a key authorized per EP;
   * an unscoped key sees every EP), `all` (every EP the key may see) or `default-only` (EP "0" only). Default `forbidden`.
   */
  listWithoutEnterpriseProject: "forbidden" | "all" | "default-only";
  /**
   * The gateway's own answers (`APIGW.*`: throttling, 401, unknown route, 414, 502/504): flat
   * `{error_code, error_msg, request_id}` or `{error_message, status_code}` (APIG FAQ fci_00001). Default `flat`.
   */
  gatewayBodies: "flat" | "error-message";
  /**
   * How long (0–600000 ms) an accepted job stays INIT with its servers showing no task (the list shows
   * the old status, `task_state` null). Default 0 (upstream Nova sets `task_state` in the API call).
   */
  hiddenTaskMs: number;
  /**
   * An action on a server whose accepted job's task does not show yet: refused whole, `400 Ecs.0100`
   * (`reject`), or accepted as a second job whose sub-job FAILs `Ecs.0100` (`fail-subjob`). Default `reject`.
   */
  hiddenTaskAction: "reject" | "fail-subjob";
}
/** The name of a variant switch (docs/variants.md). */
export type VariantName = keyof Variants;
/** The switches as options: each optional, defaulted. */
export type VariantsInput = Partial<Variants>;
/** `EmulatorAdmin.setVariants` / `PATCH /_emulator/variants`: some switches (at least one); the others keep their value. */
export type VariantsPatch = Partial<Variants>;

/** An IAM agency in an account (domain) that the emulator's keys may assume. */
export interface EmulatorAgency {
  domainName: string;
  agencyName: string;
}

/** `startEmulator`'s options once resolved: every default filled in (docs/emulator.md, From code). */
export interface ResolvedEmulatorOptions extends Variants {
  /** 0 picks a free port (the default). */
  port: number;
  /** A loopback address (127.x.x.x, ::1 or localhost); default 127.0.0.1. */
  host: string;
  accessKey: string;
  secretKey: string;
  /** 32 lower-case hex digits. */
  projectId: string;
  region: string;
  /** How long a stop takes (0–86400 s); default 0.3. */
  stopSeconds: number;
  startSeconds: number;
  rebootSeconds: number;
  /** How long a new job reports INIT (ms); default 50. */
  jobInitMs: number;
  /** Finished jobs are deleted this long after they end; default 86400. */
  jobTtlSeconds: number;
  /** Servers accepted per rolling minute across action calls; 0 = unlimited; default 1000. */
  batchPerMinute: number;
  /** The rolling window `batchPerMinute` counts over, in seconds; default 60. */
  batchWindowSeconds: number;
  /** API requests per `rateLimitWindowSeconds` (default 60) over all API routes; 0 = unlimited (the default). */
  rateLimit: number;
  /** How long five failed authentications in a row lock the access key; 0 = never; default 300. */
  authLockSeconds: number;
  /** The agencies the emulator's keys may assume through IAM's securitytokens; none by default. */
  agencies: EmulatorAgency[];
  /**
   * How long the temporary credentials the emulator issues live (1–86400 s): its metadata service's
   * (default 3600) and an agency's (default the requested duration_seconds). A knob for tests.
   */
  temporaryCredentialSeconds?: number;
  /**
   * The ECS metadata service (`/openstack/latest/securitykey`): `token-optional` (the default: with or
   * without the token handshake), `token-required`, `plain` (no handshake), or `no-agency` (the server has none).
   */
  metadata: "token-optional" | "token-required" | "plain" | "no-agency";
  /** The first fleet. */
  servers: AdminServerInput[];
  /** Adds `seed` deterministic servers (see `seedServers`), before `servers`. */
  seed: number;
  /** Where the emulator's log lines go; none by default. */
  log?: (line: string) => void;
  /** Injectable clock (ms since the epoch); defaults to Date.now. */
  clockMs?: () => number;
}
/** `startEmulator`'s options: all optional. */
export type EmulatorOptions = Partial<ResolvedEmulatorOptions>;
