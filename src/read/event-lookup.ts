/** Events found by id (the id guard) or by causation (the causation links). */
import { decodeLink } from '../layout/codecs/link.js';
import type { StoredEvent } from '../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { eventKey, keyId } from '../layout/codecs/event.js';
import { compareUtf8 } from './replay-order.js';
import { readItems, type StoreContext } from '../runtime/store-context.js';
import { decodeGuard, guardKey } from '../layout/codecs/guard.js';
import { A, causationPk, globalSk } from '../layout/table-layout.js';
import { hydrate } from './hydrate.js';
import { queryPages } from './stream-reads.js';

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
