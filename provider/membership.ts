/**
 * Membership of a selector-defined fleet as pure functions of the record and the new inputs (no
 * API call): which servers the last operation acted on, which the selector matched at the last
 * resolution, who joined and who left, and the lines preview shows. A server that left the
 * selector is treated like an id dropped from `serverIds` (onDelete "leave" or "restore").
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { formatServerList } from "./errors";
import { MAX_SERVER_IDS, UNKNOWN_VALUE, type PowerStateInputs } from "./inputs";
import { countOf } from "./plural";
import { readRecord, type Props, type Recorded } from "./recorded";
import { describeSelector, selectorKey, type Selector } from "./selector";

export interface MembershipChange {
  /** In `next`, not in `previous`. */
  readonly joined: string[];
  /** In `previous`, not in `next`. */
  readonly left: string[];
  /** `next`, sorted. */
  readonly targets: string[];
}

/** Who joined and who left between two sets of servers. Pure. */
export function membershipChange(previous: readonly string[], next: readonly string[]): MembershipChange {
  const before = new Set(previous);
  const after = new Set(next);
  return {
    joined: [...after].filter((s) => !before.has(s)).sort(),
    left: [...before].filter((s) => !after.has(s)).sort(),
    targets: [...after].sort(),
  };
}

/** Lower-cased, distinct, sorted union. */
export function unionIds(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat().map((s) => s.toLowerCase()))].sort();
}

/** The servers the record's last operation acted on: declared ids, plus the members it recorded a status for. */
export function lastTargets(record: Recorded): string[] {
  const declared = record.serverIds ?? [];
  if (record.selector === undefined && record.members === undefined) return [...declared];
  return unionIds(declared, Object.keys(record.servers ?? {}));
}

/** The inputs an operation acts on: the declared ids joined by the resolved members. */
export function withMembers(inputs: PowerStateInputs, members: readonly string[] | undefined): PowerStateInputs {
  return members === undefined ? inputs : { ...inputs, serverIds: unionIds(inputs.serverIds, members) };
}

/** The outputs recording a resolution. */
export function membershipOutputs(members: readonly string[] | undefined, nowIso: string): Props {
  return members === undefined ? {} : { members: [...members], membersResolvedAt: nowIso };
}

/** More servers than one resource may hold: the refusal, with the count and the advice to split. */
export function memberBoundProblem(
  selector: Selector,
  members: number,
  total: number,
  max: number = MAX_SERVER_IDS,
): string | undefined {
  if (total <= max) return undefined;
  return (
    `the selector (${describeSelector(selector)}) matches ${countOf(members, "server")}, ${total} with serverIds, ` +
    `more than the ${max} one ServerPowerState may hold: split the fleet into several ServerPowerState resources ` +
    `(for example by one more tag each); nothing was acted on`
  );
}

/** The line an operation logs after resolving: how many matched, or that nothing is managed through the selector. */
export function describeResolution(selector: Selector, members: readonly string[]): string {
  if (members.length === 0) {
    return `selector ${describeSelector(selector)} matched no server: nothing is managed through it`;
  }
  return `selector ${describeSelector(selector)} matched ${countOf(members.length, "server")}: ${formatServerList(members)}`;
}

/** The record and the new inputs as diff compares them: `serverIds` being the servers acted on, before and next. */
export interface MembershipView {
  readonly olds: Props;
  readonly news: Props;
  readonly selectorChanged: boolean;
  /** Undefined when neither side has a selector: plain serverIds, nothing to say. */
  readonly note: string | undefined;
}

/**
 * With a selector on either side, `serverIds` becomes the servers acted on: last time (declared +
 * recorded members) and next (declared + the members found by the last resolution, a refresh or
 * an up). Preview makes no API call: the next `up` resolves again. Pure.
 */
export function membershipView(olds: Props, news: Props): MembershipView {
  const o = readRecord(olds);
  const n = readRecord(news);
  const unknown = news.serverIds === UNKNOWN_VALUE || news.selector === UNKNOWN_VALUE;
  if (unknown || (o.selector === undefined && n.selector === undefined && o.members === undefined)) {
    return { olds, news, selectorChanged: false, note: undefined };
  }
  const selectorChanged = selectorKey(o.selector) !== selectorKey(n.selector);
  const previous = lastTargets(o);
  const next = unionIds(n.serverIds ?? [], n.selector === undefined ? [] : (o.members ?? []));
  const change = membershipChange(previous, next);
  return {
    olds: { ...olds, serverIds: previous },
    news: { ...news, serverIds: next },
    selectorChanged,
    note: previewNote(o, n.selector, selectorChanged, change),
  };
}

function previewNote(
  o: Recorded,
  selector: Selector | undefined,
  selectorChanged: boolean,
  change: MembershipChange,
): string {
  const matched =
    o.members === undefined
      ? "never resolved yet"
      : `${countOf(o.members.length, "server")} matched at the last resolution${o.membersResolvedAt ? ` (${o.membersResolvedAt})` : ""}`;
  if (selector === undefined) return `selector removed: its members (${matched}) are no longer managed`;
  const head = selectorChanged
    ? `selector changed to ${describeSelector(selector)}: membership is resolved at up (the previous selector: ${matched})`
    : `selector ${describeSelector(selector)}: membership is resolved at up; ${matched}`;
  const moves: string[] = [];
  if (change.joined.length > 0) moves.push(`joined since the last up: ${formatServerList(change.joined)}`);
  if (change.left.length > 0) moves.push(`left since the last up: ${formatServerList(change.left)}`);
  return [head, ...moves].join("; ");
}

/** A selector change is a change even when the servers acted on are the same: the update records and re-resolves it. */
export function withSelectorChange(result: dynamic.DiffResult, view: MembershipView): dynamic.DiffResult {
  return view.selectorChanged && !result.changes ? { ...result, changes: true } : result;
}
