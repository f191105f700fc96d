/**
 * Query ordering and pagination: random items in a few partitions with string (unicode) and numeric sort keys,
 * paged with random limits and directions through cursors, with random range conditions. The concatenated pages
 * must equal the model's sorted, filtered partition: nothing lost, nothing repeated, no page over its limit.
 */
import fc from 'fast-check';
import type { KeyValue, RangeCondition } from '../../../src/ports/kv-driver.js';
import { ensureEqual, propertyParameters, uniqueToken, withExamples } from '../../harness.js';
import { numberKeyArb, rangeArb, stringKeyArb } from '../arbitraries.js';
import { indexSettleMs, withTables, type KvCheck, type TableShape } from '../fixture.js';
import { ensureIndexResult, indexPartition } from '../index-model.js';
import { batchWriteEvery, eventually, queryAll } from '../loops.js';
import { TableModel } from '../model.js';

/** Partitions items are spread over. */
const PARTITIONS = 3;

/** String sort keys, plus an index on a numeric attribute with many ties. */
const STRING_TABLE: TableShape = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: [{ name: 'byRank', partitionKey: { name: 'gp', type: 'S' }, sortKey: { name: 'rank', type: 'N' }, projection: 'ALL' }],
};
/** Numeric sort keys. */
const NUMBER_TABLE: TableShape = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
  indexes: [],
};

const partitionArb = fc.integer({ min: 0, max: PARTITIONS - 1 });
const rankArb = fc.integer({ min: 0, max: 3 });

interface QuerySpec {
  readonly target: 'string' | 'number' | 'index';
  readonly partition: number;
  readonly direction: 'asc' | 'desc';
  readonly limit: number | undefined;
  readonly range: RangeCondition | undefined;
}

const directionArb = fc.constantFrom('asc' as const, 'desc' as const);
const limitArb = fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined, freq: 5 });
function specArb(target: QuerySpec['target'], range: fc.Arbitrary<RangeCondition>): fc.Arbitrary<QuerySpec> {
  return fc.record({
    target: fc.constant(target),
    partition: partitionArb,
    direction: directionArb,
    limit: limitArb,
    range: fc.option(range, { nil: undefined }),
  });
}

const scenarioArb = fc.record({
  stringItems: fc.uniqueArray(fc.record({ p: partitionArb, sk: stringKeyArb, rank: rankArb }), {
    maxLength: 30,
    size: 'medium',
    selector: (item) => `${item.p}|${item.sk}`,
  }),
  numberItems: fc.uniqueArray(fc.record({ p: partitionArb, sk: numberKeyArb }), {
    maxLength: 30,
    size: 'medium',
    selector: (item) => `${item.p}|${item.sk}`,
  }),
  queries: fc.array(
    fc.oneof(
      specArb('string', rangeArb(stringKeyArb, true)),
      specArb('number', rangeArb(numberKeyArb, false)),
      specArb('index', rangeArb(fc.integer({ min: -1, max: 4 }), false)),
    ),
    { minLength: 1, maxLength: 6 },
  ),
});

/** One generated scenario: items of both tables and the queries run on them. */
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

/**
 * A scenario every run tries first, whatever the seed: one partition of string keys whose UTF-8 byte order differs
 * from their UTF-16 code-unit order ('\uFFFF' before '\u{1F600}' in bytes, after it in code units), read in one
 * unlimited page each way and paged two at a time.
 */
const TARGETED_SCENARIO: Scenario = {
  stringItems: ['a', 'B', '~', 'é', '\uFFFF', '\u{1F600}', '\uFFFFa', '\u{1F600}a'].map((sk, rank) => ({ p: 0, sk, rank: rank % 4 })),
  numberItems: [-2.25, -1, 0, 0.75, 3, 40].map((sk) => ({ p: 0, sk })),
  queries: [
    { target: 'string', partition: 0, direction: 'asc', limit: undefined, range: undefined },
    { target: 'string', partition: 0, direction: 'desc', limit: undefined, range: undefined },
    { target: 'string', partition: 0, direction: 'asc', limit: 2, range: undefined },
    { target: 'number', partition: 0, direction: 'desc', limit: 2, range: undefined },
    { target: 'index', partition: 0, direction: 'asc', limit: 3, range: undefined },
  ],
};

/** Query ordering (UTF-8 and numeric), range conditions and cursor paging in both directions. */
export const queryPagingCheck: KvCheck = {
  name: 'query: UTF-8/numeric order, range conditions, cursor paging in both directions lose and repeat nothing',
  group: 'query',
  run: (factory, options) =>
    withTables(factory, 'paging', [STRING_TABLE, NUMBER_TABLE], async (driver, [stringSchema, numberSchema], fixture) => {
      const strings = stringSchema!;
      const numbers = numberSchema!;
      const index = strings.indexes[0]!;
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ stringItems, numberItems, queries }) => {
          const scope = uniqueToken();
          const partitionKey = (p: number): string => `${scope}/${p}`;
          const stringModel = new TableModel(strings);
          const numberModel = new TableModel(numbers);
          for (const { p, sk, rank } of stringItems) stringModel.put({ pk: partitionKey(p), sk, gp: partitionKey(p), rank });
          for (const { p, sk } of numberItems) numberModel.put({ pk: partitionKey(p), sk, n: sk });
          await batchWriteEvery(
            driver,
            strings,
            [...stringModel.items.values()].map((put) => ({ put })),
          );
          await batchWriteEvery(
            driver,
            numbers,
            [...numberModel.items.values()].map((put) => ({ put })),
          );
          for (const spec of queries) {
            const request = {
              partition: partitionKey(spec.partition) as KeyValue,
              direction: spec.direction,
              ...(spec.limit === undefined ? {} : { limit: spec.limit }),
              ...(spec.range === undefined ? {} : { range: spec.range }),
            };
            if (spec.target === 'index') {
              const expected = indexPartition(strings, index, stringModel.items.values(), request.partition, spec.range);
              await eventually(async () => {
                const { items } = await queryAll(driver, strings.name, { ...request, index: index.name });
                ensureIndexResult(strings, index, items, expected, spec.direction);
              }, indexSettleMs(fixture));
            } else {
              const [schema, model] = spec.target === 'string' ? [strings, stringModel] : [numbers, numberModel];
              const { items } = await queryAll(driver, schema.name, { ...request, consistent: true });
              const expected = model.partition(request.partition, spec.direction, spec.range);
              const what = `paged ${spec.target} query (${spec.direction}, limit ${spec.limit ?? 'none'})`;
              ensureEqual(
                items.map((item) => item.sk),
                expected.map((item) => item.sk),
                `sort keys of the ${what}`,
              );
              ensureEqual(items, expected, `items of the ${what}`);
            }
          }
        }),
        withExamples(propertyParameters(options), [[TARGETED_SCENARIO]]),
      );
    }),
};
