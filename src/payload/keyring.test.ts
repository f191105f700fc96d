/** Key creation under the faults of a shared table: cancelled and lost-answer puts of the table key and a stream key. */
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { EventStore } from '../event-store.js';
import { localKeyProvider } from './key-provider.js';

const noSleep = async () => {};
const event = (id: string) => ({ id, domain: 'acct', identifier: 'k', type: 'Opened', payload: { id }, created: new Date() });

describe('key creation under faults', () => {
  it('a put of the table key or of a stream key cancelled by a concurrent transaction is tried again: the write succeeds', async () => {
    const kv = new MemoryKvDriver();
    const store = new EventStore(
      { kv, blobs: new MemoryBlobDriver(), encryption: { keys: localKeyProvider(new Uint8Array(32).fill(4)) } },
      { sleep: noSleep },
    );
    await store.init();
    kv.injectFault('transactWrite', { kind: 'conflict' }); // the table key's put
    kv.injectFault('transactWrite', { kind: 'conflict' }); // its retry's put... then the stream key's
    kv.injectFault('transactWrite', { kind: 'conflict' });
    await store.appendEvents([event('a')]);
    expect((await store.getStreamEvents('acct', 'k')).map((stored) => stored.payload)).toEqual([{ id: 'a' }]);
    const fresh = new EventStore({ kv, encryption: { keys: localKeyProvider(new Uint8Array(32).fill(4)) } });
    expect((await fresh.getEventById('a'))!.payload).toEqual({ id: 'a' });
  });

  it('a stream key put whose answer was lost (it committed): the retry finds the key there and uses it', async () => {
    const kv = new MemoryKvDriver();
    const keys = localKeyProvider(new Uint8Array(32).fill(4));
    const store = new EventStore({ kv, encryption: { keys } }, { sleep: noSleep });
    await store.appendEvents([event('b1')]); // table key and stream key created
    const other = new EventStore({ kv, encryption: { keys } }, { sleep: noSleep });
    kv.injectFault('transactWrite', { kind: 'lostResponse' });
    await other.appendEvents([{ ...event('b2'), identifier: 'k2' }]);
    const fresh = new EventStore({ kv, encryption: { keys } });
    expect((await fresh.getEventById('b2'))!.payload).toEqual({ id: 'b2' });
  });
});
