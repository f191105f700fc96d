/**
 * The change feed on DynamoDB Local + the S3 server: the API scenarios (test/feed/api-scenarios.ts), and the
 * proof's workload (test/feed/workload.ts) without injected lag or faults: 8-10 writers over two store instances
 * with clocks skewed by up to ±5 s and historic dates, real contention on the log counters and stream heads
 * (DynamoDB Local cancels concurrent transactions on one item), and two consumers polling while they write.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../drivers/memory/index.js';
import type { EventStore } from '../../src/event-store.js';
import { changeFeedApiScenarios } from './api-scenarios.js';
import { feedScheduleArb, runFeedSchedule } from './workload.js';
import { realSafetyBackend, type SafetyBackend } from '../safety/backends.js';
import { realDynamoDb, realS3 } from '../servers/index.js';

const dynamo = realDynamoDb('change feed on DynamoDB Local + S3');
const s3 = realS3('change feed on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;
/** Schedules on the server (each takes seconds of real time). */
const REAL_SCHEDULES = Number(process.env.FEED_REAL_SCHEDULES ?? 8);

describe.skipIf(skip)('change feed on real servers', () => {
  if (skip) return;
  describe('API', () => {
    changeFeedApiScenarios(() => realSafetyBackend(dynamo.endpoint, s3.endpoint));
  });

  describe('the proof workload, without injected lag', () => {
    let backend: SafetyBackend;
    beforeAll(() => {
      backend = realSafetyBackend(dynamo.endpoint, s3.endpoint);
    });
    afterAll(async () => {
      await backend.dispose();
    });

    const schedules = fc.sample(feedScheduleArb, { seed: 20261201, numRuns: REAL_SCHEDULES });
    schedules.forEach((schedule, index) => {
      it(`schedule ${index + 1}: ${schedule.writers.length} writers, both consumers hold exactly the stored events`, async () => {
        const table = backend.table(`feed-proof-${index}`);
        const options = { changeFeed: { shards: [1, 2, 4, 63][index % 4]! }, retry: { baseDelayMs: 5, maxDelayMs: 100 } };
        const stores = [-4000, 4000].map((skew) => backend.store(table, { ...options, clock: () => Date.now() + skew })) as [
          EventStore,
          EventStore,
        ];
        const audit = backend.store(table, options);
        const random = new Prng(schedule.seed);
        try {
          await Promise.all([...stores, audit].map((store) => store.init()));
          const counts = await runFeedSchedule(
            schedule,
            {
              stores,
              audit,
              now: Date.now,
              tick: () => new Promise((resolve) => setTimeout(resolve, 5)),
              maxDrainTicks: 4_000,
              settleTicks: 20,
              random: () => random.next(),
            },
            `real${index}`,
          );
          expect(counts.events).toBeGreaterThan(0);
        } finally {
          await Promise.all([...stores, audit].map((store) => store.close()));
        }
      }, 240_000);
    });
  });
});
