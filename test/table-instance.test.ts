/** Table-instance scenarios of issue 16 (test/safety/instance-scenarios.ts) on the in-memory twin. */
import { MemoryKvDriver } from '../drivers/memory/index.js';
import { ForwardingKvDriver } from '../contract-tests/faulty/forwarding.js';
import type { EnsureTableResult, TableSchema } from '../src/ports/kv-driver.js';
import { memorySafetyBackend } from './safety/backends.js';
import { instanceScenarios } from './safety/instance-scenarios.js';

/** The shared twin as a store with `skipDynamoDBTableCreation` sees it: a missing table is not created. */
class NoCreateKvDriver extends ForwardingKvDriver {
  override async ensureTable(schema: TableSchema): Promise<EnsureTableResult> {
    await this.inner.get(schema.name, { pk: 'meta', sk: 0 }); // DRIVER/RESOURCE_NOT_FOUND when missing
    return { ...(await super.ensureTable(schema)), canCreate: false };
  }
}

instanceScenarios(() => {
  const backend = memorySafetyBackend();
  return { backend, neighbourKv: () => new MemoryKvDriver(), noCreateKv: () => new NoCreateKvDriver(backend.kv) };
});
