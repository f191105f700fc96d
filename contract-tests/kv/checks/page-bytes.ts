/**
 * The query page byte cut: a page stops once it has read `maxQueryPageBytes` of items (DynamoDB: 1 MB), whatever
 * the limit, and paging on still returns every item in order.
 */
import type { Item } from '../../../src/ports/kv-driver.js';
import { ensure, ensureEqual, uniqueToken } from '../../harness.js';
import { PK_SK_NUMBER, withTables, type KvCheck } from '../fixture.js';
import { batchWriteEvery, queryAll } from '../loops.js';
import { oracleItemSize, padItemTo } from '../size-oracle.js';

/** Items per page the cut aims at: large items, about a tenth of a page each. */
const ITEMS_PER_PAGE = 10;
/** Room left under `maxItemBytes` for the keys when the page size would call for maximal items. */
const KEY_ROOM_BYTES = 200;

/** A page never holds more than ceil(maxQueryPageBytes / itemBytes) + 1 items; paging returns everything. */
export const pageBytesCheck: KvCheck = {
  name: 'query: a page stops at maxQueryPageBytes (large items), paging still returns every item',
  group: 'query',
  run: (factory) =>
    withTables(factory, 'bytes', [PK_SK_NUMBER], async (driver, [schema]) => {
      const caps = driver.capabilities;
      const targetBytes = Math.min(Math.ceil(caps.maxQueryPageBytes / ITEMS_PER_PAGE), caps.maxItemBytes - KEY_ROOM_BYTES);
      const partition = `${uniqueToken()}/big`;
      const perPage = Math.ceil(caps.maxQueryPageBytes / targetBytes);
      const count = perPage * 2 + 3;
      const items: Item[] = Array.from({ length: count }, (_, sk) => padItemTo({ pk: partition, sk }, 'blob', targetBytes));
      const smallest = Math.min(...items.map(oracleItemSize));
      const bound = Math.ceil(caps.maxQueryPageBytes / smallest) + 1;
      await batchWriteEvery(
        driver,
        schema!,
        items.map((put) => ({ put })),
      );
      for (const request of [{ direction: 'asc' as const }, { direction: 'desc' as const }, { direction: 'asc' as const, limit: count }]) {
        const run = await queryAll(driver, schema!.name, { partition, consistent: true, ...request });
        for (const size of run.pageSizes) {
          ensure(
            size <= bound,
            () => `a page of ${size} items of ~${targetBytes} bytes exceeds the ${caps.maxQueryPageBytes}-byte cut (at most ${bound})`,
          );
        }
        const expected = request.direction === 'asc' ? items : [...items].reverse();
        ensureEqual(
          run.items.map((item) => item.sk),
          expected.map((item) => item.sk),
          `sort keys of every page of a ${request.direction} query`,
        );
        ensureEqual(run.items, expected, `items of every page of a ${request.direction} query`);
      }
    }),
};
