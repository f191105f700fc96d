/** The 6.x contract (`append`, `appendToStream`, `reset`, capabilities, error names) on the same core. */
import { ensure, ensureRejectsWithCode } from '../../harness.js';
import { freshId } from '../arbitraries.js';
import { replayAll, settled, withStore, type EventStoreCheck } from '../fixture.js';

const at = new Date(Date.UTC(2026, 0, 2));

/** appendToStream returns the next version, enforces the expected one, and refuses mixed or identifier-less batches; append assigns ids. */
export const v6ContractCheck: EventStoreCheck = {
  name: '6.x: append assigns ids, appendToStream returns nextVersion and throws StreamConcurrencyError, reset empties',
  group: 'contract 6.x',
  run: (factory) =>
    withStore(factory, async (store) => {
      ensure(
        store.capabilities.streamQuery && store.capabilities.optimisticConcurrency && store.capabilities.aggregate,
        '6.x and 3.x capabilities',
      );
      await store.append([{ domain: 'cart', identifier: 'c1', type: 'Created', payload: {}, created: at }]);
      const [created] = await store.getStreamEvents('cart', 'c1');
      ensure(typeof created?.id === 'string' && created.id.length > 0 && created.sequence === 1, 'append assigned an id and sequence 1');
      const { nextVersion } = await store.appendToStream(
        [
          { id: freshId(), domain: 'cart', identifier: 'c1', type: 'Added', payload: { sku: 'a' }, created: at },
          { domain: 'cart', identifier: 'c1', type: 'Added', payload: { sku: 'b' }, created: at },
        ],
        1,
      );
      ensure(nextVersion === 3, `nextVersion 3, got ${nextVersion}`);
      let conflict:
        | { name?: string; domain?: string; identifier?: string; expectedVersion?: number; actualVersion?: number; code?: string }
        | undefined;
      try {
        await store.appendToStream([{ domain: 'cart', identifier: 'c1', type: 'Added', payload: {}, created: at }], 1);
      } catch (error) {
        conflict = error as typeof conflict;
      }
      ensure(
        conflict?.name === 'StreamConcurrencyError' &&
          conflict.domain === 'cart' &&
          conflict.identifier === 'c1' &&
          conflict.expectedVersion === 1 &&
          conflict.actualVersion === 3 &&
          conflict.code === 'STORE/CONCURRENCY',
        () => `StreamConcurrencyError(cart, c1, 1, 3) expected, got ${JSON.stringify(conflict)}`,
      );
      const fresh = await store.appendToStream([{ domain: 'cart', identifier: 'c2', type: 'Created', payload: {}, created: at }], 0);
      ensure(fresh.nextVersion === 1, 'a new stream with expectedVersion 0');
      await ensureRejectsWithCode(
        () =>
          store.appendToStream(
            [
              { domain: 'cart', identifier: 'c1', type: 'x', payload: 1, created: at },
              { domain: 'cart', identifier: 'c2', type: 'x', payload: 1, created: at },
            ],
            3,
          ),
        'INPUT/INVALID_EVENT',
        'a batch across two streams',
      );
      await ensureRejectsWithCode(() => store.appendToStream([], 0), 'INPUT/INVALID_EVENT', 'an empty batch');
      await ensureRejectsWithCode(
        () => store.appendToStream([{ domain: 'cart', identifier: '', type: 'x', payload: 1, created: at }], 0),
        'INPUT/INVALID_EVENT',
        'no identifier',
      );
      let cursorError: { name?: string; code?: string } | undefined;
      await store.getAllEvents(10, 'missing').catch((error: unknown) => (cursorError = error as typeof cursorError));
      ensure(
        cursorError?.name === 'EventCursorNotFoundError' && cursorError.code === 'INPUT/UNKNOWN_CURSOR',
        'unknown cursor is EventCursorNotFoundError',
      );
      let count = 0;
      await settled(store);
      for await (const page of await store.getAllEvents()) count += page.length;
      ensure(count === 4, `getAllEvents() with the default page size returns all 4 (got ${count})`);
      await store.reset();
      ensure((await replayAll(store, 10)).length === 0, 'reset empties the store');
    }),
};
