/**
 * Built-in defaults of the emulator. The credentials are fixed, public test values: the
 * emulator is a loopback-only development tool, never a place for real keys.
 */

export interface EmulatorCredentials {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly projectId: string;
  readonly region: string;
}

/** The built-in test key (public: printed in the banner); any other key the emulator is given is never printed. */
export const DEFAULT_EMULATOR_CREDENTIALS: EmulatorCredentials = Object.freeze({
  accessKey: "EMULATORACCESSKEY000",
  secretKey: "emulator-public-test-key",
  projectId: "0e1d2c3b4a5960718293a4b5c6d7e8f9",
  region: "cn-north-4",
});

/** How long a stop takes by default: short so test suites run in seconds (real stops take 15–35 s). */
export const DEFAULT_STOP_SECONDS = 0.3;
/** How long a start takes by default (real starts take 15–35 s). */
export const DEFAULT_START_SECONDS = 0.3;
/** How long a reboot takes by default. */
export const DEFAULT_REBOOT_SECONDS = 0.3;
/** How long a new job reports INIT before it turns RUNNING and its sub-jobs appear. */
export const DEFAULT_JOB_INIT_MS = 50;
/** The window `batchPerMinute` is counted over: Huawei's minute. Shorter only to compress time (the benchmark). */
export const DEFAULT_BATCH_WINDOW_SECONDS = 60;
/** Finished jobs are deleted one day after they end, as Huawei documents. */
export const DEFAULT_JOB_TTL_SECONDS = 86_400;
/** The programmatic default is an ephemeral port (tests); the CLI uses a fixed one (humans). */
export const DEFAULT_CLI_PORT = 8780;
export const DEFAULT_HOST = "127.0.0.1";
/** Page size of `GET /cloudservers/detail` when `limit` is absent (Huawei documents 25). */
export const DEFAULT_LIST_LIMIT = 25;
export const MAX_LIST_LIMIT = 1000;
/** Bodies above this are refused before parsing (1000 ids are about 50 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Five failed authentications in a row lock the access key for five minutes (reference §4). */
export const DEFAULT_AUTH_LOCK_SECONDS = 300;
