/**
 * The tags an emulated server carries, as the admin API sets them: key → value, within ECS's
 * documented limits (at most 10 tags a server; key 1–36 characters, value 0–43, no control
 * characters nor `=*<>\,|/`: Huawei's ECS.ServerTags data type; the rules and the link live in
 * provider/tagRules.ts, one copy).
 */
import { z } from "zod";
import { MAX_TAGS_PER_SERVER, tagKeyProblem, tagValueProblem } from "../provider/tagRules";

export function serverTagsSchema() {
  return z.record(z.string(), z.string()).check((ctx) => {
    const entries = Object.entries(ctx.value);
    if (entries.length > MAX_TAGS_PER_SERVER) {
      ctx.issues.push({ code: "custom", input: ctx.value, message: `at most ${MAX_TAGS_PER_SERVER} tags a server` });
    }
    for (const [key, value] of entries) {
      const problem = tagKeyProblem(key) ?? tagValueProblem(value);
      if (problem) ctx.issues.push({ code: "custom", input: ctx.value, path: [key], message: problem });
    }
  });
}
