import { mapWithConcurrency } from '../runtime/concurrency.js';
import type { StoredEvent } from '../compat/contract-types.js';
import { AdapterCapabilityError, ErrorCodes, EventStoreAdapterError, hasCode } from '../errors/index.js';
import { applyOffloadedBody, decodeEventItem, orderFields, type DecodedEventItem } from '../layout/codecs/event.js';
import type { Item, ItemKey } from '../ports/kv-driver.js';
import type { WriteContext } from '../runtime/store-context.js';
import { A } from '../layout/table-layout.js';
import { callSafely } from '../runtime/warnings.js';
import { decodeEncodedEvent } from '../payload/decode-event.js';
import type { StreamKey } from '../payload/keyring.js';
import { isEncrypted, streamKeysFor } from '../payload/pipeline.js';
import { upcastEvent } from '../payload/upcast.js';

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
