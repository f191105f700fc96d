/**
 * The V6 method shapes (`StreamEventStoreAdapter`, `RevertableEventStoreAdapter` of the 6.x types package, and rc.6's
 * `BatchEventStoreAdapter`): each checks its arguments, fills what V6 events may omit (ids, `created`), runs the 3.x
 * write path or a read, and throws the V6 classes (v6-errors.ts). Contracts: the `EventStore` methods (event-store.ts).
 */
import type { StreamExpectation } from '../write/append.js';
import type { AppendableEvent, CreatedEvent, ExpectedStreamVersion, StreamAppendableEvent, StreamReference } from './contract-types.js';
import { readStreamVersions } from '../read/stream-reads.js';
import { validateEvents } from '../write/validation.js';
import { checkEveryStreamListed, eventArray, listedVersions, oneStream, streamReferences } from './arguments.js';
import { openCall, type StoreAccess } from './store-access.js';
import { appendEvents, writeEvents } from './v3-methods.js';
import { streamWriteError, v6Errors } from './v6-errors.js';

/**
 * A V6 event as a created event: `sequence` dropped (the revert runtime sends `sequence: undefined`, an import the
 * exported sequences), an increasing id (ids.ts) for a missing `id`, the store's clock for a missing `created` (as
 * the PostgreSQL adapter does).
 */
export function createdEvent(access: StoreAccess, event: AppendableEvent): CreatedEvent {
  const { sequence: _ignored, ...rest } = event;
  return {
    ...rest,
    id: event.id ?? access.nextId(),
    created: event.created === undefined ? new Date(access.options.clock()) : event.created,
  } as CreatedEvent;
}

/** `append`: the events stored like `storeEvents` with no expectation, their errors in V6 form. */
export async function append(access: StoreAccess, events: readonly AppendableEvent[]): Promise<void> {
  const created = eventArray(events, 'append').map((event) => createdEvent(access, event));
  await v6Errors(appendEvents(access, created));
}

/** `appendBatch`: one transaction across streams, every listed stream checked at its version in it. */
export async function appendBatch(
  access: StoreAccess,
  events: readonly AppendableEvent[],
  expectedVersions: readonly ExpectedStreamVersion[],
): Promise<void> {
  const list = eventArray(events, 'appendBatch');
  const listed = listedVersions(list, expectedVersions);
  const validated = validateEvents(list.map((event) => createdEvent(access, event)));
  checkEveryStreamListed(validated, listed);
  const expectations: StreamExpectation[] = [...listed.values()].map((stream) => ({
    pk: stream.pk,
    streamKey: stream.key,
    version: stream.version,
  }));
  await v6Errors(writeEvents(access, validated, undefined, { expectations, oneTransaction: true }), listed);
}

/** `getStreamVersions`: each listed stream's version, in input order, from one consistent batch read of the heads. */
export async function getStreamVersions(access: StoreAccess, streams: readonly StreamReference[]): Promise<ExpectedStreamVersion[]> {
  const references = streamReferences(streams);
  const ctx = await openCall(access);
  const versions = await readStreamVersions(ctx, [...new Set(references.map((reference) => reference.pk))]);
  return references.map((reference) => ({
    domain: reference.domain,
    ...(reference.identifier === undefined ? {} : { identifier: reference.identifier }),
    expectedVersion: versions.get(reference.pk) ?? 0,
  }));
}

/** `appendToStream`: the events appended to their one stream if it is at `expectedVersion`; its new version. */
export async function appendToStream(
  access: StoreAccess,
  events: readonly StreamAppendableEvent[],
  expectedVersion: number,
): Promise<{ nextVersion: number }> {
  const first = oneStream(events);
  try {
    const stored = await appendEvents(
      access,
      events.map((event) => createdEvent(access, event)),
      { expectedSequence: expectedVersion },
    );
    return { nextVersion: stored[stored.length - 1]!.sequence };
  } catch (error) {
    throw streamWriteError(error, first, expectedVersion);
  }
}
