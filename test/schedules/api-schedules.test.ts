/**
 * The whole-API schedules on the in-memory twin (see test/schedules/): 3..6 `EventStore` instances sharing the
 * drivers, each with its own driver faults and clock skew, index lag, 3..6 actors interleaving `storeEvents`,
 * `appendBatch`, `saveSnapshot`/`getSnapshot`, `getLogPage`, `subscribe`, `sweepOrphanBlobs`, `resetStore`, export and
 * import (ops/), and an invalid multi-transaction batch; the invariants of invariants.ts after each schedule.
 *
 * `API_SCHEDULES` (default 200) sets the number of schedules; a failure prints its seed and path:
 * `API_SCHEDULES_SEED=<seed> API_SCHEDULES_PATH=<path> npx vitest run test/schedules/api-schedules.test.ts` replays
 * it (shrunk; `API_NO_SHRINK=1` reports the first failure as found). `API_OPS` / `API_HAZARDS` narrow the classes
 * (generators.ts). The summary line (`[api-schedules]`) gives the figures of the run.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnosisFilter, enabledHazards, enabledOps, HAZARDS, twinScheduleArb } from './generators.js';
import { OP_KINDS } from './model.js';
import { runTwinSchedule } from './twin.js';

const SCHEDULES = Number(process.env.API_SCHEDULES ?? 200);
const SEED = process.env.API_SCHEDULES_SEED === undefined ? undefined : Number(process.env.API_SCHEDULES_SEED);
const PATH = process.env.API_SCHEDULES_PATH;

const totals = {
  swept: 0,
  schedules: 0,
  events: 0,
  mustSurvive: 0,
  calls: 0,
  faults: 0,
  resets: 0,
  overlappedReset: 0,
  overruns: 0,
  maxOverrunMs: 0,
  ops: {} as Record<string, number>,
  outcomes: {} as Record<string, number>,
  violations: 0,
};

describe('whole-API schedules on the twin', () => {
  afterAll(() => {
    console.info(`[api-schedules] twin: ${JSON.stringify({ ...totals, opsOn: [...enabledOps], hazardsOn: [...enabledHazards] })}`);
  });

  it(`${SCHEDULES} schedules over 3-6 instances: nothing lost, unreadable, hidden or duplicated; every call within its deadline; consumers progress`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(twinScheduleArb, async (schedule) => {
        run++;
        const result = await runTwinSchedule(schedule, `r${run}.`);
        totals.schedules++;
        totals.events += result.counts.storedEvents;
        totals.mustSurvive += result.counts.mustSurvive;
        totals.calls += result.counts.calls;
        totals.faults += result.faults;
        totals.overruns += result.counts.overruns;
        totals.overlappedReset += result.counts.overlappedReset;
        totals.maxOverrunMs = Math.max(totals.maxOverrunMs, result.counts.maxOverrunMs);
        for (const entry of result.history) {
          totals.ops[entry.record.kind] = (totals.ops[entry.record.kind] ?? 0) + 1;
          totals.outcomes[entry.record.outcome] = (totals.outcomes[entry.record.outcome] ?? 0) + 1;
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
      {
        numRuns: SCHEDULES,
        endOnFailure: process.env.API_NO_SHRINK === '1',
        ...(SEED === undefined ? {} : { seed: SEED }),
        ...(PATH === undefined ? {} : { path: PATH }),
      },
    );
    expect(totals.overruns).toBe(0);
    if (SCHEDULES >= 100) {
      // The classes switched on were exercised.
      for (const kind of enabledOps) expect(totals.ops[kind] ?? 0, kind).toBeGreaterThan(0);
      expect(totals.faults).toBeGreaterThan(0);
      expect(totals.mustSurvive).toBeGreaterThan(0);
      // Sweeps that can delete did delete: with every class on, writes leave orphans (failed, raced, replaced), also
      // when the codecs compress what they offload (a sweep that never finds an orphan checks nothing).
      if (OP_KINDS.every((kind) => enabledOps.has(kind)) && HAZARDS.every((name) => enabledHazards.has(name)))
        expect(totals.swept, 'blobs deleted by sweeps').toBeGreaterThan(0);
    }
  }, 600_000);
});
