/**
 * The event-store contract suite: runs the core `EventStore` on any KV (+ blob) driver pair.
 *
 * ```ts
 * import { eventStoreContract } from 'event-store-adapter-dynamodb/contract-tests';
 * eventStoreContract({ name: 'my drivers', createDrivers: async () => ({ kv: new MyKv(), blobs: new MyBlobs() }) });
 * ```
 */
import { defineContract, type PropertyOptions } from '../harness.js';
import { eventStoreModelCheck } from './checks/model-based.js';
import { blobStoreRequiredCheck, offloadRoundTripCheck, transactionBudgetCheck } from './checks/offload.js';
import { exactFieldsCheck, keyEncodingCheck, lifecycleCheck, snapshotCheck } from './checks/reads.js';
import { replayEdgesCheck, replayOrderCheck } from './checks/replay.js';
import { v6ContractCheck } from './checks/v6.js';
import { atomicBatchCheck, concurrentWritersCheck, largeBatchCheck } from './checks/writes.js';
import type { EventStoreCapabilities, EventStoreCheck, EventStoreFactory, EventStoreFixture } from './fixture.js';

export type { EventStoreCapabilities, EventStoreCheck, EventStoreFactory, EventStoreFixture } from './fixture.js';
export { replayAll, withFixture, withStore, globalOrder, ensureSameEvents } from './fixture.js';

/** Every event-store check, in registration order. Each can also be run alone: `await check.run(factory)`. */
export const eventStoreChecks: readonly EventStoreCheck[] = [
  eventStoreModelCheck,
  replayOrderCheck,
  replayEdgesCheck,
  atomicBatchCheck,
  concurrentWritersCheck,
  largeBatchCheck,
  offloadRoundTripCheck,
  transactionBudgetCheck,
  blobStoreRequiredCheck,
  exactFieldsCheck,
  keyEncodingCheck,
  snapshotCheck,
  lifecycleCheck,
  v6ContractCheck,
];

/** Register the event-store suite for a driver pair. `createDrivers` must return FRESH drivers (tables are created per check). */
export function eventStoreContract(options: { name: string; createDrivers: EventStoreFactory; property?: PropertyOptions; timeoutMs?: number }): void {
  defineContract<EventStoreFixture, EventStoreCapabilities>({
    title: `event-store contract: ${options.name}`,
    checks: eventStoreChecks,
    createFixture: options.createDrivers,
    capabilitiesOf: (fixture) => ({ ...fixture.kv.capabilities, hasBlobStore: fixture.blobs !== undefined }),
    options: options.property,
    timeoutMs: options.timeoutMs,
  });
}
