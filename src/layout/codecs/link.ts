import { createHash } from 'node:crypto';
import type { Item } from '../../ports/kv-driver.js';
import { A, causationPk } from '../table-layout.js';

/**
 * Causation links: one small item per caused event, `(c|<causation id>, slot)`, written in the SAME transaction
 * as the event, so `findByCausationId` reads them strongly consistent right after the write (a secondary index
 * would lag on AWS, and a revert right after a write would compensate only part of the consequences).
 *
 * The sort key is numeric, so the slot is a 48-bit hash of the caused event's id; two children of one cause that
 * hash alike take the next free slot (the write's condition `notExists` reports the clash; the core probes on).
 * A link holds the event's id, stream pk, sequence and `created`; the events are then read by key.
 */

/** Slots are below 2^48: exact as JavaScript numbers and as DynamoDB numbers. */
const SLOT_BITS = 48;

/** The first slot tried for the caused event `eventId`. */
export function linkSlot(eventId: string): number {
  const digest = createHash('sha256').update(eventId, 'utf8').digest();
  return digest.readUIntBE(0, SLOT_BITS / 8);
}

/** The link item for the caused event `eventId` of `causationId`, at `slot`. */
export function linkItem(causationId: string, slot: number, eventId: string, stream: string, sequence: number, createdIso: string): Item {
  return {
    [A.pk]: causationPk(causationId),
    [A.sk]: slot,
    [A.id]: eventId,
    [A.stream]: stream,
    [A.sequence]: sequence,
    [A.created]: createdIso,
  };
}

/** A decoded link: where the caused event lives. */
export interface CausationLink {
  readonly eventId: string;
  readonly stream: string;
  readonly sequence: number;
  readonly createdIso: string;
}

/** Decode a link item; undefined when it is not one. */
export function decodeLink(item: Item): CausationLink | undefined {
  const eventId = item[A.id];
  const stream = item[A.stream];
  const sequence = item[A.sequence];
  const createdIso = item[A.created];
  if (typeof eventId !== 'string' || typeof stream !== 'string' || typeof sequence !== 'number' || typeof createdIso !== 'string')
    return undefined;
  return { eventId, stream, sequence, createdIso };
}
