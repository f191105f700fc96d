import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import { itemSize } from '../../src/layout/item-size.js';
import type { Item, QueryRequest } from '../../src/ports/kv-driver.js';
import { MemoryKvDriver } from './memory-kv-driver.js';
import { codeOf, EVENTS_TABLE, STRINGS_TABLE, text } from './test-helpers.js';

async function putAll(driver: MemoryKvDriver, table: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await driver.batchWrite(
      table,
      items.slice(i, i + 25).map((put) => ({ put })),
    );
  }
}

/** Every page of a query, following cursors. */
async function allPages(driver: MemoryKvDriver, table: string, request: QueryRequest): Promise<Item[][]> {
  const pages: Item[][] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.query(table, { ...request, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.items);
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 1000);
  return pages;
}

describe('MemoryKvDriver.query: order and ranges', () => {
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    driver = new MemoryKvDriver();
    await driver.ensureTable(EVENTS_TABLE);
    await driver.ensureTable(STRINGS_TABLE);
  });

  it('orders numbers numerically, both directions', async () => {
    await putAll(
      driver,
      'events',
      [10, 9, 100, -1, 2.5].map((sk) => ({ pk: 'p', sk })),
    );
    const asc = await driver.query('events', { partition: 'p', direction: 'asc' });
    expect(asc.items.map((i) => i.sk)).toEqual([-1, 2.5, 9, 10, 100]);
    expect(asc.cursor).toBeUndefined();
    const desc = await driver.query('events', { partition: 'p', direction: 'desc' });
    expect(desc.items.map((i) => i.sk)).toEqual([100, 10, 9, 2.5, -1]);
  });

  it('orders strings by UTF-8 bytes: U+1F600 after U+FFFF', async () => {
    const keys = ['\u{1F600}', '\uFFFF', 'a', 'B', '\u00e9'];
    await putAll(
      driver,
      'strings',
      keys.map((sk) => ({ pk: 'p', sk })),
    );
    const { items } = await driver.query('strings', { partition: 'p', direction: 'asc' });
    expect(items.map((i) => i.sk)).toEqual(['B', 'a', '\u00e9', '\uFFFF', '\u{1F600}']);
  });

  it('applies eq, lt, lte, gt, gte, between and beginsWith', async () => {
    await putAll(
      driver,
      'events',
      [1, 2, 3, 4, 5].map((sk) => ({ pk: 'p', sk })),
    );
    const sks = async (range: QueryRequest['range']) =>
      (await driver.query('events', { partition: 'p', direction: 'asc', range })).items.map((i) => i.sk);
    expect(await sks({ op: 'eq', value: 3 })).toEqual([3]);
    expect(await sks({ op: 'lt', value: 3 })).toEqual([1, 2]);
    expect(await sks({ op: 'lte', value: 3 })).toEqual([1, 2, 3]);
    expect(await sks({ op: 'gt', value: 3 })).toEqual([4, 5]);
    expect(await sks({ op: 'gte', value: 3 })).toEqual([3, 4, 5]);
    expect(await sks({ op: 'between', low: 2, high: 4 })).toEqual([2, 3, 4]);
    await putAll(
      driver,
      'strings',
      ['a', 'ab', 'abc', 'abd', 'b', 'ab\u{1F600}'].map((sk) => ({ pk: 'p', sk })),
    );
    const prefixed = await driver.query('strings', { partition: 'p', direction: 'desc', range: { op: 'beginsWith', prefix: 'ab' } });
    expect(prefixed.items.map((i) => i.sk)).toEqual(['ab\u{1F600}', 'abd', 'abc', 'ab']);
  });

  it('refuses malformed ranges, limits, cursors and unknown indexes with VALIDATION', async () => {
    const bad: QueryRequest[] = [
      { partition: 'p', direction: 'asc', range: { op: 'beginsWith', prefix: 'x' } },
      { partition: 'p', direction: 'asc', range: { op: 'eq', value: 'one' } },
      { partition: 'p', direction: 'asc', range: { op: 'between', low: 5, high: 1 } },
      { partition: 'p', direction: 'asc', limit: 0 },
      { partition: 'p', direction: 'asc', cursor: 'garbage' },
      { partition: 1, direction: 'asc' },
      { partition: 'p', direction: 'asc', index: 'missing' },
      { partition: 'g', direction: 'asc', index: 'byGroup', consistent: true },
    ];
    for (const request of bad) expect(await codeOf(driver.query('events', request))).toBe(ErrorCodes.VALIDATION);
  });
});

describe('MemoryKvDriver.query: paging', () => {
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    driver = new MemoryKvDriver({ capabilities: { maxQueryPageBytes: 1000 } });
    await driver.ensureTable(EVENTS_TABLE);
  });

  it('a limit cut returns a cursor even when nothing follows; the next page is empty and final', async () => {
    await putAll(
      driver,
      'events',
      [1, 2, 3].map((sk) => ({ pk: 'p', sk })),
    );
    const first = await driver.query('events', { partition: 'p', direction: 'asc', limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.cursor).toBeDefined();
    const second = await driver.query('events', { partition: 'p', direction: 'asc', limit: 3, cursor: first.cursor! });
    expect(second.items).toEqual([]);
    expect(second.cursor).toBeUndefined();
  });

  it('pages with a limit visit every item once, in order, both directions', async () => {
    await putAll(
      driver,
      'events',
      Array.from({ length: 23 }, (_, sk) => ({ pk: 'p', sk })),
    );
    for (const direction of ['asc', 'desc'] as const) {
      const pages = await allPages(driver, 'events', { partition: 'p', direction, limit: 5 });
      const sks = pages.flat().map((i) => i.sk);
      const expected = Array.from({ length: 23 }, (_, i) => i);
      expect(sks).toEqual(direction === 'asc' ? expected : expected.reverse());
      expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    }
  });

  it('stops a page once the bytes read reach maxQueryPageBytes, including the item that reaches it', async () => {
    const items = Array.from({ length: 10 }, (_, sk) => ({ pk: 'p', sk, data: text(300) }));
    const size = itemSize(items[0]!);
    await putAll(driver, 'events', items);
    const page = await driver.query('events', { partition: 'p', direction: 'asc' });
    const expectedCount = Math.ceil(1000 / size);
    expect(page.items).toHaveLength(expectedCount);
    expect(page.cursor).toBeDefined();
    const pages = await allPages(driver, 'events', { partition: 'p', direction: 'asc' });
    expect(pages.flat().map((i) => i.sk)).toEqual(items.map((i) => i.sk));
  });

  it('resumes after the cursor even if the item at the cursor was deleted', async () => {
    await putAll(
      driver,
      'events',
      [1, 2, 3, 4].map((sk) => ({ pk: 'p', sk })),
    );
    const first = await driver.query('events', { partition: 'p', direction: 'asc', limit: 2 });
    await driver.batchWrite('events', [{ delete: { pk: 'p', sk: 2 } }]);
    const second = await driver.query('events', { partition: 'p', direction: 'asc', limit: 2, cursor: first.cursor! });
    expect(second.items.map((i) => i.sk)).toEqual([3, 4]);
  });

  it('a cursor of another partition or index is refused', async () => {
    await putAll(
      driver,
      'events',
      [1, 2].map((sk) => ({ pk: 'p', sk, gpk: 'g', gsk: 'a' })),
    );
    const first = await driver.query('events', { partition: 'p', direction: 'asc', limit: 1 });
    expect(await codeOf(driver.query('events', { partition: 'q', direction: 'asc', cursor: first.cursor! }))).toBe(ErrorCodes.VALIDATION);
    expect(await codeOf(driver.query('events', { partition: 'g', index: 'byGroup', direction: 'asc', cursor: first.cursor! }))).toBe(
      ErrorCodes.VALIDATION,
    );
  });
});

describe('MemoryKvDriver.query: global secondary indexes', () => {
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    driver = new MemoryKvDriver();
    await driver.ensureTable(EVENTS_TABLE);
  });

  it('is sparse: items lacking an index key attribute are absent', async () => {
    await putAll(driver, 'events', [
      { pk: 'a', sk: 1, gpk: 'g', gsk: 'x' },
      { pk: 'a', sk: 2, gpk: 'g' },
      { pk: 'a', sk: 3 },
    ]);
    const { items } = await driver.query('events', { index: 'byGroup', partition: 'g', direction: 'asc' });
    expect(items).toEqual([{ pk: 'a', sk: 1, gpk: 'g', gsk: 'x' }]);
  });

  it('follows updates and deletes that move items in and out of the index', async () => {
    await putAll(driver, 'events', [{ pk: 'a', sk: 1, gpk: 'g', gsk: 'x' }]);
    await driver.transactWrite('events', [{ type: 'update', key: { pk: 'a', sk: 1 }, set: { gpk: 'h' } }]);
    expect((await driver.query('events', { index: 'byGroup', partition: 'g', direction: 'asc' })).items).toEqual([]);
    expect((await driver.query('events', { index: 'byGroup', partition: 'h', direction: 'asc' })).items).toHaveLength(1);
    await driver.transactWrite('events', [{ type: 'delete', key: { pk: 'a', sk: 1 } }]);
    expect((await driver.query('events', { index: 'byGroup', partition: 'h', direction: 'asc' })).items).toEqual([]);
  });

  it('orders ties on the index sort key by table key, stably across pages', async () => {
    const items = [5, 3, 9, 1, 7].flatMap((sk) => [
      { pk: 'b', sk, gpk: 'g', gsk: 'same' },
      { pk: 'a', sk, gpk: 'g', gsk: 'same' },
    ]);
    await putAll(driver, 'events', items);
    const pages = await allPages(driver, 'events', { index: 'byGroup', partition: 'g', direction: 'asc', limit: 3 });
    const order = pages.flat().map((i) => `${String(i.pk)}${String(i.sk)}`);
    expect(order).toEqual(['a1', 'a3', 'a5', 'a7', 'a9', 'b1', 'b3', 'b5', 'b7', 'b9']);
    const desc = await allPages(driver, 'events', { index: 'byGroup', partition: 'g', direction: 'desc', limit: 4 });
    expect(desc.flat().map((i) => `${String(i.pk)}${String(i.sk)}`)).toEqual([...order].reverse());
  });

  it('a KEYS_ONLY index returns only table and index keys', async () => {
    await putAll(driver, 'events', [{ pk: 'a', sk: 1, kpk: 'k', payload: 'big', gpk: 'g' }]);
    const { items } = await driver.query('events', { index: 'keysOnly', partition: 'k', direction: 'asc' });
    expect(items).toEqual([{ pk: 'a', sk: 1, kpk: 'k' }]);
  });
});
