/**
 * Defect 4 (issue 16): an SDK-internal retry hides a committed write. The first attempt of a TransactWriteItems
 * commits and its answer is lost; the SDK retries on its own and its later attempts are throttled, so the call's
 * error is a throttle. A write is a refusal only when NO attempt may have landed: `storeEvents` and `saveSnapshot`
 * must end in success (their check after an ambiguous write finds their own write) or `STORE/OUTCOME_UNKNOWN`,
 * never `RETRY/EXHAUSTED` with a committed event (whose blob was deleted), and an identical retry succeeds.
 *
 * Here on the twin: the outcome scripted on the memory driver (a lost response reported as throttled, with
 * `mayHaveLanded`). On DynamoDB Local + the S3 server with the SDK's own retries: sdk-retry-outcome.real.test.ts.
 */
import { describe, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { EventStore } from '../../src/event-store.js';
import {
  bigEvent,
  bigSnapshot,
  expectEventWhole,
  expectSnapshotWhole,
  expectSuccessOrUnknown,
  noSleep,
  outcome,
  STORE_ATTEMPTS,
  THRESHOLD,
} from './sdk-retry-outcome.js';

describe('defect 4 on the twin: a committed write reported as throttled (mayHaveLanded)', () => {
  function open(): { kv: MemoryKvDriver; blobs: MemoryBlobDriver; store: EventStore } {
    const kv = new MemoryKvDriver();
    const blobs = new MemoryBlobDriver();
    const store = new EventStore(
      { kv, blobs, offloadThresholdBytes: THRESHOLD, retry: { maxAttempts: STORE_ATTEMPTS } },
      { sleep: noSleep },
    );
    return { kv, blobs, store };
  }
  const lostThenThrottled = (kv: MemoryKvDriver) => {
    kv.injectFault('transactWrite', { kind: 'lostResponse', reportAs: 'throttle' });
    for (let attempt = 1; attempt < STORE_ATTEMPTS; attempt++) kv.injectFault('transactWrite', { kind: 'throttle' });
  };

  it('storeEvents: success or OUTCOME_UNKNOWN, the event whole, an identical retry succeeds', async () => {
    const { kv, store } = open();
    await store.init();
    const event = bigEvent('twin');
    lostThenThrottled(kv);
    expectSuccessOrUnknown(await outcome(store.storeEvents([event])));
    await expectEventWhole(store, event);
  });

  it('saveSnapshot (offloaded state): success or OUTCOME_UNKNOWN, the snapshot readable, an identical save succeeds', async () => {
    const { kv, store } = open();
    await store.init();
    const snapshot = bigSnapshot('twin-snap');
    lostThenThrottled(kv);
    expectSuccessOrUnknown(await outcome(store.saveSnapshot(snapshot)));
    await expectSnapshotWhole(store, snapshot);
  });
});
