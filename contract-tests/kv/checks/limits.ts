/**
 * Limits of the capabilities manifest: item size (exactly `maxItemBytes` accepted, one byte more refused),
 * actions and bytes per transaction, two actions on one item, batch sizes. Every refusal throws
 * `DRIVER/LIMIT_EXCEEDED` and writes nothing.
 */
import fc from 'fast-check';
import { ErrorCodes } from '../../../src/errors/index.js';
import type { Item, ItemKey, KvDriver, TableSchema } from '../../../src/ports/kv-driver.js';
import { ensure, ensureEqual, ensureRejectsWithCode, propertyParameters, uniqueToken } from '../../harness.js';
import { stringKeyArb } from '../arbitraries.js';
import { PK_SK_STRING, withTables, type KvCheck } from '../fixture.js';
import { batchGetEvery } from '../loops.js';
import { oracleItemSize, padItemTo } from '../size-oracle.js';

/** Item-size runs are scaled down: each writes items of `maxItemBytes`. */
const ITEM_SIZE_RUN_SCALE = 0.3;
/** Largest action count the check builds a full transaction of (a driver declaring more is only probed above it). */
const MAX_ACTIONS_BUILT = 1000;

/** An item of exactly `bytes` bytes by the suite's size oracle: the keys and an attribute `name` padded with ASCII. */
export function itemOfSize(key: ItemKey, name: string, bytes: number): Item {
  return padItemTo(key, name, bytes);
}

async function ensureNothingStored(driver: KvDriver, schema: TableSchema, keys: readonly ItemKey[], what: string): Promise<void> {
  const found = await batchGetEvery(driver, schema, keys, { consistent: true });
  ensure(found.length === 0, () => `${what} was refused but wrote ${found.length} item(s)`);
}

/** Item size: exactly maxItemBytes is accepted, maxItemBytes + 1 is refused (transaction and batch-write) and not written. */
export const itemSizeLimitCheck: KvCheck = {
  name: 'limits: an item of maxItemBytes is stored, one of maxItemBytes + 1 is refused with LIMIT_EXCEEDED and not written',
  group: 'limits',
  run: (factory, options) =>
    withTables(factory, 'itemsize', [PK_SK_STRING], async (driver, [schema]) => {
      const max = driver.capabilities.maxItemBytes;
      await fc.assert(
        fc.asyncProperty(stringKeyArb, fc.constantFrom('p', 'payload', 'é✓'), async (sk, name) => {
          const key = { pk: `${uniqueToken()}/${sk}`, sk };
          const exact = itemOfSize(key, name, max);
          const oversize = itemOfSize(key, name, max + 1);
          ensure(oracleItemSize(exact) === max && oracleItemSize(oversize) === max + 1, 'test items have the intended sizes');
          await ensureRejectsWithCode(
            () => driver.transactWrite(schema!.name, [{ type: 'put', item: oversize }]),
            ErrorCodes.LIMIT_EXCEEDED,
            `transactional put of ${max + 1} bytes`,
          );
          await ensureRejectsWithCode(
            () => driver.batchWrite(schema!.name, [{ put: oversize }]),
            ErrorCodes.LIMIT_EXCEEDED,
            `batch put of ${max + 1} bytes`,
          );
          ensureEqual((await driver.get(schema!.name, key, { consistent: true })).item, undefined, 'item after refused oversize puts');
          const result = await driver.transactWrite(schema!.name, [{ type: 'put', item: exact }]);
          ensure(result.committed, `a put of exactly ${max} bytes was not committed`);
          ensureEqual((await driver.get(schema!.name, key, { consistent: true })).item, exact, `item of exactly ${max} bytes`);
        }),
        propertyParameters(options, ITEM_SIZE_RUN_SCALE),
      );
    }),
};

/** Transaction and batch limits: too many actions/bytes/keys, and two actions on one item, are refused whole. */
export const requestLimitsCheck: KvCheck = {
  name: 'limits: too many transaction actions or bytes, two actions on one item, oversized batches are refused and write nothing',
  group: 'limits',
  run: (factory) =>
    withTables(factory, 'reqlimits', [PK_SK_STRING], async (driver, [schema]) => {
      const caps = driver.capabilities;
      const table = schema!.name;
      const scope = uniqueToken();
      const keys = (count: number, label: string): ItemKey[] =>
        Array.from({ length: count }, (_, index) => ({ pk: `${scope}/${label}`, sk: String(index).padStart(6, '0') }));

      const tooMany = keys(Math.min(caps.maxTransactionActions, MAX_ACTIONS_BUILT) + 1, 'actions');
      if (caps.maxTransactionActions <= MAX_ACTIONS_BUILT) {
        await ensureRejectsWithCode(
          () =>
            driver.transactWrite(
              table,
              tooMany.map((key) => ({ type: 'put', item: { ...key, v: 1 } })),
            ),
          ErrorCodes.LIMIT_EXCEEDED,
          `transaction of ${tooMany.length} actions`,
        );
        await ensureNothingStored(driver, schema!, tooMany, `a transaction of ${tooMany.length} actions`);
        const exactly = tooMany.slice(0, caps.maxTransactionActions);
        const result = await driver.transactWrite(
          table,
          exactly.map((key) => ({ type: 'put', item: { ...key, v: 1 } })),
        );
        ensure(result.committed, `a transaction of exactly ${exactly.length} actions was not committed`);
      }

      const [first, second] = keys(2, 'twice');
      await ensureRejectsWithCode(
        () =>
          driver.transactWrite(table, [
            { type: 'put', item: { ...first!, v: 1 } },
            { type: 'put', item: { ...second!, v: 1 } },
            { type: 'update', key: first!, set: { v: 2 } },
          ]),
        ErrorCodes.LIMIT_EXCEEDED,
        'transaction with two actions on one item',
      );
      await ensureNothingStored(driver, schema!, [first!, second!], 'a transaction with two actions on one item');

      const bigCount = Math.floor(caps.maxTransactionBytes / caps.maxItemBytes) + 1;
      if (bigCount <= caps.maxTransactionActions && bigCount <= MAX_ACTIONS_BUILT) {
        const bigKeys = keys(bigCount, 'bytes');
        await ensureRejectsWithCode(
          () =>
            driver.transactWrite(
              table,
              bigKeys.map((key) => ({ type: 'put', item: itemOfSize(key, 'p', caps.maxItemBytes) })),
            ),
          ErrorCodes.LIMIT_EXCEEDED,
          `transaction of ${bigCount} items of ${caps.maxItemBytes} bytes (over ${caps.maxTransactionBytes})`,
        );
        await ensureNothingStored(driver, schema!, bigKeys, 'a transaction over maxTransactionBytes');
      }

      const getKeys = keys(caps.maxBatchGetKeys + 1, 'get');
      await ensureRejectsWithCode(() => driver.batchGet(table, getKeys), ErrorCodes.LIMIT_EXCEEDED, `batchGet of ${getKeys.length} keys`);

      const writeKeys = keys(caps.maxBatchWriteItems + 1, 'write');
      await ensureRejectsWithCode(
        () =>
          driver.batchWrite(
            table,
            writeKeys.map((key) => ({ put: { ...key, v: 1 } })),
          ),
        ErrorCodes.LIMIT_EXCEEDED,
        `batchWrite of ${writeKeys.length} requests`,
      );
      await ensureNothingStored(driver, schema!, writeKeys, `a batchWrite of ${writeKeys.length} requests`);
    }),
};
