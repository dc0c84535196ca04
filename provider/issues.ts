/**
 * The one place zod issues become words. zod yields structured issues (code, path, expected vs
 * received); this renders them for the two audiences: a response body that does not match
 * (`entities.sub_jobs[2].status: expected string, received number (5)`) and a resource input that
 * breaks a rule (`timeoutSeconds 0 is invalid: expected at least 1 second`).
 */
import { z } from "zod";
import { countOf } from "./plural";

/** The first issue of a body, plus how many more there are: enough to find the mistake, never the body. */
export function describeBodyIssues(issues: readonly z.core.$ZodIssue[]): string {
  const more = issues.length > 1 ? ` (and ${countOf(issues.length - 1, "more problem")})` : "";
  return `${describeBodyIssue(issues[0])}${more}`;
}

/** One zod issue of a body as `path: what is wrong`, without dumping the body. */
export function describeBodyIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length === 0 ? "the body" : z.core.toDotPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  if (issue.code === "invalid_type") {
    if (input === undefined) return `${path}: missing (expected ${issue.expected})`;
    return `${path}: expected ${issue.expected}, received ${describeValue(input)}`;
  }
  const message = issue.message.replace(/^Invalid input: /, "");
  return input === undefined ? `${path}: ${message}` : `${path}: ${message}, received ${describeValue(input)}`;
}

/** `number (5)`, `string ("x")`, `null`, `array (3 items)`, `object`: enough to see the mistake. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `array (${countOf(value.length, "item")})`;
  if (typeof value === "object") return "object";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `string (${JSON.stringify(shown)})`;
  }
  return `${typeof value} (${String(value)})`;
}

/**
 * One issue of an input at `path` (`serverIds[3]`, "" for the whole), `shown` being the value as it
 * may be quoted (an endpoint's password masked): `<path> <value> is invalid: <rule>`, or
 * `<path> is required: <rule>` for a missing one.
 */
export function describeInputIssue(path: string, issue: z.core.$ZodIssue, shown: unknown): string {
  const label = path || "inputs";
  if (shown === undefined && issue.code === "invalid_type") return `${label} is required: ${issue.message}`;
  if (shown === undefined) return `${label} is not set: ${issue.message}`;
  return `${label} ${renderValue(shown)} is invalid: ${issue.message}`;
}

/** The value at a zod issue's path; undefined when the path leaves the object. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** JSON, cut at 80 characters. */
function renderValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
