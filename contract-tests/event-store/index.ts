/**
 * The event-store contract suite: runs the core `EventStore` on any KV (+ blob) driver pair.
 *
 * ```ts
 * import { eventStoreContract } from 'event-store-adapter-dynamodb/contract-tests';
 * eventStoreContract({ name: 'my drivers', createDrivers: async () => ({ kv: new MyKv(), blobs: new MyBlobs() }) });
 * ```
 */
import { defineContract, type PropertyOptions } from '../harness.js';
import { changeFeedCheck } from './checks/change-feed.js';
import { lostResponseCheck } from './checks/lost-responses.js';
import { eventStoreModelCheck } from './checks/model-based.js';
import { blobStoreRequiredCheck, offloadBoundaryCheck, offloadRoundTripCheck, transactionBudgetCheck } from './checks/offload.js';
import { exactFieldsCheck, keyEncodingCheck, lifecycleCheck, snapshotCheck, snapshotHistoryCheck } from './checks/reads.js';
import { replayCodePointOrderCheck, replayEdgesCheck, replayOrderCheck } from './checks/replay.js';
import { instanceScopeCheck } from './checks/scope.js';
import { v6ContractCheck } from './checks/v6.js';
import { atomicBatchCheck, concurrentWritersCheck, largeBatchCheck, storedBatchIdentityCheck } from './checks/writes.js';
import type { EventStoreCapabilities, EventStoreCheck, EventStoreFactory, EventStoreFixture } from './fixture.js';

export type { EventStoreCapabilities, EventStoreCheck, EventStoreFactory, EventStoreFixture } from './fixture.js';
export { replayAll, withFixture, withStore, globalOrder, ensureSameEvents } from './fixture.js';

/** Every event-store check, in registration order. Each can also be run alone: `await check.run(factory)`. */
export const eventStoreChecks: readonly EventStoreCheck[] = [
  eventStoreModelCheck,
  replayOrderCheck,
  replayEdgesCheck,
  replayCodePointOrderCheck,
  atomicBatchCheck,
  storedBatchIdentityCheck,
  lostResponseCheck,
  concurrentWritersCheck,
  largeBatchCheck,
  offloadRoundTripCheck,
  offloadBoundaryCheck,
  transactionBudgetCheck,
  blobStoreRequiredCheck,
  instanceScopeCheck,
  exactFieldsCheck,
  keyEncodingCheck,
  snapshotCheck,
  snapshotHistoryCheck,
  lifecycleCheck,
  v6ContractCheck,
  changeFeedCheck,
];

/** Options of {@link eventStoreContract}; `numRuns`, `seed`, `path` and `shrink` parameterise every property. */
export interface EventStoreContractOptions extends PropertyOptions {
  /** Shown in the `describe` title. */
  readonly name: string;
  /** Returns FRESH drivers per check (each check creates its own tables and blob prefixes, and cleans up). */
  readonly createDrivers: EventStoreFactory;
  /** The checks to register (default: {@link eventStoreChecks}). */
  readonly checks?: readonly EventStoreCheck[];
  /** Per-test timeout in milliseconds (default 120 s). */
  readonly timeoutMs?: number;
}

/**
 * Register the event-store suite: the core `EventStore` on the driver pair, under
 * `describe('event-store contract: <name>')`. Checks needing a blob store are registered only when the fixture has one.
 */
export function eventStoreContract(options: EventStoreContractOptions): void {
  const { name, createDrivers, checks = eventStoreChecks, timeoutMs, ...property } = options;
  defineContract<EventStoreFixture, EventStoreCapabilities>({
    title: `event-store contract: ${name}`,
    checks,
    createFixture: createDrivers,
    capabilitiesOf: (fixture) => ({ ...fixture.kv.capabilities, hasBlobStore: fixture.blobs !== undefined }),
    options: property,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}
