/**
 * Global secondary indexes: sparse (items lacking an index key attribute are absent from it), `ALL` versus
 * `KEYS_ONLY` projection, index entries following updates and deletes, and cursor paging of index queries.
 */
import fc from 'fast-check';
import type { Item, WriteRequest } from '../../../src/ports/kv-driver.js';
import { propertyParameters, uniqueToken } from '../../harness.js';
import { indexSettleMs, withTables, type KvCheck, type TableShape } from '../fixture.js';
import { ensureIndexResult, indexPartition } from '../index-model.js';
import { batchWriteEvery, eventually, queryAll } from '../loops.js';
import { TableModel } from '../model.js';

/** A table with two indexes over the same attributes, one projecting everything and one only keys. */
const GSI_TABLE: TableShape = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
  indexes: [
    { name: 'all', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gsk', type: 'N' }, projection: 'ALL' },
    { name: 'keys', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gsk', type: 'N' }, projection: 'KEYS_ONLY' },
  ],
};

/** Index partitions items are spread over. */
const INDEX_PARTITIONS = 2;

const versionArb = fc.record({
  gp: fc.option(fc.integer({ min: 0, max: INDEX_PARTITIONS - 1 }), { nil: undefined }),
  gsk: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  payload: fc.string({ maxLength: 4 }),
});

type Version = typeof versionArb extends fc.Arbitrary<infer V> ? V : never;

const scenarioArb = fc.record({
  /** First version of items 0..n-1. */
  initial: fc.array(versionArb, { minLength: 1, maxLength: 20 }),
  /** Later changes: re-put item `i` with new index attributes, or delete it. */
  changes: fc.array(fc.record({ target: fc.nat(), next: fc.option(versionArb, { nil: undefined }) }), { maxLength: 8 }),
  queries: fc.array(
    fc.record({
      index: fc.constantFrom('all', 'keys'),
      partition: fc.integer({ min: 0, max: INDEX_PARTITIONS - 1 }),
      direction: fc.constantFrom('asc' as const, 'desc' as const),
      limit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

/** Sparse indexes, ALL and KEYS_ONLY projections, index maintenance on update/delete, and index paging. */
export const gsiCheck: KvCheck = {
  name: 'indexes: sparse, ALL vs KEYS_ONLY projection, maintained on put/delete, paged through cursors',
  group: 'index',
  run: (factory, options) =>
    withTables(factory, 'gsi', [GSI_TABLE], async (driver, [schema], fixture) => {
      const table = schema!;
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ initial, changes, queries }) => {
          const scope = uniqueToken();
          const model = new TableModel(table);
          const itemOf = (sk: number, version: Version): Item => {
            const item: Item = { pk: `${scope}/t`, sk, payload: version.payload };
            if (version.gp !== undefined) item.gpk = `${scope}/g${version.gp}`;
            if (version.gsk !== undefined) item.gsk = version.gsk;
            return item;
          };
          const first: WriteRequest[] = initial.map((version, sk) => ({ put: itemOf(sk, version) }));
          await batchWriteEvery(driver, table, first);
          for (const request of first) if ('put' in request) model.put(request.put);
          for (const { target, next } of changes) {
            const sk = target % initial.length;
            const request: WriteRequest = next === undefined ? { delete: { pk: `${scope}/t`, sk } } : { put: itemOf(sk, next) };
            await batchWriteEvery(driver, table, [request]);
            if ('put' in request) model.put(request.put);
            else model.delete(request.delete);
          }
          for (const query of queries) {
            const index = table.indexes.find((candidate) => candidate.name === query.index)!;
            const partition = `${scope}/g${query.partition}`;
            const expected = indexPartition(table, index, model.items.values(), partition);
            await eventually(async () => {
              const { items } = await queryAll(driver, table.name, {
                index: index.name,
                partition,
                direction: query.direction,
                ...(query.limit === undefined ? {} : { limit: query.limit }),
              });
              ensureIndexResult(table, index, items, expected, query.direction);
            }, indexSettleMs(fixture));
          }
        }),
        propertyParameters(options),
      );
    }),
};
