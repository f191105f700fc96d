import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import type { FaultOptions } from './faults.js';
import { MemoryKvDriver } from './memory-kv-driver.js';
import { codeOf, errorOf, SIMPLE_TABLE } from './test-helpers.js';

describe('MemoryKvDriver scripted faults', () => {
  let driver: MemoryKvDriver;
  beforeEach(async () => {
    driver = new MemoryKvDriver();
    await driver.ensureTable(SIMPLE_TABLE);
  });

  it('throttle and transient throw before anything applies, once', async () => {
    driver.injectFault('transactWrite', { kind: 'throttle' });
    expect(await codeOf(driver.transactWrite('simple', [{ type: 'put', item: { pk: 'a' } }]))).toBe(ErrorCodes.THROTTLED);
    driver.injectFault('batchWrite', { kind: 'transient' });
    expect(await codeOf(driver.batchWrite('simple', [{ put: { pk: 'b' } }]))).toBe(ErrorCodes.TRANSIENT);
    expect((await driver.batchGet('simple', [{ pk: 'a' }, { pk: 'b' }])).items).toEqual([]);
    driver.injectFault('get', { kind: 'throttle' });
    expect(await codeOf(driver.get('simple', { pk: 'a' }))).toBe(ErrorCodes.THROTTLED);
    expect(await codeOf(driver.get('simple', { pk: 'a' }))).toBe('resolved');
    driver.injectFault('query', { kind: 'transient' });
    expect(await codeOf(driver.query('simple', { partition: 'a', direction: 'asc' }))).toBe(ErrorCodes.TRANSIENT);
    expect(driver.faultCounts()).toMatchObject({ throttle: 2, transient: 2 });
  });

  it('a throttled error is retryable and marked injected', async () => {
    driver.injectFault('get', { kind: 'throttle' });
    const error = await errorOf(driver.get('simple', { pk: 'a' }));
    expect(error.retryable).toBe(true);
    expect(error.details.injected).toBe(true);
  });

  it('conflict cancels the transaction with a conflict reason on one action and none on the others', async () => {
    driver.injectFault('transactWrite', { kind: 'conflict', actionIndex: 1 });
    const result = await driver.transactWrite('simple', [
      { type: 'put', item: { pk: 'a' } },
      { type: 'put', item: { pk: 'b' } },
    ]);
    expect(result).toEqual({ committed: false, reasons: [{ kind: 'none' }, { kind: 'conflict' }], consumed: { read: 0, write: 0 } });
    expect((await driver.get('simple', { pk: 'a' })).item).toBeUndefined();
    expect(driver.faultCounts().conflict).toBe(1);
  });

  it('unprocessed batch-get returns the last `count` keys unprocessed and reads the rest', async () => {
    await driver.batchWrite('simple', [{ put: { pk: 'a' } }, { put: { pk: 'b' } }, { put: { pk: 'c' } }]);
    driver.injectFault('batchGet', { kind: 'unprocessed', count: 2 });
    const result = await driver.batchGet('simple', [{ pk: 'a' }, { pk: 'b' }, { pk: 'c' }]);
    expect(result.items).toEqual([{ pk: 'a' }]);
    expect(result.unprocessedKeys).toEqual([{ pk: 'b' }, { pk: 'c' }]);
  });

  it('unprocessed batch-write returns requests not applied', async () => {
    driver.injectFault('batchWrite', { kind: 'unprocessed' });
    const result = await driver.batchWrite('simple', [{ put: { pk: 'a' } }, { put: { pk: 'b', v: 1 } }]);
    expect(result.unprocessed).toEqual([{ put: { pk: 'b', v: 1 } }]);
    expect((await driver.get('simple', { pk: 'a' })).item).toEqual({ pk: 'a' });
    expect((await driver.get('simple', { pk: 'b' })).item).toBeUndefined();
  });

  it('lostResponse applies the write, then throws TRANSIENT; a token replay then commits without reapplying', async () => {
    driver.injectFault('transactWrite', { kind: 'lostResponse' });
    const actions = [{ type: 'put' as const, item: { pk: 'a' }, condition: { kind: 'notExists' as const } }];
    const error = await errorOf(driver.transactWrite('simple', actions, { token: 'tok' }));
    expect(error.code).toBe(ErrorCodes.TRANSIENT);
    expect((await driver.get('simple', { pk: 'a' })).item).toEqual({ pk: 'a' });
    expect((await driver.transactWrite('simple', actions, { token: 'tok' })).committed).toBe(true);
    driver.injectFault('batchWrite', { kind: 'lostResponse' });
    expect(await codeOf(driver.batchWrite('simple', [{ put: { pk: 'z' } }]))).toBe(ErrorCodes.TRANSIENT);
    expect((await driver.get('simple', { pk: 'z' })).item).toEqual({ pk: 'z' });
    expect(driver.faultCounts().lostResponse).toBe(2);
  });

  it('lostResponse reported as a throttle (an SDK call whose retries were throttled): applied, THROTTLED, mayHaveLanded', async () => {
    driver.injectFault('transactWrite', { kind: 'lostResponse', reportAs: 'throttle' });
    const error = await errorOf(driver.transactWrite('simple', [{ type: 'put', item: { pk: 'lt' } }]));
    expect(error.code).toBe(ErrorCodes.THROTTLED);
    expect(error.details).toMatchObject({ applied: true, mayHaveLanded: true });
    expect((await driver.get('simple', { pk: 'lt' })).item).toEqual({ pk: 'lt' });
    driver.injectFault('batchWrite', { kind: 'lostResponse' });
    const transient = await errorOf(driver.batchWrite('simple', [{ put: { pk: 'lb' } }]));
    expect(transient.code).toBe(ErrorCodes.TRANSIENT);
    expect(transient.details.mayHaveLanded).toBe(true);
  });

  it('refuses faults an operation cannot suffer', async () => {
    expect(await codeOf(() => driver.injectFault('get', { kind: 'conflict' }))).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(await codeOf(() => driver.injectFault('query', { kind: 'unprocessed' }))).toBe(ErrorCodes.INVALID_OPTIONS);
  });
});

/** Run a fixed workload and record every outcome. */
async function workload(faults: FaultOptions): Promise<string[]> {
  const driver = new MemoryKvDriver({ faults });
  await driver.ensureTable(SIMPLE_TABLE);
  const outcomes: string[] = [];
  for (let i = 0; i < 60; i++) {
    try {
      if (i % 3 === 0) {
        const result = await driver.transactWrite('simple', [
          { type: 'put', item: { pk: `k${i}` } },
          { type: 'put', item: { pk: `j${i}` } },
        ]);
        outcomes.push(result.committed ? 'committed' : JSON.stringify(result.reasons));
      } else if (i % 3 === 1) {
        const result = await driver.batchWrite(
          'simple',
          [1, 2, 3, 4].map((n) => ({ put: { pk: `b${i}-${n}` } })),
        );
        outcomes.push(`unprocessed:${result.unprocessed.map((r) => ('put' in r ? r.put.pk : '')).join(',')}`);
      } else {
        const result = await driver.batchGet(
          'simple',
          [1, 2, 3].map((n) => ({ pk: `b${i - 1}-${n}` })),
        );
        outcomes.push(`items:${result.items.length}/unprocessed:${result.unprocessedKeys.length}`);
      }
    } catch (error) {
      outcomes.push(`error:${(error as { code: string }).code}`);
    }
  }
  outcomes.push(JSON.stringify(driver.faultCounts()));
  return outcomes;
}

describe('MemoryKvDriver random faults', () => {
  const faults: FaultOptions = {
    seed: 1234,
    throttleRate: 0.1,
    transientRate: 0.1,
    conflictRate: 0.2,
    unprocessedRate: 0.3,
    lostResponseRate: 0.1,
  };

  it('are deterministic from the seed', async () => {
    const first = await workload(faults);
    expect(await workload(faults)).toEqual(first);
    expect(await workload({ ...faults, seed: 99 })).not.toEqual(first);
  });

  it('inject every kind at these rates', async () => {
    const outcomes = await workload(faults);
    const counts = JSON.parse(outcomes[outcomes.length - 1]!) as Record<string, number>;
    for (const kind of ['throttle', 'transient', 'conflict', 'unprocessed', 'lostResponse']) {
      expect(counts[kind]).toBeGreaterThan(0);
    }
    expect(outcomes).toContain('unprocessed:');
  });

  it('lostResponseThrottledShare reports that share of random lost responses as THROTTLED, all with mayHaveLanded', async () => {
    const driver = new MemoryKvDriver({ faults: { seed: 5, lostResponseRate: 1, lostResponseThrottledShare: 0.5 } });
    await driver.ensureTable(SIMPLE_TABLE);
    const codes: string[] = [];
    for (let index = 0; index < 40; index++) {
      const error = await errorOf(driver.transactWrite('simple', [{ type: 'put', item: { pk: `r${index}` } }]));
      expect(error.details.mayHaveLanded).toBe(true);
      codes.push(error.code);
    }
    expect(new Set(codes)).toEqual(new Set([ErrorCodes.THROTTLED, ErrorCodes.TRANSIENT]));
    expect((await driver.batchGet('simple', [{ pk: 'r0' }, { pk: 'r39' }])).items).toHaveLength(2);
  });

  it('an unprocessed fault leaves a non-empty subset unprocessed and applies exactly the rest', async () => {
    const driver = new MemoryKvDriver({ faults: { seed: 77, unprocessedRate: 1 } });
    await driver.ensureTable(SIMPLE_TABLE);
    const sizes = new Set<number>();
    for (let round = 0; round < 30; round++) {
      const requests = [1, 2, 3, 4, 5].map((n) => ({ put: { pk: `r${round}-${n}` } }));
      const { unprocessed } = await driver.batchWrite('simple', requests);
      expect(unprocessed.length).toBeGreaterThanOrEqual(1);
      expect(unprocessed.length).toBeLessThanOrEqual(5);
      sizes.add(unprocessed.length);
      const left = new Set(unprocessed.map((r) => ('put' in r ? r.put.pk : '')));
      for (const request of requests) {
        const { item } = await driver.get('simple', { pk: request.put.pk });
        expect(item === undefined).toBe(left.has(request.put.pk));
      }
    }
    expect(sizes.size).toBeGreaterThan(1);
  });

  it('with latency, concurrent conditional writes stay atomic: exactly one creator wins', async () => {
    const driver = new MemoryKvDriver({ faults: { seed: 5, latencyMs: { min: 0, max: 5 } } });
    await driver.ensureTable(SIMPLE_TABLE);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        driver.transactWrite('simple', [{ type: 'put', item: { pk: 'lock', owner: i }, condition: { kind: 'notExists' } }]),
      ),
    );
    expect(results.filter((r) => r.committed)).toHaveLength(1);
    const failed = results.filter((r) => !r.committed);
    const owner = (await driver.get('simple', { pk: 'lock' })).item!.owner;
    for (const result of failed) {
      if (result.committed) continue;
      expect(result.reasons[0]).toEqual({ kind: 'conditionFailed', item: { pk: 'lock', owner } });
    }
  });
});
