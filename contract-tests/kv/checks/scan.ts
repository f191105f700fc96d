/**
 * Scans (only for drivers with the optional `scan`, which the operations tools use): the segments of a scan hold
 * every item of the table exactly once, whatever the segment count and page limit; pages respect the limit; the
 * cursor chains end; `attributes` projects each item to the named attributes.
 */
import fc from 'fast-check';
import type { Item, KvDriver, ScanRequest } from '../../../src/ports/kv-driver.js';
import { canonical, ensure, ensureEqual, propertyParameters, uniqueToken } from '../../harness.js';
import { PK_SK_NUMBER, withTables, type KvCheck } from '../fixture.js';
import { batchWriteEvery, MAX_QUERY_PAGES } from '../loops.js';

/** Every page of every segment of a scan of `table`, checked as it goes. */
async function scanAll(driver: KvDriver, table: string, request: Omit<ScanRequest, 'segment' | 'cursor'>): Promise<Item[]> {
  const items: Item[] = [];
  for (let segment = 0; segment < request.segments; segment++) {
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await driver.scan!(table, { ...request, segment, ...(cursor === undefined ? {} : { cursor }) });
      if (request.limit !== undefined)
        ensure(page.items.length <= request.limit, () => `scan page of ${page.items.length} items exceeds limit ${request.limit}`);
      ensure(++pages <= MAX_QUERY_PAGES, 'scan cursor chain never ends');
      items.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  return items;
}

/** The segments of a scan hold every item once; pages keep the limit; projections keep only the named attributes. */
export const scanCheck: KvCheck = {
  name: 'scan: its segments hold every item exactly once, pages keep the limit, attributes project',
  group: 'scan',
  requires: (caps) => caps.scans === true,
  run: (factory, options) =>
    withTables(factory, 'scan', [PK_SK_NUMBER], async (driver, [schema]) => {
      const table = schema!.name;
      const written: Item[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ sk: fc.integer({ min: 0, max: 1_000 }), v: fc.string({ maxLength: 20 }) }), { maxLength: 12 }),
          fc.integer({ min: 1, max: 4 }),
          fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
          async (fresh, segments, limit) => {
            const pk = uniqueToken();
            const items = [...new Map(fresh.map((entry) => [entry.sk, { pk, ...entry }])).values()];
            if (items.length > 0)
              await batchWriteEvery(
                driver,
                schema!,
                items.map((item) => ({ put: item })),
              );
            written.push(...items);
            const scanned = await scanAll(driver, table, { segments, consistent: true, ...(limit === undefined ? {} : { limit }) });
            ensureEqual(
              scanned.map(canonical).sort(),
              written.map(canonical).sort(),
              `scan in ${segments} segment(s) by ${limit ?? 'any'}`,
            );
            const projected = await scanAll(driver, table, { segments, consistent: true, attributes: ['pk', 'v'] });
            ensureEqual(
              projected.map(canonical).sort(),
              written.map((item) => canonical({ pk: item.pk!, v: item.v! })).sort(),
              'scan projected to pk and v',
            );
          },
        ),
        propertyParameters(options),
      );
    }),
};
