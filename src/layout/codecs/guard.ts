/**
 * The id guard item `(e|<event id>, 0)`: written with its event (condition: must not exist), it makes ids unique
 * store-wide, locates the event for `getEventById` and cursors, and carries the id of the write that stored it, so
 * a retried write recognises its own commit.
 */
import { ErrorCodes, EventStoreAdapterError } from '../../errors/index.js';
import { attributeValueSize, utf8Length } from '../item-size.js';
import type { Item, ItemKey } from '../../ports/kv-driver.js';
import { A, guardPk } from '../table-layout.js';

/** Where a guard says its event lives, and who wrote it. */
export interface Guard {
  readonly eventId: string;
  /** The event's stream pk. */
  readonly stream: string;
  readonly sequence: number;
  /** The event's `created`, fixed-width ISO. */
  readonly createdIso: string;
  /** Id of the write that stored the event. */
  readonly writeId: string;
}

/** The guard's key for `eventId`. */
export function guardKey(eventId: string): ItemKey {
  return { [A.pk]: guardPk(eventId), [A.sk]: 0 };
}

/** The guard item. */
export function encodeGuard(guard: Guard): Item {
  return {
    ...guardKey(guard.eventId),
    [A.stream]: guard.stream,
    [A.sequence]: guard.sequence,
    [A.created]: guard.createdIso,
    [A.writeToken]: guard.writeId,
  };
}

/**
 * `itemSize(encodeGuard(guard))` without building the item (the write path sizes a guard per event): the sum of
 * each attribute's name and value bytes.
 */
export function guardBytes(guard: Guard): number {
  return (
    utf8Length(A.pk) +
    utf8Length(guardPk(guard.eventId)) +
    utf8Length(A.sk) +
    attributeValueSize(0) +
    utf8Length(A.stream) +
    utf8Length(guard.stream) +
    utf8Length(A.sequence) +
    attributeValueSize(guard.sequence) +
    utf8Length(A.created) +
    utf8Length(guard.createdIso) +
    utf8Length(A.writeToken) +
    utf8Length(guard.writeId)
  );
}

/** Decode a guard item read for `eventId`. Throws `DECODE/INVALID_ITEM` naming the event when malformed. */
export function decodeGuard(eventId: string, item: Item): Guard {
  const stream = item[A.stream];
  const sequence = item[A.sequence];
  const createdIso = item[A.created];
  const writeId = item[A.writeToken];
  if (typeof stream !== 'string' || typeof sequence !== 'number' || typeof createdIso !== 'string' || typeof writeId !== 'string') {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Id guard of event ${eventId} failed to decode`, {
      details: { eventId, key: guardKey(eventId) },
    });
  }
  return { eventId, stream, sequence, createdIso, writeId };
}

/** The write id and sequence in a failed guard condition's stored item (`ALL_OLD`), when present. */
export function storedGuardWrite(item: Item | undefined): { writeId: string; sequence: number } | undefined {
  const writeId = item?.[A.writeToken];
  const sequence = item?.[A.sequence];
  return typeof writeId === 'string' && typeof sequence === 'number' ? { writeId, sequence } : undefined;
}
