/** The demo saw something other than what it set out to show (a status mismatch): it exits 1 with this. */
export class DemoCheckError extends Error {
  readonly code = "DEMO_CHECK_FAILED";
  constructor(message: string) {
    super(message);
    this.name = "DemoCheckError";
  }
}
