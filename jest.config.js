/** @type {import('jest').Config} */
module.exports = {
  // Console output is shown only for failing tests (QUIET_TESTS=0 shows all): tests/quietEnvironment.js.
  testEnvironment: "<rootDir>/tests/quietEnvironment.js",
  // The ECS metadata service is off in tests unless one points it at the emulator: tests/isolateCredentials.js.
  setupFiles: ["<rootDir>/tests/isolateCredentials.js"],
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // tests/consumer installs from the npm registry: \`npm run test:consumer\` (and .ci/run) runs it.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/consumer/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }] },
  testTimeout: 60000,
  // The lifecycle files mostly wait (on the emulator's clock, on Pulumi's host process): two run side
  // by side even on a 2-core machine, where jest's default (cores - 1) would run them one by one.
  maxWorkers: 2,
};
