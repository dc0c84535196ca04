/**
 * The provider host's SIGINT and SIGTERM. Pulumi's engine sends the dynamic provider's host the
 * Cancel RPC on the first Ctrl-C or SIGTERM, and the Node.js dynamic-provider host answers it
 * without telling the provider (@pulumi/pulumi cmd/dynamic-provider/index.js `cancel`): the engine
 * then waits for the operation in flight, which goes on to its end. The host only learns of an end
 * by a signal: the engine interrupts the plugin's process group (SIGINT) when it closes plugins or
 * terminates (a second Ctrl-C), and kills it 5 s later (sdk/go/common/resource/plugin/plugin.go);
 * a CI runner may send SIGTERM. Then each operation in flight prints what it leaves behind, and the
 * signal is raised again with these listeners gone, so the process ends as Node would have ended it.
 * No action is sent after the signal: the handler runs to the end, synchronously, and the process
 * dies with it. See docs/reliability.md, "Cancellation".
 */
import { interruptedLines } from "./report";
import type { RunState } from "../converge/model";

interface InFlight {
  readonly label: string;
  readonly state: () => RunState;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
/**
 * The operations in flight. An array, not a Set: the root program's provider is serialized by value
 * (Pulumi's closure serializer), which copies an array but cannot copy a Set (its `size` is native code).
 */
const inFlight: InFlight[] = [];

function onSignal(signal: (typeof SIGNALS)[number]): void {
  for (const operation of inFlight) {
    for (const line of interruptedLines(operation.label, operation.state(), signal)) {
      process.stderr.write(`${line}\n`); // synchronous on pipes and files (Node's process I/O on POSIX)
    }
  }
  inFlight.length = 0;
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

/** Registers an operation in flight until the returned function is called; the listeners stay only while one is. */
export function watchForInterrupt(label: string, state: () => RunState): () => void {
  const operation: InFlight = { label, state };
  if (inFlight.length === 0) for (const s of SIGNALS) process.on(s, onSignal);
  inFlight.push(operation);
  return () => {
    const at = inFlight.indexOf(operation);
    if (at >= 0) inFlight.splice(at, 1);
    if (inFlight.length === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
}
