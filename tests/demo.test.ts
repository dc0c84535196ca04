/**
 * `npm run demo` end to end: the script line of package.json run with this node, as npm would run it
 * (through ts-node's bin script rather than its shebang, which would pick whichever `node` is first on
 * PATH), and the demo's story in-process with a locked server, to prove a failed step fails the demo
 * and still cleans up.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { seedServers, seededServerId } from "../emulator";
import { runDemo } from "../demo/runDemo";

const repoRoot = resolve(__dirname, "..");
const ids = seedServers(8).map((s) => s.id);
const DRIFTED = seededServerId(0);

function runDemoScript(): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const scripts = (
    JSON.parse(readFileSync(resolve(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }
  ).scripts;
  const [command, ...args] = scripts["demo"]!.split(" ");
  expect(command).toBe("ts-node");
  const child = spawn(process.execPath, [require.resolve("ts-node/dist/bin.js"), ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    child.on("error", reject);
    // The demo ends on its own only when nothing it started is still running: a leak shows as a timeout.
    child.on("close", (exitCode) => resolvePromise({ exitCode, stdout, stderr }));
  });
}

/** The lines right after the first line matching `header`, searching from `from`. */
function rowsAfter(lines: string[], header: RegExp, from: number, count: number): string[] {
  const at = lines.findIndex((line, i) => i >= from && header.test(line));
  expect(at).toBeGreaterThanOrEqual(0);
  return lines.slice(at + 1, at + 1 + count);
}

describe("npm run demo", () => {
  let run: { exitCode: number | null; stdout: string; stderr: string };
  let lines: string[];
  /** Line index of the n-th `$ ` heading, from 1. */
  const headingAt = (n: number): number =>
    lines.map((line, i) => (line.startsWith("$ ") ? i : -1)).filter((i) => i >= 0)[n - 1]!;

  beforeAll(async () => {
    run = await runDemoScript();
    lines = run.stdout.split("\n");
    // Three parts of host steps (part 3: two more ups); a loaded 2-core machine needs the margin.
  }, 180_000);

  it("exits 0 and says every server is back to its initial status", () => {
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(lines).toContain("  every server back to its initial status: yes");
    expect(run.stdout).not.toContain("demo failed");
  });

  it("shows the steps as a terminal session, in order, without colours when stdout is not a TTY", () => {
    expect(lines.filter((line) => line.startsWith("$ "))).toEqual([
      "$ pulumi preview",
      "$ pulumi up",
      "$ pulumi refresh",
      "$ pulumi preview",
      "$ pulumi up",
      "$ pulumi destroy",
      "$ pulumi up",
      "$ pulumi refresh",
      "$ pulumi up",
      "$ pulumi destroy",
      "$ pulumi up",
      "$ pulumi up",
    ]);
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("plans the create from the emulator's view: the ACTIVE servers will be stopped", () => {
    const rows = rowsAfter(lines, /^\s+SERVER\s+STATUS NOW\s+UP WILL$/, headingAt(1), 8);
    expect(rows.map((row) => row.trim().split(/\s{2,}/))).toEqual(
      ids.map((id, i) => (i % 2 === 0 ? [id, "ACTIVE", "stop it"] : [id, "SHUTOFF", "leave it (already SHUTOFF)"])),
    );
  });

  it("streams the provider's progress during up, then a table with every server SHUTOFF, and jobs only for those it stopped", () => {
    const upAt = headingAt(2);
    const tableHeader = /^\s+SERVER\s+STATUS\s+JOB\s+TIME TAKEN$/;
    const streamed = lines.slice(
      upAt,
      lines.findIndex((line, i) => i > upAt && tableHeader.test(line)),
    );
    expect(streamed).toContainEqual(
      expect.stringMatching(/^ {2}│ ServerPowerState sps-[0-9a-f-]+: 8 servers: 4 already in state, stopping 4$/),
    );
    const rows = rowsAfter(lines, tableHeader, upAt, 8);
    rows.forEach((row, i) => {
      const cells = row.trim().split(/\s{2,}/);
      if (i % 2 === 0)
        expect(cells).toEqual([
          ids[i],
          "SHUTOFF",
          expect.stringMatching(/^[0-9a-f]{8}$/),
          expect.stringMatching(/^\d+\.\d s$/),
        ]);
      else expect(cells).toEqual([ids[i], "SHUTOFF", "-", "-"]);
    });
    // One batch job for the four it stopped.
    expect(new Set(rows.filter((_, i) => i % 2 === 0).map((row) => row.trim().split(/\s{2,}/)[2])).size).toBe(1);
  });

  it("refresh shows the drift of the server started by hand", () => {
    const refreshAt = headingAt(3);
    expect(lines.slice(refreshAt)).toContain(`  drift: ${DRIFTED} is ACTIVE in the state (was SHUTOFF)`);
    expect(lines.filter((line) => line.includes("drift:"))).toHaveLength(1);
  });

  it("the next preview and up plan and act on that server alone", () => {
    const plan = new RegExp(
      `^ {2}│ ServerPowerState sps-[0-9a-f-]+: stop or wait for 1 server not SHUTOFF in the record: ${DRIFTED} \\(ACTIVE\\)$`,
    );
    const previewAt = headingAt(4);
    const upAt = headingAt(5);
    expect(lines.slice(previewAt, upAt).filter((line) => plan.test(line))).toHaveLength(1);
    const afterUp = lines.slice(upAt, headingAt(6));
    expect(afterUp.filter((line) => plan.test(line))).toHaveLength(1);
    expect(afterUp.filter((line) => line.startsWith("  job "))).toEqual([
      expect.stringMatching(new RegExp(`^ {2}job [0-9a-f]{8} os-stop SOFT on ${DRIFTED}: SUCCESS in \\d+\\.\\d s$`)),
    ]);
  });

  it("destroy restores each server to its initial status, read from the emulator", () => {
    const rows = rowsAfter(lines, /^\s+SERVER\s+INITIAL\s+NOW$/, headingAt(6), 8);
    expect(rows.map((row) => row.trim().split(/\s{2,}/))).toEqual(
      ids.map((id, i) => (i % 2 === 0 ? [id, "ACTIVE", "ACTIVE"] : [id, "SHUTOFF", "SHUTOFF"])),
    );
  });

  it("part 2: a fleet selected by tag gains a member between two ups, and the second up stops only it", () => {
    const late = seededServerId(4);
    const part2 = lines.slice(headingAt(7));
    expect(part2).toContain(`  members: ${[0, 1, 2].map((i) => seededServerId(i)).join(", ")}`);
    expect(part2).toContain(`  joined: ${late}`);
    expect(part2.filter((line) => line.startsWith("  job "))).toEqual([
      expect.stringMatching(new RegExp(`^ {2}job [0-9a-f]{8} os-stop on ${late}: SUCCESS$`)),
    ]);
    expect(part2).toContainEqual(
      expect.stringMatching(/│ ServerPowerState sps-[0-9a-f-]+: selector env=dev matched 4 servers/),
    );
    expect(lines).toContain("  a tag-selected fleet gained a member between two ups, and only it was stopped: yes");
  });

  it("part 3: a scheduled fleet starts inside its window, and the up after the window's end stops it", () => {
    const part3 = lines.slice(lines.findIndex((line) => line.startsWith("Part 3: a fleet on a schedule")));
    const ups = part3.filter((line) => line.startsWith("$ pulumi up"));
    expect(ups).toHaveLength(2);
    expect(part3).toContainEqual(
      expect.stringMatching(/^ {2}scheduled: running; next transition: \d{4}-\d{2}-\d{2}T19:00:00\+0[12]:00$/),
    );
    expect(part3).toContainEqual(
      expect.stringMatching(/^ {2}scheduled: stopped; next transition: \d{4}-\d{2}-\d{2}T08:00:00\+0[12]:00$/),
    );
    expect(part3).toContainEqual(
      expect.stringMatching(
        /│ ServerPowerState sps-[0-9a-f-]+: schedule: transition since the last converge \(running → stopped\): up will stop the servers not SHUTOFF$/,
      ),
    );
    expect(lines).toContain("  a scheduled fleet started inside its window and stopped when the window ended: yes");
  });
});

describe("the demo with a locked server", () => {
  it("fails at up, and still stops the emulator and removes its state folder", async () => {
    // A folder of its own, so that other runs on the machine cannot disturb the check.
    const parentDir = mkdtempSync(join(tmpdir(), "demo-test-"));
    const stateDirs = () => readdirSync(parentDir);
    const locked = seededServerId(2);
    const lines: string[] = [];
    const servers = seedServers(8).map((s) => (s.id === locked ? { ...s, locked: true } : s));

    let foldersDuringUp: string[] = [];
    const say = (line: string): void => {
      lines.push(line);
      if (line.startsWith("$ pulumi up")) foldersDuringUp = stateDirs();
    };
    const demo = runDemo({ say, colors: false, servers, parentDir });
    await expect(demo).rejects.toMatchObject({ code: "STEP_FAILED", step: "up" });
    const text = lines.join("\n");
    expect(text).toContain("$ pulumi up");
    expect(text).not.toContain("Summary");

    const url = /^Emulator on (http:\/\/127\.0\.0\.1:\d+):/.exec(
      lines.find((line) => line.startsWith("Emulator on ")) ?? "",
    )?.[1];
    expect(url).toBeDefined();
    await expect(fetch(`${url}/_emulator/servers`)).rejects.toThrow();
    expect(foldersDuringUp).toEqual([expect.stringMatching(/^ecs-power-demo-/)]);
    expect(stateDirs()).toEqual([]);
    rmSync(parentDir, { recursive: true });

    // Which server and why, through Pulumi's host, though the root program's by-value provider makes
    // the partial failure's trailer larger than Node's HTTP/2 takes in one field (see tests/harness).
    await expect(demo).rejects.toMatchObject({
      errors: [
        {
          op: "create",
          reasons: [
            `server ${locked}: Ecs.0605: server is locked, so it cannot be stopped: unlock it, then run pulumi up again`,
          ],
        },
      ],
    });
  }, 60_000);
});
