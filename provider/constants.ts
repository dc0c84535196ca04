/** Header names, algorithm ids and API limits shared by the signer, the client and the emulator. */

export const SIGNING_ALGORITHM = "SDK-HMAC-SHA256";

export const HEADER_AUTHORIZATION = "Authorization";
export const HEADER_SDK_DATE = "X-Sdk-Date";
export const HEADER_PROJECT_ID = "X-Project-Id";
export const HEADER_SECURITY_TOKEN = "X-Security-Token";
export const HEADER_CONTENT_TYPE = "Content-Type";
export const HEADER_REQUEST_ID = "X-Request-Id";
export const HEADER_RETRY_AFTER = "Retry-After";

/** sha256 of the empty string: the payload hash of a request without a body. */
export const EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** The gateway rejects a signature whose X-Sdk-Date is further than this from its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** `POST /cloudservers/action` takes at most this many servers in one call (Ecs.0118 beyond). */
export const MAX_SERVERS_PER_ACTION = 1000;
/** The docs also say at most 1000 servers per minute for batch actions. */
export const DEFAULT_SERVERS_PER_MINUTE = 1000;
/** `GET /cloudservers/detail?server_id=` is documented as safe up to 100 ids (URI length). */
export const MAX_IDS_PER_LIST = 100;

/** Sent (unsigned) on every request; keep the version in step with package.json (a unit test checks). */
export const CLIENT_USER_AGENT = "pulumi-huaweicloud-ecs-power/0.2.0";

/**
 * After a server's sub-job (or its job) ended with SUCCESS, a server list still showing the old
 * status with no task is read again for this long before the server is reported `STILL_<status>`:
 * no source says how soon the list reflects a finished job (docs/variants.md, `listLagSeconds`).
 * Never answered with a second action.
 */
export const LIST_LAG_GRACE_MS = 30_000;
