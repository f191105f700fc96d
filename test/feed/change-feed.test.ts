/**
 * The change feed's proof on the lagging twin (test/feed/workload.ts: the workload and its checks; test/feed/twin.ts:
 * the twin's lag and faults). Index items arrive after a seeded long-tailed delay (out of order), base-table reads
 * without `consistent` are stale, and every driver call may be throttled, fail transiently, be cancelled by a
 * conflict or lose its response after committing. Time is virtual: the consumers' polls advance it.
 * `FEED_SCHEDULES` (default 200) sets the number of schedules, e.g. `FEED_SCHEDULES=1000`; a failure replays with
 * `FEED_SEED=<seed> FEED_PATH=<path>` as fast-check prints them.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/event-store.js';
import { runOnLaggingTwin, twinFaultsArb } from './twin.js';
import { feedScheduleArb, type FeedRunCounts } from './workload.js';

const SCHEDULES = Number(process.env.FEED_SCHEDULES ?? 200);
const REPLAY_SEED = process.env.FEED_SEED === undefined ? undefined : Number(process.env.FEED_SEED);
const REPLAY_PATH = process.env.FEED_PATH;

const totals: FeedRunCounts & { schedules: number; faultsInjected: number } = {
  schedules: 0,
  faultsInjected: 0,
  events: 0,
  batches: 0,
  definiteFailures: 0,
  retriedCalls: 0,
  pollsA: 0,
  emptyPollsA: 0,
  handlerFailures: 0,
};

describe('change feed: exactly once on the lagging twin, under faults, skewed clocks and two instances', () => {
  afterAll(() => {
    console.info(`change-feed schedules: ${JSON.stringify(totals)}`);
  });

  it(`delivers every stored event exactly once to each of 2 consumers, each stream in order (${SCHEDULES} schedules)`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(feedScheduleArb, twinFaultsArb, async (schedule, faults) => {
        const counts = await runOnLaggingTwin(EventStore, schedule, faults, `r${run++}`);
        totals.schedules++;
        for (const key of Object.keys(counts) as (keyof typeof counts)[]) totals[key] += counts[key];
      }),
      {
        numRuns: SCHEDULES,
        ...(REPLAY_SEED === undefined ? {} : { seed: REPLAY_SEED }),
        ...(REPLAY_PATH === undefined ? {} : { path: REPLAY_PATH }),
        endOnFailure: true,
      },
    );
    expect(totals.schedules).toBe(SCHEDULES);
    expect(totals.events).toBeGreaterThan(SCHEDULES * 10);
    expect(totals.handlerFailures).toBeGreaterThan(0);
    expect(totals.faultsInjected).toBeGreaterThan(0);
  }, 1_200_000);
});
