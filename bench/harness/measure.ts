/** One timed run of a workload, and the summary of several runs (median events/s). */
import type { StoreStats } from '../../src/index.js';
import type { BackendName } from '../config.js';
import { costPerThousand, type CostPerThousand } from './cost.js';
import { HeapProbe } from './heap.js';
import { median, now } from './timing.js';

/** What one timed run measured. */
export interface RunResult {
  /** Wall time of the timed section, ms (monotonic clock). */
  readonly ms: number;
  /** Events written or read in the timed section. */
  readonly events: number;
  readonly eventsPerSec: number;
  /** Requests and capacity per 1,000 events, from `repo.stats()` (the driver's reported capacity). */
  readonly cost: CostPerThousand;
  /** The same from `reportedStats()`, when the source has a second view (the old adapter: as DynamoDB Local reported it). */
  readonly reportedCost?: CostPerThousand;
  /** Peak JS heap growth during the timed section over a post-GC baseline, bytes. */
  readonly heapPeakBytes: number;
  /** CPU time of this process (user + system) over wall time, in % (100 = one core busy): low means it waited on a server. */
  readonly processCpuPercent: number;
}

/** The runs of one workload variant on one backend, summarised. */
export interface Measurement {
  /** Workload id, e.g. `single-append`. */
  readonly workload: string;
  /** Variant within the workload, e.g. `sequential`, `getAllEvents(100), 4 shards`. */
  readonly variant: string;
  readonly backend: BackendName;
  /** Events per run. */
  readonly events: number;
  readonly runs: readonly RunResult[];
  /** Median events/s over the runs. */
  readonly eventsPerSec: number;
  /** Cost of the median run (the figures barely vary between runs). */
  readonly cost: CostPerThousand;
  /** The median run's `reportedCost`, when there is one. */
  readonly reportedCost?: CostPerThousand;
  /** Median peak heap growth, bytes. */
  readonly heapPeakBytes: number;
  /** Median CPU use of the bench process during the runs, % of one core. */
  readonly processCpuPercent: number;
  /** Workload-specific figures (name to value), e.g. the memory probe's live heap. */
  readonly extras?: Readonly<Record<string, number>>;
}

/** Where a run's requests and capacity come from: an `EventStoreRepo`, or any meter with the same two methods. */
export interface StatsSource {
  resetStats(): void;
  stats(): StoreStats;
  /**
   * Finish pricing work recorded so far (the old adapter's meter replays its calls on a shadow twin); awaited by
   * `timeRun` before `resetStats()` and after the timer stops, so it never counts as run time.
   */
  settle?(): Promise<void>;
  /** A second view of the same requests (the old adapter: capacity as DynamoDB Local reported it). */
  reportedStats?(): StoreStats;
}

/**
 * Time `body` on `repo`: zero the repo's statistics, start the heap probe, run, stop. `events` is how many events
 * the body writes or reads; `body` gets the probe to `tick()` at natural points. Cleanup is the caller's.
 */
export async function timeRun(repo: StatsSource, events: number, body: (probe: HeapProbe) => Promise<void>): Promise<RunResult> {
  await repo.settle?.();
  repo.resetStats();
  const probe = new HeapProbe();
  probe.start();
  const started = now();
  const cpuBefore = process.cpuUsage();
  let ms: number;
  let heapPeakBytes: number;
  try {
    await body(probe);
  } finally {
    ms = now() - started;
    heapPeakBytes = probe.stop();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const processCpuPercent = ((cpu.user + cpu.system) / 1000 / ms) * 100;
  await repo.settle?.();
  const reported = repo.reportedStats?.();
  return {
    ms,
    events,
    eventsPerSec: (events * 1000) / ms,
    cost: costPerThousand(repo.stats(), events),
    ...(reported ? { reportedCost: costPerThousand(reported, events) } : {}),
    heapPeakBytes,
    processCpuPercent,
  };
}

/** Summarise runs: median events/s and heap growth, and the median run's cost. Throws on no runs. */
export function summarize(
  workload: string,
  variant: string,
  backend: BackendName,
  runs: readonly RunResult[],
  extras?: Readonly<Record<string, number>>,
): Measurement {
  const middle = median(runs.map((run) => run.eventsPerSec));
  const representative = runs.reduce((best, run) =>
    Math.abs(run.eventsPerSec - middle) < Math.abs(best.eventsPerSec - middle) ? run : best,
  );
  return {
    workload,
    variant,
    backend,
    events: representative.events,
    runs,
    eventsPerSec: middle,
    cost: representative.cost,
    ...(representative.reportedCost ? { reportedCost: representative.reportedCost } : {}),
    heapPeakBytes: median(runs.map((run) => run.heapPeakBytes)),
    processCpuPercent: median(runs.map((run) => run.processCpuPercent)),
    ...(extras ? { extras } : {}),
  };
}
