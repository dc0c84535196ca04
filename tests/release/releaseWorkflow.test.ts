/**
 * .github/workflows/release.yml, parsed and checked as the pipeline that publishes: on a version tag only,
 * the tag checked against package.json, CI and the release check before the publish, provenance with the
 * workflow's OIDC token, the repository set from the one it runs in, the npm token from secrets only.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { readWorkflow, type WorkflowStep } from "../githubWorkflow";

const { text, workflow, steps } = readWorkflow<Record<string, { tags?: string[]; branches?: string[] } | null>>(
  resolve(__dirname, "../../.github/workflows/release.yml"),
);
const at = (predicate: (step: WorkflowStep) => boolean): number => steps.findIndex(predicate);

describe(".github/workflows/release.yml", () => {
  it("runs on version tags only, one release at a time", () => {
    expect(Object.keys(workflow.on)).toEqual(["push"]);
    expect(workflow.on["push"]).toEqual({ tags: ["v*.*.*"] });
    expect(workflow.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("checks the tag against package.json, then runs CI and the release check, then publishes", () => {
    const tag = at((step) => step.run?.includes('"$GITHUB_REF_NAME" != "v$version"') ?? false);
    const ci = at((step) => step.run === ".ci/run");
    const check = at((step) => step.run?.includes("npm run release:check") ?? false);
    const publish = at((step) => step.run?.startsWith("npm publish") ?? false);
    expect([tag, ci, check, publish].every((index) => index >= 0)).toBe(true);
    expect(tag).toBeLessThan(ci);
    expect(ci).toBeLessThan(check);
    expect(check).toBeLessThan(publish);
    expect(steps.slice(publish + 1)).toEqual([]);
  });

  it("publishes with provenance: the OIDC permission, and the repository it runs in set before", () => {
    expect(workflow.permissions).toEqual({ contents: "read", "id-token": "write" });
    const publish = steps.find((step) => step.run?.startsWith("npm publish"))!;
    expect(publish.run).toBe("npm publish --provenance --access public");
    const repository = at((step) => step.run?.startsWith("npm pkg set repository") ?? false);
    expect(steps[repository]!.run).toContain("git+https://github.com/$GITHUB_REPOSITORY.git");
    expect(repository).toBeLessThan(steps.indexOf(publish));
  });

  it("takes the npm token from repository secrets only", () => {
    const publish = steps.find((step) => step.run?.startsWith("npm publish"))!;
    expect(publish.env).toEqual({ NODE_AUTH_TOKEN: "${{ secrets.NPM_TOKEN }}" });
    expect(text).not.toMatch(/npm_[A-Za-z0-9]{20,}/);
    const setup = steps.find((step) => step.uses?.startsWith("actions/setup-node@"))!;
    expect(setup.with).toMatchObject({ "registry-url": "https://registry.npmjs.org" });
  });

  it("uses the Node version the package's engines field starts from", () => {
    const engines = (
      JSON.parse(readFileSync(resolve(__dirname, "../../package.json"), "utf8")) as {
        engines: { node: string };
      }
    ).engines.node;
    const setup = steps.find((step) => step.uses?.startsWith("actions/setup-node@"))!;
    expect(engines).toMatch(new RegExp(`^>=${String(setup.with?.["node-version"])}\\.`));
  });
});
