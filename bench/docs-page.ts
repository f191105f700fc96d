/**
 * Writes the user-facing benchmark page, `docs/benchmarks.md`, and its charts, `docs/benchmarks/*.svg`, from a
 * bench run's results: machine facts, what was run (backends, workloads, libraries, every `BENCH_*` setting that
 * differed from the defaults), the figures tables and the charts. Nothing on the page is typed by hand: a new run
 * rewrites it whole (and removes charts the run no longer draws).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BarChart, renderBarChart } from './charts.js';
import { peerCharts } from './peers/report.js';
import { type BenchResults, type ChartLink, reportBody } from './report.js';
import type { Workload } from './workloads/index.js';

/** Folder of the charts, relative to the page. */
export const CHARTS_FOLDER = 'benchmarks';

/** What `writeDocsPage` wrote. */
export interface WrittenPage {
  readonly page: string;
  readonly charts: readonly string[];
}

/** Render the page and its charts for `results` into `docsFolder` (the repository's `docs/`). */
export function writeDocsPage(results: BenchResults, workloads: readonly Workload[], docsFolder: string): WrittenPage {
  const chartsFolder = join(docsFolder, CHARTS_FOLDER);
  mkdirSync(chartsFolder, { recursive: true });
  for (const stale of readdirSync(chartsFolder).filter((file) => file.endsWith('.svg'))) rmSync(join(chartsFolder, stale));
  const written: string[] = [];
  const draw = (charts: readonly BarChart[]): ChartLink[] =>
    charts.map((chart) => {
      writeFileSync(join(chartsFolder, chart.file), renderBarChart(chart));
      written.push(join(chartsFolder, chart.file));
      return { path: `${CHARTS_FOLDER}/${chart.file}`, title: chart.title };
    });
  const links = {
    ours: draw(ourCharts(results)),
    ...(results.peers ? { peers: draw(peerCharts(results.peers)) } : {}),
  };
  const page = join(docsFolder, 'benchmarks.md');
  writeFileSync(page, `${renderDocsPage(results, workloads, links)}\n`);
  return { page, charts: written };
}

/** The page's Markdown (exported for tests). */
export function renderDocsPage(
  results: BenchResults,
  workloads: readonly Workload[],
  charts: { readonly ours?: readonly ChartLink[]; readonly peers?: readonly ChartLink[] },
): string {
  const { machine } = results;
  const settings = Object.entries(results.settings ?? {}).map(([name, value]) => `\`${name}=${value}\``);
  const backends = Object.keys(results.backends);
  const ran = [
    backends.length ? `backends ${backends.map((name) => `\`${name}\``).join(', ')}` : undefined,
    workloads.length ? `workloads ${workloads.map((w) => `\`${w.id}\``).join(', ')}` : undefined,
    results.peers ? `the peer bench (${results.peers.libraries.map((library) => library.name).join(', ')})` : undefined,
  ].filter((part): part is string => part !== undefined);
  return [
    '# Benchmarks',
    '',
    '> Written by `npm run bench` from its own run (`bench/docs-page.ts`): every figure and chart on this page comes from',
    '> that run. Re-run the bench to refresh it; do not edit it by hand. How the bench works and its size knobs:',
    '> [`bench/README.md`](../bench/README.md); the raw figures of the last run: `bench/results/latest.json`.',
    '',
    `**Machine:** ${machine.cpuModel}, ${machine.cores} cores (${machine.availableParallelism} available), ${machine.totalMemoryMB.toLocaleString('en-US')} MB, ${machine.platform}; Node ${machine.node}; ${machine.java}; DynamoDB Local ${machine.dynamoDbLocal}. Run ${machine.date}, ${results.durationSeconds.toFixed(0)} s.`,
    '',
    `**What ran:** ${ran.join('; ')}; ${results.config.runs} runs per figure of ours (median)${results.peers ? `, ${results.peers.config.runs} per peer figure` : ''}. Settings: ${results.settings === undefined ? 'not recorded' : settings.length ? settings.join(', ') : 'the defaults'}. This machine is shared and DynamoDB Local runs on its 2 cores: events/s are for comparing libraries within one run, not a forecast of AWS; requests, capacity units and bytes do not depend on the machine.`,
    '',
    reportBody(results, workloads, charts),
  ].join('\n');
}

/** Our workloads' events/s on DynamoDB Local, beside the old adapter's where it ran the same variant. */
function ourCharts(results: BenchResults): BarChart[] {
  const rows = results.measurements.filter(
    (m) => m.backend === 'dynamodb-local' && m.workload !== 'replay-memory' && m.workload !== 'server-floor',
  );
  if (rows.length === 0) return [];
  const categories = rows.map((m) => `${m.workload}: ${m.variant}`);
  const old = (m: (typeof rows)[number]) =>
    results.measurements.find(
      (each) => each.backend === 'legacy-dynamodb-local' && each.workload === m.workload && each.variant === m.variant,
    )?.eventsPerSec;
  const series = [
    { name: 'ours, DynamoDB Local', values: rows.map((m) => m.eventsPerSec) },
    ...(rows.some((m) => old(m) !== undefined) ? [{ name: 'old adapter, DynamoDB Local', values: rows.map(old) }] : []),
  ];
  return [
    {
      file: 'ours-throughput.svg',
      title: 'Our workloads on DynamoDB Local: events per second (median run; log scale)',
      unit: 'events/s',
      log: true,
      categories,
      series,
      horizontal: true,
      width: 900,
      height: 140 + 22 * categories.length * series.length,
    },
  ];
}
