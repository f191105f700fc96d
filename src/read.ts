import { mapWithConcurrency } from './concurrency.js';
import type { StoredEvent } from './contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from './errors.js';
import { applyOffloadedBody, decodeEventItem, orderFields } from './event-codec.js';
import type { Item, QueryRequest } from './ports/kv-driver.js';
import { withRetry } from './retry.js';
import type { StoreContext } from './store-context.js';
import { A, HEAD_SK, INDEX_CAUSATION, causationPk, guardPk, streamPk } from './table-layout.js';

/** Every page of a query, retrying transient failures per request. Yields pages as they arrive. */
export async function* queryPages(ctx: StoreContext, request: Omit<QueryRequest, 'cursor'>): AsyncGenerator<Item[]> {
  let cursor: string | undefined;
  do {
    const page = await withRetry(ctx.options.retry, () => ctx.kv.query(ctx.options.tableName, { ...request, cursor }), ctx.sleep, 'query');
    cursor = page.cursor;
    if (page.items.length > 0) yield page.items;
  } while (cursor !== undefined);
}

/** Decode event items and fetch the offloaded fields of those that have them (bounded parallelism). Order is kept. */
export async function hydrate(ctx: StoreContext, items: readonly Item[]): Promise<StoredEvent[]> {
  const decoded = items.map(decodeEventItem);
  if (!decoded.some((entry) => entry.blob)) return decoded.map((entry) => orderFields(entry.event));
  return mapWithConcurrency(decoded, ctx.options.hydrationConcurrency, async (entry) => {
    if (!entry.blob) return orderFields(entry.event);
    const blobKey = entry.blob.key;
    if (!ctx.blobs) {
      throw new EventStoreAdapterError(ErrorCodes.BLOB_STORE_REQUIRED, `Event ${entry.event.id} is offloaded to ${blobKey}, but no blob store is configured`, { details: { eventId: entry.event.id, blobKey } });
    }
    const body = await withRetry(ctx.options.retry, () => ctx.blobs!.get(blobKey), ctx.sleep, 'blob get');
    if (body === undefined) {
      throw new EventStoreAdapterError(ErrorCodes.MISSING_BLOB, `Event ${entry.event.id} references blob ${blobKey}, which does not exist`, { details: { eventId: entry.event.id, blobKey } });
    }
    return applyOffloadedBody(entry, body);
  });
}

/** Events of a stream with `sequence > fromSequence`, ascending; a strongly consistent read (reads its own writes). */
export async function readStream(ctx: StoreContext, domain: string, identifier: string, fromSequence: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  const request = { partition: streamPk(domain, identifier), range: { op: 'gt', value: Math.max(fromSequence, HEAD_SK) }, direction: 'asc', consistent: true } as const;
  for await (const items of queryPages(ctx, request)) events.push(...(await hydrate(ctx, items)));
  return events;
}

/** The stream's current sequence (0 when empty), from its head item, strongly consistent. */
export async function readStreamSequence(ctx: StoreContext, domain: string, identifier: string): Promise<number> {
  const { item } = await withRetry(ctx.options.retry, () => ctx.kv.get(ctx.options.tableName, { [A.pk]: streamPk(domain, identifier), [A.sk]: HEAD_SK }, { consistent: true }), ctx.sleep, 'get');
  const version = item?.[A.version];
  if (item && typeof version !== 'number') throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Head item of stream ${domain}::${identifier} has no numeric version`, { details: { key: { pk: item[A.pk], sk: HEAD_SK } } });
  return typeof version === 'number' ? version : 0;
}

/** An event id's guard item: where the event lives, and when it was created. */
export interface EventLocation {
  readonly streamPk: string;
  readonly sequence: number;
  readonly createdIso: string;
}

/** Locate an event by id (strongly consistent); undefined when no such event is stored. */
export async function locateEvent(ctx: StoreContext, eventId: string): Promise<EventLocation | undefined> {
  const { item } = await withRetry(ctx.options.retry, () => ctx.kv.get(ctx.options.tableName, { [A.pk]: guardPk(eventId), [A.sk]: 0 }, { consistent: true }), ctx.sleep, 'get');
  if (!item) return undefined;
  const stream = item[A.stream];
  const sequence = item[A.sequence];
  const created = item[A.created];
  if (typeof stream !== 'string' || typeof sequence !== 'number' || typeof created !== 'string') {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Id guard of event ${eventId} failed to decode`, { details: { key: { pk: guardPk(eventId), sk: 0 } } });
  }
  return { streamPk: stream, sequence, createdIso: created };
}

/** The event with this id, or null. Two strongly consistent reads: the id guard, then the event. */
export async function readEventById(ctx: StoreContext, eventId: string): Promise<StoredEvent | null> {
  const location = await locateEvent(ctx, eventId);
  if (!location) return null;
  const { item } = await withRetry(ctx.options.retry, () => ctx.kv.get(ctx.options.tableName, { [A.pk]: location.streamPk, [A.sk]: location.sequence }, { consistent: true }), ctx.sleep, 'get');
  if (!item) {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Event ${eventId} has an id guard but no event item at ${location.streamPk}#${location.sequence}`, { details: { key: { pk: location.streamPk, sk: location.sequence } } });
  }
  const [event] = await hydrate(ctx, [item]);
  return event!;
}

/** Every event caused by `causationId`, complete, oldest first (`created ASC, id ASC`), all pages. */
export async function readByCausation(ctx: StoreContext, causationId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const items of queryPages(ctx, { index: INDEX_CAUSATION, partition: causationPk(causationId), direction: 'asc' })) {
    events.push(...(await hydrate(ctx, items)));
  }
  return events;
}
