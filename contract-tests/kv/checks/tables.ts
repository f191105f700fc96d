/**
 * Table lifecycle: every primitive on a missing table throws `DRIVER/RESOURCE_NOT_FOUND`; `ensureTable` is
 * idempotent, safe concurrently and keeps data, and resolves to `{ created: true }` only for the one call that
 * created the table (the first call on a fresh table, exactly one of concurrent calls, the first after a drop);
 * a different schema throws `DRIVER/SCHEMA_MISMATCH`; `dropTable` of a missing table is fine, and dropping then
 * ensuring gives an empty table.
 */
import { ErrorCodes } from '../../../src/errors/index.js';
import type { EnsureTableResult, TableSchema } from '../../../src/ports/kv-driver.js';
import { canonical, ensure, ensureEqual, ensureRejectsWithCode } from '../../harness.js';
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

/** How many `ensureTable` calls race on a fresh table. */
const CONCURRENT_ENSURES = 4;

/**
 * Throw a ContractViolation unless every result is an object whose `created` is a boolean (and, when `expected`
 * is given, equal to it).
 */
function ensureCreatedFlags(results: readonly EnsureTableResult[], what: string, expected?: boolean): void {
  for (const result of results) {
    const created = (result as Partial<EnsureTableResult> | undefined)?.created;
    ensure(typeof created === 'boolean', () => `${what} resolved to ${canonical(result)}, not { created: boolean }`);
    if (expected !== undefined) ensure(created === expected, () => `${what} reports created: ${created}, expected ${expected}`);
  }
}

/** Missing tables, ensure idempotency and concurrency, created flags, schema mismatch, drop and recreate. */
export const tableLifecycleCheck: KvCheck = {
  name: 'tables: missing table is RESOURCE_NOT_FOUND, ensureTable idempotent and concurrent (created: true exactly once), SCHEMA_MISMATCH, drop empties',
  group: 'tables',
  run: async (factory) => {
    const fixture = await factory();
    const { driver } = fixture;
    const schema = lifecycleSchema(uniqueTableName(fixture, 'life'));
    const single = lifecycleSchema(uniqueTableName(fixture, 'once'));
    const key = { pk: 'p', sk: 1 };
    try {
      ensureCreatedFlags([await driver.ensureTable(single)], 'the first ensureTable of a fresh table', true);
      ensureCreatedFlags([await driver.ensureTable(single)], 'a later ensureTable of the same table', false);
      await driver.dropTable(single.name);

      const missing = ErrorCodes.RESOURCE_NOT_FOUND;
      await ensureRejectsWithCode(() => driver.get(schema.name, key), missing, 'get on a missing table');
      await ensureRejectsWithCode(
        () => driver.query(schema.name, { partition: 'p', direction: 'asc' }),
        missing,
        'query on a missing table',
      );
      await ensureRejectsWithCode(() => driver.batchGet(schema.name, [key]), missing, 'batchGet on a missing table');
      await ensureRejectsWithCode(() => driver.batchWrite(schema.name, [{ put: { ...key } }]), missing, 'batchWrite on a missing table');
      await ensureRejectsWithCode(
        () => driver.transactWrite(schema.name, [{ type: 'put', item: { ...key } }]),
        missing,
        'transactWrite on a missing table',
      );
      await driver.dropTable(schema.name);

      const concurrent = await Promise.all(Array.from({ length: CONCURRENT_ENSURES }, () => driver.ensureTable(schema)));
      ensureCreatedFlags(concurrent, `${CONCURRENT_ENSURES} concurrent ensureTable calls on a fresh table`);
      ensure(
        concurrent.filter((result) => result.created === true).length === 1,
        () =>
          `of ${CONCURRENT_ENSURES} concurrent ensureTable calls on a fresh table, ${concurrent.filter((result) => result.created).length} report created: true (exactly one created it)`,
      );
      await driver.transactWrite(schema.name, [{ type: 'put', item: { ...key, g: 'x' } }]);
      ensureCreatedFlags([await driver.ensureTable(schema)], 'ensureTable on an existing table', false);
      ensureEqual(
        (await driver.get(schema.name, key, { consistent: true })).item,
        { ...key, g: 'x' },
        'item after ensureTable on an existing table',
      );

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
      ensureCreatedFlags([await driver.ensureTable(schema)], 'the first ensureTable after dropTable', true);
      ensureCreatedFlags([await driver.ensureTable(schema)], 'a second ensureTable after dropTable', false);
      ensureEqual((await driver.get(schema.name, key, { consistent: true })).item, undefined, 'item in a dropped and re-created table');
      ensureEqual(
        (await driver.query(schema.name, { partition: 'p', direction: 'asc', consistent: true })).items,
        [],
        'query of a dropped and re-created table',
      );
    } finally {
      try {
        await driver.dropTable(schema.name);
        await driver.dropTable(single.name);
      } finally {
        await fixture.teardown?.();
      }
    }
  },
};
