import { decodeLink } from '../layout/codecs/link.js';
import { mapWithConcurrency } from '../runtime/concurrency.js';
import type { StoredEvent } from '../compat/contract-types.js';
import { AdapterCapabilityError, ErrorCodes, EventStoreAdapterError, hasCode } from '../errors/index.js';
import { applyOffloadedBody, decodeEventItem, eventKey, keyId, orderFields, type DecodedEventItem } from '../layout/codecs/event.js';
import type { Item, ItemKey, QueryRequest } from '../ports/kv-driver.js';
import { compareUtf8 } from './replay-order.js';
import { readItems, type StoreContext, type WriteContext } from '../runtime/store-context.js';
import { decodeGuard, guardKey } from '../layout/codecs/guard.js';
import { decodeHeadVersion, headKey } from '../layout/codecs/head.js';
import { A, HEAD_SK, causationPk, globalSk, streamPk } from '../layout/table-layout.js';
import { callSafely } from '../runtime/warnings.js';
import { decodeEncodedEvent } from '../payload/decode-event.js';
import type { StreamKey } from '../payload/keyring.js';
import { isEncrypted, streamKeysFor } from '../payload/pipeline.js';
import { upcastEvent } from '../payload/upcast.js';

/** Every page of a query, retrying transient failures per request. Yields pages as they arrive. */
export async function* queryPages(ctx: StoreContext, request: Omit<QueryRequest, 'cursor'>): AsyncGenerator<Item[]> {
  let cursor: string | undefined;
  do {
    const page = await ctx.kv.query(ctx.options.tableName, { ...request, cursor });
    cursor = page.cursor;
    if (page.items.length > 0) yield page.items;
  } while (cursor !== undefined);
}

/** What to do with an event that cannot be read: absent, throw it; given, report it and leave the event out. */
export type UnreadablePolicy = ((error: EventStoreAdapterError) => void) | undefined;

/**
 * Decode event items, fetch the offloaded fields of those that have them (bounded parallelism), undo the payload
 * pipeline's steps (src/payload/: decompression, decryption; an erased event reads with the erased markers) and
 * apply the `upcast` option (unless `options.upcast` is false: the write path compares what is stored). Order is
 * kept. An event that cannot be read (`DECODE/*`, `STORE/BLOB_STORE_REQUIRED`, `CODEC/*` but a key provider's
 * failure; the error's `details` name `eventId` and `key`) is thrown, or, with `onUnreadable`, reported to it and
 * left out.
 */
export async function hydrate(
  ctx: WriteContext,
  items: readonly Item[],
  onUnreadable?: UnreadablePolicy,
  options: { readonly upcast?: boolean } = {},
): Promise<StoredEvent[]> {
  const decoded = items.map((item) => decodeOrReport(ctx, item, onUnreadable));
  const upcaster = options.upcast === false ? undefined : ctx.options.upcast;
  if (!upcaster && !decoded.some((entry) => entry?.blob || entry?.encoding)) {
    return decoded.flatMap((entry) => (entry ? [orderFields(entry.event)] : []));
  }
  // The data keys of the encrypted events' streams: one batched read for the page (cached keys cost nothing).
  const encryptedStreams = decoded.flatMap((entry, index) => (isEncrypted(entry?.encoding?.marker) ? [items[index]![A.pk] as string] : []));
  const keys = await streamKeysFor(ctx, encryptedStreams);
  const hydrated = await mapWithConcurrency(decoded, ctx.options.hydrationConcurrency, async (entry, index) => {
    if (!entry) return undefined;
    const item = items[index]!;
    try {
      const body = entry.blob ? await readBlob(ctx, entry, item) : undefined;
      const event = entry.encoding
        ? await decodeWithFreshKeys(ctx, entry, item, body, keys)
        : body
          ? applyOffloadedBody(entry, body)
          : orderFields(entry.event);
      return upcastEvent(upcaster, event, { [A.pk]: item[A.pk], [A.sk]: item[A.sk] });
    } catch (error) {
      if (!onUnreadable || !isUnreadable(error)) throw error;
      return { unreadable: error };
    }
  });
  // Reported in the page's order (decoding runs concurrently and may end in any order).
  const events: StoredEvent[] = [];
  for (const entry of hydrated) {
    if (entry === undefined) continue;
    if ('unreadable' in entry) callSafely(ctx.warn, 'onUnreadable', () => onUnreadable!(entry.unreadable as EventStoreAdapterError));
    else events.push(entry);
  }
  return events;
}

/** An encoded event decoded with its stream's key (`keys`: the page's), read fresh once should it fail (Keyring.withFreshRetry). */
async function decodeWithFreshKeys(
  ctx: WriteContext,
  entry: DecodedEventItem,
  item: Item,
  body: Uint8Array | undefined,
  keys: Map<string, StreamKey>,
): Promise<StoredEvent> {
  const pk = item[A.pk] as string;
  const decode = (key: StreamKey | undefined) => decodeEncodedEvent(ctx.options.payload, entry, item, body, key);
  const keyring = ctx.options.payload.keyring;
  return keyring ? keyring.withFreshRetry(ctx, pk, keys.get(pk), decode) : decode(undefined);
}

function decodeOrReport(ctx: WriteContext, item: Item, onUnreadable: UnreadablePolicy): DecodedEventItem | undefined {
  try {
    return decodeEventItem(item);
  } catch (error) {
    if (!onUnreadable || !isUnreadable(error)) throw error;
    callSafely(ctx.warn, 'onUnreadable', () => onUnreadable(error));
    return undefined;
  }
}

const UNREADABLE_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.INVALID_ITEM,
  ErrorCodes.MISSING_BLOB,
  ErrorCodes.BLOB_STORE_REQUIRED,
  // Payload codecs: the stored value cannot be decoded (a key provider's failure, CODEC/KEY_PROVIDER, is not here: retry later).
  ErrorCodes.CODEC_UNKNOWN_ENCODING,
  ErrorCodes.CODEC_CORRUPT,
  ErrorCodes.CODEC_DECOMPRESSION_LIMIT,
  ErrorCodes.CODEC_DECRYPT_FAILED,
  ErrorCodes.CODEC_KEY_UNWRAP_FAILED,
  ErrorCodes.CODEC_KEY_MISSING,
  ErrorCodes.CODEC_UPCAST_FAILED,
]);
/** True for an event that cannot be read at all (malformed item, missing blob, no blob store), as opposed to a read that failed for now. */
export function isUnreadable(error: unknown): error is EventStoreAdapterError {
  return error instanceof EventStoreAdapterError && UNREADABLE_CODES.has(error.code);
}

/** The blob body of an offloaded event. Throws `STORE/BLOB_STORE_REQUIRED`, `DECODE/MISSING_BLOB` or (reset meanwhile) `DRIVER/RESOURCE_NOT_FOUND`. */
async function readBlob(ctx: WriteContext, entry: DecodedEventItem, item: Item): Promise<Uint8Array> {
  const blobKey = entry.blob!.key;
  const key = { [A.pk]: item[A.pk], [A.sk]: item[A.sk] };
  const eventId = entry.event.id;
  if (!ctx.blobs) {
    throw new AdapterCapabilityError(
      ErrorCodes.BLOB_STORE_REQUIRED,
      `Event ${eventId} is offloaded to ${blobKey}, but no blob store is configured`,
      { details: { eventId, blobKey, key } },
    );
  }
  const blobs = ctx.blobs;
  const body = await blobs.get(blobKey);
  if (body === undefined) {
    if (await resetSinceRead(ctx, key, blobKey)) {
      throw new EventStoreAdapterError(
        ErrorCodes.RESOURCE_NOT_FOUND,
        `Event ${eventId}: the table was reset while it was being read (its item and blob are gone); read again`,
        {
          details: { eventId, blobKey, key, table: ctx.options.tableName, reason: 'reset-during-read' },
        },
      );
    }
    throw new EventStoreAdapterError(ErrorCodes.MISSING_BLOB, `Event ${eventId} references blob ${blobKey}, which does not exist`, {
      details: { eventId, blobKey, key },
    });
  }
  return body;
}

/**
 * After a blob was found missing: whether the item that named it is gone since it was read (one strongly
 * consistent read), i.e. a reset dropped the table and cleared its blobs while this read ran. Then the read met a
 * reset, like one that finds the table missing, and nothing stored is unreadable.
 */
async function resetSinceRead(ctx: WriteContext, key: Record<string, unknown>, blobKey: string): Promise<boolean> {
  try {
    const { item } = await ctx.kv.get(ctx.options.tableName, key as ItemKey, { consistent: true });
    return item === undefined || item[A.blobKey] !== blobKey;
  } catch (error) {
    if (hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) return true;
    throw error;
  }
}

/** Events of a stream with `sequence > fromSequence`, ascending; a strongly consistent read (reads its own writes). */
export async function readStream(ctx: StoreContext, domain: string, identifier: string, fromSequence: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  const request = {
    partition: streamPk(domain, identifier),
    range: { op: 'gt', value: Math.max(fromSequence, HEAD_SK) },
    direction: 'asc',
    consistent: true,
  } as const;
  for await (const items of queryPages(ctx, request)) events.push(...(await hydrate(ctx, items)));
  return events;
}

/** The stream's current sequence (0 when empty), from its head item, strongly consistent. */
export async function readStreamSequence(ctx: StoreContext, domain: string, identifier: string): Promise<number> {
  const { item } = await ctx.kv.get(ctx.options.tableName, headKey(streamPk(domain, identifier)), { consistent: true });
  return decodeHeadVersion(item);
}

/**
 * The versions of the streams `pks` (distinct partition keys) from their head items: ONE strongly consistent batch
 * read (`readItems`: batch-get, unprocessed keys retried). A stream without a head is absent from the map (version 0).
 */
export async function readStreamVersions(ctx: StoreContext, pks: readonly string[]): Promise<Map<string, number>> {
  const items = await readItems(ctx, pks.map(headKey));
  return new Map(items.map((item) => [item[A.pk] as string, decodeHeadVersion(item)]));
}

/** An event id's guard item: where the event lives, and when it was created. */
export interface EventLocation {
  readonly streamPk: string;
  readonly sequence: number;
  readonly createdIso: string;
}

/** Locate an event by id (strongly consistent); undefined when no such event is stored. */
export async function locateEvent(ctx: StoreContext, eventId: string): Promise<EventLocation | undefined> {
  const { item } = await ctx.kv.get(ctx.options.tableName, guardKey(eventId), { consistent: true });
  if (!item) return undefined;
  const guard = decodeGuard(eventId, item);
  return { streamPk: guard.stream, sequence: guard.sequence, createdIso: guard.createdIso };
}

/** The event with this id, or null. Two strongly consistent reads: the id guard, then the event. */
export async function readEventById(ctx: StoreContext, eventId: string): Promise<StoredEvent | null> {
  const location = await locateEvent(ctx, eventId);
  if (!location) return null;
  const { item } = await ctx.kv.get(ctx.options.tableName, eventKey(location.streamPk, location.sequence), { consistent: true });
  if (!item) {
    throw new EventStoreAdapterError(
      ErrorCodes.INVALID_ITEM,
      `Event ${eventId} has an id guard but no event item at ${location.streamPk}#${location.sequence}`,
      { details: { eventId, key: { pk: location.streamPk, sk: location.sequence } } },
    );
  }
  const [event] = await hydrate(ctx, [item]);
  return event!;
}

/**
 * Every event caused by `causationId`, complete, oldest first (`created ASC, id ASC`, ids by code point), from
 * the causation links written in each event's own transaction: a strongly consistent query of the links, then
 * strongly consistent batch-gets of the events (one per 100). Complete right after the write, on any backend.
 */
export async function readByCausation(ctx: StoreContext, causationId: string): Promise<StoredEvent[]> {
  const links = [];
  for await (const items of queryPages(ctx, { partition: causationPk(causationId), direction: 'asc', consistent: true })) {
    for (const item of items) {
      const link = decodeLink(item);
      if (!link)
        throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Causation link of ${causationId} failed to decode`, {
          details: { key: { pk: item[A.pk], sk: item[A.sk] } },
        });
      links.push(link);
    }
  }
  if (links.length === 0) return [];
  links.sort((left, right) => compareUtf8(globalSk(left.createdIso, left.eventId), globalSk(right.createdIso, right.eventId)));
  const keys = links.map((link) => eventKey(link.stream, link.sequence));
  const found = await readItems(ctx, keys);
  const byKey = new Map(found.map((item) => [keyId(item), item]));
  const items = links.map((link, index) => {
    const item = byKey.get(keyId(keys[index]!));
    if (!item || item[A.id] !== link.eventId) {
      throw new EventStoreAdapterError(
        ErrorCodes.INVALID_ITEM,
        `Event ${link.eventId} caused by ${causationId} has a link but no event item at ${link.stream}#${link.sequence}`,
        { details: { eventId: link.eventId, key: { pk: link.stream, sk: link.sequence } } },
      );
    }
    return item;
  });
  return hydrate(ctx, items);
}
