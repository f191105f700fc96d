import { z } from 'zod';
import type { CreatedEvent, SnapshotEntry } from '../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError, SnapshotError } from '../errors/index.js';
import { utf8Length } from '../layout/item-size.js';
import { hasLoneSurrogate } from '../layout/keys.js';
import { DYNAMODB_MAX_PARTITION_KEY_BYTES, MAX_EVENT_ID_BYTES } from '../layout/limits.js';
import { causationPk, streamPk } from '../layout/table-layout.js';

/** Earliest `created` accepted: 1970-01-01T00:00:00.000Z (time buckets are months since the Unix epoch). */
export const MIN_CREATED_MS = Date.UTC(1970, 0, 1);
/** Latest `created` accepted: the last millisecond of 2999 (keeps ISO timestamps fixed-width, so they sort as text). */
export const MAX_CREATED_MS = Date.UTC(3000, 0, 1) - 1;

/** A validated event with its JSON-serialised payload and meta, ready to encode. */
export interface ValidatedEvent {
  readonly event: CreatedEvent;
  /** `JSON.stringify(payload)`. */
  readonly payloadJson: string;
  /** `JSON.stringify(meta)`, or undefined when meta is absent. */
  readonly metaJson: string | undefined;
  /** `created.toISOString()`: fixed width, sorts as text. */
  readonly createdIso: string;
  /**
   * Payload and meta as the payload pipeline encoded them (src/payload/): its marker and the stored bytes of the
   * payload and (when present) the meta, in that order. Absent: stored as the JSON texts above.
   */
  readonly encoded?: { readonly marker: string; readonly fields: readonly Uint8Array[] };
}

/** Text without a lone UTF-16 surrogate (keys.ts `hasLoneSurrogate`: it has no UTF-8 form). */
const wellFormed = (text: string) => !hasLoneSurrogate(text);
const WELL_FORMED_RULE = 'must be well-formed Unicode (no lone surrogates)';
const nonEmpty = z.string().min(1, 'must be a non-empty string').refine(wellFormed, WELL_FORMED_RULE);
const optionalText = (error: string) => z.string({ error }).refine(wellFormed, WELL_FORMED_RULE);
const validDate = z
  .date({ error: 'must be a Date' })
  .refine((date) => !Number.isNaN(date.getTime()), 'must be a valid Date (not Invalid Date)')
  .refine(
    (date) => date.getTime() >= MIN_CREATED_MS && date.getTime() <= MAX_CREATED_MS,
    'must be between 1970-01-01 and 2999-12-31 (UTC)',
  );

const eventEnvelope = z.object({
  id: nonEmpty,
  domain: nonEmpty,
  type: nonEmpty,
  identifier: optionalText('must be a string when present').optional(),
  correlationId: optionalText('must be a string when present').nullable().optional(),
  causationId: optionalText('must be a string or null when present').nullable().optional(),
  created: validDate,
});

/**
 * Validate a batch before anything is written. Throws `INPUT/INVALID_EVENT` naming the event (index and id), the
 * field and the rule: missing/empty id, domain or type; a `created` that is not a valid Date in 1970..2999; a payload
 * that is `undefined` or cannot be serialised to JSON (circular, BigInt); a meta that is not an object.
 */
export function validateEvents(events: readonly CreatedEvent[]): ValidatedEvent[] {
  if (!Array.isArray(events)) throw invalidEvent('events must be an array', { field: 'events' });
  return events.map((event, index) => validateEvent(event, index));
}

function validateEvent(event: CreatedEvent, index: number): ValidatedEvent {
  if (typeof event !== 'object' || event === null) throw invalidEvent(`event #${index} is not an object`, { index, field: '(event)' });
  const parsed = eventEnvelope.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(event)';
    throw invalidEvent(`event #${index} (id ${describeId(event)}): ${field} ${issue.message}`, {
      index,
      eventId: event.id,
      field,
      rule: issue.message,
    });
  }
  if (event.payload === undefined) {
    throw invalidEvent(`event #${index} (id ${event.id}): payload is required (any JSON value, null included)`, {
      index,
      eventId: event.id,
      field: 'payload',
      rule: 'required',
    });
  }
  if (event.meta !== undefined && (typeof event.meta !== 'object' || event.meta === null || Array.isArray(event.meta))) {
    throw invalidEvent(`event #${index} (id ${event.id}): meta must be an object when present`, {
      index,
      eventId: event.id,
      field: 'meta',
      rule: 'object',
    });
  }
  checkKeySizes(event, index);
  const payloadJson = serialise(event.payload, index, event.id, 'payload');
  const metaJson = event.meta === undefined ? undefined : serialise(event.meta, index, event.id, 'meta');
  return { event, payloadJson, metaJson, createdIso: event.created.toISOString() };
}

/** Keys built from the event must fit DynamoDB's key limits: refuse what would be refused later, before any write. */
function checkKeySizes(event: CreatedEvent, index: number): void {
  const tooLong = (field: string, rule: string) =>
    invalidEvent(`event #${index} (id ${event.id.slice(0, 60)}…): ${field} ${rule}`, { index, eventId: event.id, field, rule });
  if (utf8Length(event.id) > MAX_EVENT_ID_BYTES) throw tooLong('id', `must be at most ${MAX_EVENT_ID_BYTES} UTF-8 bytes`);
  if (utf8Length(streamPk(event.domain, event.identifier)) > DYNAMODB_MAX_PARTITION_KEY_BYTES) {
    throw tooLong(
      'domain',
      `and identifier together must fit DynamoDB's ${DYNAMODB_MAX_PARTITION_KEY_BYTES}-byte partition key (about ${DYNAMODB_MAX_PARTITION_KEY_BYTES - 4} UTF-8 bytes)`,
    );
  }
  if (typeof event.causationId === 'string' && utf8Length(causationPk(event.causationId)) > DYNAMODB_MAX_PARTITION_KEY_BYTES) {
    throw tooLong('causationId', `must fit DynamoDB's ${DYNAMODB_MAX_PARTITION_KEY_BYTES}-byte partition key`);
  }
}

function serialise(value: unknown, index: number, eventId: string, field: string): string {
  try {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`${typeof value} is not a JSON value`);
    return json;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw invalidEvent(
      `event #${index} (id ${eventId}): ${field} cannot be serialised to JSON: ${reason}`,
      { index, eventId, field, rule: 'serialisable' },
      cause,
    );
  }
}

/** Validate a snapshot: non-empty domain, string identifier, integer sequence >= 0, valid created, serialisable state. Throws `INPUT/INVALID_SNAPSHOT`. */
export function validateSnapshot(snapshot: SnapshotEntry): { stateJson: string; createdIso: string } {
  const schema = z.object({
    domain: nonEmpty,
    identifier: optionalText('must be a string'),
    sequence: z.number().int().nonnegative(),
    created: validDate,
  });
  const parsed = schema.safeParse(snapshot);
  const fail = (field: string, rule: string, cause?: unknown) =>
    new SnapshotError(ErrorCodes.INVALID_SNAPSHOT, `Invalid snapshot: ${field} ${rule}`, { cause, details: { field, rule } });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fail(issue.path.join('.') || '(snapshot)', issue.message);
  }
  if (utf8Length(streamPk(snapshot.domain, snapshot.identifier)) > DYNAMODB_MAX_PARTITION_KEY_BYTES) {
    throw fail('domain', `with the identifier must fit DynamoDB's ${DYNAMODB_MAX_PARTITION_KEY_BYTES}-byte partition key (encoded)`);
  }
  let stateJson: string | undefined;
  try {
    stateJson = JSON.stringify(snapshot.state);
  } catch (cause) {
    throw fail('state', 'cannot be serialised to JSON', cause);
  }
  if (stateJson === undefined) throw fail('state', 'is required (any JSON value)');
  return { stateJson, createdIso: snapshot.created.toISOString() };
}

function describeId(event: CreatedEvent): string {
  return typeof event.id === 'string' ? event.id : String(event.id);
}

function invalidEvent(message: string, details: Record<string, unknown>, cause?: unknown): EventStoreAdapterError {
  return new EventStoreAdapterError(ErrorCodes.INVALID_EVENT, message, { details, cause });
}
