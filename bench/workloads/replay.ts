/**
 * Workload 4: replay with `getAllEvents(pageSize)` of a timeline spread over several months, with 1 and with N
 * write shards per bucket. The data set is seeded once per shard count (untimed); each timed run replays it with a
 * NEW repo instance (empty caches), as a restarting process would.
 *
 * The old adapter replays the SAME timeline (same events, same tag as our 1-shard data set), seeded through its own
 * `storeEvents`, with `getAllEvents(100)`; its figure is filed under our variant name `getAllEvents(100), 1 shard`
 * (it has no shards). Its replay is measured as it is: events it does not yield and events yielded out of creation
 * order are counted (`eventsMissed`, `outOfOrder`) instead of failing the run.
 */
import type { Backend, BenchRepo, StoreHandle } from '../backends.js';
import { summarize, timeRun, type Measurement, type RunResult } from '../harness/measure.js';
import { now } from '../harness/timing.js';
import { timelineBatches } from './seeding.js';
import { alternate, comparisonSides, describeRun, isOld, type Log, type Side, type Workload } from './workload.js';

/** The page size compared with the old adapter. */
export const COMPARED_PAGE_SIZE = 100;
export const replayVariant = (pageSize: number, shards: number): string =>
  `getAllEvents(${pageSize}), ${shards} shard${shards === 1 ? '' : 's'}`;

/** One timed replay of `store` with a new repo; counts events yielded and out of creation order. */
async function oneRun(
  side: Side,
  store: StoreHandle<BenchRepo>,
  pageSize: number,
  variant: string,
  run: number,
  log: Log,
): Promise<{ result: RunResult; seen: number; disorder: number }> {
  const { config } = side;
  const strict = !isOld(side);
  const repo = await store.reopen();
  let seen = 0;
  let disorder = 0;
  const result = await timeRun(repo, config.replayEvents, async (probe) => {
    let previous = '';
    for await (const page of await repo.getAllEvents(pageSize)) {
      seen += page.length;
      // Event ids are `<tag><10-digit counter>` in creation order (`events.ts`): replay order must keep them ascending.
      for (const event of page) {
        if (event.id < previous) disorder += 1;
        previous = event.id;
      }
      probe.tick();
    }
    if (strict && seen !== config.replayEvents) throw new Error(`replay yielded ${seen} events, expected ${config.replayEvents}`);
  });
  log(
    `  ${variant} run ${run + 1} (${side.backend.name}): ${describeRun(result)}${strict ? '' : `, yielded ${seen}, ${disorder} out of order`}`,
  );
  return { result, seen, disorder };
}

async function measureSides(sides: readonly Side[], log: Log): Promise<Measurement[]> {
  const shardsOf = (side: Side): readonly number[] => (isOld(side) ? [1] : side.config.replayShards);
  const pagesOf = (side: Side): readonly number[] => (isOld(side) ? [COMPARED_PAGE_SIZE] : side.config.replayPageSizes);
  const measurements: Measurement[] = [];
  for (const shards of [...new Set(sides.flatMap(shardsOf))]) {
    const seeded: { side: Side; store: StoreHandle<BenchRepo> }[] = [];
    try {
      // Both sides seed at the same time (untimed, and nothing is timed meanwhile): the old adapter's seeding through
      // its own transactions is the longest set-up of the bench, and ours overlaps with it.
      await Promise.all(
        sides
          .filter((each) => shardsOf(each).includes(shards))
          .map(async (side) => {
            const { config } = side;
            const store = await side.backend.createStore({ label: 'replay', bucketShards: shards });
            seeded.push({ side, store });
            log(`  seeding ${config.replayEvents} events over ${config.replayMonths} months, ${shards} shard(s) (${side.backend.name})…`);
            const seeding = now();
            await store.load(timelineBatches(config.replayEvents, config.replayMonths, config.streams, `replay-${shards}-`));
            log(`  seeded in ${((now() - seeding) / 1000).toFixed(1)} s (${side.backend.name})`);
          }),
      );
      seeded.sort((a, b) => sides.indexOf(a.side) - sides.indexOf(b.side));
      for (const pageSize of [...new Set(seeded.flatMap(({ side }) => pagesOf(side)))]) {
        const variant = replayVariant(pageSize, shards);
        const taking = seeded
          .filter(({ side }) => pagesOf(side).includes(pageSize))
          .map(({ side, store }) => ({ ...side, store, eventsMissed: 0, outOfOrder: 0 }));
        const results = await alternate(taking, async (side, run) => {
          const { result, seen, disorder } = await oneRun(side, side.store, pageSize, variant, run, log);
          side.eventsMissed = Math.max(side.eventsMissed, side.config.replayEvents - seen);
          side.outOfOrder = Math.max(side.outOfOrder, disorder);
          return result;
        });
        taking.forEach((side, index) =>
          measurements.push(
            summarize(
              replayWorkload.id,
              variant,
              side.backend.name,
              results[index]!,
              isOld(side) ? { eventsMissed: side.eventsMissed, outOfOrder: side.outOfOrder } : undefined,
            ),
          ),
        );
      }
    } finally {
      for (const { store } of seeded) await store.dispose();
    }
  }
  return measurements;
}

export const replayWorkload: Workload = {
  id: 'replay',
  title: 'Replay with getAllEvents over several months',
  measure: (backend, config, log) => measureSides([{ backend: backend as Backend<BenchRepo>, runs: config.runs, config }], log),
  compare: (ours, old, config, log) => measureSides(comparisonSides(ours, old, config, config, config.legacyReplayRuns), log),
};
