import { describe, expect, it } from 'vitest';
import { MemoryKvDriver } from '../../drivers/memory/index.js';
import { ErrorCodes } from '../errors/index.js';
import { EventStore } from '../event-store.js';
import { resolveOptions } from './index.js';

const kv = new MemoryKvDriver();

describe('options', () => {
  it.each([
    [{ offloadThresholdBytes: 10 }, 'offloadThresholdBytes'],
    [{ offloadThresholdBytes: 500_000 }, 'offloadThresholdBytes'],
    [{ bucketShards: 0 }, 'bucketShards'],
    [{ bucketShards: 65 }, 'bucketShards'],
    [{ tableNamePrefix: 'bad prefix!' }, 'tableNamePrefix'],
    [{ tableName: 'ab' }, 'tableName'],
    [{ retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    [{ retry: { baseDelayMs: 100, maxDelayMs: 10 } }, 'retry.maxDelayMs'],
    [{ tableNmePrefix: 'typo' }, 'tableNmePrefix: unknown option (did you mean tableNamePrefix?)'],
    [{ blobs: {} }, 'blobs'],
    [{ changeFeed: { shards: 0 } }, 'changeFeed'],
    [{ changeFeed: { shards: 64 } }, 'changeFeed'],
    [{ changeFeed: 'yes' }, 'changeFeed'],
    [{ changeFeed: { shards: 2, order: 'commit' } }, 'changeFeed'],
  ])('rejects %j naming %s', (bad, field) => {
    const error = (() => {
      try {
        resolveOptions({ kv, ...(bad as object) });
      } catch (caught) {
        return caught as { code: string; message: string; details: { issues: { path: string }[] } };
      }
      throw new Error('accepted');
    })();
    expect(error.code).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(error.message).toContain(field);
  });

  it('applies defaults: the existing table name, 350,000-byte threshold, one shard', () => {
    const resolved = resolveOptions({ kv, tableNamePrefix: 'test_' });
    expect(resolved.tableName).toBe('test_schemeless-event-store');
    expect(resolved.offloadThresholdBytes).toBe(350_000);
    expect(resolved.bucketShards).toBe(1);
    expect(resolved.retry).toEqual({ maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 2_000 });
  });

  it('changeFeed: off by default, true is 4 shards, { shards } as given, an empty object the default', () => {
    expect(resolveOptions({ kv }).changeFeed).toBeUndefined();
    expect(resolveOptions({ kv, changeFeed: false }).changeFeed).toBeUndefined();
    expect(resolveOptions({ kv, changeFeed: true }).changeFeed).toEqual({ shards: 4 });
    expect(resolveOptions({ kv, changeFeed: { shards: 63 } }).changeFeed).toEqual({ shards: 63 });
    expect(resolveOptions({ kv, changeFeed: {} }).changeFeed).toEqual({ shards: 4 });
  });

  it('never lets the threshold pass the driver item limit', () => {
    const small = new MemoryKvDriver({ capabilities: { maxItemBytes: 10_000 } });
    expect(resolveOptions({ kv: small }).offloadThresholdBytes).toBe(10_000);
  });

  it('requires a KV driver in the core', () => {
    expect(() => new EventStore({} as never)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS }));
  });
});
