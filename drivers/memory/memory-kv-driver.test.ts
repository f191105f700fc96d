import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import { itemSize } from '../../src/layout/item-size.js';
import type { Item, TableSchema } from '../../src/ports/kv-driver.js';
import { DYNAMODB_CLIENT_REQUEST_TOKEN_TTL_MS, MemoryKvDriver } from './memory-kv-driver.js';
import { codeOf, errorOf, EVENTS_TABLE, SIMPLE_TABLE, text } from './test-helpers.js';

describe('MemoryKvDriver: options and capabilities', () => {
  it('defaults to DynamoDB limits and flags', () => {
    const driver = new MemoryKvDriver();
    expect(driver.capabilities).toMatchObject({
      maxItemBytes: 409_600,
      maxTransactionActions: 100,
      maxTransactionBytes: 4 * 1024 * 1024,
      maxBatchGetKeys: 100,
      maxBatchWriteItems: 25,
      maxQueryPageBytes: 1024 * 1024,
      consistentIndexReads: false,
      idempotentTransactions: true,
      reportsCapacity: true,
    });
  });

  it('applies capability overrides and the name', () => {
    const driver = new MemoryKvDriver({ capabilities: { maxItemBytes: 100 }, name: 'twin' });
    expect(driver.capabilities.maxItemBytes).toBe(100);
    expect(driver.capabilities.name).toBe('twin');
  });

  it('refuses invalid options with INPUT/INVALID_OPTIONS and the issues', async () => {
    expect(await codeOf(() => new MemoryKvDriver({ capabilities: { maxItemBytes: -1 } }))).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(await codeOf(() => new MemoryKvDriver({ faults: { seed: 1, throttleRate: 2 } }))).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(await codeOf(() => new MemoryKvDriver({ faults: { seed: 1, latencyMs: { min: 5, max: 1 } } }))).toBe(ErrorCodes.INVALID_OPTIONS);
  });
});

describe('MemoryKvDriver: tables', () => {
  let driver: MemoryKvDriver;
  beforeEach(() => {
    driver = new MemoryKvDriver();
  });

  it('ensureTable is idempotent, also when called concurrently', async () => {
    await Promise.all([driver.ensureTable(EVENTS_TABLE), driver.ensureTable(EVENTS_TABLE)]);
    await driver.transactWrite('events', [{ type: 'put', item: { pk: 'a', sk: 1 } }]);
    await driver.ensureTable(EVENTS_TABLE);
    expect((await driver.get('events', { pk: 'a', sk: 1 })).item).toEqual({ pk: 'a', sk: 1 });
  });

  it('an existing table with other keys or indexes throws SCHEMA_MISMATCH listing the differences', async () => {
    await driver.ensureTable(EVENTS_TABLE);
    const other: TableSchema = {
      ...EVENTS_TABLE,
      sortKey: { name: 'sk', type: 'S' },
      indexes: [
        { ...EVENTS_TABLE.indexes[0]!, projection: 'KEYS_ONLY' },
        { name: 'extra', partitionKey: { name: 'x', type: 'S' }, projection: 'ALL' },
      ],
    };
    const error = await errorOf(driver.ensureTable(other));
    expect(error.code).toBe(ErrorCodes.SCHEMA_MISMATCH);
    const differences = error.details.differences as string[];
    expect(differences.some((d) => d.startsWith('sortKey'))).toBe(true);
    expect(differences.some((d) => d.startsWith("index 'byGroup'"))).toBe(true);
    expect(differences.some((d) => d.startsWith("index 'extra': missing"))).toBe(true);
    expect(differences.some((d) => d.startsWith("index 'keysOnly': not expected"))).toBe(true);
  });

  it('refuses invalid schemas with VALIDATION', async () => {
    expect(await codeOf(driver.ensureTable({ ...SIMPLE_TABLE, name: 'x' }))).toBe(ErrorCodes.VALIDATION);
    expect(
      await codeOf(
        driver.ensureTable({ ...SIMPLE_TABLE, indexes: [{ name: 'bad', partitionKey: { name: 'pk', type: 'N' }, projection: 'ALL' }] }),
      ),
    ).toBe(ErrorCodes.VALIDATION);
  });

  it('calls on a missing table throw RESOURCE_NOT_FOUND; dropTable removes and tolerates absence', async () => {
    expect(await codeOf(driver.get('nope', { pk: 'a' }))).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
    expect(await codeOf(driver.query('nope', { partition: 'a', direction: 'asc' }))).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
    expect(await codeOf(driver.batchGet('nope', [{ pk: 'a' }]))).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
    expect(await codeOf(driver.batchWrite('nope', [{ put: { pk: 'a' } }]))).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
    expect(await codeOf(driver.transactWrite('nope', [{ type: 'delete', key: { pk: 'a' } }]))).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
    await driver.ensureTable(SIMPLE_TABLE);
    await driver.batchWrite('simple', [{ put: { pk: 'a' } }]);
    await driver.dropTable('simple');
    await driver.dropTable('simple');
    expect(await codeOf(driver.get('simple', { pk: 'a' }))).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
    await driver.ensureTable(SIMPLE_TABLE);
    expect((await driver.get('simple', { pk: 'a' })).item).toBeUndefined();
  });

  it('after close every call throws STORE/CLOSED', async () => {
    await driver.ensureTable(SIMPLE_TABLE);
    await driver.close();
    expect(await codeOf(driver.get('simple', { pk: 'a' }))).toBe(ErrorCodes.CLOSED);
  });
});

describe('MemoryKvDriver: keys, values and copies', () => {
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    driver = new MemoryKvDriver();
    await driver.ensureTable(EVENTS_TABLE);
  });

  it('refuses items whose keys are missing, mistyped or empty', async () => {
    for (const item of [{ sk: 1 }, { pk: 'a' }, { pk: 1, sk: 1 }, { pk: '', sk: 1 }, { pk: 'a', sk: 'one' }, { pk: 'a', sk: Number.NaN }]) {
      expect(await codeOf(driver.batchWrite('events', [{ put: item as never }]))).toBe(ErrorCodes.VALIDATION);
    }
  });

  it('refuses keys with extra attributes and index keys of the wrong type', async () => {
    expect(await codeOf(driver.get('events', { pk: 'a', sk: 1, other: 'x' }))).toBe(ErrorCodes.VALIDATION);
    expect(await codeOf(driver.batchWrite('events', [{ put: { pk: 'a', sk: 1, gpk: 5 } }]))).toBe(ErrorCodes.VALIDATION);
    expect(await codeOf(driver.batchWrite('events', [{ put: { pk: 'a', sk: 1, gpk: '' } }]))).toBe(ErrorCodes.VALIDATION);
  });

  it('refuses unstorable values', async () => {
    for (const value of [Number.POSITIVE_INFINITY, new Date(), new Map(), () => 1, 10n]) {
      expect(await codeOf(driver.batchWrite('events', [{ put: { pk: 'a', sk: 1, v: value as never } }]))).toBe(ErrorCodes.VALIDATION);
    }
  });

  it('copies values in and out: no shared references, bytes included', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const nested = { list: [1, { deep: 'x' }], bytes };
    const item = { pk: 'a', sk: 1, nested, dropped: undefined } as unknown as Item;
    await driver.batchWrite('events', [{ put: item }]);
    nested.list.push(2);
    bytes[0] = 99;
    const first = (await driver.get('events', { pk: 'a', sk: 1 })).item!;
    expect(first).toEqual({ pk: 'a', sk: 1, nested: { list: [1, { deep: 'x' }], bytes: new Uint8Array([1, 2, 3]) } });
    expect('dropped' in first).toBe(false);
    ((first.nested as { list: unknown[] }).list as unknown[]).push('mutated');
    (first.nested as { bytes: Uint8Array }).bytes[1] = 42;
    const second = (await driver.get('events', { pk: 'a', sk: 1 })).item!;
    expect(second).toEqual({ pk: 'a', sk: 1, nested: { list: [1, { deep: 'x' }], bytes: new Uint8Array([1, 2, 3]) } });
  });

  it('stores Buffers back out as equal bytes', async () => {
    await driver.batchWrite('events', [{ put: { pk: 'a', sk: 1, b: Buffer.from('hi') } }]);
    const { item } = await driver.get('events', { pk: 'a', sk: 1 });
    expect(item!.b).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(item!.b as Uint8Array).toString()).toBe('hi');
  });
});

describe('MemoryKvDriver: limits', () => {
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    driver = new MemoryKvDriver({
      capabilities: { maxItemBytes: 200, maxTransactionActions: 3, maxTransactionBytes: 400, maxBatchGetKeys: 3, maxBatchWriteItems: 2 },
    });
    await driver.ensureTable(EVENTS_TABLE);
  });

  it('an item over maxItemBytes throws LIMIT_EXCEEDED on batchWrite and in a transaction, nothing applied', async () => {
    const big = { pk: 'a', sk: 1, data: text(200) };
    expect(await codeOf(driver.batchWrite('events', [{ put: { pk: 'b', sk: 1 } }, { put: big }]))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(
      await codeOf(
        driver.transactWrite('events', [
          { type: 'put', item: { pk: 'b', sk: 1 } },
          { type: 'put', item: big },
        ]),
      ),
    ).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect((await driver.get('events', { pk: 'b', sk: 1 })).item).toBeUndefined();
  });

  it('an update that makes the item too large throws LIMIT_EXCEEDED', async () => {
    await driver.batchWrite('events', [{ put: { pk: 'a', sk: 1, data: text(120) } }]);
    expect(await codeOf(driver.transactWrite('events', [{ type: 'update', key: { pk: 'a', sk: 1 }, set: { more: text(100) } }]))).toBe(
      ErrorCodes.LIMIT_EXCEEDED,
    );
  });

  it('an item exactly at maxItemBytes is accepted', async () => {
    const item = { pk: 'a', sk: 1, data: '' };
    item.data = text(200 - itemSize(item));
    expect(itemSize(item)).toBe(200);
    expect(await codeOf(driver.batchWrite('events', [{ put: item }]))).toBe('resolved');
  });

  it('too many actions, too many bytes, or two actions on one item throw LIMIT_EXCEEDED', async () => {
    const put = (sk: number, size = 0) => ({ type: 'put' as const, item: { pk: 'a', sk, data: text(size) } });
    expect(await codeOf(driver.transactWrite('events', [put(1), put(2), put(3), put(4)]))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(await codeOf(driver.transactWrite('events', [put(1, 150), put(2, 150), put(3, 150)]))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(
      await codeOf(
        driver.transactWrite('events', [put(1), { type: 'conditionCheck', key: { pk: 'a', sk: 1 }, condition: { kind: 'exists' } }]),
      ),
    ).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(await codeOf(driver.transactWrite('events', []))).toBe(ErrorCodes.VALIDATION);
  });

  it('batch sizes over the limits throw LIMIT_EXCEEDED; duplicates and empty batches VALIDATION', async () => {
    const keys = [1, 2, 3, 4].map((sk) => ({ pk: 'a', sk }));
    expect(await codeOf(driver.batchGet('events', keys))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(await codeOf(driver.batchGet('events', [keys[0]!, keys[0]!]))).toBe(ErrorCodes.VALIDATION);
    expect(await codeOf(driver.batchGet('events', []))).toBe(ErrorCodes.VALIDATION);
    const puts = keys.slice(0, 3).map((key) => ({ put: key }));
    expect(await codeOf(driver.batchWrite('events', puts))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(await codeOf(driver.batchWrite('events', [{ put: keys[0]! }, { delete: keys[0]! }]))).toBe(ErrorCodes.VALIDATION);
    expect(await codeOf(driver.batchWrite('events', []))).toBe(ErrorCodes.VALIDATION);
  });
});

describe('MemoryKvDriver: transactions and conditions', () => {
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    driver = new MemoryKvDriver();
    await driver.ensureTable(EVENTS_TABLE);
    await driver.batchWrite('events', [{ put: { pk: 'head', sk: 0, version: 3, flag: true } }]);
  });

  it('commits puts, updates (upserts) and deletes together', async () => {
    const result = await driver.transactWrite('events', [
      { type: 'put', item: { pk: 'a', sk: 1, v: 'x' }, condition: { kind: 'notExists' } },
      { type: 'update', key: { pk: 'head', sk: 0 }, set: { version: 4 }, condition: { kind: 'equals', attribute: 'version', value: 3 } },
      { type: 'update', key: { pk: 'new', sk: 0 }, set: { created: 'yes' } },
      { type: 'delete', key: { pk: 'absent', sk: 0 } },
    ]);
    expect(result.committed).toBe(true);
    expect((await driver.get('events', { pk: 'head', sk: 0 })).item).toEqual({ pk: 'head', sk: 0, version: 4, flag: true });
    expect((await driver.get('events', { pk: 'new', sk: 0 })).item).toEqual({ pk: 'new', sk: 0, created: 'yes' });
    expect((await driver.get('events', { pk: 'a', sk: 1 })).item).toEqual({ pk: 'a', sk: 1, v: 'x' });
  });

  it('a failed condition cancels everything and reports a copy of the stored item', async () => {
    const result = await driver.transactWrite('events', [
      { type: 'put', item: { pk: 'a', sk: 1 } },
      { type: 'update', key: { pk: 'head', sk: 0 }, set: { version: 9 }, condition: { kind: 'equals', attribute: 'version', value: 2 } },
      { type: 'conditionCheck', key: { pk: 'ghost', sk: 0 }, condition: { kind: 'exists' } },
    ]);
    expect(result.committed).toBe(false);
    if (result.committed) return;
    expect(result.reasons).toEqual([
      { kind: 'none' },
      { kind: 'conditionFailed', item: { pk: 'head', sk: 0, version: 3, flag: true } },
      { kind: 'conditionFailed' },
    ]);
    expect((await driver.get('events', { pk: 'a', sk: 1 })).item).toBeUndefined();
    (result.reasons[1] as { item: Record<string, unknown> }).item.version = 100;
    expect((await driver.get('events', { pk: 'head', sk: 0 })).item!.version).toBe(3);
  });

  it('evaluates and/or/equals on booleans and notExists', async () => {
    const check = async (condition: Parameters<MemoryKvDriver['transactWrite']>[1][number]['condition']) =>
      (await driver.transactWrite('events', [{ type: 'conditionCheck', key: { pk: 'head', sk: 0 }, condition: condition! }])).committed;
    expect(await check({ kind: 'equals', attribute: 'flag', value: true })).toBe(true);
    expect(await check({ kind: 'equals', attribute: 'flag', value: 'true' })).toBe(false);
    expect(await check({ kind: 'equals', attribute: 'missing', value: 1 })).toBe(false);
    expect(await check({ kind: 'notExists' })).toBe(false);
    expect(await check({ kind: 'or', conditions: [{ kind: 'notExists' }, { kind: 'equals', attribute: 'version', value: 3 }] })).toBe(true);
    expect(await check({ kind: 'and', conditions: [{ kind: 'exists' }, { kind: 'equals', attribute: 'version', value: 4 }] })).toBe(false);
    expect(await codeOf(check({ kind: 'and', conditions: [] }))).toBe(ErrorCodes.VALIDATION);
  });

  it('refuses updates of key attributes', async () => {
    expect(await codeOf(driver.transactWrite('events', [{ type: 'update', key: { pk: 'head', sk: 0 }, set: { sk: 1 } }]))).toBe(
      ErrorCodes.VALIDATION,
    );
  });
});

describe('MemoryKvDriver: transaction tokens', () => {
  let now: number;
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    now = 1_000_000;
    driver = new MemoryKvDriver({ clock: () => now });
    await driver.ensureTable(EVENTS_TABLE);
  });

  const bump = [{ type: 'update' as const, key: { pk: 'n', sk: 0 }, set: { v: 1 }, condition: { kind: 'notExists' as const } }];

  it('a replayed token with the same request commits without applying again, costing read units', async () => {
    const first = await driver.transactWrite('events', bump, { token: 't1' });
    expect(first).toEqual({ committed: true, consumed: { read: 0, write: 2 } });
    await driver.batchWrite('events', [{ delete: { pk: 'n', sk: 0 } }]);
    const replay = await driver.transactWrite('events', bump, { token: 't1' });
    expect(replay).toEqual({ committed: true, consumed: { read: 2, write: 0 } });
    expect((await driver.get('events', { pk: 'n', sk: 0 })).item).toBeUndefined();
  });

  it('the same token with another request throws VALIDATION (IdempotentParameterMismatch)', async () => {
    await driver.transactWrite('events', bump, { token: 't1' });
    const other = [{ type: 'put' as const, item: { pk: 'm', sk: 0 } }];
    expect(await codeOf(driver.transactWrite('events', other, { token: 't1' }))).toBe(ErrorCodes.VALIDATION);
  });

  it('a token expires after 10 minutes', async () => {
    await driver.transactWrite('events', bump, { token: 't1' });
    now += DYNAMODB_CLIENT_REQUEST_TOKEN_TTL_MS;
    const again = await driver.transactWrite('events', bump, { token: 't1' });
    expect(again.committed).toBe(false);
  });

  it('a cancelled transaction does not consume its token; tokens over 36 characters are refused', async () => {
    await driver.batchWrite('events', [{ put: { pk: 'n', sk: 0 } }]);
    expect((await driver.transactWrite('events', bump, { token: 't2' })).committed).toBe(false);
    await driver.batchWrite('events', [{ delete: { pk: 'n', sk: 0 } }]);
    expect((await driver.transactWrite('events', bump, { token: 't2' })).committed).toBe(true);
    expect(await codeOf(driver.transactWrite('events', bump, { token: text(37) }))).toBe(ErrorCodes.VALIDATION);
  });
});
