/**
 * `npm run bench:compare -- <checkout A> [<checkout B>]`: the bench's write, read and feed workloads on TWO
 * checkouts of this repository (B defaults to this one) in ONE run, so a change is judged before/after on the
 * same machine load. A checkout is a directory with this repository's sources at some commit and a `node_modules`
 * (e.g. `git worktree add --detach ../before <commit>` and a symlink to this one's `node_modules`).
 *
 * Each checkout gets a child process (`compare-child.ts`, run with tsx in the checkout) that loads the checkout's
 * own bench and `src/`. The runs ALTERNATE: for each of `BENCH_RUNS` rounds (default 3), every selected workload
 * on every backend runs once on A, then once on B; the servers (DynamoDB Local, the S3 server) are started once
 * here and shared. The workloads: single appends and batches (`single-append`, `batch-append`), stream reads and
 * replay (`stream-read`, `replay`), the change feed's appends and `getLogPage` drain (`change-feed`); `BENCH_ONLY`
 * narrows them, `BENCH_BACKENDS` picks `twin` and/or `dynamodb-local` (default both), every other `BENCH_*` size
 * applies to both sides. `BENCH_COMPARE_WARMUP` rounds (default 1) run first and are discarded. Prints a Markdown table per workload: events/s and client CPU ms per event (median of
 * the runs) for A and B with the ratio B/A, and the machine-independent counts per event (DynamoDB requests, write
 * and read units) for both. Progress goes to stderr, the tables to stdout.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LocalServers, startLocalServers } from '../test/helpers/backends.js';
import {
  type ChildReply,
  type ChildRequest,
  type ComparedBackend,
  DYNAMO_ENDPOINT_VARIABLE,
  S3_ENDPOINT_VARIABLE,
} from './compare-child.js';
import { loadConfig } from './config.js';
import type { Measurement, RunResult } from './harness/measure.js';
import { type Column, formatNumber, renderTable } from './harness/table.js';
import { median, now } from './harness/timing.js';

/** The workloads compared, in report order (ids of `workloads/index.ts`). */
const COMPARED_WORKLOADS: readonly string[] = ['single-append', 'batch-append', 'stream-read', 'replay', 'change-feed'];

/** The report's columns: the timed figures with their ratio, then the counts of both sides. */
const COLUMNS: readonly Column[] = [
  { header: 'variant' },
  { header: 'backend' },
  ...['ev/s A', 'ev/s B', 'B/A', 'CPU ms/ev A', 'CPU ms/ev B', 'B/A'].map((header) => ({ header, align: 'right' as const })),
  ...['req/ev A', 'req/ev B', 'WCU/ev A', 'WCU/ev B', 'RCU/ev A', 'RCU/ev B'].map((header) => ({ header, align: 'right' as const })),
];

/** One checkout and the child process measuring it. */
interface Side {
  readonly label: 'A' | 'B';
  readonly dir: string;
  /** Commit and whether the tree has uncommitted changes, for the report. */
  readonly revision: string;
  readonly child: ChildProcess;
}

/** The runs of one variant on one backend, per side. */
interface Row {
  readonly workload: string;
  readonly variant: string;
  readonly backend: string;
  readonly runs: Record<Side['label'], RunResult[]>;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const [dirA, dirB = repoRoot] = process.argv.slice(2).map((arg) => resolve(arg));
if (dirA === undefined) throw new Error('usage: npm run bench:compare -- <checkout A> [<checkout B>] (B defaults to this checkout)');
for (const dir of [dirA, dirB]) {
  if (!existsSync(join(dir, 'bench', 'workloads', 'index.ts'))) throw new Error(`${dir} is not a checkout of this repository`);
  if (!existsSync(join(dir, 'node_modules'))) throw new Error(`${dir} has no node_modules (symlink this checkout's)`);
}
const config = loadConfig();
const backends = config.backends.filter((name): name is ComparedBackend => name === 'twin' || name === 'dynamodb-local');
const workloads = COMPARED_WORKLOADS.filter((id) => config.only.length === 0 || config.only.some((word) => id.includes(word)));
if (backends.length === 0 || workloads.length === 0) throw new Error('nothing to compare: check BENCH_BACKENDS and BENCH_ONLY');
const warmUpSetting = process.env.BENCH_COMPARE_WARMUP ?? '1';
const warmUp = Number(warmUpSetting);
if (!Number.isInteger(warmUp) || warmUp < 0) throw new Error(`BENCH_COMPARE_WARMUP must be a whole number of rounds, got ${warmUpSetting}`);

const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};
const started = now();
const servers: LocalServers | undefined = backends.includes('dynamodb-local') ? await startLocalServers() : undefined;
const sides: Side[] = [];
try {
  sides.push(startSide('A', dirA, servers), startSide('B', dirB, servers));
  const rows = new Map<string, Row>();
  // Warm-up rounds first (negative numbers), measured and discarded: both children start with cold code.
  for (let round = -warmUp; round < config.runs; round++) {
    for (const backend of backends) {
      for (const workload of workloads) {
        for (const side of sides) {
          log(
            `== ${round < 0 ? 'warm-up' : `round ${round + 1}/${config.runs}`}: ${workload} on ${backend}, ${side.label} (${side.revision})`,
          );
          const measurements = await measure(side, { workload, backend });
          if (round < 0) continue;
          for (const measurement of measurements) {
            const key = [measurement.workload, measurement.backend, measurement.variant].join('\u0000');
            const row = rows.get(key) ?? { ...measurement, runs: { A: [], B: [] } };
            rows.set(key, row);
            row.runs[side.label].push(...measurement.runs);
          }
        }
      }
    }
  }
  process.stdout.write(`${report([...rows.values()], sides, (now() - started) / 1000)}\n`);
} finally {
  await Promise.all(sides.map((side) => stopSide(side)));
  await servers?.stop();
}

/** Spawn the child of checkout `dir` (this process's node and tsx loader flags, the checkout as working directory). */
function startSide(label: Side['label'], dir: string, servers: LocalServers | undefined): Side {
  const script = fileURLToPath(new URL('./compare-child.ts', import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, script], {
    cwd: dir,
    // The child's stdout joins our stderr: stdout is the report's.
    stdio: ['ignore', 2, 2, 'ipc'],
    env: {
      ...process.env,
      BENCH_RUNS: '1',
      BENCH_COMPARE_LABEL: label,
      [DYNAMO_ENDPOINT_VARIABLE]: servers?.dynamoEndpoint ?? '',
      [S3_ENDPOINT_VARIABLE]: servers?.s3Endpoint ?? '',
    },
  });
  const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
  const revision = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') === '' ? '' : ' + uncommitted changes'}`;
  return { label, dir, revision, child };
}

/** One run of `request` on `side`: its measurements, or the child's error thrown. */
function measure(side: Side, request: ChildRequest): Promise<Measurement[]> {
  return new Promise((resolveReply, reject) => {
    const exited = (code: number | null): void => reject(new Error(`checkout ${side.label} (${side.dir}): its process exited (${code})`));
    side.child.once('exit', exited);
    side.child.once('message', (reply: ChildReply) => {
      side.child.off('exit', exited);
      if ('error' in reply) reject(new Error(`checkout ${side.label} (${side.dir}): ${reply.error}`));
      else resolveReply(reply.measurements as Measurement[]);
    });
    side.child.send(request);
  });
}

/** Ask the child to release its backends and exit; wait for it (killed if it has not exited within 10 s). */
async function stopSide(side: Side): Promise<void> {
  const { child } = side;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  if (child.connected) child.send({ stop: true } satisfies ChildRequest);
  else child.kill('SIGTERM');
  await exited;
  clearTimeout(timer);
}

/** The Markdown report: what ran, then a table per workload. */
function report(rows: readonly Row[], sides: readonly Side[], seconds: number): string {
  const sizes = Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_'))
    .map(([name, value]) => `${name}=${value}`)
    .sort();
  const lines = [
    '## Before/after comparison',
    '',
    ...sides.map((side) => `- ${side.label}: ${side.dir} at ${side.revision}`),
    `- ${config.runs} run(s) per figure and side after ${warmUp} warm-up round(s), alternating A, B; medians. ${seconds.toFixed(0)} s in all.`,
    `- Settings: ${sizes.length > 0 ? sizes.join(', ') : 'the defaults'}.`,
    '- B/A marked `~`: the runs of A and B overlap (the ratio is within the run-to-run spread).',
    "- CPU: this side's process (user + system) per event: the client's work; the servers run in other processes.",
    '- Counts per event: DynamoDB requests, write and read units (the twin: by AWS rules; DynamoDB Local: as it reports them).',
  ];
  for (const workload of COMPARED_WORKLOADS) {
    const ofWorkload = rows.filter((row) => row.workload === workload);
    if (ofWorkload.length > 0) lines.push('', `### ${workload}`, '', renderTable(COLUMNS, ofWorkload.map(cells)));
  }
  return lines.join('\n');
}

function eventsPerSecond(run: RunResult): number {
  return run.eventsPerSec;
}

/** The process's CPU time (user + system) in the run, per event. */
function cpuMsPerEvent(run: RunResult): number {
  return (run.ms * run.processCpuPercent) / 100 / run.events;
}

/** A row's cells: medians over its runs of each side. */
function cells(row: Row): string[] {
  const of = (pick: (run: RunResult) => number): [number[], number[]] => [row.runs.A.map(pick), row.runs.B.map(pick)];
  const mid = (values: readonly number[]): number | undefined => (values.length > 0 ? median(values) : undefined);
  const timed = ([a, b]: [number[], number[]], digits: number): string[] => {
    const [midA, midB] = [mid(a), mid(b)];
    const ratio = midA === undefined || midB === undefined || midA === 0 ? '–' : `${formatNumber(midB / midA, 2)}x`;
    // The runs of A and B overlap: the ratio is within the run-to-run spread.
    const overlap = a.length > 0 && b.length > 0 && Math.min(...b) <= Math.max(...a) && Math.min(...a) <= Math.max(...b);
    return [formatNumber(midA, digits), formatNumber(midB, digits), `${ratio}${overlap ? ' ~' : ''}`];
  };
  const counts = ([a, b]: [number[], number[]]): string[] => [formatNumber(mid(a), 3), formatNumber(mid(b), 3)];
  return [
    row.variant,
    row.backend,
    ...timed(of(eventsPerSecond), 0),
    ...timed(of(cpuMsPerEvent), 3),
    ...counts(of((run) => run.cost.requests / 1000)),
    ...counts(of((run) => run.cost.writeUnits / 1000)),
    ...counts(of((run) => run.cost.readUnits / 1000)),
  ];
}
