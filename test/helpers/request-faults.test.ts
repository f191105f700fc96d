/** The request fault injector's seeded plan (request-faults.md): no server needed. */
import { describe, expect, it } from 'vitest';
import { seededPlan, type RequestInfo } from './request-faults.js';

describe('seededPlan', () => {
  const request = (operation: string): RequestInfo => ({ service: 'dynamodb', operation, method: 'POST', path: '/' });
  const kinds = (seed: number) => {
    const plan = seededPlan(seed, { commitThenLose: 0.2, throttle: 0.2, reset: 0.1, delay: 0.2 }, { operation: 'TransactWriteItems' });
    return Array.from(
      { length: 200 },
      (_, index) => plan.decide(request(index % 2 === 0 ? 'TransactWriteItems' : 'GetItem'))?.kind ?? 'none',
    );
  };

  it('is reproducible per seed, touches only matching requests, and draws every configured kind', () => {
    const first = kinds(7);
    expect(kinds(7)).toEqual(first);
    expect(kinds(8)).not.toEqual(first);
    expect(first.filter((_, index) => index % 2 === 1).every((kind) => kind === 'none')).toBe(true);
    expect(new Set(first)).toEqual(new Set(['none', 'commitThenLose', 'throttle', 'reset', 'delay']));
  });
});
