/**
 * The whole-API schedules on DynamoDB Local + the S3 server (test/schedules/real.ts): 3 child processes and 1..2
 * in-process store instances on one table, request-level faults below the SDK's retry loop in every instance,
 * clock skew, the operations and invariants of the twin's schedules.
 *
 * `API_REAL_SCHEDULES` (default 10) sets the number of schedules; a failure prints its seed:
 * `API_REAL_SEED=<seed> npx vitest run test/schedules/api-schedules.real.test.ts` replays the same schedules (the
 * servers' timing is not replayable, so the interleaving may differ; `API_REAL_SHRINK=1` lets fast-check shrink,
 * slowly). `API_OPS` / `API_HAZARDS` narrow the classes. The summary line is `[api-schedules] real: …`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobDriver } from '../../drivers/s3/index.js';
import { createS3Client, realDynamoDb, realS3, uniqueBucketName } from '../servers/index.js';
import { diagnosisFilter, enabledHazards, enabledOps, realScheduleArb } from './generators.js';
import { CHILDREN, runRealSchedule, WorkerProcess } from './real.js';

const dynamo = realDynamoDb('whole-API schedules on DynamoDB Local + S3');
const s3 = realS3('whole-API schedules on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;
const SCHEDULES = Number(process.env.API_REAL_SCHEDULES ?? 10);
const SEED = Number(process.env.API_REAL_SEED ?? 20261207);

const totals = {
  swept: 0,
  schedules: 0,
  processes: 0,
  events: 0,
  mustSurvive: 0,
  calls: 0,
  requestFaults: 0,
  resets: 0,
  overruns: 0,
  maxOverrunMs: 0,
  ops: {} as Record<string, number>,
  violations: 0,
};

describe.skipIf(skip)('whole-API schedules on DynamoDB Local + S3', () => {
  let workers: WorkerProcess[] = [];
  let bucket = '';

  beforeAll(async () => {
    bucket = uniqueBucketName('api-schedules');
    const client = createS3Client(s3.endpoint);
    await new S3BlobDriver(client, { bucket }).ensureContainer();
    client.destroy();
    workers = Array.from({ length: CHILDREN }, (_, index) => new WorkerProcess(`c${index}`));
  });
  afterAll(() => {
    for (const worker of workers) worker.kill();
    console.info(
      `[api-schedules] real: ${JSON.stringify({ ...totals, seed: SEED, opsOn: [...enabledOps], hazardsOn: [...enabledHazards] })}`,
    );
  });

  it(`${SCHEDULES} schedules over ${CHILDREN} processes + in-process instances: nothing lost, unreadable, hidden or duplicated; deadlines kept; consumers progress`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(realScheduleArb, async (schedule) => {
        run++;
        const result = await runRealSchedule(schedule, `q${run}.`, { dynamo: dynamo.endpoint, s3: s3.endpoint, bucket }, workers);
        totals.schedules++;
        totals.processes += CHILDREN;
        totals.events += result.counts.storedEvents;
        totals.mustSurvive += result.counts.mustSurvive;
        totals.calls += result.counts.calls;
        totals.requestFaults += result.faults;
        totals.overruns += result.counts.overruns;
        totals.maxOverrunMs = Math.max(totals.maxOverrunMs, result.counts.maxOverrunMs);
        for (const entry of result.history) {
          totals.ops[entry.record.kind] = (totals.ops[entry.record.kind] ?? 0) + 1;
          if (entry.record.kind === 'reset') totals.resets++;
          totals.swept += entry.record.swept ?? 0;
        }
        const violations = diagnosisFilter(result.violations);
        if (violations.length > 0) {
          totals.violations++;
          // The history, one line per operation, to read the failure by.
          console.error(
            result.history
              .map(
                (entry) =>
                  `${entry.op.tag} ${entry.record.kind} on ${entry.instance} [${entry.start}..${entry.end}] ${entry.record.outcome} ${entry.record.calls.map((call) => `${call.method}${call.code ? `:${call.code}` : ''}`).join(' ')}`,
              )
              .join('\n'),
          );
        }
        expect(violations, 'violations of the schedule').toEqual([]);
      }),
      { numRuns: SCHEDULES, seed: SEED, endOnFailure: process.env.API_REAL_SHRINK !== '1' },
    );
    expect(totals.overruns).toBe(0);
    expect(totals.mustSurvive).toBeGreaterThan(0);
    if (enabledHazards.has('request')) expect(totals.requestFaults).toBeGreaterThan(0);
  }, 600_000);
});
