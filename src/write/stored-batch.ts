import type { PlannedEvent } from './append-plan.js';
import type { StoredEvent } from '../compat/contract-types.js';
import { eventKey, keyId, orderFields } from '../layout/codecs/event.js';
import type { Item } from '../ports/kv-driver.js';
import { readGuards } from './guard-reads.js';
import { hydrate, isUnreadable } from '../read/hydrate.js';
import { readItems, type WriteContext } from '../runtime/store-context.js';
import { decodeGuard, guardKey } from '../layout/codecs/guard.js';
import type { ValidatedEvent } from './validation.js';

/** What the store already holds of a batch. */
export type StoredBatch =
  /** None of its ids is stored. */
  | { readonly state: 'none' }
  /** Every event is stored, identical (same id, stream, type, payload, meta, ids and `created`): the stored events, in batch order. */
  | { readonly state: 'identical'; readonly events: StoredEvent[] }
  /** Some ids are stored, or stored with other content: those ids. */
  | { readonly state: 'conflicting'; readonly eventIds: string[] };

/**
 * Is this batch already stored? Reads every id guard (strongly consistent, batched) and, when all exist, the
 * events they point to (hydrating offloaded fields), and compares each with the batch. An identical batch that
 * is already stored whole is how a retry after `STORE/OUTCOME_UNKNOWN` (from any process) learns it had committed.
 * The guards are read as of one instant (see `readGuards`), so `conflicting` names every id stored then.
 * Costs one batch-get per 100 events, twice (plus a re-read of the missing guards when some were found), plus one
 * blob read per offloaded event; only on conflicts.
 */
export async function findStoredBatch(ctx: WriteContext, events: readonly PlannedEvent[]): Promise<StoredBatch> {
  const guardKeys = events.map((event) => guardKey(event.validated.event.id));
  const foundById = await readGuards(ctx, guardKeys);
  if (foundById.size === 0) return { state: 'none' };
  const storedIds = events.filter((_, index) => foundById.has(keyId(guardKeys[index]!))).map((event) => event.validated.event.id);
  if (storedIds.length < events.length) return { state: 'conflicting', eventIds: storedIds };
  const locations = events.map((event, index) => {
    const guard = decodeGuard(event.validated.event.id, foundById.get(keyId(guardKeys[index]!))!);
    return eventKey(guard.stream, guard.sequence);
  });
  const items = await readItems(ctx, locations);
  const itemByKey = new Map(items.map((item) => [keyId(item), item]));
  const ordered: Item[] = [];
  for (const location of locations) {
    const item = itemByKey.get(keyId(location));
    if (!item) return { state: 'conflicting', eventIds: storedIds };
    ordered.push(item);
  }
  let stored: StoredEvent[];
  try {
    stored = await hydrate(ctx, ordered, undefined, { upcast: false }); // compared as stored, never upcast
  } catch (error) {
    // A stored event that is unreadable for good cannot be proven identical; a read that failed for now (throttled,
    // retries exhausted) proves nothing either way, so it is thrown as it is (retryable by the caller).
    if (isUnreadable(error)) return { state: 'conflicting', eventIds: storedIds };
    throw error;
  }
  const differing = events.filter((event, index) => !sameEvent(stored[index]!, event.validated)).map((event) => event.validated.event.id);
  return differing.length === 0 ? { state: 'identical', events: stored.map(orderFields) } : { state: 'conflicting', eventIds: storedIds };
}

/** True when the stored event is the validated one: same id, stream, type, `created`, payload, meta, correlation and causation ids. */
export function sameEvent(stored: StoredEvent, candidate: ValidatedEvent): boolean {
  const event = candidate.event;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return (
    stored.id === event.id &&
    stored.domain === event.domain &&
    stored.type === event.type &&
    (stored.identifier ?? undefined) === (event.identifier ?? undefined) &&
    stored.created.toISOString() === candidate.createdIso &&
    JSON.stringify(stored.payload) === candidate.payloadJson &&
    (stored.meta === undefined ? undefined : JSON.stringify(stored.meta)) === candidate.metaJson &&
    text(stored.correlationId) === text(event.correlationId) &&
    text(stored.causationId) === text(event.causationId)
  );
}
