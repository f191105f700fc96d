/**
 * The change-feed proof catches a feed that advances its cursor past an event it has not delivered: the mutant
 * `feed-skips-gaps` delivers every position the index shows, across gaps (an event still on its way to the index is
 * then passed for good). Run on the same workload and lagging twin as test/feed/change-feed.test.ts, it must fail.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { feedScheduleArb } from './workload.js';
import { twinFaultsArb } from './twin.js';

describe('change-feed mutant', () => {
  it('feed-skips-gaps (cursor past an undelivered event) is caught by the proof', async () => {
    vi.resetModules();
    vi.doMock('../../src/feed/log-runs.ts', () => ({ contiguousRun: (_after: number, positions: readonly number[]) => positions.length }));
    const { EventStore } = await import('../../src/event-store.js');
    const { runOnLaggingTwin } = await import('./twin.js');
    let run = 0;
    const outcome = await fc.check(
      fc.asyncProperty(feedScheduleArb, twinFaultsArb, async (schedule, faults) => {
        await runOnLaggingTwin(EventStore, schedule, faults, `m${run++}`);
      }),
      { numRuns: 100, seed: 6, endOnFailure: true },
    );
    vi.doUnmock('../../src/feed/log-runs.ts');
    expect(outcome.failed).toBe(true);
    // The gap's event is never delivered: the drain runs out, or the consumer ends without it.
    expect(String(outcome.errorInstance)).toMatch(/not delivered within the bound|exactly the stored events/);
  }, 600_000);
});
