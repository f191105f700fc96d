/**
 * The arguments of the public read methods (`getEventById`, `getAllEvents`'s `startFromId`, `findByCausationId`,
 * `getStreamEvents`, `getStreamSequence`, `getSnapshot`; the page size of `getAllEvents`, `getLogPage` and
 * `subscribe`), checked before any request is built:
 * - a value of the wrong type is `INPUT/INVALID_ARGUMENT` naming the argument (`details.field`);
 * - a value under which nothing can be stored (its encoded key past DynamoDB's 2,048-byte partition key, or text
 *   with a lone surrogate: the write path refuses both) is answered as a missing item (null, empty, 0, or
 *   `INPUT/UNKNOWN_CURSOR` for a resume point), with no request: never a `DRIVER/*` error, and never a read of
 *   another item (the AWS SDK would send U+FFFD for a lone surrogate).
 */
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { canExist } from '../layout/keys.js';
import { MAX_PAGE_SIZE } from '../layout/limits.js';
import { causationPk, guardPk, streamPk } from '../layout/table-layout.js';

/** `value` when it is a string; else `INPUT/INVALID_ARGUMENT` naming `field` of `call`. */
export function textArgument(call: string, field: string, value: unknown): string {
  if (typeof value === 'string') return value;
  const got = value === null ? 'null' : typeof value;
  throw new EventStoreAdapterError(ErrorCodes.INVALID_ARGUMENT, `${call}: ${field} must be a string, got ${got}`, {
    details: { field, rule: 'string' },
  });
}

/**
 * Check a page size given to `call` (`getAllEvents`, `getLogPage`, `subscribe`): an integer from 1 to
 * {@link MAX_PAGE_SIZE} (a page is held in memory). `INPUT/INVALID_PAGE_SIZE` otherwise, with `details.field`
 * `'pageSize'`, the value given and the maximum.
 */
export function checkPageSize(call: string, pageSize: unknown): asserts pageSize is number {
  if (Number.isInteger(pageSize) && (pageSize as number) >= 1 && (pageSize as number) <= MAX_PAGE_SIZE) return;
  throw new EventStoreAdapterError(
    ErrorCodes.INVALID_PAGE_SIZE,
    `${call}: pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(pageSize)}`,
    { details: { field: 'pageSize', pageSize, max: MAX_PAGE_SIZE } },
  );
}

/** A stream's identifier as the read methods take it: a string, or absent (undefined/null) for the domain-only stream (''). */
export function identifierArgument(call: string, value: unknown): string {
  return value === undefined || value === null ? '' : textArgument(call, 'identifier', value);
}

/** True when an event with this id can be stored (its guard key fits; well-formed text). */
export function eventIdCanExist(eventId: string): boolean {
  return canExist(guardPk(eventId), eventId);
}

/** True when events can be caused by this id (its link key fits; well-formed text). */
export function causationCanExist(causationId: string): boolean {
  return canExist(causationPk(causationId), causationId);
}

/** True when the stream (domain, identifier) can hold anything (its key fits; well-formed text). */
export function streamCanExist(domain: string, identifier: string): boolean {
  return canExist(streamPk(domain, identifier), domain, identifier);
}

/**
 * The stream arguments of a read method: `domain` a string, `identifier` a string or absent ('');
 * `INPUT/INVALID_ARGUMENT` naming the bad one.
 */
export function streamArguments(call: string, domain: unknown, identifier: unknown): { domain: string; identifier: string } {
  return { domain: textArgument(call, 'domain', domain), identifier: identifierArgument(call, identifier) };
}

/** `fromSequence` of `getStreamEvents`: an integer >= 0; else `INPUT/INVALID_ARGUMENT` naming it. */
export function checkFromSequence(fromSequence: unknown): asserts fromSequence is number {
  if (Number.isInteger(fromSequence) && (fromSequence as number) >= 0) return;
  throw new EventStoreAdapterError(
    ErrorCodes.INVALID_ARGUMENT,
    `getStreamEvents: fromSequence must be an integer >= 0, got ${String(fromSequence)}`,
    { details: { field: 'fromSequence' } },
  );
}

/** `startFromId` of `getAllEvents`: an event id (a string) or absent; else `INPUT/INVALID_ARGUMENT` naming it. */
export function checkStartFromId(startFromId: unknown): asserts startFromId is string | undefined {
  if (startFromId === undefined || typeof startFromId === 'string') return;
  throw new EventStoreAdapterError(
    ErrorCodes.INVALID_ARGUMENT,
    `getAllEvents: startFromId must be an event id (a string) or absent, got ${String(startFromId)}`,
    { details: { field: 'startFromId' } },
  );
}
