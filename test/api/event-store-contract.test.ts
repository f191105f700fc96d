import { eventStoreContract } from '../../contract-tests/event-store/index.js';
import { localKeyProvider } from '../../src/index.js';
import { memoryBackend } from '../helpers/backends.js';

eventStoreContract({ name: 'in-memory twin', createDrivers: async () => memoryBackend() });
eventStoreContract({ name: 'in-memory twin without blob store', createDrivers: async () => ({ kv: memoryBackend().kv }) });

/**
 * The same suite on a twin that lags the way AWS does: each write reaches the global-order index after its own
 * seeded, long-tailed delay (out of order, at most `tailMs`), and non-consistent reads may be up to `tailMs` old.
 * Replays wait for the index to settle (a bounded wait, `indexSettleMs`); consistent reads are asserted at once.
 */
let lagSeed = 0;
const LAG = { medianMs: 3, tailMs: 60, tailProbability: 0.1 } as const;
eventStoreContract({
  name: 'in-memory twin with lagging indexes and eventually consistent reads',
  createDrivers: async () => ({
    ...memoryBackend({ indexLag: { seed: ++lagSeed, ...LAG }, eventualReads: true }),
    indexSettleMs: LAG.tailMs + 5,
  }),
});

/**
 * The same suite with the payload codecs on (docs/codecs.md): every payload and meta compressed (minBytes 0) and
 * encrypted, snapshots too. The contract holds whatever the pipeline does to what is stored.
 */
eventStoreContract({
  name: 'in-memory twin with codecs on (compression from 0 bytes + encryption)',
  createDrivers: async () => ({
    ...memoryBackend(),
    storeOptions: { compression: { minBytes: 0 }, encryption: { keys: localKeyProvider(new Uint8Array(32).fill(3)) } },
  }),
});
