import { AdapterCapabilityError, ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import type { OffloadedBody, OffloadedFields } from '../layout/codecs/event.js';
import { itemSize } from '../layout/item-size.js';
import { frameFields } from '../payload/blob-frame.js';
import type { Item } from '../ports/kv-driver.js';
import { A } from '../layout/table-layout.js';

/** An event item and the blob key it would use if offloaded. */
export interface OffloadCandidate {
  readonly eventId: string;
  readonly item: Item;
  readonly blobKey: string;
  /** `itemSize(item)` when the caller already knows it (saves a computation per event). */
  readonly size?: number;
}

/** The planning limits, in bytes. */
export interface OffloadLimits {
  /** An item above this offloads its payload, then its meta. */
  readonly thresholdBytes: number;
  /** An item above this cannot be stored at all. */
  readonly maxItemBytes: number;
  /** All items of one transaction together must stay at or under this. */
  readonly maxTransactionBytes: number;
  /** Whether a blob store is configured. */
  readonly canOffload: boolean;
}

/** The decision for one event item: the item to write and, when offloaded, the blob to store first. */
export interface OffloadDecision {
  readonly item: Item;
  readonly blob?: { readonly key: string; readonly body: Uint8Array; readonly fields: OffloadedFields };
}

/**
 * Decide, for the event items of ONE transaction, which payloads and metas move to the blob store:
 * 1. an item over `thresholdBytes` offloads its payload, then its meta if still over;
 * 2. while the transaction (`otherBytes` + the event items) is over `maxTransactionBytes`, the largest item
 *    still holding inline fields offloads its next field, so the batch stays one atomic transaction.
 * Sizes are DynamoDB's item sizes (UTF-8). Throws `STORE/BLOB_STORE_REQUIRED` when offloading is needed without
 * a blob store, and `STORE/ITEM_TOO_LARGE` when a fully offloaded item is still over `maxItemBytes`.
 * Pure: returns new items, never mutates the candidates.
 */
export function planOffload(candidates: readonly OffloadCandidate[], otherBytes: number, limits: OffloadLimits): OffloadDecision[] {
  const states = candidates.map((candidate) => ({
    candidate,
    fields: '' as '' | OffloadedFields,
    item: candidate.item,
    size: candidate.size ?? itemSize(candidate.item),
  }));
  const offloadNext = (state: (typeof states)[number]): boolean => {
    const next = nextField(state.candidate.item, state.fields);
    if (next === undefined) return false;
    state.fields = next;
    state.item = offloadedItem(state.candidate.item, state.candidate.blobKey, next);
    state.size = itemSize(state.item);
    return true;
  };
  const inlineLimit = limits.canOffload ? limits.thresholdBytes : limits.maxItemBytes;
  for (const state of states) {
    while (state.size > inlineLimit) {
      if (!limits.canOffload) throw blobStoreRequired(state.candidate.eventId, state.size, limits.maxItemBytes);
      if (!offloadNext(state)) break;
    }
    if (state.size > limits.maxItemBytes) throw itemTooLarge(state.candidate.eventId, state.size, limits.maxItemBytes);
  }
  let total = otherBytes + states.reduce((sum, state) => sum + state.size, 0);
  while (total > limits.maxTransactionBytes) {
    const largest = states
      .filter((state) => nextField(state.candidate.item, state.fields) !== undefined)
      .sort((a, b) => b.size - a.size)[0];
    if (largest === undefined) break;
    if (!limits.canOffload) throw blobStoreRequired(largest.candidate.eventId, total, limits.maxTransactionBytes);
    const before = largest.size;
    offloadNext(largest);
    total += largest.size - before;
  }
  return states.map((state) =>
    state.fields === ''
      ? { item: state.item }
      : {
          item: state.item,
          blob: { key: state.candidate.blobKey, fields: state.fields, body: offloadedBody(state.candidate.item, state.fields) },
        },
  );
}

function nextField(item: Item, current: '' | OffloadedFields): OffloadedFields | undefined {
  if (current === '') return 'p';
  if (current === 'p' && item[A.meta] !== undefined) return 'pm';
  return undefined;
}

function offloadedItem(item: Item, blobKey: string, fields: OffloadedFields): Item {
  const copy: Item = { ...item, [A.blobKey]: blobKey, [A.blobFields]: fields };
  if (fields.includes('p')) delete copy[A.payload];
  if (fields.includes('m')) delete copy[A.meta];
  return copy;
}

function offloadedBody(item: Item, fields: OffloadedFields): Uint8Array {
  // An encoded item's fields are bytes: framed as they are (src/payload/blob-frame.ts), no text form.
  if (item[A.encoding] !== undefined) {
    return frameFields([
      ...(fields.includes('p') ? [item[A.payload] as Uint8Array] : []),
      ...(fields.includes('m') ? [item[A.meta] as Uint8Array] : []),
    ]);
  }
  const body: OffloadedBody = {
    ...(fields.includes('p') ? { p: item[A.payload] as string } : {}),
    ...(fields.includes('m') ? { m: item[A.meta] as string } : {}),
  };
  return new Uint8Array(Buffer.from(JSON.stringify(body), 'utf8'));
}

function blobStoreRequired(eventId: string, size: number, limit: number): AdapterCapabilityError {
  return new AdapterCapabilityError(
    ErrorCodes.BLOB_STORE_REQUIRED,
    `Event ${eventId} needs ${size} bytes, over the ${limit}-byte limit: configure a blob store (an S3 client or blob driver) so large payloads can be offloaded`,
    { details: { eventId, size, limit } },
  );
}

function itemTooLarge(eventId: string, size: number, limit: number): EventStoreAdapterError {
  return new EventStoreAdapterError(
    ErrorCodes.ITEM_TOO_LARGE,
    `Event ${eventId} is ${size} bytes even with payload and meta offloaded, over the ${limit}-byte item limit (its id, domain, type or identifier are too long)`,
    { details: { eventId, size, limit } },
  );
}
