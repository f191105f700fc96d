/**
 * Table lifecycle: every primitive on a missing table throws `DRIVER/RESOURCE_NOT_FOUND`; `ensureTable` is
 * idempotent, safe concurrently and keeps data; a different schema throws `DRIVER/SCHEMA_MISMATCH`; `dropTable`
 * of a missing table is fine, and dropping then ensuring gives an empty table.
 */
import { ErrorCodes } from '../../../src/errors.js';
import type { TableSchema } from '../../../src/ports/kv-driver.js';
import { ensureEqual, ensureRejectsWithCode } from '../../harness.js';
import { uniqueTableName, type KvCheck } from '../fixture.js';

/** The lifecycle check's table: string partition, numeric sort, one index. */
function lifecycleSchema(name: string): TableSchema {
  return {
    name,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'N' },
    indexes: [{ name: 'byG', partitionKey: { name: 'g', type: 'S' }, sortKey: { name: 'sk', type: 'N' }, projection: 'ALL' }],
  };
}

/** Missing tables, ensure idempotency and concurrency, schema mismatch, drop and recreate. */
export const tableLifecycleCheck: KvCheck = {
  name: 'tables: missing table is RESOURCE_NOT_FOUND, ensureTable idempotent and concurrent, SCHEMA_MISMATCH, drop empties',
  group: 'tables',
  run: async (factory) => {
    const fixture = await factory();
    const { driver } = fixture;
    const schema = lifecycleSchema(uniqueTableName(fixture, 'life'));
    const key = { pk: 'p', sk: 1 };
    try {
      const missing = ErrorCodes.RESOURCE_NOT_FOUND;
      await ensureRejectsWithCode(() => driver.get(schema.name, key), missing, 'get on a missing table');
      await ensureRejectsWithCode(() => driver.query(schema.name, { partition: 'p', direction: 'asc' }), missing, 'query on a missing table');
      await ensureRejectsWithCode(() => driver.batchGet(schema.name, [key]), missing, 'batchGet on a missing table');
      await ensureRejectsWithCode(() => driver.batchWrite(schema.name, [{ put: { ...key } }]), missing, 'batchWrite on a missing table');
      await ensureRejectsWithCode(() => driver.transactWrite(schema.name, [{ type: 'put', item: { ...key } }]), missing, 'transactWrite on a missing table');
      await driver.dropTable(schema.name);

      await Promise.all([driver.ensureTable(schema), driver.ensureTable(schema), driver.ensureTable(schema)]);
      await driver.transactWrite(schema.name, [{ type: 'put', item: { ...key, g: 'x' } }]);
      await driver.ensureTable(schema);
      ensureEqual((await driver.get(schema.name, key, { consistent: true })).item, { ...key, g: 'x' }, 'item after ensureTable on an existing table');

      const mismatches: [string, TableSchema][] = [
        [
          'a different sort key type',
          {
            ...schema,
            sortKey: { name: 'sk', type: 'S' },
            indexes: [{ ...schema.indexes[0]!, sortKey: { name: 'sk', type: 'S' } }],
          },
        ],
        ['no sort key', { ...schema, sortKey: undefined }],
        ['a different index sort key', { ...schema, indexes: [{ ...schema.indexes[0]!, sortKey: { name: 'other', type: 'N' } }] }],
        ['a different partition key name', { ...schema, partitionKey: { name: 'id', type: 'S' } }],
        ['a missing index', { ...schema, indexes: [] }],
        ['an extra index', { ...schema, indexes: [...schema.indexes, { ...schema.indexes[0]!, name: 'other' }] }],
        ['a different projection', { ...schema, indexes: [{ ...schema.indexes[0]!, projection: 'KEYS_ONLY' }] }],
      ];
      for (const [difference, other] of mismatches) {
        await ensureRejectsWithCode(() => driver.ensureTable(other), ErrorCodes.SCHEMA_MISMATCH, `ensureTable with ${difference}`);
      }

      await driver.dropTable(schema.name);
      await ensureRejectsWithCode(() => driver.get(schema.name, key), missing, 'get on a dropped table');
      await driver.ensureTable(schema);
      ensureEqual((await driver.get(schema.name, key, { consistent: true })).item, undefined, 'item in a dropped and re-created table');
      ensureEqual(
        (await driver.query(schema.name, { partition: 'p', direction: 'asc', consistent: true })).items,
        [],
        'query of a dropped and re-created table',
      );
    } finally {
      try {
        await driver.dropTable(schema.name);
      } finally {
        await fixture.teardown?.();
      }
    }
  },
};
