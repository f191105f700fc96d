/**
 * Ids for V6 events that arrive without one (`append`, `appendToStream`, `appendBatch`): ULIDs (26 characters of
 * Crockford base32, 10 of time) from the `ulid` package's monotonic factory, increasing within the process even
 * when the clock steps back. Why: `getAllEvents` orders by `created` then `id`, and events of one call often share
 * a millisecond; random ids would order such events at random, so `export` then `import` would renumber their
 * streams. Increasing ids keep them in insertion order (the PostgreSQL adapter uses monotonic ULIDs too).
 */
import { monotonicFactory } from 'ulid';

/** A generator of increasing ids over `clock` (ms): a later call never returns a smaller id. */
export function monotonicIds(clock: () => number): () => string {
  const next = monotonicFactory();
  return () => next(Math.max(0, Math.floor(clock())));
}
