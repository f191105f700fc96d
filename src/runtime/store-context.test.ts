/**
 * The long-lived store state and the per-call context apart (issue 17), one budget per call, one cache reset; and the
 * write path's context cannot delete a blob (issue 16): by type, and at run time.
 */
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import type { appendEvents } from '../write/append.js';
import { EventStore } from '../event-store.js';
import type { saveSnapshot } from '../snapshots/snapshots.js';
import { CallBudget } from './call-budget.js';
import { forCall, forgetTable, forWrite, openCall, type StoreContext, type StoreState, type WriteContext } from './store-context.js';

/** The store's long-lived state (private to EventStore). */
const stateOf = (store: EventStore): StoreState => (store as unknown as { ctx: StoreState }).ctx;
/** A per-call context of the store: what its public methods hand the write path (compat/store-access.ts). */
const storeContext = (store: EventStore): StoreContext => forCall(stateOf(store));

describe('StoreState and StoreContext: the long-lived store and the per-call context apart', () => {
  it('the state carries no call scope; each call opens its own budget and drivers over the one shared state', async () => {
    const store = new EventStore({ kv: new MemoryKvDriver(), blobs: new MemoryBlobDriver(), deadlineMs: 5_000 });
    const state = stateOf(store);
    for (const scoped of ['budget', 'kv', 'blobs']) expect(scoped in state, scoped).toBe(false);
    const one = forCall(state);
    const two = forCall(state, { deadlineMs: 50 });
    expect(one.budget).not.toBe(two.budget);
    expect(two.budget.deadline - one.budget.deadline).toBeLessThan(0);
    expect(one.kv).not.toBe(two.kv);
    for (const shared of ['drivers', 'options', 'meter', 'retry', 'heads', 'knownBuckets', 'logPositions', 'instance'] as const)
      expect(one[shared], shared).toBe(state[shared]);
    // A call's context opens a new call of the same store: its scope replaced, the state still shared.
    const budget = new CallBudget(Infinity);
    const nested = openCall(one, budget);
    expect(nested.budget).toBe(budget);
    expect(nested.heads).toBe(state.heads);
    await store.close();
  });

  it('forgetTable is the one cache reset: heads, recorded months and log positions, and the instance adopted', () => {
    const state = stateOf(new EventStore({ kv: new MemoryKvDriver() }));
    state.heads.set('s|a|b', 3);
    state.knownBuckets.add(660);
    state.logPositions.set(0, 9);
    state.instance.generation = 'old';
    forgetTable(state);
    expect([state.heads.has('s|a|b'), state.knownBuckets.size, state.logPositions.size, state.instance.generation]).toEqual([
      false,
      0,
      0,
      'old',
    ]);
    state.heads.set('s|a|b', 3);
    forgetTable(state, 'new');
    expect([state.heads.has('s|a|b'), state.instance.generation]).toEqual([false, 'new']);
  });
});

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
