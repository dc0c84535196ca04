/** Configures the in-process provider as the engine would, from stack config values. */
import { DEFAULT_EMULATOR_CREDENTIALS } from "../../emulator";
import { serverPowerStateProvider as provider } from "../../provider/provider";

/**
 * The emulator's credentials and project, the given endpoint, then `overrides` (undefined removes a
 * key). `require` of a missing key answers "" as the SDK's would not: the provider never requires one.
 */
export async function configureProvider(
  endpoint: string,
  overrides: Record<string, string | undefined> = {},
): Promise<void> {
  const { accessKey, secretKey, projectId } = DEFAULT_EMULATOR_CREDENTIALS;
  const values: Record<string, string | undefined> = {
    "huaweicloud:accessKey": accessKey,
    "huaweicloud:secretKey": secretKey,
    "huaweicloud:projectId": projectId,
    "huaweicloud:ecsEndpoint": endpoint,
    // These suites call the lifecycle methods one by one and count each one's calls; the reads check and
    // diff make for the live plan are counted by tests/provider/preview.test.ts, which turns them on.
    "huaweicloud:ecsPreviewReads": "false",
    ...overrides,
  };
  await provider.configure({
    config: {
      get: (key: string) => values[key],
      require: (key: string) => {
        const value = values[key];
        if (value === undefined) throw new Error(`missing ${key}`);
        return value;
      },
    },
  });
}
