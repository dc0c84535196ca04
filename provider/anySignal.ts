/**
 * `AbortSignal.any`, except that the combined signal keeps its sources alive until one fires.
 *
 * Node 20's `AbortSignal.any` holds its sources weakly, and `AbortSignal.timeout`'s timer holds its
 * signal weakly too: a timeout signal that only the combined signal refers to is collected at the next
 * garbage collection, never fires, and the combined signal never aborts (Node 20.20:
 * `AbortSignal.any([new AbortController().signal, AbortSignal.timeout(1500)])` still not aborted after
 * 6 s with a collection every 10 ms). An abort listener on each source keeps it: Node keeps a timeout
 * signal that has an abort listener until it fires (its `gcPersistentSignals`).
 */
export function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  const fired = signals.find((signal) => signal.aborted);
  if (fired) {
    controller.abort(fired.reason);
    return controller.signal;
  }
  const onAbort = function (this: AbortSignal): void {
    for (const signal of signals) signal.removeEventListener("abort", onAbort);
    controller.abort(this.reason);
  };
  for (const signal of signals) signal.addEventListener("abort", onAbort, { once: true });
  return controller.signal;
}
