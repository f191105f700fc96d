/** What a workload module exports, and helpers they share. */
import type { Backend, BenchRepo } from '../backends.js';
import type { LegacyRepo } from '../legacy/legacy-backend.js';
import type { BenchConfig } from '../config.js';
import type { Measurement, RunResult } from '../harness/measure.js';

/** Progress output (one line). */
export type Log = (message: string) => void;

/** One workload: measures its variants on one backend. */
export interface Workload {
  /** Stable id, used in results and by `BENCH_ONLY`. */
  readonly id: string;
  /** Human title for the report. */
  readonly title: string;
  /** Which of our backends it runs on (default both: `twin`, `dynamodb-local`). */
  readonly backends?: readonly Backend['name'][];
  /** Measure every variant on `backend`: `config.runs` timed runs each. */
  measure(backend: Backend, config: BenchConfig, log: Log): Promise<Measurement[]>;
  /**
   * Present on the workloads compared with the old adapter: measure the compared variants on `old` (same variant
   * names, events and sizes as ours) and, when `ours` is given (our DynamoDB Local backend), every variant on ours,
   * ALTERNATING the runs of a compared variant (ours run 1, old run 1, ours run 2, …) so both sides meet the same
   * machine load (this 2-core machine is shared; minutes apart, rates drift by tens of percent).
   */
  compare?(ours: Backend | undefined, old: Backend<LegacyRepo>, config: BenchConfig, log: Log): Promise<Measurement[]>;
}

/** One backend taking part in a comparison, with its own runs per figure and sizes. */
export interface Side {
  readonly backend: Backend<BenchRepo>;
  readonly runs: number;
  readonly config: BenchConfig;
}

/** The sides of a comparison: ours with `config`, the old adapter with its runs (and the caller's sizes). */
export function comparisonSides(
  ours: Backend | undefined,
  old: Backend<LegacyRepo>,
  config: BenchConfig,
  oldConfig: BenchConfig,
  oldRuns: number,
): Side[] {
  return [
    ...(ours ? [{ backend: ours as Backend<BenchRepo>, runs: config.runs, config }] : []),
    { backend: old as Backend<BenchRepo>, runs: oldRuns, config: oldConfig },
  ];
}

/** Whether `side` is the old adapter. */
export function isOld(side: Side): boolean {
  return side.backend.name === 'legacy-dynamodb-local';
}

/**
 * Run `run(side, index)` for every side, alternating: run 0 of each side, then run 1 of each, … (a side with fewer
 * runs drops out early). Returns each side's results, in `sides` order.
 */
export async function alternate<S extends { readonly runs: number }>(
  sides: readonly S[],
  run: (side: S, index: number) => Promise<RunResult>,
): Promise<RunResult[][]> {
  const results: RunResult[][] = sides.map(() => []);
  const most = Math.max(0, ...sides.map((side) => side.runs));
  for (let index = 0; index < most; index++) {
    for (const [position, side] of sides.entries()) if (index < side.runs) results[position]!.push(await run(side, index));
  }
  return results;
}

/** Run `run` `count` times (run index 0..count-1), one after another, and collect the results. */
export async function repeat(count: number, run: (index: number) => Promise<RunResult>): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (let index = 0; index < count; index++) results.push(await run(index));
  return results;
}

/** Split `items` into consecutive groups of `size` (the last may be shorter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
  return groups;
}

/** One-line summary of a run, for progress output. */
export function describeRun(run: RunResult): string {
  return `${Math.round(run.eventsPerSec).toLocaleString('en-US')} ev/s, ${run.cost.requests.toFixed(1)} req/1k, ${(run.heapPeakBytes / 2 ** 20).toFixed(1)} MB heap`;
}
