/**
 * The query page cut at its exact boundary. The port says a page "stops after `maxQueryPageBytes` bytes of items
 * read" and the in-memory twin documents the rule precisely: the page ENDS WITH the first item at which the bytes
 * read reach `maxQueryPageBytes` (that item included, none after it). Items are sized with the suite's own size
 * oracle so their cumulative bytes hit the limit exactly, or stop one byte short of it, at a known item.
 */
import type { Item, KvDriver, TableSchema } from '../../../src/ports/kv-driver.js';
import { ContractViolation, ensure, ensureEqual, uniqueToken } from '../../harness.js';
import { PK_SK_NUMBER, withTables, type KvCheck } from '../fixture.js';
import { batchWriteEvery, queryAll } from '../loops.js';
import { oracleItemSize, padItemTo } from '../size-oracle.js';

/** Fewest items that fill a page (more when `maxItemBytes` is small against `maxQueryPageBytes`). */
const MIN_ITEMS_PER_PAGE = 4;
/** Items stored beyond the ones that fill the first page, so a page cut one item late has an item to take. */
const TAIL_ITEMS = 3;
/** Largest sort key the cases use: sizes are computed for it, so every item's shell is at most this big. */
const LARGEST_SORT_KEY = 9_999;

/** Sizes of `count` items summing to exactly `total` bytes, as equal as possible. */
function splitBytes(total: number, count: number): number[] {
  const base = Math.floor(total / count);
  return Array.from({ length: count }, (_, index) => base + (index < total - base * count ? 1 : 0));
}

/** How many items of at most `maxItemBytes` and at least `minBytes` fill `total` bytes (at least MIN_ITEMS_PER_PAGE). */
function fillCount(total: number, maxItemBytes: number, minBytes: number): number {
  const fewest = Math.ceil(total / maxItemBytes);
  const most = Math.floor(total / minBytes);
  if (fewest > most) throw new ContractViolation(`cannot fill ${total} bytes with items of ${minBytes}..${maxItemBytes} bytes`);
  return Math.min(most, Math.max(MIN_ITEMS_PER_PAGE, fewest));
}

/** One boundary case: items (in ascending sort-key order) and what the first page of the query must hold. */
interface BoundaryCase {
  readonly what: string;
  readonly items: Item[];
  readonly direction: 'asc' | 'desc';
  /** Sort keys of the first page, in query order. */
  readonly firstPage: number[];
}

/** Items of `partition` with sort keys 0.. and exactly the given sizes (by the oracle). */
function sizedItems(partition: string, sizes: readonly number[]): Item[] {
  return sizes.map((bytes, sk) => padItemTo({ pk: partition, sk }, 'blob', bytes));
}

function boundaryCases(scope: string, maxPageBytes: number, maxItemBytes: number): BoundaryCase[] {
  const partitions = { exact: `${scope}/exact`, short: `${scope}/short`, desc: `${scope}/desc` };
  const minBytes = Math.max(...Object.values(partitions).map((pk) => oracleItemSize({ pk, sk: LARGEST_SORT_KEY, blob: '' })));
  const exactCount = fillCount(maxPageBytes, maxItemBytes, minBytes);
  const exact = splitBytes(maxPageBytes, exactCount);
  const shortCount = fillCount(maxPageBytes - 1, maxItemBytes, minBytes);
  const short = splitBytes(maxPageBytes - 1, shortCount);
  const tail = Array.from({ length: TAIL_ITEMS }, () => exact[0]!);
  const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
  const descending = [...tail, ...exact];
  return [
    {
      what: `ascending query whose first ${exactCount} items fill maxQueryPageBytes (${maxPageBytes}) exactly`,
      items: sizedItems(partitions.exact, [...exact, ...tail]),
      direction: 'asc',
      firstPage: range(0, exactCount),
    },
    {
      what: `ascending query whose first ${shortCount} items fall one byte short of maxQueryPageBytes (${maxPageBytes})`,
      items: sizedItems(partitions.short, [...short, ...tail]),
      direction: 'asc',
      firstPage: range(0, shortCount + 1),
    },
    {
      what: `descending query whose first ${exactCount} items fill maxQueryPageBytes (${maxPageBytes}) exactly`,
      items: sizedItems(partitions.desc, descending),
      direction: 'desc',
      firstPage: range(TAIL_ITEMS, exactCount).reverse(),
    },
  ];
}

async function checkCase(driver: KvDriver, schema: TableSchema, boundary: BoundaryCase): Promise<void> {
  const partition = boundary.items[0]!.pk as string;
  const first = await driver.query(schema.name, { partition, direction: boundary.direction, consistent: true });
  ensureEqual(
    first.items.map((item) => item.sk),
    boundary.firstPage,
    `sort keys of the first page of an ${boundary.what} (a page ends with the item at which the bytes read reach the limit)`,
  );
  ensure(first.cursor !== undefined, () => `the first page of an ${boundary.what} has no cursor, though items follow`);
  const expected = boundary.direction === 'asc' ? boundary.items : [...boundary.items].reverse();
  const run = await queryAll(driver, schema.name, { partition, direction: boundary.direction, consistent: true });
  ensureEqual(run.items, expected, `items of every page of an ${boundary.what}`);
}

/** A page cut exactly at maxQueryPageBytes ends with the item that reaches it; one byte short takes one more. */
export const pageCutBoundaryCheck: KvCheck = {
  name: 'query: a page ends with the item at which the bytes read reach maxQueryPageBytes (exact and one-byte-short cases)',
  group: 'query',
  run: (factory) =>
    withTables(factory, 'pagecut', [PK_SK_NUMBER], async (driver, [schema]) => {
      const caps = driver.capabilities;
      const cases = boundaryCases(uniqueToken(), caps.maxQueryPageBytes, caps.maxItemBytes);
      for (const boundary of cases) {
        for (const item of boundary.items) {
          ensure(oracleItemSize(item) <= caps.maxItemBytes, () => `a boundary item of ${oracleItemSize(item)} bytes exceeds maxItemBytes`);
        }
        await batchWriteEvery(
          driver,
          schema!,
          boundary.items.map((put) => ({ put })),
        );
      }
      for (const boundary of cases) await checkCase(driver, schema!, boundary);
    }),
};
