import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { planEvent } from './append-plan.js';
import { blobScope, writeStamp } from '../blobs/blob-keys.js';
import { encodeGuard } from '../layout/codecs/guard.js';
import { linkItem } from '../layout/codecs/link.js';
import { itemSize } from '../layout/item-size.js';
import { resolveOptions } from '../options/index.js';
import { A } from '../layout/table-layout.js';
import { validateEvents } from './validation.js';
import type { StoreContext, WriteContext } from '../runtime/store-context.js';
import type { ValidatedEvent } from './validation.js';

const ctx = { options: resolveOptions({ kv: new MemoryKvDriver(), blobs: new MemoryBlobDriver() }) } as unknown as StoreContext;
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

describe('planEvent sizes (computed once, arithmetically)', () => {
  it('minimalBytes is the size of the item with payload and meta offloaded; companionBytes of its guard and link', () => {
    fc.assert(
      fc.property(
        text,
        fc.option(fc.dictionary(text, text), { nil: undefined }),
        fc.option(text, { nil: undefined }),
        fc.jsonValue(),
        (id, meta, cause, payload) => {
          const [validated] = validateEvents([
            {
              id: `e${id}`,
              domain: 'd',
              type: 't',
              identifier: 'i',
              payload,
              ...(meta ? { meta } : {}),
              ...(cause !== undefined ? { causationId: `c${cause}` } : {}),
              created: new Date(Date.UTC(2025, 0, 1)),
            },
          ]);
          const planned = planEvent(ctx, validated!, blobScope('events/', 'table'), writeStamp(0, '00000000-0000-0000-0000-000000000000'));
          expect(planned.draftBytes).toBe(itemSize(planned.draft));
          const offloaded: Record<string, unknown> = { ...planned.draft, [A.blobKey]: planned.blobKey, [A.blobFields]: meta ? 'pm' : 'p' };
          delete offloaded[A.payload];
          delete offloaded[A.meta];
          expect(planned.minimalBytes).toBe(itemSize(offloaded as never));
          const guard = itemSize(
            encodeGuard({
              eventId: `e${id}`,
              stream: planned.pk,
              sequence: 123_456_789_012_345,
              createdIso: validated!.createdIso,
              writeId: '00000000-0000-0000-0000-000000000000',
            }),
          );
          const link =
            cause === undefined
              ? 0
              : itemSize(linkItem(`c${cause}`, 281_474_976_710_655, `e${id}`, planned.pk, 123_456_789_012_345, validated!.createdIso));
          expect(planned.companionBytes).toBe(guard + link);
          expect(link === 0 || planned.linkSlot! < 2 ** 48).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

// Issue 16 (defect 5's "keyed"): every key an event's items carry is checked as stored, while planning, before any write.
const created = new Date(Date.UTC(2025, 0, 1));
const context = (changeFeed = false) =>
  ({ options: resolveOptions({ kv: new MemoryKvDriver(), tableName: 'plan', changeFeed }) }) as unknown as WriteContext;
/** An event as validation would pass it on, with fields validation would have refused (the plan must not rely on it). */
const validated = (overrides: Partial<ValidatedEvent['event']>): ValidatedEvent => ({
  event: { id: 'ev-1', domain: 'acct', type: 't', identifier: 'x', payload: 1, created, ...overrides },
  payloadJson: '1',
  metaJson: undefined,
  createdIso: created.toISOString(),
});
const planError = (event: ValidatedEvent, changeFeed = false): EventStoreAdapterError => {
  try {
    planEvent(context(changeFeed), event, 'scope/', 'stamp');
  } catch (error) {
    expect(error).toBeInstanceOf(EventStoreAdapterError);
    return error as EventStoreAdapterError;
  }
  throw new Error('planEvent accepted the event');
};

describe('planEvent checks every key its items carry, as stored', () => {
  it('a stream partition key over 2,048 bytes once encoded (| is percent-encoded: 3 bytes each)', () => {
    const error = planError(validated({ identifier: '|'.repeat(700) }));
    expect(error.code).toBe(ErrorCodes.INVALID_EVENT);
    expect(error.details).toMatchObject({ eventId: 'ev-1', field: 'pk', rule: 'partition key of at most 2048 bytes' });
  });

  it('the global-order index sort key (`<created>|<id>`) over 1,024 bytes', () => {
    const error = planError(validated({ id: 'i'.repeat(1_010) }));
    expect(error.code).toBe(ErrorCodes.INVALID_EVENT);
    expect(error.details).toMatchObject({ field: 'gsk', rule: 'sort key of at most 1024 bytes' });
  });

  it("a causation link's partition key over 2,048 bytes", () => {
    const error = planError(validated({ causationId: 'c'.repeat(2_100) }));
    expect(error.code).toBe(ErrorCodes.INVALID_EVENT);
    expect(error.details).toMatchObject({ field: 'pk', rule: 'partition key of at most 2048 bytes' });
  });

  it('keys within the limits plan (with and without a change feed)', () => {
    for (const changeFeed of [false, true]) {
      const plan = planEvent(
        context(changeFeed),
        validated({ identifier: 'é'.repeat(1_000), causationId: 'c'.repeat(1_000) }),
        'scope/',
        'stamp',
      );
      expect(Buffer.byteLength(plan.pk)).toBeGreaterThan(2_000); // close to the limit, and under it
    }
  });
});
