/** The benchmark's pure parts: the lower bound, its flags, the prefix extrapolation, the targets and the chart. */
import type { BenchReport, FleetRun } from "../../bench/benchReport";
import { evaluateTargets } from "../../bench/evaluateTargets";
import { extrapolatePrefix, roundsFor } from "../../bench/extrapolatePrefix";
import { actionCallsFor, lowerBoundMs } from "../../bench/lowerBound";
import { BenchUsageError, parseBenchArgs } from "../../bench/parseBenchArgs";
import { chartSeries, logTicks, renderChart, renderReportChart } from "../../bench/renderChart";

describe("lowerBoundMs", () => {
  const base = { windowMs: 5_000, perWindow: 1000, jobInitMs: 50, transitionMs: 3_000 };

  it("is the job's own duration while one call carries the fleet", () => {
    expect(lowerBoundMs({ ...base, servers: 1 })).toBe(3_050);
    expect(lowerBoundMs({ ...base, servers: 1000 })).toBe(3_050);
  });

  it("adds one window per further call: the last call cannot go out before (calls - 1) windows", () => {
    expect(lowerBoundMs({ ...base, servers: 1001 })).toBe(8_050);
    expect(lowerBoundMs({ ...base, servers: 5000 })).toBe(23_050);
    expect(lowerBoundMs({ ...base, servers: 5000, windowMs: 60_000 })).toBe(243_050);
    expect(actionCallsFor(5000, 1000)).toBe(5);
    expect(actionCallsFor(5001, 1000)).toBe(6);
  });

  it("refuses sizes that mean nothing", () => {
    expect(() => lowerBoundMs({ ...base, servers: 0 })).toThrow(RangeError);
  });
});

describe("parseBenchArgs", () => {
  const run = (argv: string[]) => {
    const command = parseBenchArgs(argv);
    if (command.kind !== "run") throw new Error("expected a run");
    return command.settings;
  };

  it("defaults to the four fleet sizes, a 5-s window and a 3-s stop", () => {
    expect(run([])).toEqual({
      sizes: [10, 100, 1000, 5000],
      quick: false,
      json: false,
      windowSeconds: 5,
      stopSeconds: 3,
      jobInitMs: 50,
      perServerPrefix: 100,
      fullAlternatives: false,
      skipAlternatives: false,
      skipColdStart: false,
      skipHostRun: false,
    });
  });

  it("--quick keeps the sizes up to 1000; --json and --svg are taken", () => {
    expect(run(["--quick", "--json", "--svg", "chart.svg"])).toMatchObject({
      sizes: [10, 100, 1000],
      quick: true,
      json: true,
      svgPath: "chart.svg",
    });
  });

  it("takes sizes as arguments, sorted and de-duplicated, and the window and stop time", () => {
    expect(run(["5000", "10", "10", "--window-seconds", "60", "--stop-seconds", "0.5"])).toMatchObject({
      sizes: [10, 5000],
      windowSeconds: 60,
      stopSeconds: 0.5,
    });
  });

  it.each([
    [["--window-seconds", "2.5"], "--window-seconds [2.5] must be a positive whole number"],
    [["--stop-seconds", "0"], "--stop-seconds [0] must be a positive number"],
    [["--window-seconds", "3601"], "--window-seconds [3601] must be at most 3600"],
    [["ten"], "fleet size [ten] must be a positive whole number"],
    [["--quick", "5000"], "--quick keeps only fleets of at most 1000 servers"],
    [["--full-alternatives", "--skip-alternatives"], "exclude each other"],
    [["--bogus"], "bogus"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it("recognises --help", () => {
    expect(parseBenchArgs(["--help"])).toEqual({ kind: "help" });
  });
});

describe("extrapolatePrefix", () => {
  it("scales time by rounds of `concurrency` servers and calls by servers", () => {
    const measured = {
      measuredServers: 100,
      measuredWallMs: 100_500,
      measuredRequests: { "POST action": 100, "GET job": 100 },
    };
    expect(extrapolatePrefix(measured, 1000, 10)).toEqual({
      wallMs: 1_005_000,
      requests: { "POST action": 1000, "GET job": 1000 },
    });
    expect(extrapolatePrefix(measured, 5000, 10)).toEqual({
      wallMs: 5_025_000,
      requests: { "POST action": 5000, "GET job": 5000 },
    });
  });

  it("counts a last partial round as a round", () => {
    expect(roundsFor(95, 10)).toBe(10);
    expect(
      extrapolatePrefix({ measuredServers: 10, measuredWallMs: 10_000, measuredRequests: {} }, 95, 10).wallMs,
    ).toBe(100_000);
  });

  it("refuses a prefix larger than the fleet", () => {
    expect(() => extrapolatePrefix({ measuredServers: 200, measuredWallMs: 1, measuredRequests: {} }, 100, 10)).toThrow(
      RangeError,
    );
  });
});

function fleetRun(servers: number, overrides: Partial<FleetRun> = {}): FleetRun {
  const lowerBoundMs = lowerBoundMs_(servers);
  const wallMs = lowerBoundMs * 1.05;
  return {
    servers,
    wallMs,
    lowerBoundMs,
    overheadRatio: wallMs / lowerBoundMs,
    requests: {
      "POST action": Math.ceil(servers / 1000),
      "GET list": 2 * Math.ceil(servers / 100),
      "GET job": 3 * Math.ceil(servers / 1000),
    },
    jobs: Math.ceil(servers / 1000),
    jobPollsPerJob: 3,
    rssMiB: 120,
    baselineRssMiB: 76,
    lagAfterLastJobMs: 100,
    notStopped: 0,
    noopUpdate: { calls: 0, ms: 2, changes: false },
    refresh: {
      listCalls: Math.ceil(servers / 100),
      expectedListCalls: Math.ceil(servers / 100),
      calls: Math.ceil(servers / 100),
      ms: 30,
    },
    sdkBatch: {
      wallMs: 10_000 + lowerBoundMs,
      requests: {},
      measuredServers: servers,
      measuredWallMs: 10_000 + lowerBoundMs,
      extrapolated: false,
      notStopped: 0,
    },
    perServer: {
      wallMs: servers * 1_000,
      requests: {},
      measuredServers: Math.min(servers, 100),
      measuredWallMs: Math.min(servers, 100) * 1_000,
      extrapolated: servers > 100,
      notStopped: 0,
    },
    ...overrides,
  };
}
const lowerBoundMs_ = (servers: number) =>
  lowerBoundMs({ servers, windowMs: 5_000, perWindow: 1000, jobInitMs: 50, transitionMs: 3_000 });

describe("evaluateTargets", () => {
  it("meets every target on figures that meet them", () => {
    const verdicts = evaluateTargets([10, 100, 1000, 5000].map((n) => fleetRun(n)));
    expect(verdicts.filter((v) => !v.met)).toEqual([]);
    expect(verdicts.map((v) => v.target)).toEqual(
      expect.arrayContaining([
        "overhead ratio <= 1.1 at N=1000",
        "overhead ratio <= 1.1 at N=5000",
        "at least 5x faster than the per-server pattern at N=1000",
        "faster than the 10-s-poll SDK script at every N",
        "peak RSS < 200 MB at N=5000",
      ]),
    );
  });

  it("misses the ones the figures miss, and says by how much", () => {
    const verdicts = evaluateTargets([
      fleetRun(1000, { overheadRatio: 1.2, requests: { "POST action": 2, "GET list": 20, "GET job": 3 } }),
      fleetRun(5000, {
        rssMiB: 250,
        noopUpdate: { calls: 50, ms: 100, changes: true },
        hostRun: { wallMs: 1, peakRssMiB: 264, afterCheckRssMiB: 175 },
      }),
    ]);
    const missed = verdicts.filter((v) => !v.met).map((v) => [v.target, v.detail]);
    expect(missed).toEqual([
      ["overhead ratio <= 1.1 at N=1000", expect.stringContaining("1.200")],
      [expect.stringContaining("N=1000: action calls"), expect.stringContaining("actions 2 (want 1)")],
      [expect.stringContaining("N=5000: no-op update"), expect.stringContaining("no-op 50 calls")],
      ["peak RSS < 200 MB at N=5000", expect.stringContaining("250.0 MiB")],
      [
        "peak RSS < 200 MB at N=5000, in Pulumi's dynamic-provider host process",
        "264.0 MiB (the host alone, provider loaded and checked: 175.0 MiB)",
      ],
    ]);
  });

  it("counts with the right noun: 1 list call, 1 call, 2 list calls", () => {
    const one = fleetRun(100, { noopUpdate: { calls: 1, ms: 2, changes: true } });
    const detail = (run: FleetRun) => evaluateTargets([run]).find((v) => v.target.includes("no-op update"))!.detail;
    expect(detail(one)).toBe("no-op 1 call (diff found changes), refresh 1 list call of 1 (want 1)");
    expect(detail(fleetRun(200))).toBe("no-op 0 calls (diff found none), refresh 2 list calls of 2 (want 2)");
  });

  it("counts RSS in MB as the target says: 191 MiB is under 200 MB, 191.0 + 0.8 MiB is not", () => {
    const rss = (mib: number) =>
      evaluateTargets([fleetRun(5000, { rssMiB: mib })]).find((v) => v.target === "peak RSS < 200 MB at N=5000")!.met;
    expect(rss(190.7)).toBe(true); // 199.96 MB
    expect(rss(191.0)).toBe(false); // 200.28 MB, though under 200 MiB
  });

  it("holds every job to the polls target, not only the average", () => {
    const polls = (run: Parameters<typeof fleetRun>[1]) =>
      evaluateTargets([fleetRun(5000, run)]).find((v) => v.target.startsWith("N=5000: action calls"))!;
    expect(polls({ jobPollsPerJob: 3, maxJobPollsOfOneJob: 16 })).toMatchObject({
      met: false,
      detail: expect.stringContaining("(at most 16 for one job)"),
    });
    expect(polls({ jobPollsPerJob: 3, maxJobPollsOfOneJob: 15 }).met).toBe(true);
    expect(polls({ jobPollsPerJob: 3 }).met).toBe(true); // reports from before the maximum was measured
  });
});

describe("the chart", () => {
  const report = {
    settings: { windowSeconds: 5, serversPerWindow: 1000, stopSeconds: 3, jobInitMs: 50 },
    runs: [10, 100, 1000, 5000].map((n) => fleetRun(n)),
  } as unknown as BenchReport;

  it("has the four series, each point of each fleet size, extrapolated ones marked", () => {
    const series = chartSeries(report);
    expect(series.map((s) => s.id)).toEqual(["ours", "lower-bound", "sdk-batch", "per-server"]);
    for (const s of series) expect(s.points.map((p) => p.servers)).toEqual([10, 100, 1000, 5000]);
    expect(series[1].points.map((p) => p.seconds)).toEqual([3.05, 3.05, 3.05, 23.05]);
    expect(series[3].points.map((p) => Boolean(p.extrapolated))).toEqual([false, false, true, true]);
  });

  it("draws each series as a group with its points, on log axes", () => {
    const svg = renderReportChart(report);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const groups = [...svg.matchAll(/<g data-series="([^"]+)" data-points="([^"]+)">([\s\S]*?)<\/g>/g)];
    expect(groups.map((g) => g[1])).toEqual(["ours", "lower-bound", "sdk-batch", "per-server"]);
    expect(groups[3][2]).toBe("10:10 100:100 1000:1000e 5000:5000e");
    for (const g of groups) expect(g[3].match(/class="marker"/g)).toHaveLength(4);
    // Two hollow markers on the per-server series.
    expect(groups[3][3].match(/fill="#ffffff"/g)).toHaveLength(2);
    expect(svg).toContain(">1000 s</text>");
    expect(svg).toContain("hollow, dashed: extrapolated from a measured prefix");
  });

  it("gives each series its own marker shape, so points at the same place stay visible", () => {
    const svg = renderReportChart(report);
    const groups = [...svg.matchAll(/<g data-series="([^"]+)" data-points="[^"]+">([\s\S]*?)<\/g>/g)];
    const shapes = groups.map((g) => [...new Set([...g[2]!.matchAll(/data-shape="(\w+)"/g)].map((m) => m[1]))]);
    expect(shapes).toEqual([["circle"], ["square"], ["diamond"], ["triangle"]]);
    // Two series on the same point: both markers are drawn, each its own shape.
    const same = renderChart(
      [
        { id: "a", label: "a", color: "#000", points: [{ servers: 10, seconds: 2 }] },
        { id: "b", label: "b", color: "#f00", points: [{ servers: 10, seconds: 2 }] },
      ],
      "t",
      "s",
    );
    expect([...same.matchAll(/data-shape="(\w+)"/g)].map((m) => m[1])).toEqual([
      "circle",
      "circle",
      "square",
      "square",
    ]);
  });

  it("puts a tick on every power of ten the values span, and escapes text", () => {
    expect(logTicks(3.05, 5025)).toEqual([1, 10, 100, 1000, 10000]);
    expect(
      renderChart([{ id: "a", label: "<ours> & co", color: "#000", points: [{ servers: 10, seconds: 2 }] }], "t", "s"),
    ).toContain("&lt;ours&gt; &amp; co");
  });
});
