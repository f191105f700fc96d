/** Key creation under the faults of a shared table: cancelled and lost-answer puts of the table key and a stream key. */
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { EventStore } from '../event-store.js';
import { streamPk } from '../layout/table-layout.js';
import { CallBudget } from '../runtime/call-budget.js';
import { forWrite, openCall, type StoreState } from '../runtime/store-context.js';
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

describe('Keyring.withFreshRetry: the one fresh-key retry of decoding', () => {
  /** An encrypted store with one stream key written, and a write context over its state. */
  async function open() {
    const kv = new MemoryKvDriver();
    const store = new EventStore({ kv, encryption: { keys: localKeyProvider(new Uint8Array(32).fill(4)) } }, { sleep: noSleep });
    await store.appendEvents([event('f1')]);
    const state = (store as unknown as { ctx: StoreState }).ctx;
    const ctx = forWrite(openCall(state, new CallBudget(Infinity, [], state.clock)));
    const keyring = state.options.payload.keyring!;
    const pk = streamPk('acct', 'k');
    const cached = (await keyring.lookup(ctx, [pk])).get(pk);
    return { ctx, keyring, pk, cached };
  }
  const codec = (code: string) => new EventStoreAdapterError(code as never, code);

  it('a decode that works with the cached key runs once', async () => {
    const { ctx, keyring, pk, cached } = await open();
    const seen: unknown[] = [];
    expect(await keyring.withFreshRetry(ctx, pk, cached, (key) => seen.push(key))).toBe(1);
    expect(seen).toEqual([cached]);
  });

  it.each([ErrorCodes.CODEC_DECRYPT_FAILED, ErrorCodes.CODEC_KEY_UNWRAP_FAILED])(
    'a key failure (%s): the key looked up fresh once, the decode run again with it; a second failure stands',
    async (code) => {
      const { ctx, keyring, pk, cached } = await open();
      const seen: unknown[] = [];
      const decode = (key: unknown) => {
        seen.push(key);
        if (seen.length === 1) throw codec(code);
        return 'decoded';
      };
      const stale = { kind: 'key' as const, key: new Uint8Array(32) };
      expect(await keyring.withFreshRetry(ctx, pk, stale, decode)).toBe('decoded');
      expect(seen).toEqual([stale, cached]);
      const twice: unknown[] = [];
      const error = await keyring
        .withFreshRetry(ctx, pk, stale, (key) => {
          twice.push(key);
          throw codec(code);
        })
        .catch((thrown: unknown) => thrown);
      expect((error as EventStoreAdapterError).code).toBe(code);
      expect(twice).toHaveLength(2);
    },
  );

  it('any other error of the decode is thrown as it is, without a lookup', async () => {
    const { ctx, keyring, pk, cached } = await open();
    let runs = 0;
    const error = await keyring
      .withFreshRetry(ctx, pk, cached, () => {
        runs++;
        throw codec(ErrorCodes.CODEC_CORRUPT);
      })
      .catch((thrown: unknown) => thrown);
    expect((error as EventStoreAdapterError).code).toBe(ErrorCodes.CODEC_CORRUPT);
    expect(runs).toBe(1);
  });
});
