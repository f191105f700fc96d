import { beforeEach, describe, expect, it } from 'vitest';
import { itemSize } from '../../src/layout/item-size.js';
import type { Item } from '../../src/ports/kv-driver.js';
import { MemoryKvDriver } from './memory-kv-driver.js';
import { EVENTS_TABLE, SIMPLE_TABLE } from './test-helpers.js';

/** `base` padded with a `data` attribute so the item is exactly `bytes` bytes. */
function sized(base: Item, bytes: number): Item {
  const item: Item = { ...base, data: '' };
  item.data = 'x'.repeat(bytes - itemSize(item));
  expect(itemSize(item)).toBe(bytes);
  return item;
}

const KB = 1024;

describe('MemoryKvDriver capacity: reads', () => {
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    driver = new MemoryKvDriver();
    await driver.ensureTable(SIMPLE_TABLE);
  });

  it('a 5 KB item costs 2 RCU strongly consistent, 1 eventually consistent', async () => {
    await driver.batchWrite('simple', [{ put: sized({ pk: 'a' }, 5 * KB) }]);
    expect((await driver.get('simple', { pk: 'a' }, { consistent: true })).consumed).toEqual({ read: 2, write: 0 });
    expect((await driver.get('simple', { pk: 'a' })).consumed).toEqual({ read: 1, write: 0 });
  });

  it('a missing item still costs 1 RCU (0.5 eventually consistent)', async () => {
    expect((await driver.get('simple', { pk: 'none' }, { consistent: true })).consumed.read).toBe(1);
    expect((await driver.get('simple', { pk: 'none' })).consumed.read).toBe(0.5);
  });

  it('batch-get rounds per item: 1.5 KB + 6.5 KB = 4 KB + 8 KB = 3 RCU', async () => {
    await driver.batchWrite('simple', [{ put: sized({ pk: 'a' }, 1.5 * KB) }, { put: sized({ pk: 'b' }, 6.5 * KB) }]);
    const result = await driver.batchGet('simple', [{ pk: 'a' }, { pk: 'b' }], { consistent: true });
    expect(result.consumed).toEqual({ read: 3, write: 0 });
    expect((await driver.batchGet('simple', [{ pk: 'a' }, { pk: 'b' }, { pk: 'c' }])).consumed.read).toBe(2);
  });

  it('a query sums the bytes read and rounds once: 1.5 KB + 6.5 KB = 8 KB = 2 RCU', async () => {
    await driver.ensureTable(EVENTS_TABLE);
    await driver.batchWrite('events', [{ put: sized({ pk: 'p', sk: 1 }, 1.5 * KB) }, { put: sized({ pk: 'p', sk: 2 }, 6.5 * KB) }]);
    expect((await driver.query('events', { partition: 'p', direction: 'asc', consistent: true })).consumed.read).toBe(2);
    expect((await driver.query('events', { partition: 'p', direction: 'asc' })).consumed.read).toBe(1);
    expect((await driver.query('events', { partition: 'empty', direction: 'asc' })).consumed.read).toBe(0.5);
  });
});

describe('MemoryKvDriver capacity: writes', () => {
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    driver = new MemoryKvDriver();
    await driver.ensureTable(SIMPLE_TABLE);
  });

  it('a 1.5 KB put costs 2 WCU, 4 WCU in a transaction', async () => {
    expect((await driver.batchWrite('simple', [{ put: sized({ pk: 'a' }, 1.5 * KB) }])).consumed).toEqual({ read: 0, write: 2 });
    const result = await driver.transactWrite('simple', [{ type: 'put', item: sized({ pk: 'b' }, 1.5 * KB) }]);
    expect(result.consumed).toEqual({ read: 0, write: 4 });
  });

  it('batch-write rounds per item: 500 B + 3.5 KB = 5 WCU', async () => {
    const result = await driver.batchWrite('simple', [{ put: sized({ pk: 'a' }, 500) }, { put: sized({ pk: 'b' }, 3.5 * KB) }]);
    expect(result.consumed.write).toBe(5);
  });

  it('a replacing write costs the larger of old and new; a delete the deleted size, 1 when absent', async () => {
    await driver.batchWrite('simple', [{ put: sized({ pk: 'a' }, 3 * KB) }]);
    expect((await driver.batchWrite('simple', [{ put: sized({ pk: 'a' }, 100) }])).consumed.write).toBe(3);
    await driver.batchWrite('simple', [{ put: sized({ pk: 'a' }, 2.5 * KB) }]);
    expect((await driver.batchWrite('simple', [{ delete: { pk: 'a' } }])).consumed.write).toBe(3);
    expect((await driver.batchWrite('simple', [{ delete: { pk: 'a' } }])).consumed.write).toBe(1);
  });

  it('an update costs the larger of before and after; a condition check 2 WCU; a cancel reports 0', async () => {
    await driver.batchWrite('simple', [{ put: sized({ pk: 'a' }, 2 * KB) }]);
    const update = await driver.transactWrite('simple', [{ type: 'update', key: { pk: 'a' }, set: { v: 1 } }]);
    expect(update.consumed.write).toBe(2 * 3); // 2 KB + a few bytes -> 3 units, doubled
    const check = await driver.transactWrite('simple', [
      { type: 'conditionCheck', key: { pk: 'small' }, condition: { kind: 'notExists' } },
    ]);
    expect(check.consumed).toEqual({ read: 0, write: 2 });
    const cancelled = await driver.transactWrite('simple', [
      { type: 'conditionCheck', key: { pk: 'a' }, condition: { kind: 'notExists' } },
    ]);
    expect(cancelled.committed).toBe(false);
    expect(cancelled.consumed).toEqual({ read: 0, write: 0 });
  });
});

describe('MemoryKvDriver capacity: global secondary indexes', () => {
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    driver = new MemoryKvDriver();
    await driver.ensureTable(EVENTS_TABLE);
  });

  it('an item entering an ALL index costs one more write of its size', async () => {
    const item = sized({ pk: 'a', sk: 1, gpk: 'g', gsk: 's' }, 1.5 * KB);
    expect((await driver.batchWrite('events', [{ put: item }])).consumed.write).toBe(2 + 2);
  });

  it('changing the index key costs a delete plus a put; projected attributes only one write', async () => {
    await driver.batchWrite('events', [{ put: sized({ pk: 'a', sk: 1, gpk: 'g', gsk: 's' }, 1.5 * KB) }]);
    const moved = await driver.batchWrite('events', [{ put: sized({ pk: 'a', sk: 1, gpk: 'h', gsk: 's' }, 1.5 * KB) }]);
    expect(moved.consumed.write).toBe(2 + 2 + 2);
    const projected = await driver.batchWrite('events', [{ put: sized({ pk: 'a', sk: 1, gpk: 'h', gsk: 's', n: 1 }, 1.5 * KB) }]);
    expect(projected.consumed.write).toBe(2 + 2);
    const unchanged = await driver.batchWrite('events', [{ put: sized({ pk: 'a', sk: 1, gpk: 'h', gsk: 's', n: 1 }, 1.5 * KB) }]);
    expect(unchanged.consumed.write).toBe(2);
  });

  it('leaving an index costs one write of the old entry; a KEYS_ONLY index ignores payload changes', async () => {
    await driver.batchWrite('events', [{ put: sized({ pk: 'a', sk: 1, gpk: 'g', gsk: 's' }, 1.5 * KB) }]);
    expect((await driver.batchWrite('events', [{ put: { pk: 'a', sk: 1 } }])).consumed.write).toBe(2 + 2);
    await driver.batchWrite('events', [{ put: sized({ pk: 'b', sk: 1, kpk: 'k' }, 500) }]);
    const payload = await driver.batchWrite('events', [{ put: sized({ pk: 'b', sk: 1, kpk: 'k' }, 600) }]);
    expect(payload.consumed.write).toBe(1);
  });

  it('a KEYS_ONLY index query costs the size of the keys, not of the items', async () => {
    await driver.batchWrite('events', [{ put: sized({ pk: 'b', sk: 1, kpk: 'k' }, 9 * KB) }]);
    const page = await driver.query('events', { index: 'keysOnly', partition: 'k', direction: 'asc' });
    expect(page.consumed.read).toBe(0.5);
  });
});

describe('MemoryKvDriver meter', () => {
  it('accumulates requests and capacity per operation type and resets', async () => {
    const driver = new MemoryKvDriver();
    await driver.ensureTable(SIMPLE_TABLE);
    await driver.batchWrite('simple', [{ put: { pk: 'a' } }]);
    await driver.get('simple', { pk: 'a' }, { consistent: true });
    await driver.get('simple', { pk: 'b' });
    await driver.transactWrite('simple', [{ type: 'put', item: { pk: 'c' } }]);
    const meter = driver.meter();
    expect(meter.get).toEqual({ requests: 2, read: 1.5, write: 0 });
    expect(meter.batchWrite).toEqual({ requests: 1, read: 0, write: 1 });
    expect(meter.transactWrite).toEqual({ requests: 1, read: 0, write: 2 });
    expect(meter.query).toEqual({ requests: 0, read: 0, write: 0 });
    driver.resetMeter();
    expect(driver.meter().get).toEqual({ requests: 0, read: 0, write: 0 });
  });

  it('reports zeros when reportsCapacity is false, while the meter still counts', async () => {
    const driver = new MemoryKvDriver({ capabilities: { reportsCapacity: false } });
    await driver.ensureTable(SIMPLE_TABLE);
    expect((await driver.get('simple', { pk: 'a' }, { consistent: true })).consumed).toEqual({ read: 0, write: 0 });
    expect(driver.meter().get.read).toBe(1);
  });
});
