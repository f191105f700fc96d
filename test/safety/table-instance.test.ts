/** Table-instance scenarios of issue 16 (test/safety/instance-scenarios.ts) on the in-memory twin. */
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { ForwardingBlobDriver, ForwardingKvDriver } from '../../contract-tests/faulty/forwarding.js';
import type { BlobDriver } from '../../src/ports/blob-driver.js';
import type { EnsureTableResult, TableSchema } from '../../src/ports/kv-driver.js';
import { memorySafetyBackend } from './backends.js';
import { instanceScenarios } from './instance-scenarios.js';

/** The shared twin as a store with `skipDynamoDBTableCreation` sees it: a missing table is not created. */
class NoCreateKvDriver extends ForwardingKvDriver {
  override async ensureTable(schema: TableSchema): Promise<EnsureTableResult> {
    await this.inner.get(schema.name, { pk: 'meta', sk: 0 }); // DRIVER/RESOURCE_NOT_FOUND when missing
    return { ...(await super.ensureTable(schema)), canCreate: false };
  }
}

/** A twin blob store that says where its keys resolve, as S3's driver does (`s3://<bucket>/<keyPrefix>`). */
class LocatedBlobDriver extends ForwardingBlobDriver {
  constructor(
    inner: BlobDriver,
    readonly location: string,
  ) {
    super(inner);
  }
}

instanceScenarios(() => {
  const backend = memorySafetyBackend();
  const places = new Map<string, BlobDriver>();
  const blobsAt = (keyPrefix: string): BlobDriver => {
    if (!places.has(keyPrefix)) places.set(keyPrefix, new LocatedBlobDriver(new MemoryBlobDriver(), `memory://${keyPrefix}`));
    return places.get(keyPrefix)!;
  };
  return { backend, neighbourKv: () => new MemoryKvDriver(), noCreateKv: () => new NoCreateKvDriver(backend.kv), blobsAt };
});
