/** A sleep that an AbortSignal ends early; the listener is removed in every case. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error("aborted"));
      return;
    }
    // Declared before the closures that use it: Pulumi's closure serializer needs that order.
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error("aborted"));
    };
    timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The one abort-aware wait of the client: `ms` with `sleepFn` (injected for tests); when `signal`
 * cuts it short, throws `aborted(cause)` (an EcsError naming the operation) instead of the bare reason.
 */
export async function waitOrAbort(
  sleepFn: (ms: number, signal?: AbortSignal) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
  aborted: (cause: unknown) => Error,
): Promise<void> {
  try {
    await sleepFn(ms, signal);
  } catch (error) {
    throw aborted(error);
  }
}
