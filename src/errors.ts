/**
 * The one error type of this package, with stable, namespaced codes.
 *
 * Tests and callers branch on `code`, never on `message`. Every code is listed in {@link ErrorCodes};
 * a code never changes meaning once published. `ConcurrencyError` and `DuplicateEventIdError` are
 * subclasses so the framework (which checks `name === 'ConcurrencyError'`) recognises them.
 */

/** Every error code this package throws, grouped by namespace (`INPUT/`, `STORE/`, `DECODE/`, `DRIVER/`, `RETRY/`, `OPS/`). */
export const ErrorCodes = {
  /** Options failed validation; `details.issues` names each field and rule. */
  INVALID_OPTIONS: 'INPUT/INVALID_OPTIONS',
  /** An event failed validation (missing id/domain/type, invalid `created`, unserialisable payload). Nothing was written. */
  INVALID_EVENT: 'INPUT/INVALID_EVENT',
  /** A page size outside 1..MAX_PAGE_SIZE, or not an integer. */
  INVALID_PAGE_SIZE: 'INPUT/INVALID_PAGE_SIZE',
  /** An argument other than events, snapshots and page sizes is malformed (a non-string cursor, a bad `fromSequence`); `details.field` names it. */
  INVALID_ARGUMENT: 'INPUT/INVALID_ARGUMENT',
  /** `getAllEvents(…, startFromId)` named an event that is not stored. */
  UNKNOWN_CURSOR: 'INPUT/UNKNOWN_CURSOR',
  /** A snapshot failed validation. */
  INVALID_SNAPSHOT: 'INPUT/INVALID_SNAPSHOT',
  /** Optimistic-concurrency conflict: the stream was not at `expectedSequence`. Nothing was written. */
  CONCURRENCY: 'STORE/CONCURRENCY',
  /** An event id is repeated in the batch or already stored. Nothing of the batch was written. */
  DUPLICATE_EVENT_ID: 'STORE/DUPLICATE_EVENT_ID',
  /** A batch too large for one transaction failed after some of its chunks were committed; `details.storedEventIds` lists them. */
  PARTIAL_BATCH: 'STORE/PARTIAL_BATCH',
  /** An event or snapshot must be offloaded but no blob driver is configured. Nothing was written. */
  BLOB_STORE_REQUIRED: 'STORE/BLOB_STORE_REQUIRED',
  /** An event cannot be made to fit the driver's item limit even fully offloaded (its keys and envelope alone are too big). */
  ITEM_TOO_LARGE: 'STORE/ITEM_TOO_LARGE',
  /** The store was used after `close()`. */
  CLOSED: 'STORE/CLOSED',
  /**
   * A write's outcome could not be proven (a lost response, a deadline or an abort while a transaction was in
   * flight): it may have committed or not. `details.eventIds` lists the events. Retrying the IDENTICAL batch is
   * safe: if it had committed, the retry succeeds and returns the stored events. Its blobs are kept (the sweeper
   * removes them once unreferenced).
   */
  OUTCOME_UNKNOWN: 'STORE/OUTCOME_UNKNOWN',
  /** The call's deadline (`deadlineMs`) passed before it could finish; nothing in flight may still commit. */
  DEADLINE_EXCEEDED: 'STORE/DEADLINE_EXCEEDED',
  /** The call was aborted through an `AbortSignal` (the store's or the call's); `cause` is the signal's reason. */
  ABORTED: 'STORE/ABORTED',
  /** `resetStore` refused: the table was not created by an event store (`details.reason`); nothing was touched. */
  RESET_REFUSED: 'STORE/RESET_REFUSED',
  /** The table's recorded layout (metadata item) differs from this store's configuration; `details.field` names it. */
  LAYOUT_MISMATCH: 'STORE/LAYOUT_MISMATCH',
  /** A stored item failed to decode; `details.key` names it. */
  INVALID_ITEM: 'DECODE/INVALID_ITEM',
  /** An item references a blob that is missing; `details.blobKey` names it. */
  MISSING_BLOB: 'DECODE/MISSING_BLOB',
  /** The backend throttled the request (retryable). */
  THROTTLED: 'DRIVER/THROTTLED',
  /** A transient backend failure: 5xx, network reset, timeout (retryable). */
  TRANSIENT: 'DRIVER/TRANSIENT',
  /** A transaction was cancelled by a conflicting concurrent transaction (retryable). */
  TRANSACTION_CONFLICT: 'DRIVER/TRANSACTION_CONFLICT',
  /** The backend rejected the request as invalid (not retryable). */
  VALIDATION: 'DRIVER/VALIDATION',
  /** A request exceeded a service limit (item size, actions or bytes per transaction, batch size). Not retryable. */
  LIMIT_EXCEEDED: 'DRIVER/LIMIT_EXCEEDED',
  /** The table or bucket does not exist (not retryable). */
  RESOURCE_NOT_FOUND: 'DRIVER/RESOURCE_NOT_FOUND',
  /** The credentials may not do this (not retryable). */
  ACCESS_DENIED: 'DRIVER/ACCESS_DENIED',
  /** A table did not become ACTIVE (or gone) within the driver's wait timeout. Not retryable: retrying repeats the wait. */
  TABLE_WAIT_TIMEOUT: 'DRIVER/TABLE_WAIT_TIMEOUT',
  /** An existing table's key schema or indexes differ from what this adapter needs; `details.differences` lists them. */
  SCHEMA_MISMATCH: 'DRIVER/SCHEMA_MISMATCH',
  /** Any other backend failure (not retryable). */
  BACKEND: 'DRIVER/BACKEND',
  /** Retries ran out; `cause` is the last error. */
  RETRIES_EXHAUSTED: 'RETRY/EXHAUSTED',
  /** A batch-get or batch-write still had unprocessed keys after the attempt cap; `details.unprocessed` holds them. */
  UNPROCESSED_LEFT: 'RETRY/UNPROCESSED_LEFT',
  /** Operations (`/ops`, the CLI): the migration's source table is not the old adapter's layout (`details.differences`). */
  OPS_SOURCE_LAYOUT: 'OPS/SOURCE_LAYOUT',
  /** Operations: a line of an NDJSON event file is not an event (`details.line`, `details.reason`). */
  OPS_INVALID_LINE: 'OPS/INVALID_LINE',
  /** Operations: an export cannot resume: its checkpoint does not match the output file (`details.reason`). */
  OPS_CHECKPOINT_MISMATCH: 'OPS/CHECKPOINT_MISMATCH',
} as const;

/** A stable error code: one of the values of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Codes the core's retry policy retries. Everything else fails at once. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCodes.THROTTLED,
  ErrorCodes.TRANSIENT,
  ErrorCodes.TRANSACTION_CONFLICT,
]);

/** The package's error: `code` is stable, `details` is structured data about the failure, `cause` the original error. */
export class EventStoreAdapterError extends Error {
  /** Stable, namespaced code; see {@link ErrorCodes}. */
  readonly code: ErrorCode;
  /** Structured facts about the failure (field names, keys, ids); shape depends on the code. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EventStoreAdapterError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }

  /** True when the core's retry policy treats this error as transient. */
  get retryable(): boolean {
    return RETRYABLE_CODES.has(this.code);
  }
}

/**
 * Optimistic-concurrency conflict (the 3.x contract's `ConcurrencyError`): the stream `streamKey`
 * (`${domain}::${identifier}`) was at `actualSequence`, not `expectedSequence`. Nothing was written.
 */
export class ConcurrencyError extends EventStoreAdapterError {
  readonly streamKey: string;
  readonly expectedSequence: number;
  readonly actualSequence: number;

  constructor(streamKey: string, expectedSequence: number, actualSequence: number) {
    super(
      ErrorCodes.CONCURRENCY,
      `Concurrency conflict on stream ${streamKey}: expected sequence ${expectedSequence}, but it is at ${actualSequence}`,
      { details: { streamKey, expectedSequence, actualSequence } },
    );
    this.name = 'ConcurrencyError';
    this.streamKey = streamKey;
    this.expectedSequence = expectedSequence;
    this.actualSequence = actualSequence;
  }
}

/** An event id is already stored or repeated within the batch. Nothing of the batch was written. */
export class DuplicateEventIdError extends EventStoreAdapterError {
  readonly eventIds: readonly string[];

  constructor(eventIds: readonly string[]) {
    super(ErrorCodes.DUPLICATE_EVENT_ID, `Duplicate event id: ${eventIds.join(', ')}`, { details: { eventIds } });
    this.name = 'DuplicateEventIdError';
    this.eventIds = eventIds;
  }
}

/** True when `error` is an {@link EventStoreAdapterError} with the given code. */
export function hasCode(error: unknown, code: ErrorCode): error is EventStoreAdapterError {
  return error instanceof EventStoreAdapterError && error.code === code;
}

/**
 * The 6.x contract's optimistic-concurrency error (`appendToStream`): the stream (domain, identifier) was at
 * `actualVersion`, not `expectedVersion`. Same code as {@link ConcurrencyError}; the name the 6.x framework expects.
 */
export class StreamConcurrencyError extends EventStoreAdapterError {
  readonly domain: string;
  readonly identifier: string;
  readonly expectedVersion: number;
  readonly actualVersion: number;

  constructor(domain: string, identifier: string, expectedVersion: number, actualVersion: number, cause?: unknown) {
    super(ErrorCodes.CONCURRENCY, `Concurrency conflict on stream "${domain}/${identifier}": expected version ${expectedVersion}, but found ${actualVersion}`, {
      cause,
      details: { domain, identifier, expectedVersion, actualVersion },
    });
    this.name = 'StreamConcurrencyError';
    this.domain = domain;
    this.identifier = identifier;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/** `getAllEvents(…, startFromId)` named an event that is not stored (code `INPUT/UNKNOWN_CURSOR`; the 6.x contract's name). */
export class EventCursorNotFoundError extends EventStoreAdapterError {
  readonly cursorId: string;

  constructor(cursorId: string) {
    super(ErrorCodes.UNKNOWN_CURSOR, `Event cursor not found: "${cursorId}" is not a stored event`, { details: { startFromId: cursorId } });
    this.name = 'EventCursorNotFoundError';
    this.cursorId = cursorId;
  }
}

/** An `appendToStream` batch mixes streams or is empty (code `INPUT/INVALID_EVENT`; the 6.x contract's name). */
export class InvalidStreamBatchError extends EventStoreAdapterError {
  constructor(message: string) {
    super(ErrorCodes.INVALID_EVENT, message, { details: { field: 'events', rule: 'one stream per appendToStream batch' } });
    this.name = 'InvalidStreamBatchError';
  }
}

/** An `appendToStream` event lacks a non-empty identifier (code `INPUT/INVALID_EVENT`; the 6.x contract's name). */
export class InvalidIdentifierError extends EventStoreAdapterError {
  constructor(message: string) {
    super(ErrorCodes.INVALID_EVENT, message, { details: { field: 'identifier', rule: 'non-empty string' } });
    this.name = 'InvalidIdentifierError';
  }
}
