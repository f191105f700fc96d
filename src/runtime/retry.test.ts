import { describe, expect, it } from 'vitest';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { mayHaveLanded } from './outcome.js';
import { CallBudget, UNBOUNDED } from './call-budget.js';
import {
  backOff,
  backoffDelay,
  CONTENTION_MAX_DOUBLINGS,
  contentionDelay,
  PERSISTENT_MAX_DOUBLINGS,
  persistentDelay,
  retried,
  untilProcessed,
  withRetry,
} from './retry.js';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 };
const noSleep = async () => {};

describe('retry policy', () => {
  it('retries retryable driver errors and returns the first success', async () => {
    let calls = 0;
    const result = await withRetry(
      policy,
      async () => {
        calls += 1;
        if (calls < 3) throw new EventStoreAdapterError(ErrorCodes.THROTTLED, 'slow down');
        return 'ok';
      },
      noSleep,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('fails at once, with the original error, on a non-retryable error', async () => {
    const original = new EventStoreAdapterError(ErrorCodes.VALIDATION, 'bad', { cause: new Error('root') });
    let calls = 0;
    await expect(
      withRetry(
        policy,
        async () => {
          calls += 1;
          throw original;
        },
        noSleep,
      ),
    ).rejects.toBe(original);
    expect(calls).toBe(1);
    const plain = new TypeError('bug');
    await expect(
      withRetry(
        policy,
        async () => {
          throw plain;
        },
        noSleep,
      ),
    ).rejects.toBe(plain);
  });

  it('gives up after maxAttempts with RETRY/EXHAUSTED carrying the last error', async () => {
    const last = new EventStoreAdapterError(ErrorCodes.TRANSIENT, 'reset');
    const error = await withRetry(
      policy,
      async () => {
        throw last;
      },
      noSleep,
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: ErrorCodes.RETRIES_EXHAUSTED,
      cause: last,
      details: { attempts: 4, lastCode: ErrorCodes.TRANSIENT },
    });
  });

  it('RETRY/EXHAUSTED reports mayHaveLanded when ANY attempt did, not only the last (defect 4 one level up)', async () => {
    let calls = 0;
    const error = await withRetry(
      policy,
      async () => {
        calls += 1;
        throw new EventStoreAdapterError(ErrorCodes.THROTTLED, 'throttled', calls === 1 ? { details: { mayHaveLanded: true } } : {});
      },
      noSleep,
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCodes.RETRIES_EXHAUSTED, details: { lastCode: ErrorCodes.THROTTLED, mayHaveLanded: true } });
    expect(mayHaveLanded(error)).toBe(true);
    const refused = await withRetry(
      policy,
      async () => {
        throw new EventStoreAdapterError(ErrorCodes.THROTTLED, 'throttled');
      },
      noSleep,
    ).catch((caught: unknown) => caught);
    expect(mayHaveLanded(refused)).toBe(false);
  });

  it('contention waits: an informed first re-try is immediate, then full jitter doubling at most CONTENTION_MAX_DOUBLINGS times', () => {
    const contention = { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 2_000 };
    const top = () => 0.999;
    expect(contentionDelay(contention, 1, true, top)).toBe(0);
    expect(contentionDelay(contention, 2, true, top)).toBe(19);
    expect(contentionDelay(contention, 3, true, top)).toBe(39);
    expect(contentionDelay(contention, 1, false, top)).toBe(19);
    expect(contentionDelay(contention, 2, false, top)).toBe(39);
    // However many losses, a wait stays under base * 2^CONTENTION_MAX_DOUBLINGS (320 ms), far below the 2 s fault cap.
    expect(CONTENTION_MAX_DOUBLINGS).toBe(4);
    expect(contentionDelay(contention, 50, true, top)).toBe(319);
    expect(contentionDelay(contention, 50, false, top)).toBe(319);
    expect(contentionDelay({ ...contention, maxDelayMs: 100 }, 50, false, top)).toBe(99);
  });

  it('waits with full jitter, capped', () => {
    expect(backoffDelay(policy, 0, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 1, () => 0.5)).toBe(100);
    expect(backoffDelay(policy, 10, () => 0.999)).toBe(249);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });
});

describe('the retry loops of the retry module', () => {
  const waits: number[] = [];
  const recordSleep = async (ms: number) => {
    waits.push(ms);
  };

  it('retried: reads the policy in force at each call (the box init fills), under the scope budget', async () => {
    const box = { policy: { ...policy, maxAttempts: 1 } };
    const scope = { retry: box, sleep: noSleep, budget: UNBOUNDED };
    const throttled = () => Promise.reject(new EventStoreAdapterError(ErrorCodes.THROTTLED, 'slow down'));
    await expect(retried(scope, 'get', throttled)).rejects.toMatchObject({ code: ErrorCodes.RETRIES_EXHAUSTED, details: { attempts: 1 } });
    box.policy = { ...policy, maxAttempts: 3 };
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls < 3) throw new EventStoreAdapterError(ErrorCodes.TRANSIENT, 'reset');
      return 'ok';
    };
    await expect(retried(scope, 'get', flaky)).resolves.toBe('ok');
    expect(calls).toBe(3);
    const spent = { retry: box, sleep: noSleep, budget: new CallBudget(0, [], () => 1) };
    await expect(retried(spent, 'get', flaky)).rejects.toMatchObject({ code: ErrorCodes.DEADLINE_EXCEEDED });
  });

  it('untilProcessed: re-sends what is left, waiting the backoff before each later round, until none is left', async () => {
    waits.length = 0;
    const sent: number[][] = [];
    await untilProcessed(policy, { sleep: recordSleep }, 'batch-get', [1, 2, 3], async (batch) => {
      sent.push([...batch]);
      return batch.slice(1);
    });
    expect(sent).toEqual([[1, 2, 3], [2, 3], [3]]);
    expect(waits).toHaveLength(2); // no wait before the first round
    for (const wait of waits) expect(wait).toBeLessThan(policy.maxDelayMs);
  });

  it('untilProcessed: RETRY/UNPROCESSED_LEFT naming what is left after maxAttempts rounds, never dropped', async () => {
    let rounds = 0;
    const error = await untilProcessed(policy, { sleep: noSleep }, 'batch-write', ['a', 'b'], async (batch) => {
      rounds += 1;
      return batch.slice(0, 1);
    }).catch((caught: unknown) => caught);
    expect(rounds).toBe(policy.maxAttempts);
    expect(error).toMatchObject({ code: ErrorCodes.UNPROCESSED_LEFT, details: { unprocessed: ['a'] } });
    expect((error as Error).message).toContain('batch-write');
  });

  it('persistent waits double at most PERSISTENT_MAX_DOUBLINGS times, capped by maxDelayMs; a zero base never waits', async () => {
    const slow = { retry: { policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1_000_000 } } };
    const top = () => 0.999;
    expect(PERSISTENT_MAX_DOUBLINGS).toBe(10);
    expect(persistentDelay(slow, 3, top)).toBe(7);
    expect(persistentDelay(slow, 10, top)).toBe(1022);
    expect(persistentDelay(slow, 5_000, top)).toBe(1022);
    expect(persistentDelay({ retry: { policy: { ...slow.retry.policy, baseDelayMs: 0 } } }, 5_000, top)).toBe(0);
    expect(persistentDelay({ retry: { policy } }, 5_000, top)).toBe(249);
    waits.length = 0;
    await backOff({ retry: { policy }, sleep: recordSleep, budget: UNBOUNDED }, 0, 'resetConsumer');
    expect(waits.length).toBeLessThanOrEqual(1);
    await expect(
      backOff({ retry: { policy }, sleep: recordSleep, budget: new CallBudget(0, [], () => 1) }, 0, 'resetConsumer'),
    ).rejects.toMatchObject({
      code: ErrorCodes.DEADLINE_EXCEEDED,
    });
  });
});
