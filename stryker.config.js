/**
 * Mutation testing of provider/ (`npm run mutation`): Stryker changes one operator, condition or literal of
 * the provider at a time and runs the tests that cover that spot; a mutant no test notices is a behaviour
 * no test pins. Too slow for CI (see docs/reliability.md, "Mutation testing"): run it by hand.
 *
 * Scope, all optional:
 *   npm run mutation -- --mutate provider/retryPolicy.ts      the files to mutate (Stryker's own option)
 *   npm run mutation -- --mutate provider/provider.ts:176-198  only these lines of a file
 *   MUTATE="provider/converge/**\/*.ts" npm run mutation       the same, from the environment
 *   MUTATION_TESTS="tests/unit" npm run mutation               the test folders or files to run (default below)
 *   MUTATION_STATIC=1 npm run mutation                          also the mutants that run at module load
 *
 * The tests run under the project's jest.config.js (its quiet environment, roots, timeouts), less the folders
 * that cannot see a mutant in time: tests/lifecycle, tests/harness, tests/demo.test.ts and tests/examples go
 * through Pulumi's host process (minutes each, and the host loads dist/, not the mutated sources),
 * tests/provider/serialization.test.ts runs the provider outside the test process,
 * tests/consumer installs from the registry, tests/bench measures. ts-jest only transpiles (tsconfig.json's
 * isolatedModules), as in `npm test`: the typescript checker drops the mutants that do not compile first.
 */
"use strict";
const path = require("node:path");

const DEFAULT_TESTS = ["tests/unit", "tests/client", "tests/emulator", "tests/provider"];

/** `tests/unit` → a testMatch glob for the .test.ts files under it; a file stays itself. */
function testGlob(path) {
  const clean = path.replace(/\/+$/, "");
  return clean.endsWith(".test.ts") ? `<rootDir>/${clean}` : `<rootDir>/${clean}/**/*.test.ts`;
}

const words = (value) => (value ?? "").split(/[\s,]+/).filter((word) => word.length > 0);
const tests = words(process.env.MUTATION_TESTS);
const mutate = words(process.env.MUTATE);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
module.exports = {
  packageManager: "npm",
  testRunner: "jest",
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  mutate: mutate.length > 0 ? mutate : ["provider/**/*.ts"],
  // Each mutant runs only the tests that covered its spot in the first (dry) run.
  coverageAnalysis: "perTest",
  // A mutant in code that runs when a module loads (a default, a constant table) is covered by every test
  // that imports the module, so each would rerun all of them: on retryPolicy.ts alone 92 of 267 mutants,
  // over half the time. They are left out (reported as ignored) unless MUTATION_STATIC=1.
  ignoreStatic: process.env.MUTATION_STATIC !== "1",
  jest: {
    projectType: "custom",
    configFile: "jest.config.js",
    enableFindRelatedTests: false,
    config: {
      // Stryker wraps the test environment to record per-test coverage and resolves the wrapped one itself,
      // without jest's <rootDir>: the project's quiet environment, by its absolute path.
      testEnvironment: path.join(__dirname, "tests", "quietEnvironment.js"),
      testMatch: (tests.length > 0 ? tests : DEFAULT_TESTS).map(testGlob),
      testPathIgnorePatterns: [
        "/node_modules/",
        "<rootDir>/tests/consumer/",
        "<rootDir>/tests/lifecycle/",
        "<rootDir>/tests/harness/",
        "<rootDir>/tests/bench/",
        "<rootDir>/tests/examples/",
        "<rootDir>/tests/demo.test.ts",
        // It runs the serialized provider in a child process, where the instrumented code finds no Stryker
        // state: the initial run fails with "Cannot read properties of undefined (reading 'activeMutant')".
        "<rootDir>/tests/provider/serialization.test.ts",
      ],
    },
  },
  // The machine has 2 cores, shared: one jest worker per Stryker process, at most two processes.
  concurrency: 2,
  timeoutMS: 60000,
  // The initial run (every selected test, recording per-test coverage) takes minutes: tests/provider alone
  // outlasted Stryker's default 5 on the shared machine.
  dryRunTimeoutMinutes: 60,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
