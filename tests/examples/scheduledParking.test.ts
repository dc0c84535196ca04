/**
 * examples/scheduled-parking/park-and-wake.yml: parsed as YAML and checked as a pipeline a user copies.
 * Two weekday schedules (evening park, morning wake) map to the two states, the state goes into the stack's
 * config before `pulumi up`, credentials come from repository secrets only, and the up is pulumi/actions.
 */
import { resolve } from "node:path";
import { readWorkflow } from "../githubWorkflow";

const { text, workflow, steps } = readWorkflow<{
  schedule: { cron: string }[];
  workflow_dispatch?: { inputs: { state: { options: string[] } } };
}>(resolve(__dirname, "../../examples/scheduled-parking/park-and-wake.yml"));
const stateStep = steps.find((step) => step.id === "state")!;

/** What the state step's script sets for one schedule (its `case` arm for that cron line). */
function stateFor(cron: string): string | undefined {
  const arm = stateStep.run!.split("\n").find((line) => line.trim().startsWith(`"${cron}")`));
  return /state=(\w+)/.exec(arm ?? "")?.[1];
}

/** Minute, hour, day of month, month, day of week. */
function cronFields(cron: string): string[] {
  return cron.split(" ");
}

describe("examples/scheduled-parking", () => {
  it("has two weekday schedules: an evening park and a morning wake", () => {
    const crons = workflow.on.schedule.map((s) => s.cron);
    expect(crons).toHaveLength(2);
    for (const cron of crons) {
      expect(cronFields(cron)).toHaveLength(5);
      expect(cronFields(cron)[4]).toBe("1-5");
    }
    const byState = Object.fromEntries(crons.map((cron) => [stateFor(cron), Number(cronFields(cron)[1])]));
    expect(Object.keys(byState).sort()).toEqual(["running", "stopped"]);
    expect(byState["stopped"]).toBeGreaterThanOrEqual(17);
    expect(byState["running"]).toBeLessThan(12);
  });

  it("offers the same two states by hand, and never runs two operations on the stack at once", () => {
    expect(workflow.on.workflow_dispatch?.inputs.state.options.sort()).toEqual(["running", "stopped"]);
    expect(workflow.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("sets ecs-power:state from the schedule, then runs pulumi up with pulumi/actions", () => {
    const configAt = steps.findIndex((step) => step.run?.includes("pulumi config set ecs-power:state"));
    const upAt = steps.findIndex((step) => step.uses?.startsWith("pulumi/actions@") && step.with?.["command"] === "up");
    expect(configAt).toBeGreaterThan(steps.indexOf(stateStep));
    expect(upAt).toBeGreaterThan(configAt);
    expect(steps[configAt]!.run).toContain("${{ steps.state.outputs.state }}");
    expect(steps[upAt]!.with?.["stack-name"]).toBe("${{ env.STACK }}");
    expect(steps.findIndex((step) => step.run === "npm ci")).toBeLessThan(upAt);
  });

  it("takes credentials from repository secrets, never from the file", () => {
    const up = steps.find((step) => step.with?.["command"] === "up")!;
    expect(up.env).toMatchObject({
      PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
      HW_ACCESS_KEY: "${{ secrets.HW_ACCESS_KEY }}",
      HW_SECRET_KEY: "${{ secrets.HW_SECRET_KEY }}",
    });
    expect(text).not.toMatch(/accessKey|secretKey|[A-Z0-9]{20}/);
  });
});
