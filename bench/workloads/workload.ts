/** What a workload module exports, and helpers they share. */
import type { Backend } from '../backends.js';
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
   * Present on the workloads compared with the old adapter: measure the compared variants on it (same variant names,
   * events and sizes as ours), `config.legacyRuns` timed runs each.
   */
  measureLegacy?(backend: Backend<LegacyRepo>, config: BenchConfig, log: Log): Promise<Measurement[]>;
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
