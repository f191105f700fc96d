/** The KV contract suite against the in-memory twin: plain, with random unprocessed batch keys, and with small limits. */
import { MemoryKvDriver } from '../../drivers/memory/index.js';
import { kvDriverContract } from '../kv/index.js';

kvDriverContract({ name: 'memory twin', createDriver: async () => ({ driver: new MemoryKvDriver(), indexSettleMs: 0 }) });

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
