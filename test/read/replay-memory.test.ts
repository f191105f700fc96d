/**
 * Replay memory is bounded by the fetch size, not the store size: live heap growth for 10x the events stays within
 * 1.5x. Counts of 10,000 and 100,000: both past the one-time floor a replay's first pages reach (see the probe).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('replay memory', () => {
  it('live heap growth replaying 100,000 events is within 1.5x of that for 10,000', () => {
    const output = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'test/read/replay-memory.probe.ts', '10000', '100000'],
      {
        encoding: 'utf8',
      },
    );
    const growth = JSON.parse(output.trim().split('\n').pop()!) as Record<string, number>;
    const small = Math.max(growth['10000']!, 256 * 1024);
    console.info(
      `[replay-memory] live heap growth: 10,000 events ${(growth['10000']! / 2 ** 20).toFixed(2)} MB, 100,000 events ${(growth['100000']! / 2 ** 20).toFixed(2)} MB`,
    );
    expect(growth['100000']! / small).toBeLessThan(1.5);
  }, 180_000);
});
