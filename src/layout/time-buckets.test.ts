import { afterEach, describe, expect, it } from 'vitest';
import { bucketLabel, bucketOf, bucketOfIso, shardOf } from './time-buckets.js';

const originalTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = originalTz;
});

describe('time buckets', () => {
  const instants = [
    Date.UTC(1970, 0, 1),
    Date.UTC(2024, 2, 31, 0, 30),
    Date.UTC(2024, 9, 27, 0, 30),
    Date.UTC(2024, 11, 31, 23, 59, 59, 999),
    Date.UTC(2999, 11, 31, 23, 59),
  ];

  it('maps an instant to the same UTC month under any TZ (upstream defect 15)', () => {
    const expected = ['1970-01', '2024-03', '2024-10', '2024-12', '2999-12'];
    for (const tz of ['UTC', 'Europe/Berlin', 'Europe/London', 'America/Los_Angeles', 'Pacific/Kiritimati']) {
      process.env.TZ = tz;
      expect(
        instants.map((ms) => bucketLabel(bucketOf(new Date(ms)))),
        tz,
      ).toEqual(expected);
      expect(
        instants.map((ms) => bucketOfIso(new Date(ms).toISOString())),
        tz,
      ).toEqual(instants.map((ms) => bucketOf(new Date(ms))));
    }
  });

  it('numbers buckets from 0 (1970-01) to 12,359 (2999-12)', () => {
    expect(bucketOf(new Date(Date.UTC(1970, 0, 1)))).toBe(0);
    expect(bucketOf(new Date(Date.UTC(2999, 11, 31)))).toBe(12_359);
  });

  it('spreads ids over shards deterministically', () => {
    const counts = [0, 0, 0, 0];
    for (let index = 0; index < 4000; index++) counts[shardOf(`01J${index}`, 4)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(shardOf('same', 4)).toBe(shardOf('same', 4));
    expect(shardOf('anything', 1)).toBe(0);
  });
});
