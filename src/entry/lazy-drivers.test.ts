/**
 * The package root's lazy drivers stand in for the real ones exactly: the same capabilities, the same optional port
 * methods (the core checks their presence), one load for concurrent first calls, and `close` before any call loads
 * nothing yet still closes the driver a later call builds.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import { DynamoDbKvDriver } from '../../drivers/dynamodb/index.js';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { S3BlobDriver } from '../../drivers/s3/index.js';
import { ErrorCodes } from '../errors/index.js';
import { EventStoreRepo } from './event-store-repo.js';
import { lazyKvDriver } from './lazy-drivers.js';
import type { KvDriver } from '../ports/kv-driver.js';

const OPTIONAL = ['clientMaxAttempts', 'close'] as const;
const region = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };

describe('lazy drivers of EventStoreRepo', () => {
  it('drop-in: the DynamoDB and S3 stand-ins report the real drivers’ capabilities and optional methods', () => {
    const dynamodb = new DynamoDBClient(region);
    const s3 = new S3Client(region);
    const repo = new EventStoreRepo(dynamodb, s3, { s3BucketName: 'bucket' });
    const kv = new DynamoDbKvDriver(dynamodb);
    const blobs = new S3BlobDriver(s3, { bucket: 'bucket' });
    expect(repo.options.kv.capabilities).toBe(kv.capabilities);
    expect(repo.options.blobs!.capabilities).toBe(blobs.capabilities);
    for (const method of OPTIONAL) {
      expect(typeof repo.options.kv[method], `kv.${method}`).toBe(typeof kv[method as keyof DynamoDbKvDriver]);
      expect(typeof repo.options.blobs![method], `blobs.${method}`).toBe(typeof blobs[method as keyof S3BlobDriver]);
    }
  });

  it('default twin: the stand-ins report the twin’s capabilities and optional methods', () => {
    const repo = new EventStoreRepo();
    const kv = new MemoryKvDriver();
    const blobs = new MemoryBlobDriver();
    expect(repo.options.kv.capabilities).toEqual(kv.capabilities);
    expect(repo.options.blobs!.capabilities).toEqual(blobs.capabilities);
    for (const method of OPTIONAL) {
      expect(typeof repo.options.kv[method], `kv.${method}`).toBe(typeof kv[method as keyof MemoryKvDriver]);
      expect(typeof repo.options.blobs![method], `blobs.${method}`).toBe(typeof blobs[method as keyof MemoryBlobDriver]);
    }
  });

  it('drop-in: the drivers’ own option errors still throw from the constructor', () => {
    const dynamodb = new DynamoDBClient(region);
    expect(() => new EventStoreRepo(dynamodb, undefined, { tableWaitTimeoutMs: -1 })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS }),
    );
  });

  it('loads the real driver once for concurrent first calls, then forwards to it', async () => {
    const real = new MemoryKvDriver();
    const create = vi.fn(async () => real as KvDriver);
    const kv = lazyKvDriver(real.capabilities, create, { clientMaxAttempts: false, close: true });
    const schema = { name: 'tbl', partitionKey: { name: 'pk', type: 'S' as const }, indexes: [] };
    expect(await Promise.all([kv.ensureTable(schema), kv.ensureTable(schema)])).toEqual([{ created: true }, { created: false }]);
    await kv.transactWrite('tbl', [{ type: 'put', item: { pk: 'a', v: 1 } }]);
    expect((await real.get('tbl', { pk: 'a' })).item).toEqual({ pk: 'a', v: 1 });
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('close before any call loads nothing; a later call gets the closed driver’s error', async () => {
    const create = vi.fn(async () => new MemoryKvDriver() as KvDriver);
    const kv = lazyKvDriver(new MemoryKvDriver().capabilities, create, { clientMaxAttempts: false, close: true });
    await kv.close!();
    expect(create).not.toHaveBeenCalled();
    await expect(kv.get('t', { pk: 'a' })).rejects.toMatchObject({ code: ErrorCodes.CLOSED });
  });

  it('a failed load is retried by the next call', async () => {
    const create = vi.fn<() => Promise<KvDriver>>().mockRejectedValueOnce(new Error('cannot load')).mockResolvedValue(new MemoryKvDriver());
    const kv = lazyKvDriver(new MemoryKvDriver().capabilities, create, { clientMaxAttempts: false, close: true });
    await expect(kv.dropTable('t')).rejects.toThrow('cannot load');
    await expect(kv.dropTable('t')).resolves.toBeUndefined();
    expect(create).toHaveBeenCalledTimes(2);
  });
});
