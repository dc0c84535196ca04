/**
 * The `selector` input: the servers of a fleet named by their tags (and name) instead of their ids.
 *
 * - `tags`: key → value or list of values. A server matches when it carries every key (AND) with
 *   one of the listed values (OR), as in ECS's own tag query (`tags[].values` are OR'd, keys AND'd).
 * - `notTags`: key → value or list of values; a server carrying any of those pairs is left out.
 * - `name`: the server's name EQUALS it (case-sensitive). The API's `name` filter is fuzzy (`.` any
 *   character, `?name=bob` returns bobb too), so it only narrows what is listed: every listed name is
 *   compared here (provider/resolveMembers.ts).
 * - `namePattern`: a JavaScript regular expression (compiled with the `u` flag, no other flag)
 *   matched with search semantics, as `RegExp.prototype.test`: `web-` matches `my-web-1`; anchor it
 *   (`^web-\d+$`) for a full match. Evaluated by us only, never sent to the API. Not with `name`.
 * - `enterpriseProjectId`: only servers of that enterprise project ("0" or a project's UUID), sent
 *   on the listings and checked on each listed server's `enterprise_project_id`.
 * - `maxMembers`: the blast-radius guard: more matches than this and nothing is done.
 *
 * Checked at preview against ECS's tag limits (provider/tagRules.ts). Normalised to lists of
 * distinct, sorted values with sorted keys, so that the recorded selector compares as text.
 * The schema and the patterns are built inside functions: the provider is serialized by Pulumi's
 * closure serializer.
 */
import { z } from "zod";
import type { Selector } from "./publicTypes";
import { enterpriseProjectProblem } from "./enterpriseProject";
import { MAX_TAGS_PER_SERVER, MAX_VALUES_PER_KEY, tagKeyProblem, tagValueProblem } from "./tagRules";

export type { Selector } from "./publicTypes";

export const MAX_NAME_LENGTH = 255;
export const MAX_NAME_PATTERN_LENGTH = 1024;

/** The selector's fields, for messages. */
export const SELECTOR_FIELDS = ["tags", "notTags", "name", "namePattern", "enterpriseProjectId", "maxMembers"] as const;

/** The flags a `namePattern` is compiled with: Unicode-aware, case-sensitive, not global (test keeps no state). */
export const NAME_PATTERN_FLAGS = "u";

/** The compiled `namePattern`. Throws a SyntaxError for a pattern check would have refused. */
export function compileNamePattern(pattern: string): RegExp {
  return new RegExp(pattern, NAME_PATTERN_FLAGS);
}

/** Why `pattern` is not a JavaScript regular expression (with the `u` flag), or undefined. */
export function namePatternProblem(pattern: string): string | undefined {
  try {
    compileNamePattern(pattern);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `expected a JavaScript regular expression (compiled with the u flag, matched anywhere in the name: anchor it with ^ and $ for a full match): ${reason}`;
  }
}

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
          .string({ error: "expected a server name (a string), matched exactly" })
          .min(1, { error: "expected a non-empty server name" })
          .max(MAX_NAME_LENGTH, { error: `expected a server name of at most ${MAX_NAME_LENGTH} characters` })
          .optional(),
        namePattern: z
          .string({ error: "expected a regular expression (a string)" })
          .min(1, { error: "expected a non-empty regular expression" })
          .max(MAX_NAME_PATTERN_LENGTH, {
            error: `expected a regular expression of at most ${MAX_NAME_PATTERN_LENGTH} characters`,
          })
          .optional(),
        enterpriseProjectId: z.string({ error: "expected an enterprise project id (a string)" }).optional(),
        maxMembers: z
          .number({ error: "expected a whole number of servers, at least 1" })
          .int({ error: "expected a whole number of servers, at least 1" })
          .positive({ error: "expected a whole number of servers, at least 1" })
          .optional(),
      },
      { error: "expected an object with tags, notTags, name or namePattern, enterpriseProjectId, maxMembers" },
    )
    .check((ctx) => {
      for (const problem of selectorProblems(ctx.value)) {
        ctx.issues.push({ code: "custom", input: ctx.value, path: problem.path, message: problem.message });
      }
    })
    .transform((raw): Selector => ({
      tags: normaliseTags(raw.tags ?? {}),
      notTags: normaliseTags(raw.notTags ?? {}),
      ...(raw.name !== undefined ? { name: raw.name } : {}),
      ...(raw.namePattern !== undefined ? { namePattern: raw.namePattern } : {}),
      ...(raw.enterpriseProjectId !== undefined ? { enterpriseProjectId: raw.enterpriseProjectId } : {}),
      ...(raw.maxMembers !== undefined ? { maxMembers: raw.maxMembers } : {}),
    }));
}

interface TagProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

interface RawSelector {
  readonly tags?: RawTags;
  readonly notTags?: RawTags;
  readonly name?: string;
  readonly namePattern?: string;
  readonly enterpriseProjectId?: string;
}

/** The rules across fields, and each tag's: every broken one, at its path under `selector`. */
function selectorProblems({ tags, notTags, name, namePattern, enterpriseProjectId }: RawSelector): TagProblem[] {
  const problems: TagProblem[] = [];
  if (Object.keys(tags ?? {}).length === 0 && name === undefined && namePattern === undefined) {
    problems.push({
      path: [],
      message:
        "expected at least one tag, a name or a namePattern: a selector without any would select every server of the project",
    });
  }
  if (name !== undefined && namePattern !== undefined) {
    problems.push({
      path: ["namePattern"],
      message:
        "expected name or namePattern, not both: name selects the servers named exactly so, namePattern those whose name the regular expression matches",
    });
  }
  const patternProblem = namePattern === undefined ? undefined : namePatternProblem(namePattern);
  if (patternProblem !== undefined) problems.push({ path: ["namePattern"], message: patternProblem });
  const epProblem =
    enterpriseProjectId === undefined ? undefined : enterpriseProjectProblem(enterpriseProjectId, false);
  if (epProblem !== undefined) problems.push({ path: ["enterpriseProjectId"], message: epProblem });
  if (Object.keys(tags ?? {}).length > MAX_TAGS_PER_SERVER) {
    problems.push({
      path: ["tags"],
      message: `expected at most ${MAX_TAGS_PER_SERVER} tag keys: a server carries at most ${MAX_TAGS_PER_SERVER} tags, so no server could match more`,
    });
  }
  for (const [field, map] of [
    ["tags", tags],
    ["notTags", notTags],
  ] as const) {
    for (const problem of tagMapProblems(map ?? {}))
      problems.push({ path: [field, ...problem.path], message: problem.message });
  }
  return problems;
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

/**
 * The selector in one line, for messages:
 * `env=dev|test, team=web, not owner=ops, name = "web-1"` (or `name ~ /^web-/u`), `enterprise project 0`.
 */
export function describeSelector(selector: Selector): string {
  const pairs = (map: Readonly<Record<string, readonly string[]>>) =>
    Object.entries(map).map(([key, values]) => `${key}=${values.join("|")}`);
  const parts = [...pairs(selector.tags), ...pairs(selector.notTags).map((pair) => `not ${pair}`)];
  if (selector.name !== undefined) parts.push(`name = ${JSON.stringify(selector.name)}`);
  if (selector.namePattern !== undefined) parts.push(`name ~ /${selector.namePattern}/${NAME_PATTERN_FLAGS}`);
  if (selector.enterpriseProjectId !== undefined) parts.push(`enterprise project ${selector.enterpriseProjectId}`);
  return parts.join(", ");
}

/** The selector's canonical text: equal selectors, equal text. */
export function selectorKey(selector: Selector | undefined): string {
  return selector === undefined ? "" : JSON.stringify(selector);
}
