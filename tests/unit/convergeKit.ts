/**
 * What the converger's suites over the emulator share: a real client per test for the suite's emulator,
 * and a convergence with its progress lines collected. Used by converge.test.ts ("converge over the
 * emulator"), converge.calls.test.ts and converge.hiddenTask.test.ts, which used to write both out each.
 */
import { DEFAULT_EMULATOR_CREDENTIALS } from "../../emulator";
import { converge, type ConvergeOptions, type ConvergeResult } from "../../provider/converge";
import { EcsClient, type EcsClientOptions } from "../../provider/ecsClient";
import type { EmulatorHandle } from "../emulatorPerSuite";

const { accessKey, secretKey, projectId } = DEFAULT_EMULATOR_CREDENTIALS;

/** The client's options besides where it goes and who it is. */
export type ClientTuning = Omit<EcsClientOptions, "endpoint" | "projectId" | "credentials">;

/** A client for the emulator's default account, with `tuning` (retries, pacing) over the client's defaults. */
export function emulatorClient(handle: EmulatorHandle, tuning: ClientTuning = {}): EcsClient {
  return new EcsClient({ endpoint: handle.emulator.url, projectId, credentials: { accessKey, secretKey }, ...tuning });
}

/**
 * Registers the hooks (after `emulatorPerSuite`'s, so each test's client meets a reset emulator): an
 * `emulatorClient` made before each test, closed after it. Returns the current test's client.
 */
export function clientPerTest(handle: EmulatorHandle, tuning: ClientTuning = {}): () => EcsClient {
  let client: EcsClient | undefined;
  beforeEach(() => {
    client = emulatorClient(handle, tuning);
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });
  return () => {
    if (client === undefined) throw new Error("the test's client exists only in a test or its hooks");
    return client;
  };
}

/** What a test passes: the API and the goals at least; the rest defaults to a SOFT stop, 60 s, label "L". */
export type ConvergeInput = Pick<ConvergeOptions, "api" | "goals"> & Partial<Omit<ConvergeOptions, "log">>;

/** A convergence with its progress lines collected, in order. */
export async function convergeCollecting(options: ConvergeInput): Promise<{ result: ConvergeResult; lines: string[] }> {
  const lines: string[] = [];
  const result = await converge({
    stopType: "SOFT",
    timeoutSeconds: 60,
    label: "L",
    ...options,
    log: (line) => lines.push(line),
  });
  return { result, lines };
}
