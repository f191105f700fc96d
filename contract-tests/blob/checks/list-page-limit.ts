/**
 * The listing page limit at its boundary: with `maxListKeys + 1` keys under a prefix, a listing without a limit
 * (and one asking for more than `maxListKeys`) returns a first page of EXACTLY `maxListKeys` keys with a cursor, and
 * a second page of the last key without one.
 */
import { compareUtf8, ensure, ensureEqual } from '../../harness.js';
import { withContainer, type BlobCheck } from '../fixture.js';

/** Parallel puts while filling the prefix (a real bucket takes a few ms a put). */
const FILL_CONCURRENCY = 16;
/** Largest `maxListKeys` filled in full (S3's 1,000 takes a second or two on a local server). */
const MAX_KEYS_FILLED = 1_000;

/** A first listing page holds exactly `maxListKeys` keys when more exist, whatever larger limit is asked. */
export const listPageLimitCheck: BlobCheck = {
  name: 'list: with maxListKeys + 1 keys, the first page holds exactly maxListKeys (also when a larger limit is asked), the next the last key',
  group: 'list',
  requires: (caps) => caps.maxListKeys <= MAX_KEYS_FILLED,
  run: (factory) =>
    withContainer(factory, async (driver, newScope) => {
      const { prefix } = newScope();
      const max = driver.capabilities.maxListKeys;
      const keys = Array.from({ length: max + 1 }, (_, index) => `${prefix}${String(index).padStart(5, '0')}`).sort(compareUtf8);
      for (let start = 0; start < keys.length; start += FILL_CONCURRENCY) {
        await Promise.all(keys.slice(start, start + FILL_CONCURRENCY).map((key) => driver.put(key, new Uint8Array([1]))));
      }
      for (const limit of [undefined, max + 5]) {
        const first = await driver.list(prefix, limit === undefined ? {} : { limit });
        ensureEqual(first.keys, keys.slice(0, max), `first page of ${max + 1} keys (limit ${String(limit)})`);
        ensure(first.cursor !== undefined, `the first page of ${max + 1} keys (limit ${String(limit)}) has no cursor`);
        const second = await driver.list(prefix, { cursor: first.cursor!, ...(limit === undefined ? {} : { limit }) });
        ensureEqual(second.keys, keys.slice(max), `second page of ${max + 1} keys (limit ${String(limit)})`);
        ensure(second.cursor === undefined, `the last page of ${max + 1} keys (limit ${String(limit)}) has a cursor`);
      }
    }),
};
