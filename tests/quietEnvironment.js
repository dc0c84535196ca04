/**
 * jest's node environment, quiet: what a test prints through `console` (the provider's progress lines,
 * for the tests that run it in-process) is held back and shown only when that test, or a hook, fails.
 * `QUIET_TESTS=0 npm test` shows everything as it comes. Lines written straight to process.stdout (such
 * as tests/unit/nodeVersion.test.ts's) are not held back.
 */
"use strict";
const { TestEnvironment } = require("jest-environment-node");

const METHODS = ["log", "info", "debug", "warn", "error"];

class QuietEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.quiet = process.env.QUIET_TESTS !== "0";
    this.held = [];
    this.originals = undefined;
  }

  /** Replaces the console's methods with ones that hold the call; the originals replay it. */
  holdConsole() {
    const console = this.global.console;
    if (this.originals !== undefined || console === undefined) return;
    this.originals = {};
    for (const method of METHODS) {
      const original = console[method].bind(console);
      this.originals[method] = original;
      console[method] = (...args) => this.held.push({ method, args });
    }
  }

  replay() {
    for (const { method, args } of this.held) this.originals[method](...args);
    this.held = [];
  }

  handleTestEvent(event) {
    if (!this.quiet) return;
    if (event.name === "setup" || event.name === "run_start") this.holdConsole();
    if (this.originals === undefined) return;
    if (event.name === "test_start") this.held = [];
    else if (event.name === "test_done") {
      if (event.test.errors.length > 0) this.replay();
      else this.held = [];
    } else if (event.name === "hook_failure") this.replay();
  }
}

module.exports = QuietEnvironment;
