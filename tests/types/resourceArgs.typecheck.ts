/**
 * Compile-time test (run by `npm run typecheck`, not by jest): the mistakes ServerPowerStateArgs' type
 * catches before any preview — no servers named, an empty selector, a misspelt state, stop type or onDelete —
 * each an error here (`@ts-expect-error` fails the typecheck when the line compiles), and the shapes a
 * program really writes compile. tests/types/argsErrors.test.ts pins that the errors show the allowed values.
 */
import * as pulumi from "@pulumi/pulumi";
import { ServerPowerState, type SelectorArgs, type ServerPowerStateArgs } from "../../provider";

const ids = ["616fb98f-46ca-475e-917e-2563e5a8cd19"];

// What compiles: ids, a selector, both, outputs and promises as inputs, a schedule instead of state.
export const compiles: ServerPowerStateArgs[] = [
  { serverIds: ids },
  { serverIds: [], state: "running", stopType: "HARD", onDelete: "restore" },
  { selector: { tags: { env: "dev" } } },
  { selector: { name: "web-1" } },
  { selector: { namePattern: "^web-", notTags: { keep: "running" }, maxMembers: 50 } },
  { serverIds: pulumi.output(ids), selector: Promise.resolve<SelectorArgs>({ tags: { env: ["dev", "test"] } }) },
  { serverIds: ids, schedule: { timezone: "Europe/Berlin", running: [{ days: ["mon"], from: "08:00", to: "19:00" }] } },
];

// @ts-expect-error neither serverIds nor selector
export const noServers: ServerPowerStateArgs = { state: "stopped" };

// @ts-expect-error an empty selector would select every server of the project
export const emptySelector: ServerPowerStateArgs = { selector: {} };

// @ts-expect-error a selector with only notTags selects every server but those
export const onlyNotTags: ServerPowerStateArgs = { selector: { notTags: { keep: "running" } } };

// @ts-expect-error "stoped" is not a state
export const badState: ServerPowerStateArgs = { serverIds: ids, state: "stoped" };

// @ts-expect-error "soft" is not a stop type (they are upper case)
export const badStopType: ServerPowerStateArgs = { serverIds: ids, stopType: "soft" };

// @ts-expect-error "keep" is not an onDelete
export const badOnDelete: ServerPowerStateArgs = { serverIds: ids, onDelete: "keep" };

export function construct(): ServerPowerState {
  // @ts-expect-error the constructor takes the same type
  return new ServerPowerState("x", {});
}
