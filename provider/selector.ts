/**
 * The `selector` input: the servers of a fleet named by their tags (and name) instead of their ids.
 *
 * - `tags`: key → value or list of values. A server matches when it carries every key (AND) with
 *   one of the listed values (OR), as in ECS's own tag query (`tags[].values` are OR'd, keys AND'd).
 * - `notTags`: key → value or list of values; a server carrying any of those pairs is left out.
 * - `name`: passed to the server list's `name` filter (Huawei matches it fuzzily, as a regular expression).
 *
 * Checked at preview against ECS's tag limits (provider/tagRules.ts). Normalised to lists of
 * distinct, sorted values with sorted keys, so that the recorded selector compares as text.
 * The schema is built inside a function: the provider is serialized by Pulumi's closure serializer.
 */
import { z } from "zod";
import type { Selector } from "./publicTypes";
import { MAX_TAGS_PER_SERVER, MAX_VALUES_PER_KEY, tagKeyProblem, tagValueProblem } from "./tagRules";

export type { Selector } from "./publicTypes";

export const MAX_NAME_LENGTH = 255;

type RawTags = Record<string, string | string[]>;

export function selectorSchema() {
  const values = z.union([z.string(), z.array(z.string())], {
    error: "expected a tag value (a string) or a list of tag values",
  });
  const tagMap = z.record(z.string(), values, { error: "expected an object of tag key → value or list of values" });
  return z
    .strictObject(
      {
        tags: tagMap.optional(),
        notTags: tagMap.optional(),
        name: z
          .string({ error: "expected a server name pattern (a string)" })
          .min(1, { error: "expected a non-empty server name pattern" })
          .max(MAX_NAME_LENGTH, { error: `expected a server name pattern of at most ${MAX_NAME_LENGTH} characters` })
          .optional(),
      },
      { error: "expected an object with tags, notTags and/or name" },
    )
    .check((ctx) => {
      const { tags, notTags, name } = ctx.value;
      if (Object.keys(tags ?? {}).length === 0 && name === undefined) {
        ctx.issues.push({
          code: "custom",
          input: ctx.value,
          message:
            "expected at least one tag or a name: a selector without either would select every server of the project",
        });
      }
      if (Object.keys(tags ?? {}).length > MAX_TAGS_PER_SERVER) {
        ctx.issues.push({
          code: "custom",
          input: ctx.value,
          path: ["tags"],
          message: `expected at most ${MAX_TAGS_PER_SERVER} tag keys: a server carries at most ${MAX_TAGS_PER_SERVER} tags, so no server could match more`,
        });
      }
      for (const [field, map] of [
        ["tags", tags],
        ["notTags", notTags],
      ] as const) {
        for (const problem of tagMapProblems(map ?? {})) {
          ctx.issues.push({
            code: "custom",
            input: ctx.value,
            path: [field, ...problem.path],
            message: problem.message,
          });
        }
      }
    })
    .transform((raw): Selector => ({
      tags: normaliseTags(raw.tags ?? {}),
      notTags: normaliseTags(raw.notTags ?? {}),
      ...(raw.name !== undefined ? { name: raw.name } : {}),
    }));
}

interface TagProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Each key's and value's broken rule, at its path under the map. */
function tagMapProblems(map: RawTags): TagProblem[] {
  const problems: TagProblem[] = [];
  for (const [key, value] of Object.entries(map)) {
    const keyProblem = tagKeyProblem(key);
    if (keyProblem) problems.push({ path: [key], message: `tag key ${JSON.stringify(key)}: ${keyProblem}` });
    const list = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && value.length === 0) {
      problems.push({
        path: [key],
        message: "expected at least one value; to match any value of a key, list its values",
      });
    }
    if (list.length > MAX_VALUES_PER_KEY) {
      problems.push({
        path: [key],
        message: `expected at most ${MAX_VALUES_PER_KEY} values of one key (each value is one listing of the project's servers)`,
      });
    }
    list.forEach((item, index) => {
      const valueProblem = tagValueProblem(item);
      if (valueProblem) problems.push({ path: Array.isArray(value) ? [key, index] : [key], message: valueProblem });
    });
  }
  return problems;
}

function normaliseTags(map: RawTags): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(map).sort()) {
    const value = map[key];
    out[key] = [...new Set(Array.isArray(value) ? value : [value])].sort();
  }
  return out;
}

/** The selector in one line, for messages: `env=dev|test, team=web, not owner=ops, name ~ "web-"`. */
export function describeSelector(selector: Selector): string {
  const pairs = (map: Readonly<Record<string, readonly string[]>>) =>
    Object.entries(map).map(([key, values]) => `${key}=${values.join("|")}`);
  const parts = [...pairs(selector.tags), ...pairs(selector.notTags).map((pair) => `not ${pair}`)];
  if (selector.name !== undefined) parts.push(`name ~ ${JSON.stringify(selector.name)}`);
  return parts.join(", ");
}

/** The selector's canonical text: equal selectors, equal text. */
export function selectorKey(selector: Selector | undefined): string {
  return selector === undefined ? "" : JSON.stringify(selector);
}
