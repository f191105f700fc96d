/**
 * The argument checks of the public methods (3.x and V6 shapes), run before any request: each names the call, the
 * field and the rule in a typed error (`INPUT/*`, or the V6 types package's classes), and nothing is written or read.
 * Event contents are validation.ts's; read arguments (ids, streams, page sizes) read-arguments.ts's.
 */
import type { StreamExpectation } from '../write/append.js';
import type { CreatedEvent, ExpectedStreamSequence, ExpectedStreamVersion, StreamAppendableEvent } from './contract-types.js';
import { ErrorCodes, EventStoreAdapterError, InvalidIdentifierError, InvalidStreamBatchError } from '../errors/index.js';
import { utf8Length } from '../layout/item-size.js';
import { hasLoneSurrogate, streamKey } from '../layout/keys.js';
import { DYNAMODB_MAX_PARTITION_KEY_BYTES } from '../layout/limits.js';
import { streamPk } from '../layout/table-layout.js';
import type { ValidatedEvent } from '../write/validation.js';

/** `events` when it is an array whose entries are objects; else `INPUT/INVALID_EVENT` naming the call and the entry. */
export function eventArray<T>(events: readonly T[], call: string): readonly T[] {
  if (!Array.isArray(events))
    throw new EventStoreAdapterError(
      ErrorCodes.INVALID_EVENT,
      `${call}: events must be an array, got ${events === null ? 'null' : typeof events}`,
      { details: { field: 'events' } },
    );
  const index = events.findIndex((event) => typeof event !== 'object' || event === null);
  if (index >= 0)
    throw new EventStoreAdapterError(ErrorCodes.INVALID_EVENT, `${call}: event #${index} is not an object`, {
      details: { index, field: '(event)' },
    });
  return events;
}

/** `expectedSequence` of `storeEvents`: absent, or an integer >= 0; else `INPUT/INVALID_EVENT` naming it. */
export function checkExpectedSequence(expected: unknown): asserts expected is number | undefined {
  if (expected === undefined || (Number.isInteger(expected) && (expected as number) >= 0)) return;
  throw new EventStoreAdapterError(ErrorCodes.INVALID_EVENT, `expectedSequence must be an integer >= 0, got ${String(expected)}`, {
    details: { field: 'expectedSequence' },
  });
}

/** A validated stream reference of the V6 batch methods. */
export interface ListedStream {
  readonly domain: string;
  readonly identifier: string | undefined;
  /** The stream's partition key. */
  readonly pk: string;
  /** `${domain}::${identifier}`, for messages. */
  readonly key: string;
}

/**
 * Validate `{ domain, identifier? }` at `field` of `call`: a non-empty string domain (`fail` builds that error), an
 * identifier absent or a non-empty string that is not only whitespace (`InvalidIdentifierError`,
 * `INPUT/INVALID_ARGUMENT`), together within DynamoDB's partition-key limit.
 */
export function streamReference(
  entry: unknown,
  field: string,
  call: string,
  fail: (message: string, details: Record<string, unknown>) => Error,
): ListedStream {
  if (typeof entry !== 'object' || entry === null)
    throw fail(`${call}: ${field} must be an object { domain, identifier? }`, { field, rule: 'object' });
  const { domain, identifier } = entry as { domain?: unknown; identifier?: unknown };
  if (typeof domain !== 'string' || domain === '')
    throw fail(`${call}: ${field}.domain must be a non-empty string, got ${JSON.stringify(domain) ?? String(domain)}`, {
      field: `${field}.domain`,
      rule: 'non-empty string',
    });
  if (identifier !== undefined && (typeof identifier !== 'string' || identifier.trim() === '')) {
    throw new InvalidIdentifierError(
      `${call}: ${field}.identifier must be absent (the domain-only stream) or a non-empty string that is not only whitespace, got ${JSON.stringify(identifier) ?? String(identifier)}`,
      { field: `${field}.identifier`, rule: 'absent, or a non-empty string that is not only whitespace' },
      ErrorCodes.INVALID_ARGUMENT,
    );
  }
  // A lone surrogate has no UTF-8 form: the SDK would send U+FFFD, naming (and checking) ANOTHER stream's head.
  const wellFormed = 'must be well-formed Unicode (no lone surrogates)';
  if (hasLoneSurrogate(domain))
    throw fail(`${call}: ${field}.domain ${wellFormed}`, { field: `${field}.domain`, rule: 'well-formed Unicode' });
  if (typeof identifier === 'string' && hasLoneSurrogate(identifier)) {
    const details = { field: `${field}.identifier`, rule: 'well-formed Unicode' };
    throw new InvalidIdentifierError(`${call}: ${field}.identifier ${wellFormed}`, details, ErrorCodes.INVALID_ARGUMENT);
  }
  const pk = streamPk(domain, identifier as string | undefined);
  if (utf8Length(pk) > DYNAMODB_MAX_PARTITION_KEY_BYTES)
    throw fail(
      `${call}: ${field}: domain and identifier together must fit DynamoDB's ${DYNAMODB_MAX_PARTITION_KEY_BYTES}-byte partition key`,
      { field: `${field}.domain`, rule: 'fits the partition key' },
    );
  return { domain, identifier: identifier as string | undefined, pk, key: streamKey(domain, identifier as string | undefined) };
}

/**
 * `StoreEventsOptions.expectedSequences` as expectations (undefined: none). Each entry: a non-empty string domain,
 * an identifier absent or a string (`''` is the domain-only stream, as in 3.x), an integer `expectedSequence` >= 0;
 * each stream at most once, and the first event's stream only with `expectedSequence`'s value. `INPUT/INVALID_ARGUMENT`
 * naming the field otherwise.
 */
export function expectedSequenceList(
  list: readonly ExpectedStreamSequence[] | undefined,
  first: CreatedEvent | undefined,
  expectedSequence: number | undefined,
): StreamExpectation[] {
  if (list === undefined) return [];
  const fail = (message: string, details: Record<string, unknown>) =>
    new EventStoreAdapterError(ErrorCodes.INVALID_ARGUMENT, `storeEvents: ${message}`, { details });
  if (!Array.isArray(list))
    throw fail(`expectedSequences must be an array, got ${list === null ? 'null' : typeof list}`, {
      field: 'expectedSequences',
      rule: 'array',
    });
  const firstPk = first === undefined ? undefined : streamPk(first.domain, first.identifier);
  const seen = new Set<string>();
  return list.map((entry, index) => {
    const field = `expectedSequences[${index}]`;
    if (typeof entry !== 'object' || entry === null)
      throw fail(`${field} must be an object { domain, identifier?, expectedSequence }`, { field, rule: 'object' });
    const {
      domain,
      identifier,
      expectedSequence: version,
    } = entry as { domain?: unknown; identifier?: unknown; expectedSequence?: unknown };
    if (typeof domain !== 'string' || domain === '')
      throw fail(`${field}.domain must be a non-empty string`, { field: `${field}.domain`, rule: 'non-empty string' });
    if (identifier !== undefined && typeof identifier !== 'string')
      throw fail(`${field}.identifier must be a string when present`, { field: `${field}.identifier`, rule: 'string when present' });
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0)
      throw fail(`${field}.expectedSequence must be an integer >= 0, got ${String(version)}`, {
        field: `${field}.expectedSequence`,
        rule: 'integer >= 0',
      });
    // A lone surrogate has no UTF-8 form: the SDK would send U+FFFD, checking ANOTHER stream's head.
    for (const [name, text] of [
      ['domain', domain],
      ['identifier', identifier ?? ''],
    ] as const) {
      if (hasLoneSurrogate(text)) {
        throw fail(`${field}.${name} must be well-formed Unicode (no lone surrogates)`, {
          field: `${field}.${name}`,
          rule: 'well-formed Unicode',
        });
      }
    }
    const pk = streamPk(domain, identifier as string | undefined);
    const key = streamKey(domain, identifier as string | undefined);
    if (utf8Length(pk) > DYNAMODB_MAX_PARTITION_KEY_BYTES)
      throw fail(`${field}: domain and identifier together must fit DynamoDB's ${DYNAMODB_MAX_PARTITION_KEY_BYTES}-byte partition key`, {
        field: `${field}.domain`,
        rule: 'fits the partition key',
      });
    if (seen.has(pk)) throw fail(`${field} lists stream ${key} a second time`, { field, rule: 'each stream at most once', stream: key });
    if (pk === firstPk && expectedSequence !== undefined && expectedSequence !== version) {
      throw fail(`${field} expects stream ${key} at ${version}, but expectedSequence (the first event's stream) says ${expectedSequence}`, {
        field: `${field}.expectedSequence`,
        rule: 'agrees with expectedSequence',
        stream: key,
      });
    }
    seen.add(pk);
    return { pk, streamKey: key, version };
  });
}

/** A stream `appendBatch` lists, with the version it expects. */
export type ListedVersion = ListedStream & { readonly version: number };

/**
 * The events and `expectedVersions` of `appendBatch`, checked: at least one event, each identifier absent or not
 * only whitespace; `expectedVersions` an array of stream references, each with a safe integer `expectedVersion` >= 0
 * and each stream at most once. Returns the listed streams by partition key. `InvalidStreamBatchError` (empty batch:
 * `INPUT/INVALID_EVENT`; otherwise `INPUT/INVALID_ARGUMENT`) or `InvalidIdentifierError` naming the field.
 */
export function listedVersions(
  events: readonly { readonly identifier?: unknown }[],
  expectedVersions: readonly ExpectedStreamVersion[],
): Map<string, ListedVersion> {
  if (events.length === 0)
    throw new InvalidStreamBatchError('appendBatch needs at least one event', { field: 'events', rule: 'at least one event' });
  events.forEach((event, index) => {
    if (typeof event.identifier === 'string' && event.identifier.trim() === '') {
      throw new InvalidIdentifierError(
        `appendBatch: event #${index} has an empty or whitespace identifier (omit it for the domain-only stream)`,
        { index, field: 'identifier', rule: 'absent, or a non-empty string that is not only whitespace' },
      );
    }
  });
  if (!Array.isArray(expectedVersions)) {
    throw new InvalidStreamBatchError(
      `appendBatch: expectedVersions must be an array, got ${expectedVersions === null ? 'null' : typeof expectedVersions}`,
      { field: 'expectedVersions', rule: 'array' },
      ErrorCodes.INVALID_ARGUMENT,
    );
  }
  const listed = new Map<string, ListedVersion>();
  expectedVersions.forEach((entry, index) => {
    const field = `expectedVersions[${index}]`;
    const stream = streamReference(
      entry,
      field,
      'appendBatch',
      (message, details) => new InvalidStreamBatchError(message, details, ErrorCodes.INVALID_ARGUMENT),
    );
    const version = (entry as { expectedVersion?: unknown }).expectedVersion;
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
      throw new InvalidStreamBatchError(
        `appendBatch: ${field}.expectedVersion must be a safe integer >= 0, got ${String(version)}`,
        { index, field: `${field}.expectedVersion`, rule: 'safe integer >= 0' },
        ErrorCodes.INVALID_ARGUMENT,
      );
    }
    if (listed.has(stream.pk)) {
      throw new InvalidStreamBatchError(
        `appendBatch: ${field} lists stream ${stream.key} a second time`,
        { index, field, rule: 'each stream at most once', stream: stream.key },
        ErrorCodes.INVALID_ARGUMENT,
      );
    }
    listed.set(stream.pk, { ...stream, version });
  });
  return listed;
}

/** `InvalidStreamBatchError` (`INPUT/INVALID_ARGUMENT`) unless every stream the validated batch writes is `listed`. */
export function checkEveryStreamListed(validated: readonly ValidatedEvent[], listed: ReadonlyMap<string, ListedStream>): void {
  validated.forEach(({ event }, index) => {
    if (listed.has(streamPk(event.domain, event.identifier))) return;
    const key = streamKey(event.domain, event.identifier);
    throw new InvalidStreamBatchError(
      `appendBatch: event #${index} writes stream ${key}, which expectedVersions does not list`,
      { index, field: 'expectedVersions', rule: 'every written stream listed', stream: key },
      ErrorCodes.INVALID_ARGUMENT,
    );
  });
}

/** The stream references of `getStreamVersions`, checked (`INPUT/INVALID_ARGUMENT` or `InvalidIdentifierError` naming the field). */
export function streamReferences(streams: unknown): ListedStream[] {
  if (!Array.isArray(streams)) {
    throw new EventStoreAdapterError(
      ErrorCodes.INVALID_ARGUMENT,
      `getStreamVersions: streams must be an array, got ${streams === null ? 'null' : typeof streams}`,
      { details: { field: 'streams', rule: 'array' } },
    );
  }
  return streams.map((entry, index) =>
    streamReference(
      entry,
      `streams[${index}]`,
      'getStreamVersions',
      (message, details) => new EventStoreAdapterError(ErrorCodes.INVALID_ARGUMENT, message, { details }),
    ),
  );
}

/**
 * The events of `appendToStream`, checked: at least one (`InvalidStreamBatchError`), objects, each with a non-empty
 * identifier (`InvalidIdentifierError`), all of one stream (`InvalidStreamBatchError`). Returns the first event.
 */
export function oneStream<E extends StreamAppendableEvent>(events: readonly E[]): E {
  const first = eventArray(events, 'appendToStream')[0];
  if (events.length === 0) throw new InvalidStreamBatchError('appendToStream needs at least one event');
  if (!first)
    throw new EventStoreAdapterError(ErrorCodes.INVALID_EVENT, 'appendToStream: event #0 is not an object', {
      details: { index: 0, field: '(event)' },
    });
  for (const event of events) {
    if (typeof event.identifier !== 'string' || event.identifier.trim() === '')
      throw new InvalidIdentifierError(`appendToStream: event ${event.id ?? '(no id)'} has no identifier`);
    if (event.domain !== first.domain || event.identifier !== first.identifier) {
      throw new InvalidStreamBatchError(
        `appendToStream: all events must belong to ${first.domain}/${first.identifier}; found ${event.domain}/${event.identifier}`,
      );
    }
  }
  return first;
}
