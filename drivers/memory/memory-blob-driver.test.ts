import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import { MemoryBlobDriver } from './memory-blob-driver.js';
import { codeOf } from './test-helpers.js';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

async function listAll(driver: MemoryBlobDriver, prefix: string, limit?: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list(prefix, { ...(cursor === undefined ? {} : { cursor }), ...(limit === undefined ? {} : { limit }) });
    pages.push(page.keys);
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 1000);
  return pages;
}

describe('MemoryBlobDriver', () => {
  let driver: MemoryBlobDriver;
  beforeEach(async () => {
    driver = new MemoryBlobDriver({ capabilities: { maxDeleteKeys: 3, maxListKeys: 4 } });
    await driver.ensureContainer();
  });

  it('defaults to S3 limits', () => {
    expect(new MemoryBlobDriver().capabilities).toMatchObject({ maxDeleteKeys: 1000, maxListKeys: 1000, maxObjectBytes: 5 * 1024 ** 4 });
  });

  it('fails with RESOURCE_NOT_FOUND before ensureContainer; ensureContainer is idempotent', async () => {
    const fresh = new MemoryBlobDriver();
    expect(await codeOf(fresh.get('k'))).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
    await Promise.all([fresh.ensureContainer(), fresh.ensureContainer()]);
    await fresh.put('k', bytes('v'));
    await fresh.ensureContainer();
    expect(Buffer.from((await fresh.get('k'))!).toString()).toBe('v');
  });

  it('copies bytes in and out; get of a missing key is undefined', async () => {
    const body = bytes('hello');
    await driver.put('a', body);
    body[0] = 0;
    const out = (await driver.get('a'))!;
    expect(Buffer.from(out).toString()).toBe('hello');
    out[0] = 0;
    expect(Buffer.from((await driver.get('a'))!).toString()).toBe('hello');
    expect(await driver.get('missing')).toBeUndefined();
  });

  it('put replaces; delete removes, tolerates missing keys and enforces maxDeleteKeys', async () => {
    await driver.put('a', bytes('1'));
    await driver.put('a', bytes('2'));
    expect(Buffer.from((await driver.get('a'))!).toString()).toBe('2');
    await driver.delete(['a', 'never']);
    expect(await driver.get('a')).toBeUndefined();
    expect(await codeOf(driver.delete(['1', '2', '3', '4']))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(await codeOf(driver.delete([]))).toBe(ErrorCodes.VALIDATION);
  });

  it('refuses empty and over-long keys and objects over maxObjectBytes', async () => {
    expect(await codeOf(driver.put('', bytes('x')))).toBe(ErrorCodes.VALIDATION);
    expect(await codeOf(driver.put('k'.repeat(1025), bytes('x')))).toBe(ErrorCodes.VALIDATION);
    const small = new MemoryBlobDriver({ capabilities: { maxObjectBytes: 4 } });
    await small.ensureContainer();
    expect(await codeOf(small.put('k', bytes('12345')))).toBe(ErrorCodes.LIMIT_EXCEEDED);
  });

  it('lists a prefix in UTF-8 byte order, paged by min(limit, maxListKeys), cursor only when more follow', async () => {
    const keys = ['p/\u{1F600}', 'p/\uFFFF', 'p/b', 'p/a', 'p/c', 'q/a', 'o/z', 'p/\u00e9'];
    for (const key of keys) await driver.put(key, bytes(key));
    const pages = await listAll(driver, 'p/');
    expect(pages).toEqual([
      ['p/a', 'p/b', 'p/c', 'p/\u00e9'],
      ['p/\uFFFF', 'p/\u{1F600}'],
    ]);
    const small = await listAll(driver, 'p/', 2);
    expect(small.map((page) => page.length)).toEqual([2, 2, 2]);
    expect(small.flat()).toEqual(pages.flat());
    const exact = await driver.list('q/');
    expect(exact).toEqual({ keys: ['q/a'], lastModifiedMs: [expect.any(Number)] });
    expect(await driver.list('none/')).toEqual({ keys: [], lastModifiedMs: [] });
  });

  it("reports each key's last-modified time by its clock, refreshed by a put", async () => {
    let now = 1_000;
    const clocked = new MemoryBlobDriver({ clock: () => now });
    await clocked.ensureContainer();
    await clocked.put('t/a', bytes('a'));
    now = 2_000;
    await clocked.put('t/b', bytes('b'));
    expect(await clocked.list('t/')).toEqual({ keys: ['t/a', 't/b'], lastModifiedMs: [1_000, 2_000] });
    now = 3_000;
    await clocked.put('t/a', bytes('a2'));
    expect((await clocked.list('t/')).lastModifiedMs).toEqual([3_000, 2_000]);
  });

  it('refuses a malformed cursor, a cursor for another prefix and a bad limit', async () => {
    for (const key of ['p/1', 'p/2', 'p/3', 'p/4', 'p/5']) await driver.put(key, bytes('x'));
    const first = await driver.list('p/');
    expect(first.cursor).toBeDefined();
    expect(await codeOf(driver.list('q/', { cursor: first.cursor! }))).toBe(ErrorCodes.VALIDATION);
    expect(await codeOf(driver.list('p/', { cursor: 'junk' }))).toBe(ErrorCodes.VALIDATION);
    expect(await codeOf(driver.list('p/', { limit: 0 }))).toBe(ErrorCodes.VALIDATION);
  });

  it('counts requests and bytes per operation', async () => {
    driver.resetMeter();
    await driver.put('a', bytes('12345'));
    await driver.get('a');
    await driver.get('b');
    await driver.list('');
    const meter = driver.meter();
    expect(meter.put).toEqual({ requests: 1, bytes: 5 });
    expect(meter.get).toEqual({ requests: 2, bytes: 5 });
    expect(meter.list.requests).toBe(1);
    expect(meter.delete.requests).toBe(0);
  });

  it('scripted faults: throttle and transient before applying, lostResponse after', async () => {
    driver.injectFault('put', { kind: 'throttle' });
    expect(await codeOf(driver.put('a', bytes('x')))).toBe(ErrorCodes.THROTTLED);
    expect(await driver.get('a')).toBeUndefined();
    driver.injectFault('get', { kind: 'transient' });
    expect(await codeOf(driver.get('a'))).toBe(ErrorCodes.TRANSIENT);
    driver.injectFault('put', { kind: 'lostResponse' });
    expect(await codeOf(driver.put('a', bytes('x')))).toBe(ErrorCodes.TRANSIENT);
    expect(await driver.get('a')).toBeDefined();
    expect(driver.faultCounts()).toMatchObject({ throttle: 1, transient: 1, lostResponse: 1 });
    expect(await codeOf(() => driver.injectFault('list', { kind: 'lostResponse' }))).toBe(ErrorCodes.INVALID_OPTIONS);
  });

  it('random faults are deterministic from the seed', async () => {
    const run = async (seed: number) => {
      const blob = new MemoryBlobDriver({ faults: { seed, throttleRate: 0.2, transientRate: 0.2 } });
      const outcomes: string[] = [];
      while ((await codeOf(blob.ensureContainer())) !== 'resolved') outcomes.push('ensure failed');
      for (let i = 0; i < 40; i++) outcomes.push(await codeOf(blob.put(`k${i}`, bytes('v'))));
      return outcomes;
    };
    const first = await run(11);
    expect(await run(11)).toEqual(first);
    expect(first).toContain(ErrorCodes.THROTTLED);
    expect(first).toContain(ErrorCodes.TRANSIENT);
    expect(await run(12)).not.toEqual(first);
  });
});
