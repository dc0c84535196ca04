/** Compile-time helpers of the public-types checks (tests/types/*.typecheck.ts, run by `npm run typecheck`). */

/** `true` when A and B are assignable to each other; the tuple stops unions from distributing. */
export type Assignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/**
 * Assignable both ways and, for object types, the same keys (an optional field missing on one side counts);
 * `[A]` keeps a union (of objects, or with undefined) from distributing.
 */
export type Mutual<A, B> =
  Assignable<A, B> extends true ? ([A] extends [object] ? Assignable<keyof A, keyof B> : true) : false;
/** Compiles only when its argument is `true`. */
export function same<T extends true>(): T | undefined {
  return undefined;
}
