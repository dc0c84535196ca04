/**
 * The CHANGELOG and package.json agree (`npm run release:check`): the newest release heading is the
 * package's version, every release heading is `## [x.y.z] - YYYY-MM-DD` (Keep a Changelog 1.1.0), and
 * the releases go down in semver order. `[Unreleased]` may sit on top, empty or not.
 */

export interface ReleaseHeading {
  readonly version: string;
  readonly date: string | undefined;
  readonly line: number;
}

const HEADING = /^## \[([^\]]+)\](?: - (\S+))?\s*$/;
const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Every `## [x]` heading but `[Unreleased]`, in file order. */
export function releaseHeadings(changelog: string): ReleaseHeading[] {
  return changelog.split("\n").flatMap((text, index) => {
    const match = HEADING.exec(text);
    if (match === null || match[1] === "Unreleased") return [];
    return [{ version: match[1]!, date: match[2], line: index + 1 }];
  });
}

/** Negative, zero or positive as semver a < b, a = b, a > b (a pre-release sorts before its release). */
export function compareSemver(a: string, b: string): number {
  const [pa, pb] = [SEMVER.exec(a), SEMVER.exec(b)];
  if (pa === null || pb === null) throw new Error(`not a semver version: ${pa === null ? a : b}`);
  for (let i = 1; i <= 3; i++) {
    const diff = Number(pa[i]) - Number(pb[i]);
    if (diff !== 0) return diff;
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}

function isRealDate(date: string): boolean {
  if (!ISO_DATE.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

/** What is wrong between the package's version and the CHANGELOG, one sentence each; empty when they agree. */
export function changelogProblems(version: string, changelog: string): string[] {
  const problems: string[] = [];
  if (!SEMVER.test(version)) problems.push(`package.json version ${version} is not semver (x.y.z)`);
  const headings = releaseHeadings(changelog);
  for (const heading of headings) {
    const at = `CHANGELOG.md:${heading.line}`;
    if (!SEMVER.test(heading.version)) problems.push(`${at}: [${heading.version}] is not a semver version`);
    else if (heading.date === undefined)
      problems.push(`${at}: [${heading.version}] has no date (## [x.y.z] - YYYY-MM-DD)`);
    else if (!isRealDate(heading.date))
      problems.push(`${at}: [${heading.version}]'s date ${heading.date} is not a YYYY-MM-DD date`);
  }
  const newest = headings[0];
  if (newest === undefined) problems.push(`CHANGELOG.md has no release heading; package.json says ${version}`);
  else if (newest.version !== version) {
    problems.push(
      `CHANGELOG.md's newest release is [${newest.version}] (line ${newest.line}) but package.json says ${version}: ` +
        `move [Unreleased] under a "## [${version}] - <date>" heading, or set the version to ${newest.version}`,
    );
  }
  const valid = headings.filter((heading) => SEMVER.test(heading.version));
  for (let i = 1; i < valid.length; i++) {
    if (compareSemver(valid[i - 1]!.version, valid[i]!.version) <= 0) {
      problems.push(
        `CHANGELOG.md:${valid[i]!.line}: [${valid[i]!.version}] is not older than [${valid[i - 1]!.version}] above it`,
      );
    }
  }
  return problems;
}
