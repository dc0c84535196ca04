/**
 * The documented limits of ECS server tags, which a selector's keys and values must respect (a
 * selector that breaks them could never match). Plain data: the provider is serialized.
 *
 * - Tags per server: 20. Huawei's current BatchCreateServerTags page: "每个云服务器最多20个标签"
 *   (https://support.huaweicloud.com/api-ecs/ecs_02_1002.html, also BatchDeleteServerTags,
 *   ecs_02_1003.html). The English copy (https://support.huaweicloud.com/intl/en-us/api-ecs/ecs_02_1002.html),
 *   the ECS.ServerTags data type and Open Telekom Cloud still say 10: we take the larger, so that a
 *   selector valid on today's cloud is never refused; a too-large selector just matches nothing.
 * - Key: at most 36 Unicode characters, not empty (BatchCreateServerTags, `key`; ECS.ServerTags:
 *   "a maximum of 36 Unicode characters ... cannot be left blank",
 *   https://support.huaweicloud.com/intl/en-us/tr-aos/datatypes-ecs-servertags.html).
 * - Value: at most 43 Unicode characters, may be empty (same two pages, `value`).
 * - Characters: neither may contain ASCII 0–31 nor any of `=*<>\,|/` (ECS.ServerTags, both fields:
 *   "It cannot contain ASCII (0-31) or the following characters: =*<>\,|/"; the BMS twin of the API,
 *   https://support.huaweicloud.com/api-bms/bms_api_0642.html, states the same for key and value).
 */

export const MAX_TAGS_PER_SERVER = 20;
export const MAX_TAG_KEY_LENGTH = 36;
export const MAX_TAG_VALUE_LENGTH = 43;
/** Characters neither a key nor a value may contain. */
export const FORBIDDEN_TAG_CHARACTERS = ["=", "*", "<", ">", "\\", ",", "|", "/"] as const;
/** At most this many values of one key in a selector: each value is one listing (see resolveMembers). */
export const MAX_VALUES_PER_KEY = 20;

/** The first rule `key` breaks, or undefined. */
export function tagKeyProblem(key: string): string | undefined {
  if (key.length === 0) return "expected a non-empty tag key";
  if ([...key].length > MAX_TAG_KEY_LENGTH) return `expected a tag key of at most ${MAX_TAG_KEY_LENGTH} characters`;
  const bad = forbiddenIn(key);
  return bad === undefined ? undefined : `expected a tag key without ${JSON.stringify(bad)} (${forbiddenText()})`;
}

/** The first rule `value` breaks, or undefined. */
export function tagValueProblem(value: string): string | undefined {
  if ([...value].length > MAX_TAG_VALUE_LENGTH)
    return `expected a tag value of at most ${MAX_TAG_VALUE_LENGTH} characters`;
  const bad = forbiddenIn(value);
  return bad === undefined ? undefined : `expected a tag value without ${JSON.stringify(bad)} (${forbiddenText()})`;
}

function forbiddenIn(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f]/.exec(text);
  if (control) return control[0];
  return FORBIDDEN_TAG_CHARACTERS.find((c) => text.includes(c));
}

function forbiddenText(): string {
  return `ECS tags may not contain ${FORBIDDEN_TAG_CHARACTERS.join(" ")} or control characters`;
}

/**
 * A server's tags as the server list gives them (`"key=value"` strings) as key → value. A tag
 * without `=` has an empty value; values cannot contain `=`, so the first one splits.
 */
export function parseServerTags(tags: readonly string[]): Map<string, string> {
  const parsed = new Map<string, string>();
  for (const tag of tags) {
    const at = tag.indexOf("=");
    if (at < 0) parsed.set(tag, "");
    else parsed.set(tag.slice(0, at), tag.slice(at + 1));
  }
  return parsed;
}
