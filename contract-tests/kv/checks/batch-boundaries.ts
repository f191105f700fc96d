/**
 * Batch limits at their boundary: one batch-write of exactly `maxBatchWriteItems` requests and one batch-get of
 * exactly `maxBatchGetKeys` keys are accepted (not `LIMIT_EXCEEDED`). The batch-get mixes stored and never-stored
 * keys: what it finds (after re-sending the keys it reports unprocessed) is exactly the stored items.
 */
import type { Item, ItemKey, KvDriver, TableSchema, WriteRequest } from '../../../src/ports/kv-driver.js';
import { canonical, ensure, uniqueToken } from '../../harness.js';
import { PK_SK_STRING, withTables, type KvCheck } from '../fixture.js';
import { batchGetEvery, batchWriteEvery, sameItemSet } from '../loops.js';
import { keyString } from '../model.js';

/** Keys `count` of one partition of a fresh scope, sort keys zero-padded so they sort as numbered. */
function keysOf(scope: string, label: string, count: number): ItemKey[] {
  return Array.from({ length: count }, (_, index) => ({ pk: `${scope}/${label}`, sk: String(index).padStart(6, '0') }));
}

/** One batch-write of exactly `requests` (which must be `maxBatchWriteItems` long), then its unprocessed rest. */
async function writeExactly(driver: KvDriver, schema: TableSchema, requests: readonly WriteRequest[]): Promise<void> {
  const result = await driver.batchWrite(schema.name, requests);
  const sent = new Set(requests.map(canonical));
  for (const request of result.unprocessed) {
    ensure(sent.has(canonical(request)), 'a batch-write of exactly maxBatchWriteItems reported an unprocessed request it was not sent');
  }
  await batchWriteEvery(driver, schema, result.unprocessed);
}

/** One batch-get of exactly `keys` (which must be `maxBatchGetKeys` long), then its unprocessed rest: every item found. */
async function getExactly(driver: KvDriver, schema: TableSchema, keys: readonly ItemKey[]): Promise<Item[]> {
  const result = await driver.batchGet(schema.name, keys, { consistent: true });
  const asked = new Set(keys.map((key) => keyString(schema, key)));
  const found = new Set<string>();
  for (const item of [...result.items, ...result.unprocessedKeys]) {
    const id = keyString(schema, item);
    ensure(asked.has(id), () => `a batch-get of exactly maxBatchGetKeys keys returned ${id}, which it was not asked for`);
    ensure(!found.has(id), () => `a batch-get of exactly maxBatchGetKeys keys returned ${id} twice (found or unprocessed)`);
    found.add(id);
  }
  const rest = await batchGetEvery(driver, schema, result.unprocessedKeys, { consistent: true });
  return [...result.items, ...rest];
}

/** Exactly maxBatchWriteItems and exactly maxBatchGetKeys are accepted and do exactly what they say. */
export const batchBoundariesCheck: KvCheck = {
  name: 'limits: a batch-write of exactly maxBatchWriteItems is applied; a batch-get of exactly maxBatchGetKeys (some stored) finds exactly the stored items',
  group: 'limits',
  run: (factory) =>
    withTables(factory, 'batchmax', [PK_SK_STRING], async (driver, [schema]) => {
      const caps = driver.capabilities;
      const scope = uniqueToken();

      const written = keysOf(scope, 'write', caps.maxBatchWriteItems).map((key, index): Item => ({ ...key, v: index }));
      await writeExactly(
        driver,
        schema!,
        written.map((put) => ({ put })),
      );
      const afterWrite = await batchGetEvery(
        driver,
        schema!,
        written.map((item) => ({ pk: item.pk!, sk: item.sk! }) as ItemKey),
        { consistent: true },
      );
      ensure(
        sameItemSet(afterWrite, written),
        () =>
          `after a batch-write of exactly ${caps.maxBatchWriteItems} puts, ${afterWrite.length} of ${written.length} items read back as written`,
      );

      const keys = keysOf(scope, 'get', caps.maxBatchGetKeys);
      const stored = keys.filter((_, index) => index % 3 !== 1).map((key, index): Item => ({ ...key, v: index }));
      await batchWriteEvery(
        driver,
        schema!,
        stored.map((put) => ({ put })),
      );
      const found = await getExactly(driver, schema!, keys);
      ensure(
        sameItemSet(found, stored),
        () =>
          `a batch-get of exactly ${keys.length} keys (${stored.length} stored) found ${found.length} items: ${canonical(found.map((item) => item.sk))}`,
      );
    }),
};
