/** Starting and stopping: option validation, loopback only, sockets and timers on stop, the CLI. */
import { spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  DEFAULT_EMULATOR_CREDENTIALS,
  EmulatorAdmin,
  EmulatorOptionsError,
  resolveEmulatorOptions,
  seededServerId,
  startEmulator,
  type EmulatorOptions,
} from "../../emulator";
import { formatStartupBanner, maskSecret } from "../../emulator/formatStartupBanner";
import { CliUsageError, parseCliArgs } from "../../emulator/parseCliArgs";
import { EmulatorTestClient } from "./emulatorTestClient";

describe("startEmulator options", () => {
  it.each(["0.0.0.0", "192.168.1.10", "::", "example.com"])("refuses the non-loopback host %s", async (host) => {
    await expect(startEmulator({ host })).rejects.toMatchObject({
      code: "EMULATOR_INVALID_OPTIONS",
      message: expect.stringContaining("host: must be a loopback address"),
    });
  });

  it("names each bad option, its value and the rule", async () => {
    const attempt = startEmulator({
      port: 70_000,
      stopSeconds: -1,
      alreadyInState: "ignore" as "noop",
      projectId: "not-hex",
    });
    await expect(attempt).rejects.toBeInstanceOf(EmulatorOptionsError);
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringMatching(
        /port: .*\(got 70000\).*projectId: must be 32 lower-case hex digits.*stopSeconds: .*\(got -1\).*alreadyInState: .*\(got "ignore"\)/,
      ),
    });
  });

  it("never echoes a secret key in an options error", async () => {
    await expect(startEmulator({ secretKey: "" })).rejects.toMatchObject({
      message: expect.stringContaining("(got ***)"),
    });
  });

  it("refuses duplicate server ids", async () => {
    await expect(
      startEmulator({
        servers: [
          { id: "a", status: "ACTIVE" },
          { id: "a", status: "SHUTOFF" },
        ],
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining("duplicate id [a]") });
  });

  it("resolves defaults and reports the url and port", async () => {
    const emulator = await startEmulator();
    try {
      expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
      expect(emulator.port).toBeGreaterThan(0);
      expect(emulator.options).toMatchObject({
        host: "127.0.0.1",
        ...DEFAULT_EMULATOR_CREDENTIALS,
        stopSeconds: 0.3,
        startSeconds: 0.3,
        rebootSeconds: 0.3,
        jobInitMs: 50,
        jobTtlSeconds: 86_400,
        alreadyInState: "reject",
        unknownServer: "reject",
        batchPerMinute: 1000,
        rateLimit: 0,
      });
    } finally {
      await emulator.stop();
    }
  });

  it("seeds deterministic servers, even ones ACTIVE and odd ones SHUTOFF, tagged by parity, before `servers`", async () => {
    const emulator = await startEmulator({ seed: 3, servers: [{ id: "extra-1", status: "SHUTOFF" }] });
    try {
      const servers = await new EmulatorAdmin(emulator.url).listServers();
      expect(servers.map((server) => [server.id, server.status])).toEqual([
        ["00000000-0000-4000-8000-000000000000", "ACTIVE"],
        ["00000000-0000-4000-8000-000000000001", "SHUTOFF"],
        ["00000000-0000-4000-8000-000000000002", "ACTIVE"],
        ["extra-1", "SHUTOFF"],
      ]);
      expect(servers.map((server) => server.tags)).toEqual([
        { parity: "even" },
        { parity: "odd" },
        { parity: "even" },
        {},
      ]);
      expect(seededServerId(255)).toBe("00000000-0000-4000-8000-0000000000ff");
    } finally {
      await emulator.stop();
    }
  });
});

describe("stop()", () => {
  it("closes idle keep-alive connections instead of waiting for them", async () => {
    const emulator = await startEmulator({ seed: 1 });
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${emulator.url}/_emulator/servers`, { agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
      await emulator.stop();
      await expect(fetch(`${emulator.url}/_emulator/servers`)).rejects.toThrow("fetch failed");
    } finally {
      agent.destroy();
      await emulator.stop();
    }
  });

  it("drops answers held back by a delay fault, and can be called twice", async () => {
    const emulator = await startEmulator({ seed: 1 });
    const client = new EmulatorTestClient(emulator.url);
    await new EmulatorAdmin(emulator.url).injectFault({ route: "list", kind: "delay", delayMs: 60_000 });
    const pending = client.list();
    // Wait until the request has been received and is being held.
    let received = 0;
    for (let attempt = 0; attempt < 200 && received === 0; attempt += 1) {
      received = (await new EmulatorAdmin(emulator.url).stats()).total;
      if (received === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(received).toBe(1);
    await Promise.all([emulator.stop(), emulator.stop()]);
    await expect(pending).rejects.toThrow("fetch failed");
  });
});

describe("CLI arguments", () => {
  it("maps every flag onto the options", () => {
    const command = parseCliArgs([
      "--port",
      "0",
      "--host",
      "127.0.0.2",
      "--access-key",
      "AK",
      "--secret-key",
      "SK",
      "--project-id",
      "ffffffffffffffffffffffffffffffff",
      "--region",
      "af-south-1",
      "--stop-seconds",
      "0.5",
      "--start-seconds",
      "1.5",
      "--reboot-seconds",
      "2",
      "--job-init-ms",
      "10",
      "--job-ttl-seconds",
      "3",
      "--already-in-state",
      "noop",
      "--unknown-server",
      "fail-subjob",
      "--batch-per-minute",
      "7",
      "--batch-window-seconds",
      "5",
      "--rate-limit",
      "9",
      "--seed",
      "4",
    ]);
    expect(command).toEqual({
      kind: "run",
      options: {
        port: 0,
        host: "127.0.0.2",
        accessKey: "AK",
        secretKey: "SK",
        projectId: "ffffffffffffffffffffffffffffffff",
        region: "af-south-1",
        stopSeconds: 0.5,
        startSeconds: 1.5,
        rebootSeconds: 2,
        jobInitMs: 10,
        jobTtlSeconds: 3,
        alreadyInState: "noop",
        unknownServer: "fail-subjob",
        batchPerMinute: 7,
        batchWindowSeconds: 5,
        rateLimit: 9,
        seed: 4,
      },
    });
  });

  it("defaults the CLI port to 8780 and leaves other options to their defaults", () => {
    expect(parseCliArgs([])).toEqual({ kind: "run", options: { port: 8780 } });
  });

  it("recognises --help", () => {
    expect(parseCliArgs(["--help"])).toEqual({ kind: "help" });
  });

  it.each([
    [["--port", "eighty"], "--port [eighty] must be a number"],
    [["--already-in-state", "ignore"], "--already-in-state [ignore] must be one of reject, fail-subjob, noop"],
    [["--unknown-server", "noop"], "--unknown-server [noop] must be one of reject, fail-subjob"],
    [["--bogus"], /^unknown flag --bogus$/],
    [["--sed", "4"], /^unknown flag --sed; did you mean --seed\?$/],
    [["--port", "0", "--stop-second=1"], /^unknown flag --stop-second; did you mean --stop-seconds\?$/],
    [["--hidden", "1"], /^unknown flag --hidden; did you mean --hidden-task-ms\?$/],
    [["-p", "80"], /^unknown flag -p$/],
    [["positional"], "positional"],
  ])("rejects %j", (argv, fragment) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(fragment);
  });
});

describe("startup banner", () => {
  it("prints the built-in secret key, which is public, in full", () => {
    expect(maskSecret(DEFAULT_EMULATOR_CREDENTIALS.secretKey)).toContain(DEFAULT_EMULATOR_CREDENTIALS.secretKey);
  });

  it("never prints another secret key", async () => {
    const emulator = await startEmulator({ secretKey: "my-real-looking-secret" });
    try {
      const banner = formatStartupBanner(emulator).join("\n");
      expect(banner.split("\n")[0]).toBe(`ECS emulator listening on ${emulator.url}`);
      expect(banner).not.toContain("my-real-looking-secret");
      expect(banner).toContain("22 characters, hidden");
    } finally {
      await emulator.stop();
    }
  });

  it("shows the batch window: the documented minute, or a shortened one said as such", () => {
    const banner = (options: EmulatorOptions) =>
      formatStartupBanner({ url: "http://127.0.0.1:1", options: resolveEmulatorOptions(options) }).find((l) =>
        l.includes("batch limit"),
      );
    expect(banner({})).toBe("  batch limit       1000 servers per minute");
    expect(banner({ batchWindowSeconds: 5 })).toBe(
      "  batch limit       1000 servers per 5 s window (shortened minute)",
    );
    expect(banner({ batchPerMinute: 0 })).toBe("  batch limit       unlimited");
    expect(banner({ batchPerMinute: 1 })).toBe("  batch limit       1 server per minute");
  });
});

describe("CLI process", () => {
  const root = join(__dirname, "..", "..");

  it("prints `ECS emulator listening on <url>` first, serves, and stops on SIGTERM", async () => {
    const child = spawn(
      join(root, "node_modules", ".bin", "ts-node"),
      ["--transpile-only", "emulator/cli.ts", "--port", "0", "--seed", "2"],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const lines = createInterface({ input: child.stdout! });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once("line", resolve);
        child.once("exit", (code) => reject(new Error(`CLI exited with ${code} before printing`)));
      });
      expect(first).toMatch(/^ECS emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = first.slice("ECS emulator listening on ".length);
      expect(await new EmulatorAdmin(url).listServers()).toHaveLength(2);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("exits with 2 and a message on a bad flag", async () => {
    const child = spawn(
      join(root, "node_modules", ".bin", "ts-node"),
      ["--transpile-only", "emulator/cli.ts", "--host", "0.0.0.0"],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
    expect(code).toBe(2);
    expect(stderr).toContain("host: must be a loopback address");
  });
});
