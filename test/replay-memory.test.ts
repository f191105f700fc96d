/** Replay memory is bounded by the fetch size, not the store size: live heap growth for 10x the events stays within 1.5x. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('replay memory', () => {
  it('live heap growth replaying 50,000 events is within 1.5x of that for 5,000', () => {
    const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/replay-memory.probe.ts', '5000', '50000'], { encoding: 'utf8' });
    const growth = JSON.parse(output.trim().split('\n').pop()!) as Record<string, number>;
    const small = Math.max(growth['5000']!, 256 * 1024);
    console.info(`[replay-memory] live heap growth: 5,000 events ${(growth['5000']! / 2 ** 20).toFixed(2)} MB, 50,000 events ${(growth['50000']! / 2 ** 20).toFixed(2)} MB`);
    expect(growth['50000']! / small).toBeLessThan(1.5);
  }, 120_000);
});
