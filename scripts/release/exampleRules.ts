/**
 * The examples install the tarball this version packs (`npm pack` names it `<name>-<version>.tgz` at the
 * repository root): after a version bump, an example still naming the old tarball would install nothing.
 */

export interface ExampleManifest {
  /** The example's folder name under examples/. */
  readonly example: string;
  readonly dependencies?: Record<string, string>;
}

/** What is wrong with the examples' dependency on the package, one sentence each. */
export function exampleProblems(name: string, version: string, examples: readonly ExampleManifest[]): string[] {
  const expected = `file:../../${name}-${version}.tgz`;
  return examples.flatMap(({ example, dependencies }) => {
    const actual = dependencies?.[name];
    if (actual === expected) return [];
    return [`examples/${example}/package.json depends on ${name} ${actual ?? "(not at all)"}; expected ${expected}`];
  });
}
