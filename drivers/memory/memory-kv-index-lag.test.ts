import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import type { Item } from '../../src/ports/kv-driver.js';
import { LagSampler, type IndexLagOptions } from './index-lag.js';
import { MemoryKvDriver } from './memory-kv-driver.js';
import { codeOf, EVENTS_TABLE } from './test-helpers.js';

/** A lag of 100 ms median, 10% tail up to 1 s. */
function lagOf(seed: number): IndexLagOptions {
  return { seed, medianMs: 100, tailMs: 1_000, tailProbability: 0.1 };
}

/** A driver with index lag (and optionally eventual reads) on a fake clock starting at 0, with the events table. */
async function laggedDriver(seed: number, eventualReads = false) {
  const clock = { now: 0 };
  const driver = new MemoryKvDriver({ clock: () => clock.now, indexLag: lagOf(seed), eventualReads });
  await driver.ensureTable(EVENTS_TABLE);
  return { driver, clock };
}

function grouped(sk: number, v: number): Item {
  return { pk: 'p', sk, gpk: 'g', gsk: `k${sk}`, v };
}

/** The `sk`s the byGroup index shows for partition 'g' now. */
async function indexShows(driver: MemoryKvDriver): Promise<number[]> {
  const page = await driver.query('events', { index: 'byGroup', partition: 'g', direction: 'asc' });
  return page.items.map((item) => item.sk as number);
}

/** The first whole millisecond (stepping the clock from its current value) at which `sk` shows in the index. */
async function firstShownAt(driver: MemoryKvDriver, clock: { now: number }, sk: number, until: number): Promise<number | undefined> {
  for (; clock.now <= until; clock.now += 1) if ((await indexShows(driver)).includes(sk)) return clock.now;
  return undefined;
}

describe('LagSampler', () => {
  it('draws delays within [0, tailMs], a body around the median and a tail between median and tailMs', () => {
    const body = new LagSampler({ seed: 3, medianMs: 50, tailMs: 10_000, tailProbability: 0 });
    const delays = Array.from({ length: 4_000 }, () => body.next()).sort((a, b) => a - b);
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    expect(delays[delays.length - 1]).toBeLessThanOrEqual(10_000);
    expect(delays[2_000]).toBeGreaterThan(45);
    expect(delays[2_000]).toBeLessThan(55);
    const tail = new LagSampler({ seed: 3, medianMs: 50, tailMs: 400, tailProbability: 1 });
    for (let i = 0; i < 500; i++) {
      const delay = tail.next();
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });

  it('caps body delays at tailMs', () => {
    const capped = new LagSampler({ seed: 9, medianMs: 100, tailMs: 120, tailProbability: 0 });
    const delays = Array.from({ length: 2_000 }, () => capped.next());
    expect(Math.max(...delays)).toBe(120);
  });
});

describe('MemoryKvDriver indexLag', () => {
  it('refuses invalid lag options and eventualReads without indexLag with INPUT/INVALID_OPTIONS', async () => {
    expect(await codeOf(() => new MemoryKvDriver({ eventualReads: true }))).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(await codeOf(() => new MemoryKvDriver({ indexLag: { ...lagOf(1), tailMs: 50 } }))).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(await codeOf(() => new MemoryKvDriver({ indexLag: { ...lagOf(1), tailProbability: 2 } }))).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(await codeOf(() => new MemoryKvDriver({ indexLag: { ...lagOf(1), medianMs: -1 } }))).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(await codeOf(() => new MemoryKvDriver({ indexLag: { ...lagOf(1.5) } }))).toBe(ErrorCodes.INVALID_OPTIONS);
  });

  it('without indexLag an index shows a write at once (unchanged default)', async () => {
    const driver = new MemoryKvDriver({ clock: () => 0 });
    await driver.ensureTable(EVENTS_TABLE);
    await driver.batchWrite('events', [{ put: grouped(1, 1) }]);
    expect(await indexShows(driver)).toEqual([1]);
  });

  it('hides a fresh item from an index query, while the table already holds it, until its delay has passed', async () => {
    const { driver, clock } = await laggedDriver(1);
    await driver.batchWrite('events', [{ put: grouped(1, 1) }]);
    expect(await indexShows(driver)).toEqual([]);
    expect((await driver.get('events', { pk: 'p', sk: 1 }, { consistent: true })).item).toEqual(grouped(1, 1));
    const shownAt = await firstShownAt(driver, clock, 1, 1_000);
    expect(shownAt).toBeGreaterThan(0);
    expect(shownAt).toBeLessThanOrEqual(1_000);
    for (clock.now = shownAt!; clock.now <= 1_100; clock.now += 50) expect(await indexShows(driver)).toEqual([1]);
  });

  it('lags a KEYS_ONLY index too, and a consistent table query is current at once', async () => {
    const { driver, clock } = await laggedDriver(2);
    await driver.batchWrite('events', [{ put: { pk: 'p', sk: 1, kpk: 'k' } }]);
    const keysOnly = async () => (await driver.query('events', { index: 'keysOnly', partition: 'k', direction: 'asc' })).items;
    expect(await keysOnly()).toEqual([]);
    expect((await driver.query('events', { partition: 'p', direction: 'asc', consistent: true })).items).toHaveLength(1);
    clock.now = 1_000;
    expect(await keysOnly()).toEqual([{ pk: 'p', sk: 1, kpk: 'k' }]);
  });

  it('lets two items reach an index out of write order (for some seeds), each within tailMs', async () => {
    const outOfOrder: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const { driver, clock } = await laggedDriver(seed);
      await driver.batchWrite('events', [{ put: grouped(1, 1) }]);
      clock.now = 1;
      await driver.batchWrite('events', [{ put: grouped(2, 1) }]);
      const seen = new Map<number, number>();
      for (; clock.now <= 1_001; clock.now += 1) {
        for (const sk of await indexShows(driver)) if (!seen.has(sk)) seen.set(sk, clock.now);
      }
      expect([...seen.keys()].sort()).toEqual([1, 2]);
      if (seen.get(2)! < seen.get(1)!) outOfOrder.push(seed);
    }
    expect(outOfOrder.length).toBeGreaterThan(0);
  });

  it('never shows an item before its base-table write, nor a state older than one it already showed', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { driver, clock } = await laggedDriver(seed);
      // Versions of item (p, 1) by number: 1..6, written 40 ms apart; some leave the index or delete the item.
      const absentVersions = new Set<number>([0]);
      let written = 0;
      let lastShown = 0;
      const observe = async (): Promise<void> => {
        const page = await driver.query('events', { index: 'byGroup', partition: 'g', direction: 'asc' });
        if (page.items.length === 1) {
          const version = page.items[0]!.v as number;
          expect(version).toBeLessThanOrEqual(written);
          expect(version).toBeGreaterThanOrEqual(lastShown);
          lastShown = version;
        } else {
          expect(page.items).toEqual([]);
          const candidates = [...absentVersions].filter((version) => version >= lastShown && version <= written);
          expect(candidates.length).toBeGreaterThan(0);
          lastShown = Math.min(...candidates);
        }
      };
      const writes: [number, () => Promise<unknown>][] = [
        [1, () => driver.batchWrite('events', [{ put: grouped(1, 1) }])],
        [2, () => driver.transactWrite('events', [{ type: 'update', key: { pk: 'p', sk: 1 }, set: { v: 2 } }])],
        [3, () => driver.batchWrite('events', [{ delete: { pk: 'p', sk: 1 } }])],
        [4, () => driver.batchWrite('events', [{ put: grouped(1, 4) }])],
        [5, () => driver.batchWrite('events', [{ put: { pk: 'p', sk: 1, v: 5 } }])],
        [6, () => driver.batchWrite('events', [{ put: grouped(1, 6) }])],
      ];
      for (const [version, write] of writes) {
        await write();
        written = version;
        if (version === 3 || version === 5) absentVersions.add(version);
        for (let step = 0; step < 40; step++, clock.now += 1) await observe();
      }
      for (; clock.now <= 240 + 1_000; clock.now += 10) await observe();
      expect(lastShown).toBe(6);
    }
  });

  it('is deterministic: the same seed gives the same propagation, another seed another', async () => {
    const trace = async (seed: number): Promise<string[]> => {
      const { driver, clock } = await laggedDriver(seed);
      await driver.batchWrite(
        'events',
        [1, 2, 3, 4, 5].map((sk) => ({ put: grouped(sk, 1) })),
      );
      const shown: string[] = [];
      for (; clock.now <= 1_000; clock.now += 5) shown.push((await indexShows(driver)).join(','));
      return shown;
    };
    const first = await trace(42);
    expect(await trace(42)).toEqual(first);
    expect(await trace(43)).not.toEqual(first);
    expect(first[first.length - 1]).toBe('1,2,3,4,5');
  });
});

describe('MemoryKvDriver eventualReads', () => {
  it('serves consistent get, batchGet and query from the current state, always', async () => {
    const { driver } = await laggedDriver(5, true);
    for (let v = 1; v <= 30; v++) {
      await driver.batchWrite('events', [{ put: grouped(1, v) }]);
      expect((await driver.get('events', { pk: 'p', sk: 1 }, { consistent: true })).item?.v).toBe(v);
      expect((await driver.batchGet('events', [{ pk: 'p', sk: 1 }], { consistent: true })).items.map((item) => item.v)).toEqual([v]);
      expect((await driver.query('events', { partition: 'p', direction: 'asc', consistent: true })).items.map((item) => item.v)).toEqual([
        v,
      ]);
    }
  });

  it('may serve eventually consistent reads a state up to tailMs old, never older, and current after tailMs', async () => {
    const { driver, clock } = await laggedDriver(6, true);
    const writtenAt = new Map<number, number>();
    const stale: string[] = [];
    for (let v = 1; v <= 20; v++) {
      clock.now = v * 100;
      await driver.batchWrite('events', [{ put: grouped(1, v) }]);
      writtenAt.set(v, clock.now);
      const reads = [
        ['get', (await driver.get('events', { pk: 'p', sk: 1 })).item?.v],
        ['batchGet', (await driver.batchGet('events', [{ pk: 'p', sk: 1 }])).items[0]?.v],
        ['query', (await driver.query('events', { partition: 'p', direction: 'asc' })).items[0]?.v],
      ] as const;
      for (const [operation, seen] of reads) {
        if (seen === v) continue;
        stale.push(operation);
        // A stale read shows absence (before the first write) or a version current less than tailMs ago.
        const next = seen === undefined ? 1 : (seen as number) + 1;
        expect(clock.now - writtenAt.get(next)!).toBeLessThanOrEqual(1_000);
      }
    }
    expect(new Set(stale)).toEqual(new Set(['get', 'batchGet', 'query']));
    clock.now = 2_000 + 1_000;
    expect((await driver.get('events', { pk: 'p', sk: 1 })).item?.v).toBe(20);
    expect((await driver.query('events', { partition: 'p', direction: 'asc' })).items.map((item) => item.v)).toEqual([20]);
  });

  it('without eventualReads, reads without consistent see the current table even under index lag', async () => {
    const { driver } = await laggedDriver(7, false);
    for (let v = 1; v <= 10; v++) {
      await driver.batchWrite('events', [{ put: grouped(1, v) }]);
      expect((await driver.get('events', { pk: 'p', sk: 1 })).item?.v).toBe(v);
      expect((await driver.query('events', { partition: 'p', direction: 'asc' })).items.map((item) => item.v)).toEqual([v]);
    }
  });
});
