/** `sweepOrphanBlobs({ dryRun: true })` on the twin: the orphans are listed, nothing is deleted; a real sweep then deletes them. */
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { METADATA_KEY } from '../../src/layout/codecs/metadata.js';
import { instanceScope } from '../../src/blobs/blob-keys.js';
import { EventStoreRepo } from '../../src/index.js';

describe('sweep dry run (twin)', () => {
  it('lists the orphans in wouldDelete, deletes nothing, keeps referenced blobs; the real sweep deletes the orphans only', async () => {
    const kv = new MemoryKvDriver();
    const blobs = new MemoryBlobDriver();
    const store = new EventStoreRepo({ kv, blobs });
    await store.storeEvents([{ id: 'big', domain: 'd', identifier: 'i', type: 't', payload: 'x'.repeat(400_000), created: new Date() }]);
    const { item: layout } = await kv.get(store.options.tableName, METADATA_KEY, { consistent: true });
    const orphan = `${instanceScope('events/', store.options.tableName, String(layout!.g))}e/never-stored/000000000.write`;
    await blobs.put(orphan, new Uint8Array([1]));

    const dry = await store.sweepOrphanBlobs({ olderThanMs: 0, dryRun: true });
    expect(dry).toEqual({ deleted: [], kept: 1, wouldDelete: [orphan] });
    expect(await blobs.get(orphan)).toBeDefined();

    const swept = await store.sweepOrphanBlobs({ olderThanMs: 0 });
    expect(swept).toEqual({ deleted: [orphan], kept: 1 });
    expect(await blobs.get(orphan)).toBeUndefined();
    expect(await store.getEventById('big')).toMatchObject({ payload: 'x'.repeat(400_000) });
  });
});
