/**
 * Heap growth of a timed section: a baseline after a forced collection, then the peak `heapUsed` seen by sampling
 * (a timer every {@link SAMPLE_INTERVAL_MS} ms, plus explicit `tick()` calls from the workload, because the
 * in-memory twin can run a whole workload in microtasks without ever letting a timer fire).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Timer sampling period: frequent enough to catch page-sized peaks on real servers, cheap enough not to matter. */
const SAMPLE_INTERVAL_MS = 2;
/** A workload's `tick()` samples every this many calls (a heap read costs about a microsecond). */
const TICKS_PER_SAMPLE = 8;

/** `global.gc`, enabled at run time when node was not started with `--expose-gc`. */
const collect: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Force full collections so the next reading is live data only. */
export function collectGarbage(): void {
  collect();
  collect();
}

/** Bytes of live JS heap right now (after {@link collectGarbage}: live data only). */
export function heapUsed(): number {
  return getHeapStatistics().used_heap_size;
}

/** Samples heap use from `start()` to `stop()`; `stop()` returns the peak growth over the baseline, in bytes. */
export class HeapProbe {
  private baseline = 0;
  private peak = 0;
  private ticks = 0;
  private timer: NodeJS.Timeout | undefined;

  /** Collect garbage, take the baseline and start the sampling timer. */
  start(): void {
    collectGarbage();
    this.baseline = heapUsed();
    this.peak = this.baseline;
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Called by workloads at natural points (each append, each page); samples every {@link TICKS_PER_SAMPLE} calls. */
  tick(): void {
    if (++this.ticks % TICKS_PER_SAMPLE === 0) this.sample();
  }

  /** Take a reading now. */
  sample(): void {
    const used = heapUsed();
    if (used > this.peak) this.peak = used;
  }

  /** Stop sampling; the peak heap growth over the baseline, in bytes (>= 0). */
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    this.timer = undefined;
    return this.peak - this.baseline;
  }
}
