/**
 * References that must hold (tests/release/references.test.ts): a comment or doc that says
 * "(README, Selecting servers by tag)", "(docs/variants.md, `listLagSeconds`)" (a heading, or the first
 * cell of a table row) or '(docs/reliability.md, "Faults › Transport")' names a section that exists, and
 * every relative link in a Markdown file reaches a file and, with an anchor, one of its headings. The
 * shipped `.d.ts` docs come from the same comments.
 */

export interface Heading {
  readonly level: number;
  readonly text: string;
}

export interface Reference {
  /** Where it was found: `path:line`. */
  readonly at: string;
  /** The file it names, repository-relative (`README.md`, `docs/variants.md`). */
  readonly file: string;
  /** Section names, outermost first ("Local ECS emulator", "Faults"); empty for the file alone. */
  readonly sections: readonly string[];
  /** A link's `#anchor`, GitHub's slug of a heading. */
  readonly anchor?: string;
}

/** The Markdown headings of a document, fenced code blocks skipped. */
export function headings(markdown: string): Heading[] {
  const found: Heading[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const match = fenced ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (match) found.push({ level: match[1]!.length, text: match[2]! });
  }
  return found;
}

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

const unquote = (text: string) => text.trim().replace(/^`(.*)`$/, "$1");

/** Does `path` (outermost first) name nested headings: each found after the previous one, inside its section? */
export function hasSection(all: readonly Heading[], path: readonly string[]): boolean {
  const search = (from: number, depth: number, within: number): boolean => {
    if (depth === path.length) return true;
    for (let i = from; i < all.length; i++) {
      if (all[i]!.level <= within) return false;
      if (unquote(all[i]!.text) === unquote(path[depth]!) && search(i + 1, depth + 1, all[i]!.level)) return true;
    }
    return false;
  };
  return search(0, 0, 0);
}

/** ", Local ECS emulator, Faults" or ', "Local ECS emulator › Faults"' → ["Local ECS emulator", "Faults"]. */
function sectionPath(text: string): string[] {
  return text
    .split(", ")
    .slice(1)
    .flatMap((part) =>
      part
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .split(" › "),
    )
    .map((part) => part.trim());
}

/** The first cells of a document's table rows (a switch in docs/variants.md is a row, not a heading). */
function tableKeys(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|\s*-/.test(line))
    .map((line) => line.split("|")[1]!.trim());
}

/**
 * The references in a source or doc file: a parenthesis opening with README or docs/….md, then the
 * sections, comma-separated, in prose and comments; in Markdown files also the relative links. `dir` is
 * the file's folder, repository-relative ("" at the root).
 */
export function findReferences(path: string, text: string, dir: string): Reference[] {
  const found: Reference[] = [];
  text.split("\n").forEach((line, index) => {
    const at = `${path}:${index + 1}`;
    for (const match of line.matchAll(/(?<!\])\((README|docs\/[\w.-]+\.md)((?:, [^,()]+)*)\)/g)) {
      const file = match[1] === "README" ? "README.md" : match[1]!;
      found.push({ at, file, sections: sectionPath(match[2]!) });
    }
    if (!path.endsWith(".md")) return;
    for (const match of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1]!;
      if (/^[a-z]+:/i.test(target)) continue;
      const [file, anchor] = target.split("#") as [string, string | undefined];
      const resolved = file === "" ? path : joinPath(dir, file);
      found.push({ at, file: resolved, sections: [], ...(anchor === undefined ? {} : { anchor }) });
    }
  });
  return found;
}

/** `a/b` + `../c.md` → `a/c.md` (repository-relative, no leading `./`). */
export function joinPath(dir: string, relative: string): string {
  const parts = dir === "" ? [] : dir.split("/");
  for (const part of relative.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

/** Why a reference does not hold, or undefined when it does. `read` gives a file's text, or undefined when absent. */
export function brokenReference(ref: Reference, read: (path: string) => string | undefined): string | undefined {
  const text = read(ref.file);
  if (text === undefined) return `${ref.at}: ${ref.file} does not exist`;
  if (ref.sections.length === 0 && ref.anchor === undefined) return undefined;
  const all = headings(text);
  const rowKey = ref.sections.length === 1 && tableKeys(text).some((key) => key.startsWith(ref.sections[0]!));
  if (ref.sections.length > 0 && !rowKey && !hasSection(all, ref.sections)) {
    return `${ref.at}: ${ref.file} has no section ${ref.sections.map((s) => `"${s}"`).join(" › ")}`;
  }
  if (ref.anchor !== undefined && !all.some((heading) => slug(heading.text) === ref.anchor)) {
    return `${ref.at}: ${ref.file} has no heading for #${ref.anchor}`;
  }
  return undefined;
}
