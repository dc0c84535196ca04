/**
 * Re-renders a saved `npm run -s bench -- --json` document: the Markdown tables on stdout, and the
 * chart when `--svg <path>` is given. `npx ts-node --transpile-only bench/renderResults.ts results.json --svg chart.svg`
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { BenchReport } from "./benchReport";
import { formatReport } from "./formatReport";
import { renderReportChart } from "./renderChart";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { svg: { type: "string" } } });
if (positionals.length !== 1) {
  process.stderr.write("usage: renderResults.ts <report.json> [--svg <chart.svg>]\n");
  process.exit(2);
}
const text = readFileSync(positionals[0], "utf8");
// Tolerates npm's banner before the document (npm run without -s).
const report = JSON.parse(text.slice(text.indexOf("{"))) as BenchReport;
process.stdout.write(formatReport(report));
if (values.svg) writeFileSync(values.svg, renderReportChart(report));
