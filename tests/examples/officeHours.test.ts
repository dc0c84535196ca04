/**
 * examples/office-hours: the workflow parsed as a pipeline a user copies (every 15 minutes, one run at a
 * time, `pulumi up --yes` with a refresh, credentials from secrets only), and the program's schedule valid
 * by the provider's own rules (`npm run typecheck` type-checks index.ts itself).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { scheduleSchema } from "../../provider/schedule";
import { readWorkflow } from "../githubWorkflow";

const dir = resolve(__dirname, "../../examples/office-hours");
const { workflow, steps } = readWorkflow<{ schedule: { cron: string }[] }>(resolve(dir, "office-hours.yml"));

describe("examples/office-hours", () => {
  it("runs every 15 minutes in UTC, one run at a time, queued rather than cancelled", () => {
    expect(workflow.on.schedule.map((s) => s.cron)).toEqual(["*/15 * * * *"]);
    expect(workflow.concurrency.group).toBeTruthy();
    expect(workflow.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("installs the CLI, then runs pulumi up --yes with a refresh, credentials from secrets only", () => {
    const cli = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
    const up = steps.findIndex((s) => /\bpulumi up\b/.test(s.run ?? ""));
    expect(cli).toBeGreaterThanOrEqual(0);
    expect(up).toBeGreaterThan(cli);
    expect(steps[up].run).toMatch(/--yes/);
    expect(steps[up].run).toMatch(/--refresh/);
    expect(steps[up].env).toMatchObject({
      HW_ACCESS_KEY: "${{ secrets.HW_ACCESS_KEY }}",
      HW_SECRET_KEY: "${{ secrets.HW_SECRET_KEY }}",
    });
  });

  it("declares a schedule the provider accepts, and the README states the lateness bound and the snooze", () => {
    const program = readFileSync(resolve(dir, "index.ts"), "utf8");
    const literal = /const schedule: ScheduleArgs = (\{[\s\S]*?\n\});/.exec(program)![1];
    // The literal is plain data: evaluate it as such, and check it by the provider's schema.
    const schedule = new Function(`return (${literal.replace(/\/\/.*$/gm, "")});`)() as unknown;
    expect(scheduleSchema().safeParse(schedule).success).toBe(true);
    expect(program).toMatch(/notTags: \{ schedule: "snoozed" \}/);
    const readme = readFileSync(resolve(dir, "README.md"), "utf8");
    expect(readme).toMatch(/cron interval \+ queueing \+ converge\s+time/);
    expect(readme).toMatch(/notTags/);
  });
});
