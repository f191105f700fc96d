import { eventBlobKey } from '../blobs/blob-keys.js';
import { linkItem, linkSlot } from '../layout/codecs/link.js';
import { encodeEventItem } from '../layout/codecs/event.js';
import { itemSize, utf8Length } from '../layout/item-size.js';
import { streamKey } from '../layout/keys.js';
import type { Item } from '../ports/kv-driver.js';
import type { WriteContext } from '../runtime/store-context.js';
import { encodeGuard, guardBytes, guardKey } from '../layout/codecs/guard.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { DYNAMODB_MAX_PARTITION_KEY_BYTES, DYNAMODB_MAX_SORT_KEY_BYTES } from '../layout/limits.js';
import { encodeHead } from '../layout/codecs/head.js';
import { encodeLogCounter, logShardOf } from '../layout/codecs/log-counter.js';
import { INSTANCE_MARKERS, markerItem } from '../layout/instance-markers.js';
import { A, logPk, streamPk, tableSchema } from '../layout/table-layout.js';
import { bucketOfIso } from '../layout/time-buckets.js';
import type { ValidatedEvent } from './validation.js';

/** A sequence number wide enough to size items before their sequence is known (15 significant digits). */
const SIZING_SEQUENCE = 123_456_789_012_345;
/** A generation as long as any (a UUID), for sizing head items. */
const SIZING_GENERATION = '00000000-0000-0000-0000-000000000000';
/** A write id of the real width, for sizing guards. */
const SIZING_WRITE_ID = '00000000-0000-0000-0000-000000000000';
/** A causation-link slot as wide as any real one (slots are below 2^48: 15 digits). */
const SIZING_SLOT = 281_474_976_710_655;

/** One event of a batch, planned: its keys, time bucket, blob key and a draft item for sizing. */
export interface PlannedEvent {
  readonly validated: ValidatedEvent;
  readonly pk: string;
  readonly streamKey: string;
  readonly bucket: number;
  readonly blobKey: string;
  /** The event item sized with a placeholder sequence (for planning only). */
  readonly draft: Item;
  /** `itemSize(draft)`, computed once. */
  readonly draftBytes: number;
  /** The draft's size with payload and meta offloaded: the least it can occupy. */
  readonly minimalBytes: number;
  /** Bytes of the guard and (with a cause) the causation link that travel with it. */
  readonly companionBytes: number;
  /** The causation id when the event has one: the event then has a causation link in its transaction. */
  readonly causationId: string | undefined;
  /** The first causation-link slot tried (a hash of the id), when the event has a cause. */
  readonly linkSlot: number | undefined;
  /** The change-feed shard of the event's stream; undefined without a change feed. */
  readonly logShard: number | undefined;
}

/** The events of one transaction, the streams they touch and (with a change feed) their log shards. */
export interface Chunk {
  readonly events: PlannedEvent[];
  readonly streams: Set<string>;
  readonly shards: Set<number>;
}

/**
 * Plan one event of the write whose blob stamp is `stamp`: its keys, bucket, blob key and sizes. Throws
 * `INPUT/INVALID_EVENT` when a key of one of its items (event, id guard, causation link), of the table or of an
 * index, is over DynamoDB's key limits as encoded (see {@link checkKeys}): refused while planning, before any write.
 */
export function planEvent(ctx: WriteContext, validated: ValidatedEvent, scope: string, stamp: string): PlannedEvent {
  const { event } = validated;
  const pk = streamPk(event.domain, event.identifier);
  const blobKey = eventBlobKey(scope, event.id, stamp);
  const feed = ctx.options.changeFeed;
  const logShard = feed ? logShardOf(pk, feed.shards) : undefined;
  const draft = encodeEventItem(validated, pk, SIZING_SEQUENCE, ctx.options.bucketShards);
  if (logShard !== undefined) {
    draft[A.logPk] = logPk(logShard);
    draft[A.logSk] = SIZING_SEQUENCE;
  }
  const draftBytes = itemSize(draft);
  const causationId = typeof event.causationId === 'string' ? event.causationId : undefined;
  const guardSize = guardBytes({
    eventId: event.id,
    stream: pk,
    sequence: SIZING_SEQUENCE,
    createdIso: validated.createdIso,
    writeId: SIZING_WRITE_ID,
  });
  const link =
    causationId === undefined ? undefined : linkItem(causationId, SIZING_SLOT, event.id, pk, SIZING_SEQUENCE, validated.createdIso);
  const linkBytes = link === undefined ? 0 : itemSize(link);
  checkKeys(ctx, event.id, [draft, guardKey(event.id), ...(link ? [link] : [])]);
  return {
    validated,
    pk,
    streamKey: streamKey(event.domain, event.identifier),
    bucket: bucketOfIso(validated.createdIso),
    blobKey,
    draft,
    draftBytes,
    minimalBytes: offloadedSize(draftBytes, validated, blobKey),
    companionBytes: guardSize + linkBytes,
    causationId,
    linkSlot: causationId === undefined ? undefined : linkSlot(event.id),
    logShard,
  };
}

/** DynamoDB's largest key values in UTF-8 bytes, by role: a partition key 2,048, a sort key 1,024 (tables and indexes alike). */
const KEY_LIMITS = { partition: DYNAMODB_MAX_PARTITION_KEY_BYTES, sort: DYNAMODB_MAX_SORT_KEY_BYTES } as const;

/** The key attributes of the table and its indexes, and their roles (the same for every table name). */
const keyAttributes = (changeFeed: boolean): readonly { readonly name: string; readonly role: keyof typeof KEY_LIMITS }[] => {
  const schema = tableSchema('', changeFeed);
  return [schema, ...schema.indexes].flatMap((table) => [
    { name: table.partitionKey.name, role: 'partition' as const },
    ...(table.sortKey ? [{ name: table.sortKey.name, role: 'sort' as const }] : []),
  ]);
};

const KEYS_WITHOUT_FEED = keyAttributes(false);
const KEYS_WITH_FEED = keyAttributes(true);

/**
 * Every string key attribute `items` carry, of the table and of its indexes (an item outside an index lacks its
 * keys), measured as stored (encoded, UTF-8) against {@link KEY_LIMITS}; `INPUT/INVALID_EVENT` naming the event,
 * the attribute and the limit for the first one over. Validation bounds the inputs these keys are built from; this
 * checks what is actually written, whatever the encoding does to it.
 */
function checkKeys(ctx: WriteContext, eventId: string, items: readonly Item[]): void {
  const keys = ctx.options.changeFeed === undefined ? KEYS_WITHOUT_FEED : KEYS_WITH_FEED;
  for (const item of items) {
    for (const { name, role } of keys) {
      const value = item[name];
      if (typeof value !== 'string' || utf8Length(value) <= KEY_LIMITS[role]) continue;
      const bytes = utf8Length(value);
      throw new EventStoreAdapterError(
        ErrorCodes.INVALID_EVENT,
        `event ${eventId.slice(0, 60)}: its key ${name} is ${bytes} UTF-8 bytes as stored, over DynamoDB's ` +
          `${KEY_LIMITS[role]}-byte ${role} key limit (shorten the id, domain, identifier or causationId)`,
        { details: { eventId, field: name, rule: `${role} key of at most ${KEY_LIMITS[role]} bytes`, bytes } },
      );
    }
  }
}

/** The size of an event item of `draftBytes` with its payload and meta offloaded (payload/meta attributes out, blob key and fields in). */
function offloadedSize(draftBytes: number, validated: ValidatedEvent, blobKey: string): number {
  const stored = (text: string, index: number): number => validated.encoded?.fields[index]?.byteLength ?? utf8Length(text);
  const payload = utf8Length(A.payload) + stored(validated.payloadJson, 0);
  const meta = validated.metaJson === undefined ? 0 : utf8Length(A.meta) + stored(validated.metaJson, 1);
  const reference = utf8Length(A.blobKey) + utf8Length(blobKey) + utf8Length(A.blobFields) + (validated.metaJson === undefined ? 1 : 2);
  return draftBytes - payload - meta + reference;
}

/** Transaction actions an event needs: its item, its id guard, and its causation link when it has a cause. */
export const actionsPerEvent = (event: PlannedEvent): number => (event.causationId === undefined ? 2 : 3);

/** Actions and bytes a transaction spends besides its events and heads (the first chunk's read-dependency checks). */
export interface ChunkReserve {
  /** Transaction actions (one condition check per read dependency). */
  readonly actions: number;
  /** Bytes counted against the transaction's byte limit (a head item's size per check). */
  readonly bytes: number;
}

/**
 * Greedy chunking by the driver's action and byte limits: per event its actions ({@link actionsPerEvent}), per
 * stream one head, per log shard (change feed) one counter; each event counted at its smallest (offloaded) size
 * when a blob store exists. The first chunk also holds `firstReserve` (the condition checks of read dependencies).
 */
export function planChunks(
  ctx: WriteContext,
  planned: readonly PlannedEvent[],
  firstReserve: ChunkReserve = { actions: 0, bytes: 0 },
): Chunk[] {
  const { maxTransactionActions, maxTransactionBytes } = ctx.kv.capabilities;
  const chunks: Chunk[] = [];
  let current: Chunk = emptyChunk();
  // Every chunk may need its instance marker check (see instance-markers.ts); the first also holds firstReserve.
  let actions = MARKER_CHECK.actions + firstReserve.actions;
  let bytes = MARKER_CHECK.bytes + firstReserve.bytes;
  const extra = (event: PlannedEvent) => {
    const addsStream = !current.streams.has(event.pk);
    const addsShard = event.logShard !== undefined && !current.shards.has(event.logShard);
    return {
      actions: actionsPerEvent(event) + (addsStream ? 1 : 0) + (addsShard ? 1 : 0),
      bytes:
        (ctx.blobs ? event.minimalBytes : event.draftBytes) +
        event.companionBytes +
        (addsStream ? headSize(event.pk) : 0) +
        (addsShard ? LOG_COUNTER_BYTES : 0),
    };
  };
  for (const event of planned) {
    let cost = extra(event);
    if (current.events.length > 0 && (actions + cost.actions > maxTransactionActions || bytes + cost.bytes > maxTransactionBytes)) {
      chunks.push(current);
      current = emptyChunk();
      actions = MARKER_CHECK.actions;
      bytes = MARKER_CHECK.bytes;
      cost = extra(event);
    }
    actions += cost.actions;
    bytes += cost.bytes;
    current.events.push(event);
    current.streams.add(event.pk);
    if (event.logShard !== undefined) current.shards.add(event.logShard);
  }
  chunks.push(current);
  return chunks;
}

const emptyChunk = (): Chunk => ({ events: [], streams: new Set(), shards: new Set() });

/** Size of a log shard's counter item, as wide as any (shard numbers below 100, positions of 15 digits). */
export const LOG_COUNTER_BYTES = itemSize(encodeLogCounter(99, SIZING_SEQUENCE));

/** The actions and bytes of one chunk's transaction as {@link planChunks} counts them (without any reserve). */
export function chunkCost(ctx: WriteContext, chunk: Chunk): ChunkReserve {
  let actions = MARKER_CHECK.actions + chunk.streams.size + chunk.shards.size;
  let bytes = MARKER_CHECK.bytes + [...chunk.streams].reduce((sum, pk) => sum + headSize(pk), 0) + chunk.shards.size * LOG_COUNTER_BYTES;
  for (const event of chunk.events) {
    actions += actionsPerEvent(event);
    bytes += (ctx.blobs ? event.minimalBytes : event.draftBytes) + event.companionBytes;
  }
  return { actions, bytes };
}

/** What a chunk's instance marker check adds to its transaction (see instance-markers.ts `markerCheck`). */
export const MARKER_CHECK: ChunkReserve = {
  actions: 1,
  bytes: itemSize(markerItem(INSTANCE_MARKERS - 1, SIZING_GENERATION)),
};

/** Size of a stream's head item. */
export const headSize = (pk: string): number => itemSize(encodeHead(pk, SIZING_SEQUENCE, SIZING_GENERATION));

/** The id guard of `event` stored at `sequence` by the write `writeId`. */
export function guardItem(event: PlannedEvent, sequence: number, writeId: string): Item {
  return encodeGuard({ eventId: event.validated.event.id, stream: event.pk, sequence, createdIso: event.validated.createdIso, writeId });
}
