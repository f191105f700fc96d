/** The write path's context cannot delete a blob (issue 16): by type, and at run time. */
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';
import type { appendEvents } from './append.js';
import { EventStore } from './event-store.js';
import type { saveSnapshot } from './snapshots.js';
import { forWrite, type StoreContext, type WriteContext } from './store-context.js';

/** The store's own per-call context (private to EventStore): what event-store.ts hands the write path. */
const storeContext = (store: EventStore): StoreContext => (store as unknown as { ctx: StoreContext }).ctx;

describe('WriteContext: the write path has no blob delete', () => {
  it('append and snapshot saves take a WriteContext, whose blob driver has no delete (compile-time)', () => {
    type FirstParameter<F> = F extends (first: infer P, ...rest: never[]) => unknown ? P : never;
    type Given = [FirstParameter<typeof appendEvents>, FirstParameter<typeof saveSnapshot>];
    // True only when both accept a bare WriteContext (a StoreContext parameter would not: WriteContext lacks delete and drivers).
    const takesWriteContext: [WriteContext, WriteContext] extends Given ? true : false = true;
    expect(takesWriteContext).toBe(true);
    const check = (ctx: WriteContext) => {
      // @ts-expect-error the write path's blob driver has no delete: only the sweeper and reset (StoreContext) delete
      return ctx.blobs?.delete;
    };
    expect(typeof check).toBe('function');
  });

  it('forWrite drops delete (and the composed drivers) at run time too; puts and gets still reach the store', async () => {
    const blobs = new MemoryBlobDriver();
    const store = new EventStore({ kv: new MemoryKvDriver(), blobs });
    await store.init();
    const full = storeContext(store);
    expect(typeof full.blobs?.delete).toBe('function');
    const write = forWrite(full);
    expect(write.blobs).toBeDefined();
    expect('delete' in write.blobs!).toBe(false);
    expect('drivers' in write).toBe(false);
    await write.blobs!.put('k', new Uint8Array([1, 2]));
    expect(await blobs.get('k')).toEqual(new Uint8Array([1, 2]));
    expect(await write.blobs!.get('k')).toEqual(new Uint8Array([1, 2]));
    expect(write.kv).toBe(full.kv);
    expect(write.budget).toBe(full.budget);
  });
});
