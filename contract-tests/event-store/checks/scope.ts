/** Blob scopes: every blob key carries the table INSTANCE, so stores whose prefix and table name coincide never touch each other's payloads. */
import type { CreatedEvent } from '../../../src/compat/contract-types.js';
import { EventStore } from '../../../src/event-store.js';
import { ensure, uniqueToken } from '../../harness.js';
import { freshId } from '../arbitraries.js';
import type { EventStoreCheck } from '../fixture.js';

const at = new Date(Date.UTC(2025, 5, 1));

/**
 * Two tables whose `<blobKeyPrefix><tableName>` spell the same string (as a same-named table of another region or
 * account sharing the bucket would): one's `sweepOrphanBlobs` (grace 0) and `resetStore` never delete the other's
 * offloaded payloads, which stay readable.
 */
export const instanceScopeCheck: EventStoreCheck = {
  name: "blob scopes are per table instance: a store whose prefix + table name spell another's never sweeps or resets its payloads",
  group: 'offload',
  requires: (capabilities) => capabilities.hasBlobStore,
  run: async (factory) => {
    const fixture = await factory();
    const token = uniqueToken();
    const tablePrefix = fixture.tablePrefix ?? 'es_contract_';
    const open = (tableName: string, blobKeyPrefix: string) =>
      new EventStore({
        kv: fixture.kv,
        blobs: fixture.blobs!,
        tableName,
        blobKeyPrefix,
        offloadThresholdBytes: 2048,
        retry: { baseDelayMs: 1, maxDelayMs: 20 },
      });
    // `es-contract/<t>/<tp>` + `<tp><t>` and `es-contract/<t>/` + `<tp><tp><t>`: one name-based scope for both.
    const mine = open(`${tablePrefix}${token}`, `es-contract/${token}/${tablePrefix}`);
    const theirs = open(`${tablePrefix}${tablePrefix}${token}`, `es-contract/${token}/`);
    const big = (): CreatedEvent => ({
      id: freshId(),
      domain: 'scope',
      type: 't',
      identifier: '1',
      payload: 'é'.repeat(3000),
      created: at,
    });
    try {
      const kept = big();
      await mine.storeEvents([kept]);
      await theirs.storeEvents([big()]);
      const swept = await theirs.sweepOrphanBlobs({ olderThanMs: 0 });
      ensure(
        swept.deleted.length === 0,
        () => `the other store's sweep deleted ${JSON.stringify(swept.deleted)} (payloads it does not own)`,
      );
      await theirs.resetStore();
      const read = await mine.getEventById(kept.id);
      ensure(read?.payload === kept.payload, "the payload survives the other store's sweep and reset");
    } finally {
      for (const store of [mine, theirs])
        await store
          .resetStore()
          .then(() => fixture.kv.dropTable(store.options.tableName))
          .catch(() => undefined);
      await fixture.teardown?.();
    }
  },
};
