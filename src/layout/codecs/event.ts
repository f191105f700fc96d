import { z } from 'zod';
import type { CreatedEvent, StoredEvent } from '../../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../../errors/index.js';
import type { Item, ItemKey } from '../../ports/kv-driver.js';
import { A, globalSk } from '../table-layout.js';
import { bucketOfIso, bucketShardPk, shardOf } from '../time-buckets.js';
import type { ValidatedEvent } from '../../write/validation.js';

/** The key of the event at `sequence` in stream `pk`. */
export function eventKey(pk: string, sequence: number): ItemKey {
  return { [A.pk]: pk, [A.sk]: sequence };
}

/** A map key for an item's primary key (`pk#sk`), to match batch-get results to their requests. */
export function keyId(key: Record<string, unknown>): string {
  return `${String(key[A.pk])}#${String(key[A.sk])}`;
}

/** Which fields of an event item live in the blob store. */
export type OffloadedFields = 'p' | 'm' | 'pm';

/** Build the event item for `validated` at `sequence` in stream `pk` (payload and meta inline). */
export function encodeEventItem(validated: ValidatedEvent, pk: string, sequence: number, bucketShards: number): Item {
  const { event, payloadJson, metaJson, createdIso, encoded } = validated;
  const item: Item = {
    [A.pk]: pk,
    [A.sk]: sequence,
    [A.id]: event.id,
    [A.domain]: event.domain,
    [A.type]: event.type,
    [A.payload]: encoded ? encoded.fields[0]! : payloadJson,
    [A.created]: createdIso,
    [A.globalPk]: bucketShardPk(bucketOfIso(createdIso), shardOf(event.id, bucketShards)),
    [A.globalSk]: globalSk(createdIso, event.id),
  };
  if (metaJson !== undefined) item[A.meta] = encoded ? encoded.fields[1]! : metaJson;
  if (encoded) item[A.encoding] = encoded.marker;
  if (event.identifier !== undefined) item[A.identifier] = event.identifier;
  // null means absent for both (the contract: "absent/undefined on root events").
  if (typeof event.correlationId === 'string') item[A.correlationId] = event.correlationId;
  if (typeof event.causationId === 'string') item[A.causationId] = event.causationId;
  return item;
}

/** An event item decoded: the stored event (payload/meta missing when offloaded or encoded) and its blob reference. */
export interface DecodedEventItem {
  readonly event: StoredEvent;
  readonly blob?: { readonly key: string; readonly fields: OffloadedFields };
  /**
   * Items with an encoding marker (src/payload/): the marker and the stored bytes of the payload and meta that are
   * inline (the offloaded ones come from the blob). `event.payload`/`meta` are then left for the pipeline to decode.
   */
  readonly encoding?: { readonly marker: string; readonly payload?: Uint8Array; readonly meta?: Uint8Array; readonly hasMeta: boolean };
}

const textOrBytes = z.union([z.string(), z.instanceof(Uint8Array)]);

const eventItemSchema = z.object({
  [A.pk]: z.string(),
  [A.sk]: z.number().int().positive(),
  [A.id]: z.string().min(1),
  [A.domain]: z.string().min(1),
  [A.type]: z.string().min(1),
  [A.payload]: textOrBytes.optional(),
  [A.meta]: textOrBytes.optional(),
  [A.encoding]: z.string().min(1).optional(),
  [A.identifier]: z.string().optional(),
  [A.correlationId]: z.string().optional(),
  [A.causationId]: z.string().optional(),
  [A.created]: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be a fixed-width ISO-8601 UTC timestamp'),
  [A.blobKey]: z.string().optional(),
  [A.blobFields]: z.enum(['p', 'm', 'pm']).optional(),
});

/**
 * Decode an event item read from storage. Throws `DECODE/INVALID_ITEM` naming the item's key when an attribute is
 * missing or malformed, or when its JSON text does not parse. Storage attributes never leak into the event.
 */
export function decodeEventItem(item: Item): DecodedEventItem {
  const parsed = eventItemSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidItem(item, `${issue.path.join('.')} ${issue.message}`);
  }
  const data = parsed.data;
  const blobKey = data[A.blobKey];
  const blobFields = data[A.blobFields];
  const payload = data[A.payload];
  if ((blobFields === undefined) !== (blobKey === undefined)) throw invalidItem(item, 'blob key and blob fields must come together');
  if (payload === undefined && !blobFields?.includes('p')) throw invalidItem(item, 'payload is neither inline nor offloaded');
  const marker = data[A.encoding];
  const meta = data[A.meta];
  // Plain items hold JSON text; encoded ones hold bytes (their marker says how to read them).
  const textual = (value: string | Uint8Array | undefined): boolean => value === undefined || typeof value === 'string';
  if (marker === undefined ? !textual(payload) || !textual(meta) : typeof payload === 'string' || typeof meta === 'string') {
    throw invalidItem(
      item,
      marker === undefined ? 'binary payload or meta without an encoding marker' : 'text payload or meta with an encoding marker',
    );
  }
  const event: StoredEvent = {
    id: data[A.id],
    domain: data[A.domain],
    type: data[A.type],
    payload: payload === undefined || marker !== undefined ? undefined : parseJson(item, 'payload', payload as string),
    created: new Date(data[A.created]),
    sequence: data[A.sk],
  };
  if (meta !== undefined && marker === undefined) event.meta = parseJson(item, 'meta', meta as string) as StoredEvent['meta'];
  if (data[A.identifier] !== undefined) event.identifier = data[A.identifier];
  if (data[A.correlationId] !== undefined) event.correlationId = data[A.correlationId];
  if (data[A.causationId] !== undefined) event.causationId = data[A.causationId];
  const encoding =
    marker === undefined
      ? undefined
      : {
          marker,
          ...(payload === undefined ? {} : { payload: payload as Uint8Array }),
          ...(meta === undefined ? {} : { meta: meta as Uint8Array }),
          hasMeta: meta !== undefined || (blobFields?.includes('m') ?? false),
        };
  return {
    event,
    ...(blobKey && blobFields ? { blob: { key: blobKey, fields: blobFields } } : {}),
    ...(encoding ? { encoding } : {}),
  };
}

/** The JSON body stored in a blob for offloaded fields: the payload and/or meta JSON texts. */
export interface OffloadedBody {
  readonly p?: string;
  readonly m?: string;
}

/** Put the offloaded fields of a blob body back into a decoded event. Throws `DECODE/INVALID_ITEM` when the body is malformed. */
export function applyOffloadedBody(decoded: DecodedEventItem, body: Uint8Array): StoredEvent {
  const event = decoded.event;
  const fields = decoded.blob?.fields ?? '';
  let parsed: OffloadedBody;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8')) as OffloadedBody;
  } catch (cause) {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Blob ${decoded.blob?.key} of event ${event.id} is not valid JSON`, {
      cause,
      details: { blobKey: decoded.blob?.key, eventId: event.id },
    });
  }
  const read = (field: 'p' | 'm'): unknown => {
    const text = parsed[field];
    if (typeof text !== 'string') {
      throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Blob ${decoded.blob?.key} of event ${event.id} lacks field ${field}`, {
        details: { blobKey: decoded.blob?.key, eventId: event.id },
      });
    }
    return JSON.parse(text);
  };
  const hydrated: StoredEvent = { ...event };
  if (fields.includes('p')) hydrated.payload = read('p');
  if (fields.includes('m')) hydrated.meta = read('m') as StoredEvent['meta'];
  return orderFields(hydrated);
}

/** The event with fields in a stable order (id, domain, type, payload, meta, identifier, correlationId, causationId, created, sequence). */
export function orderFields(event: StoredEvent): StoredEvent {
  const ordered: StoredEvent = { id: event.id, domain: event.domain, type: event.type, payload: event.payload } as StoredEvent;
  if ('meta' in event) ordered.meta = event.meta;
  if ('identifier' in event) ordered.identifier = event.identifier;
  if ('correlationId' in event) ordered.correlationId = event.correlationId;
  if ('causationId' in event) ordered.causationId = event.causationId;
  ordered.created = event.created;
  ordered.sequence = event.sequence;
  return ordered;
}

function parseJson(item: Item, field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw invalidItem(item, `${field} is not valid JSON`, cause);
  }
}

/** `DECODE/INVALID_ITEM` for `item`, naming its key. */
export function invalidItem(item: Item, reason: string, cause?: unknown): EventStoreAdapterError {
  const key = { [A.pk]: item[A.pk], [A.sk]: item[A.sk] };
  return new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Stored item ${JSON.stringify(key)} failed to decode: ${reason}`, {
    cause,
    details: { key, reason },
  });
}

/**
 * A created event as it reads back once stored at `sequence`, fields in the stable order of {@link orderFields}:
 * null correlation/causation ids become absent. One object built (the write path's hot spot).
 */
export function toStoredEvent(event: CreatedEvent, sequence: number): StoredEvent {
  const stored = { id: event.id, domain: event.domain, type: event.type, payload: event.payload } as StoredEvent;
  if ('meta' in event) stored.meta = event.meta;
  if ('identifier' in event) stored.identifier = event.identifier;
  if (typeof event.correlationId === 'string') stored.correlationId = event.correlationId;
  if (typeof event.causationId === 'string') stored.causationId = event.causationId;
  stored.created = event.created;
  stored.sequence = sequence;
  return stored;
}

/** A created event as it reads back once stored at `sequence`: null correlation/causation ids become absent. */
export function storedShape(event: CreatedEvent, sequence: number): StoredEvent {
  const { correlationId, causationId, ...rest } = event;
  return {
    ...rest,
    ...(typeof correlationId === 'string' ? { correlationId } : {}),
    ...(typeof causationId === 'string' ? { causationId } : {}),
    sequence,
  };
}
