/**
 * The KV contract suite against the in-memory twin: plain, with random unprocessed batch keys, with small limits, and
 * with lagging indexes and eventually consistent reads (the suite must read consistently where it needs current data).
 */
import { MemoryKvDriver } from '../../drivers/memory/index.js';
import { kvDriverContract } from '../kv/index.js';

kvDriverContract({
  name: 'memory twin',
  createDriver: async () => {
    const driver = new MemoryKvDriver();
    // A write applied, then reported THROTTLED with mayHaveLanded: the attempt-outcomes check applies.
    return {
      driver,
      indexSettleMs: 0,
      lostAttempts: (operation) => driver.injectFault(operation, { kind: 'lostResponse', reportAs: 'throttle' }),
    };
  },
});

kvDriverContract({
  name: 'memory twin with unprocessed batch keys',
  createDriver: async () => ({ driver: new MemoryKvDriver({ faults: { seed: 7, unprocessedRate: 0.4 } }), indexSettleMs: 0 }),
});

kvDriverContract({
  name: 'memory twin with small limits and no token idempotency',
  createDriver: async () => ({
    driver: new MemoryKvDriver({
      capabilities: {
        maxItemBytes: 2_000,
        maxTransactionActions: 7,
        maxTransactionBytes: 9_000,
        maxBatchGetKeys: 3,
        maxBatchWriteItems: 4,
        maxQueryPageBytes: 5_000,
        idempotentTransactions: false,
      },
    }),
    indexSettleMs: 0,
  }),
});

kvDriverContract({
  name: 'memory twin with index lag and eventual reads',
  createDriver: async () => ({
    driver: new MemoryKvDriver({ indexLag: { seed: 11, medianMs: 2, tailMs: 30, tailProbability: 0.2 }, eventualReads: true }),
    // Well above tailMs (30 ms): index reads are retried until the lag has passed.
    indexSettleMs: 300,
  }),
});
