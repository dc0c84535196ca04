/**
 * anySignal: AbortSignal.any whose sources stay alive until one fires (Node 20's collects a timeout
 * source that only the combined signal refers to, which then never aborts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ModuleKind, ScriptTarget, transpileModule } from "typescript";
import { anySignal } from "../../provider/anySignal";

describe("anySignal", () => {
  it("aborts with the reason of the source that fired first, and only then", async () => {
    const first = new AbortController();
    const second = new AbortController();
    const combined = anySignal([first.signal, second.signal]);
    expect(combined.aborted).toBe(false);
    second.abort(new Error("second"));
    first.abort(new Error("first"));
    expect(combined.aborted).toBe(true);
    expect((combined.reason as Error).message).toBe("second");
  });

  it("is aborted at once when a source already is, with its reason", () => {
    const done = new AbortController();
    done.abort("already");
    expect(anySignal([new AbortController().signal, done.signal]).reason).toBe("already");
  });

  it("removes its listeners from every source once one fired", () => {
    const sources = [new AbortController(), new AbortController()];
    const added: string[] = [];
    const removed: string[] = [];
    sources.forEach((source, index) => {
      const { signal } = source;
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener = ((type: string, ...rest: [never, never]) => {
        added.push(`${index} ${type}`);
        add(type, ...rest);
      }) as typeof signal.addEventListener;
      signal.removeEventListener = ((type: string, ...rest: [never, never]) => {
        removed.push(`${index} ${type}`);
        remove(type, ...rest);
      }) as typeof signal.removeEventListener;
    });
    anySignal(sources.map((s) => s.signal));
    sources[0].abort();
    expect(added).toEqual(["0 abort", "1 abort"]);
    expect(removed).toEqual(["0 abort", "1 abort"]);
  });

  // In a Node process of its own: inside jest's environment the timeout source is not collected, so the
  // check would pass with AbortSignal.any too (checked); in a plain process it fails with it on Node 20.
  it("a timeout source nothing else refers to still fires through garbage collections", () => {
    const source = transpileModule(readFileSync(resolve(__dirname, "../../provider/anySignal.ts"), "utf8"), {
      compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022 },
    }).outputText;
    const check = `
      const exports = {};
      ${source}
      (async () => {
        const combined = exports.anySignal([new AbortController().signal, AbortSignal.timeout(200)]);
        const started = Date.now();
        while (!combined.aborted && Date.now() - started < 3000) {
          gc();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        process.stdout.write(JSON.stringify({ aborted: combined.aborted, reason: combined.reason?.name }));
      })();`;
    const out = execFileSync(process.execPath, ["--expose-gc", "-e", check], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ aborted: true, reason: "TimeoutError" });
  });
});
