import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';
import { planEvent } from './append-plan.js';
import { blobScope, writeStamp } from './blob-keys.js';
import { encodeGuard } from './codecs/guard.js';
import { linkItem } from './codecs/link.js';
import { itemSize } from './item-size.js';
import { resolveOptions } from './options.js';
import { A } from './table-layout.js';
import { validateEvents } from './validation.js';
import type { StoreContext } from './store-context.js';

const ctx = { options: resolveOptions({ kv: new MemoryKvDriver(), blobs: new MemoryBlobDriver() }) } as unknown as StoreContext;
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

describe('planEvent sizes (computed once, arithmetically)', () => {
  it('minimalBytes is the size of the item with payload and meta offloaded; companionBytes of its guard and link', () => {
    fc.assert(
      fc.property(text, fc.option(fc.dictionary(text, text), { nil: undefined }), fc.option(text, { nil: undefined }), fc.jsonValue(), (id, meta, cause, payload) => {
        const [validated] = validateEvents([{ id: `e${id}`, domain: 'd', type: 't', identifier: 'i', payload, ...(meta ? { meta } : {}), ...(cause !== undefined ? { causationId: `c${cause}` } : {}), created: new Date(Date.UTC(2025, 0, 1)) }]);
        const planned = planEvent(ctx, validated!, blobScope('events/', 'table'), writeStamp(0, '00000000-0000-0000-0000-000000000000'));
        expect(planned.draftBytes).toBe(itemSize(planned.draft));
        const offloaded: Record<string, unknown> = { ...planned.draft, [A.blobKey]: planned.blobKey, [A.blobFields]: meta ? 'pm' : 'p' };
        delete offloaded[A.payload];
        delete offloaded[A.meta];
        expect(planned.minimalBytes).toBe(itemSize(offloaded as never));
        const guard = itemSize(encodeGuard({ eventId: `e${id}`, stream: planned.pk, sequence: 123_456_789_012_345, createdIso: validated!.createdIso, writeId: '00000000-0000-0000-0000-000000000000' }));
        const link = cause === undefined ? 0 : itemSize(linkItem(`c${cause}`, 281_474_976_710_655, `e${id}`, planned.pk, 123_456_789_012_345, validated!.createdIso));
        expect(planned.companionBytes).toBe(guard + link);
        expect(link === 0 || planned.linkSlot! < 2 ** 48).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
