/**
 * Transaction token idempotency (only for drivers whose manifest sets `idempotentTransactions`): a call replayed
 * with the same token reports success and does not apply again, even when the state has moved on.
 */
import fc from 'fast-check';
import type { Item } from '../../../src/ports/kv-driver.js';
import { ensure, ensureEqual, propertyParameters, uniqueToken } from '../../harness.js';
import { PK_SK_NUMBER, withTables, type KvCheck } from '../fixture.js';

/** A replayed token neither fails nor applies twice. */
export const idempotencyCheck: KvCheck = {
  name: 'idempotency: a transaction replayed with its token reports committed and does not apply twice',
  group: 'idempotent transactions',
  requires: (caps) => caps.idempotentTransactions,
  run: (factory, options) =>
    withTables(factory, 'token', [PK_SK_NUMBER], async (driver, [schema]) => {
      const table = schema!.name;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 101, max: 200 }), async (first, later) => {
          const key = { pk: uniqueToken(), sk: 1 };
          const token = `ct-${uniqueToken()}`;
          const original: Item = { ...key, v: first };
          const actions = [{ type: 'put' as const, item: original, condition: { kind: 'notExists' as const } }];
          const applied = await driver.transactWrite(table, actions, { token });
          ensure(applied.committed, 'the first call with a token was not committed');
          const retried = await driver.transactWrite(table, actions, { token });
          ensure(retried.committed, 'an immediate replay of a committed token was not reported committed');
          ensureEqual((await driver.get(table, key, { consistent: true })).item, original, 'item after an immediate replay');
          const moved: Item = { ...key, v: later };
          ensure((await driver.transactWrite(table, [{ type: 'put', item: moved }])).committed, 'an unconditional put was not committed');
          const replayed = await driver.transactWrite(table, actions, { token });
          ensure(replayed.committed, 'a late replay of a committed token was not reported committed');
          ensureEqual(
            (await driver.get(table, key, { consistent: true })).item,
            moved,
            'item after replaying an old token (applied twice?)',
          );
        }),
        propertyParameters(options),
      );
    }),
};
