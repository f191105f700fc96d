/**
 * The 3.x method shapes (`IEventStoreRepo` of `@schemeless/event-store-types` 3.x, and this adapter's additions to
 * it: `appendEvents`, `getStreamSequence`, `findByCausationId`, `getEventById`): each checks its arguments, opens a
 * call and runs one use-case function. The contracts are documented on the `EventStore` methods (event-store.ts).
 */
import { appendEvents as writeBatch, type AppendOptions } from '../write/append.js';
import { checkCallOptions, type CallOptions } from '../runtime/call-budget.js';
import { toStoredEvent } from '../layout/codecs/event.js';
import type { CreatedEvent, SnapshotEntry, StoreEventsOptions, StoredEvent } from './contract-types.js';
import { EventCursorNotFoundError } from '../errors/index.js';
import { readByCausation, readEventById } from '../read/event-lookup.js';
import { readStream, readStreamSequence } from '../read/stream-reads.js';
import {
  causationCanExist,
  checkFromSequence,
  checkStartFromId,
  eventIdCanExist,
  streamArguments,
  streamCanExist,
  textArgument,
} from '../read/read-arguments.js';
import { replay } from '../read/replay.js';
import { readSnapshot, saveSnapshot as writeSnapshot } from '../snapshots/snapshots.js';
import { eraseStream as eraseStreamKey } from '../payload/erasure.js';
import { validateEvents, type ValidatedEvent } from '../write/validation.js';
import { checkExpectedSequence, expectedSequenceList } from './arguments.js';
import { callOptionsOf, openCall, type StoreAccess } from './store-access.js';

/** `storeEvents` / `appendEvents`: the batch checked, then written; the stored events in batch order. */
export async function appendEvents(
  access: StoreAccess,
  events: readonly CreatedEvent[],
  options: StoreEventsOptions = {},
): Promise<StoredEvent[]> {
  const expected = options.expectedSequence;
  checkExpectedSequence(expected);
  checkCallOptions(options, 'storeEvents');
  const validated = validateEvents(events);
  const expectations = expectedSequenceList(options.expectedSequences, validated[0]?.event, expected);
  return writeEvents(access, validated, expected, { expectations }, options);
}

/** The write of every append method: a call (its deadline and signal), the store ready, the core's write path. */
export async function writeEvents(
  access: StoreAccess,
  validated: readonly ValidatedEvent[],
  expected: number | undefined,
  append: AppendOptions,
  call: CallOptions = {},
): Promise<StoredEvent[]> {
  const ctx = access.call(callOptionsOf(call));
  ctx.budget.check('storeEvents');
  await access.ready(ctx.budget);
  return writeBatch(ctx, validated, expected, append);
}

/** `getAllEvents`: pages of every event in the store's replay order, after `startFromId`. */
export async function getAllEvents(
  access: StoreAccess,
  pageSize: number,
  startFromId: string | undefined,
): Promise<AsyncIterableIterator<StoredEvent[]>> {
  checkStartFromId(startFromId);
  const ctx = await openCall(access);
  if (startFromId !== undefined && !eventIdCanExist(startFromId)) throw new EventCursorNotFoundError(startFromId);
  return replay(ctx, pageSize, startFromId);
}

/** `getStreamEvents`: the stream's events after `fromSequence` (none for a stream nothing can be written to). */
export async function getStreamEvents(
  access: StoreAccess,
  domain: string,
  identifier: string,
  fromSequence: number,
): Promise<StoredEvent[]> {
  const stream = streamArguments('getStreamEvents', domain, identifier);
  checkFromSequence(fromSequence);
  const ctx = await openCall(access);
  if (!streamCanExist(stream.domain, stream.identifier)) return [];
  return readStream(ctx, stream.domain, stream.identifier, fromSequence);
}

/** `getStreamSequence`: the stream's current sequence (0 when empty or impossible). */
export async function getStreamSequence(access: StoreAccess, domain: string, identifier: string): Promise<number> {
  const stream = streamArguments('getStreamSequence', domain, identifier);
  const ctx = await openCall(access);
  if (!streamCanExist(stream.domain, stream.identifier)) return 0;
  return readStreamSequence(ctx, stream.domain, stream.identifier);
}

/** `getSnapshot`: the stream's latest snapshot, or null. */
export async function getSnapshot<State>(access: StoreAccess, domain: string, identifier: string): Promise<SnapshotEntry<State> | null> {
  const stream = streamArguments('getSnapshot', domain, identifier);
  const ctx = await openCall(access);
  if (!streamCanExist(stream.domain, stream.identifier)) return null;
  return readSnapshot<State>(ctx, stream.domain, stream.identifier);
}

/** `eraseStream`: the stream's data key destroyed and its snapshot deleted (payload/erasure.ts). */
export async function eraseStream(access: StoreAccess, domain: string, identifier: string, options: CallOptions = {}): Promise<void> {
  const stream = streamArguments('eraseStream', domain, identifier);
  checkCallOptions(options, 'eraseStream');
  const ctx = await openCall(access, options);
  await eraseStreamKey(ctx, stream.domain, stream.identifier);
}

/** `saveSnapshot`: the snapshot saved unless a newer one is stored (snapshots.ts checks it). */
export async function saveSnapshot<State>(access: StoreAccess, snapshot: SnapshotEntry<State>): Promise<void> {
  const ctx = await openCall(access);
  await writeSnapshot(ctx, snapshot);
}

/** `getEventById`: the event, or null (also for an id no event can have). */
export async function getEventById(access: StoreAccess, id: string): Promise<StoredEvent | null> {
  textArgument('getEventById', 'id', id);
  const ctx = await openCall(access);
  if (!eventIdCanExist(id)) return null;
  return readEventById(ctx, id);
}

/** `findByCausationId`: every event caused by `causationId`, oldest first. */
export async function findByCausationId(access: StoreAccess, causationId: string): Promise<StoredEvent[]> {
  textArgument('findByCausationId', 'causationId', causationId);
  const ctx = await openCall(access);
  if (!causationCanExist(causationId)) return [];
  return readByCausation(ctx, causationId);
}

/** `createEventEntity`: the stored shape of a created event (validated; `sequence` 0). */
export function createEventEntity(access: StoreAccess, event: CreatedEvent): StoredEvent {
  access.assertOpen();
  const [validated] = validateEvents([event]);
  return toStoredEvent(validated!.event, 0);
}
