/** Timing and aggregation helpers: a monotonic clock, the median, and per-1,000-event rates. */
import { performance } from 'node:perf_hooks';

/** Milliseconds from a monotonic clock (not wall time). */
export function now(): number {
  return performance.now();
}

/** The median of `values` (the mean of the two middle values for an even count). Throws on an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `count` scaled to a rate per 1,000 events. Returns 0 when no event was processed. */
export function perThousand(count: number, events: number): number {
  return events === 0 ? 0 : (count * 1000) / events;
}

/** Run `task` over `items` with at most `limit` in flight; resolves when all are done, rejects on the first failure. */
export async function inParallel<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
