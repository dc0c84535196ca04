/**
 * Wall time against fleet size, as an SVG with log-scaled axes: ours, the lower bound, the SDK
 * batch script and the per-server pattern (dashed, with hollow markers, where extrapolated). Each series
 * has its own marker shape, so points of two series at the same place (ours on the lower bound, the SDK
 * script on the per-server pattern at small N) both stay visible. Pure:
 * the report in, the SVG text out; no dependency.
 */
import type { BenchReport } from "./benchReport";

export interface ChartPoint {
  readonly servers: number;
  readonly seconds: number;
  /** Drawn hollow, and the segment leading to it dashed. */
  readonly extrapolated?: boolean;
}

/** Marker shapes, drawn in this order of size so that a smaller one shows inside a larger one. */
export type MarkerShape = "circle" | "square" | "diamond" | "triangle";

export interface ChartSeries {
  readonly id: string;
  readonly label: string;
  readonly color: string;
  readonly dash?: string;
  /** Default: the series' place in MARKER_ORDER. */
  readonly marker?: MarkerShape;
  readonly points: readonly ChartPoint[];
}

const MARKER_ORDER: readonly MarkerShape[] = ["circle", "square", "diamond", "triangle"];

/** One marker centred on (cx, cy); `fill` white for a hollow one. Sizes differ so that coinciding markers nest. */
export function markerSvg(shape: MarkerShape, cx: number, cy: number, stroke: string, fill: string): string {
  const paint = `stroke="${stroke}" stroke-width="2" fill="${fill}" class="marker" data-shape="${shape}"`;
  switch (shape) {
    case "circle":
      return `<circle cx="${cx}" cy="${cy}" r="4" ${paint}/>`;
    case "square":
      return `<rect x="${cx - 5}" y="${cy - 5}" width="10" height="10" ${paint}/>`;
    case "diamond":
      return `<polygon points="${cx},${cy - 7} ${cx + 7},${cy} ${cx},${cy + 7} ${cx - 7},${cy}" ${paint}/>`;
    case "triangle":
      return `<polygon points="${cx},${cy - 9} ${cx + 8},${cy + 6} ${cx - 8},${cy + 6}" ${paint}/>`;
  }
}

const WIDTH = 760;
const HEIGHT = 460;
const MARGIN = { left: 70, right: 24, top: 64, bottom: 56 };

/** The four series of a report; an alternative appears only where it was run. */
export function chartSeries(report: BenchReport): ChartSeries[] {
  const runs = [...report.runs].sort((a, b) => a.servers - b.servers);
  const seconds = (ms: number) => ms / 1000;
  return [
    {
      id: "ours",
      label: "ours (ServerPowerState create)",
      color: "#1f6feb",
      points: runs.map((r) => ({ servers: r.servers, seconds: seconds(r.wallMs) })),
    },
    {
      id: "lower-bound",
      label: "lower bound (pacing + job duration)",
      color: "#6e7781",
      dash: "2 4",
      points: runs.map((r) => ({ servers: r.servers, seconds: seconds(r.lowerBoundMs) })),
    },
    {
      id: "sdk-batch",
      label: "official SDK batch script, polls every 10 s",
      color: "#d97706",
      points: runs
        .filter((r) => r.sdkBatch)
        .map((r) => ({
          servers: r.servers,
          seconds: seconds(r.sdkBatch!.wallMs),
          extrapolated: r.sdkBatch!.extrapolated,
        })),
    },
    {
      id: "per-server",
      label: "per-server pattern (Terraform), 10 at a time",
      color: "#cf222e",
      points: runs
        .filter((r) => r.perServer)
        .map((r) => ({
          servers: r.servers,
          seconds: seconds(r.perServer!.wallMs),
          extrapolated: r.perServer!.extrapolated,
        })),
    },
  ];
}

/** Powers of ten covering [min, max]. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e += 1) ticks.push(10 ** e);
  return ticks;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const round = (x: number) => Math.round(x * 10) / 10;

export function renderChart(series: readonly ChartSeries[], title: string, subtitle: string): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) throw new RangeError("no points to draw");
  const xs = all.map((p) => p.servers);
  const ys = all.map((p) => p.seconds);
  const xTicks = [...new Set(xs)].sort((a, b) => a - b);
  const yTicks = logTicks(Math.min(...ys), Math.max(...ys));
  // Half a decade of room on each side, so that the first and last points clear the frame.
  const [xMin, xMax] = [Math.min(...xs) / 10 ** 0.25, Math.max(...xs) * 10 ** 0.25];
  const [yMin, yMax] = [yTicks[0], yTicks[yTicks.length - 1]];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const logSpan = (lo: number, hi: number, v: number) =>
    hi === lo ? 0.5 : (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  const x = (v: number) => round(MARGIN.left + logSpan(xMin, xMax, v) * plotW);
  const y = (v: number) => round(MARGIN.top + plotH - logSpan(yMin, yMax, v) * plotH);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(`<text x="${MARGIN.left}" y="40" fill="#57606a">${escapeXml(subtitle)}</text>`);
  for (const t of yTicks) {
    out.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}" stroke="#d0d7de"/>`);
    out.push(
      `<text x="${MARGIN.left - 8}" y="${y(t) + 4}" text-anchor="end">${t >= 1 ? t : t.toPrecision(1)} s</text>`,
    );
  }
  for (const t of xTicks) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#eaeef2"/>`);
    out.push(`<text x="${x(t)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${t}</text>`);
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#57606a"/>`,
  );
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle">servers (log scale)</text>`);
  out.push(
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">wall time (log scale)</text>`,
  );

  series.forEach((s, index) => {
    const shape = s.marker ?? MARKER_ORDER[index % MARKER_ORDER.length]!;
    const points = [...s.points].sort((a, b) => a.servers - b.servers);
    const data = points.map((p) => `${p.servers}:${p.seconds}${p.extrapolated ? "e" : ""}`).join(" ");
    out.push(`<g data-series="${escapeXml(s.id)}" data-points="${data}">`);
    for (let i = 1; i < points.length; i += 1) {
      const [a, b] = [points[i - 1], points[i]];
      const dash = b.extrapolated ? "6 4" : s.dash;
      out.push(
        `<line x1="${x(a.servers)}" y1="${y(a.seconds)}" x2="${x(b.servers)}" y2="${y(b.seconds)}" stroke="${s.color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`,
      );
    }
    for (const p of points)
      out.push(markerSvg(shape, x(p.servers), y(p.seconds), s.color, p.extrapolated ? "#ffffff" : s.color));
    out.push(`</g>`);
    const ly = MARGIN.top + 14 + index * 18;
    out.push(
      `<line x1="${MARGIN.left + 12}" x2="${MARGIN.left + 36}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`,
    );
    out.push(markerSvg(shape, MARGIN.left + 24, ly - 4, s.color, s.color));
    out.push(`<text x="${MARGIN.left + 42}" y="${ly}">${escapeXml(s.label)}</text>`);
  });
  const hasExtrapolated = series.some((s) => s.points.some((p) => p.extrapolated));
  if (hasExtrapolated) {
    const ly = MARGIN.top + 14 + series.length * 18;
    out.push(
      `<circle cx="${MARGIN.left + 24}" cy="${ly - 4}" r="4" stroke="#57606a" stroke-width="2" fill="#ffffff"/>`,
    );
    out.push(`<text x="${MARGIN.left + 42}" y="${ly}">hollow, dashed: extrapolated from a measured prefix</text>`);
  }
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}

export function renderReportChart(report: BenchReport): string {
  const s = report.settings;
  return renderChart(
    chartSeries(report),
    "Stopping N servers: wall time against fleet size",
    `emulator: stop ${s.stopSeconds} s + job INIT ${s.jobInitMs} ms; ${s.serversPerWindow} servers per ${s.windowSeconds}-s window (a shortened minute) on both sides`,
  );
}
