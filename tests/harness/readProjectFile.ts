import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ProjectFile {
  name: string;
  /** `main:` of Pulumi.yaml, if any: the program entry, relative to the program folder. */
  main?: string;
}

/**
 * Reads the two top-level scalars of Pulumi.yaml the harness needs. A line parser, not YAML:
 * the repo has no YAML dependency and the harness only needs `name:` and `main:`.
 */
export function readProjectFile(programDir: string): ProjectFile {
  const path = join(programDir, "Pulumi.yaml");
  const text = readFileSync(path, "utf8");
  const scalar = (key: string): string | undefined => {
    const match = new RegExp(`^${key}:[ \\t]*(.*?)[ \\t]*(?:#.*)?$`, "m").exec(text);
    const raw = match?.[1];
    if (raw === undefined || raw === "") return undefined;
    return raw.replace(/^(["'])(.*)\1$/, "$2");
  };
  const name = scalar("name");
  if (name === undefined) throw new Error(`${path} has no top-level name: the project name is required`);
  const main = scalar("main");
  return main === undefined ? { name } : { name, main };
}
