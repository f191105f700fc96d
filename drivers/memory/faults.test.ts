import { describe, expect, it } from 'vitest';
import { ErrorCodes, hasCode } from '../../src/errors/index.js';
import { FaultPlanner, Prng } from './faults.js';

describe('Prng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    const seqB = Array.from({ length: 20 }, () => b.next());
    const seqC = Array.from({ length: 20 }, () => c.next());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
    for (const value of seqA) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('samples distinct ascending indexes within range', () => {
    const prng = new Prng(7);
    for (let size = 1; size < 30; size++) {
      const count = prng.integer(1, size);
      const sample = prng.sample(size, count);
      expect(sample).toHaveLength(count);
      expect(new Set(sample).size).toBe(count);
      expect([...sample].sort((x, y) => x - y)).toEqual(sample);
      expect(sample.every((i) => i >= 0 && i < size)).toBe(true);
    }
  });
});

describe('FaultPlanner', () => {
  const applicable = { read: ['throttle', 'transient'], write: ['throttle', 'lostResponse'] } as const;

  it('plans the same faults for the same seed and call order', () => {
    const options = { seed: 9, throttleRate: 0.3, transientRate: 0.3, lostResponseRate: 0.3 };
    const run = () => {
      const planner = new FaultPlanner<'read' | 'write'>(options, applicable);
      return Array.from({ length: 50 }, (_, i) => planner.plan(i % 2 ? 'read' : 'write').fault?.kind ?? 'none');
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('never plans a kind the operation cannot suffer', () => {
    const planner = new FaultPlanner<'read' | 'write'>({ seed: 1, lostResponseRate: 1 }, applicable);
    for (let i = 0; i < 20; i++) expect(planner.plan('read').fault).toBeUndefined();
    expect(planner.plan('write').fault?.kind).toBe('lostResponse');
  });

  it('serves scripted faults first, once each, and refuses inapplicable ones', () => {
    const planner = new FaultPlanner<'read' | 'write'>(undefined, applicable);
    planner.inject('read', { kind: 'transient' });
    expect(planner.plan('read').fault?.kind).toBe('transient');
    expect(planner.plan('read').fault).toBeUndefined();
    let error: unknown;
    try {
      planner.inject('read', { kind: 'lostResponse' });
    } catch (caught) {
      error = caught;
    }
    expect(hasCode(error, ErrorCodes.INVALID_OPTIONS)).toBe(true);
  });

  it('draws latency within the configured bounds', () => {
    const planner = new FaultPlanner<'read' | 'write'>({ seed: 3, latencyMs: { min: 2, max: 5 } }, applicable);
    for (let i = 0; i < 50; i++) {
      const { delayMs } = planner.plan('read');
      expect(delayMs).toBeGreaterThanOrEqual(2);
      expect(delayMs).toBeLessThanOrEqual(5);
    }
  });
});
