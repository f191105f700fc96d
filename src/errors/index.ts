/**
 * The one error type of this package, with stable, namespaced codes.
 *
 * Tests and callers branch on `code`, never on `message`. Every code is listed in {@link ErrorCodes};
 * a code never changes meaning once published. `ConcurrencyError` and `DuplicateEventIdError` are
 * subclasses so the framework (which checks `name === 'ConcurrencyError'`) recognises them.
 *
 * The V6 framework's classes: `@schemeless/event-store-types` 6.x defines `EventStoreError` and, extending it,
 * `StreamConcurrencyError`, `EventCursorNotFoundError`, `InvalidIdentifierError`, `InvalidStreamBatchError`,
 * `AdapterCapabilityError` and `SnapshotError` (real classes at runtime, CommonJS). `EventStoreAdapterError`
 * extends `EventStoreError`, so every error of this package is `instanceof EventStoreError`. The classes of this
 * package named like a V6 class extend THAT class (so `instanceof` holds with the class imported from the types
 * package) and carry `code`, `details` and `retryable` like every error here; `instanceof EventStoreAdapterError`
 * holds for them too, through a brand checked by `EventStoreAdapterError[Symbol.hasInstance]` (JavaScript has one
 * prototype chain, so the brand stands in for the second parent). `hasCode()` therefore works for all of them.
 */
import {
  AdapterCapabilityError as V6AdapterCapabilityError,
  EventCursorNotFoundError as V6EventCursorNotFoundError,
  EventStoreError,
  InvalidIdentifierError as V6InvalidIdentifierError,
  InvalidStreamBatchError as V6InvalidStreamBatchError,
  SnapshotError as V6SnapshotError,
  StreamConcurrencyError as V6StreamConcurrencyError,
} from '@schemeless/event-store-types';

/**
 * Every error code the core and the drivers throw, grouped by namespace (`INPUT/`, `STORE/`, `DECODE/`, `CODEC/`,
 * `DRIVER/`, `RETRY/`). Modules outside the core declare their own codes in a namespace of their own and throw this class with
 * them (`/ops`: `OpsErrorCodes`, `OPS/*`, in ops/errors.ts).
 */
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
  /** A change-feed cursor is malformed (not the shape `getLogPage` returns); `details.reason` says how. */
  INVALID_CURSOR: 'INPUT/INVALID_CURSOR',
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
  /** `getLogPage` / `subscribe` on a store without `changeFeed` (the table has no change feed). */
  CHANGE_FEED_DISABLED: 'STORE/CHANGE_FEED_DISABLED',
  /**
   * A change-feed cursor of another table, or of this table before a `resetStore` (another generation), or ahead
   * of the log; `details.reason` is `other-table`, `table-reset` or `ahead-of-log`. Nothing was read past it.
   */
  STALE_CURSOR: 'STORE/STALE_CURSOR',
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
  /**
   * `appendBatch` refused a batch that does not fit ONE transaction (the driver's actions or bytes per transaction,
   * after offloading); `details` has the events, actions, bytes and limits. Nothing was written.
   */
  BATCH_TOO_LARGE: 'STORE/BATCH_TOO_LARGE',
  /** Any other backend failure (not retryable). */
  BACKEND: 'DRIVER/BACKEND',
  /** Retries ran out; `cause` is the last error. */
  RETRIES_EXHAUSTED: 'RETRY/EXHAUSTED',
  /** A batch-get or batch-write still had unprocessed keys after the attempt cap; `details.unprocessed` holds them. */
  UNPROCESSED_LEFT: 'RETRY/UNPROCESSED_LEFT',
  /**
   * Payload codecs (`compression`, `encryption`, `upcast`; docs/codecs.md). Each names the event (`details.eventId`,
   * `details.key`) or the snapshot's stream. On a read path the event is unreadable (`onUnreadable` receives it);
   * on a write path nothing was written.
   */
  /** An item's encoding marker names a step this version does not know (written by a newer version, or corrupted). */
  CODEC_UNKNOWN_ENCODING: 'CODEC/UNKNOWN_ENCODING',
  /** A compressed value does not decompress (corrupted). */
  CODEC_CORRUPT: 'CODEC/CORRUPT',
  /** A compressed value would decompress past the configured limit (`compression.maxDecompressedBytes`): a decompression bomb. */
  CODEC_DECOMPRESSION_LIMIT: 'CODEC/DECOMPRESSION_LIMIT',
  /** An encrypted value fails authentication: a corrupted ciphertext, or one moved from another event or stream. */
  CODEC_DECRYPT_FAILED: 'CODEC/DECRYPT_FAILED',
  /** A wrapped key does not unwrap: a wrong master key (or KMS key), or a corrupted key item. */
  CODEC_KEY_UNWRAP_FAILED: 'CODEC/KEY_UNWRAP_FAILED',
  /** An encrypted event's stream has no data key and was never erased (its key item was lost), or the store reads it without `encryption`. */
  CODEC_KEY_MISSING: 'CODEC/KEY_MISSING',
  /** The key provider failed (e.g. KMS unreachable or throttled after its own retries); `cause` is its error. Retry later. */
  CODEC_KEY_PROVIDER: 'CODEC/KEY_PROVIDER',
  /** A write to a stream whose key `eraseStream` destroyed: refused, nothing written. */
  CODEC_STREAM_ERASED: 'CODEC/STREAM_ERASED',
  /** The `upcast` option threw for an event; `cause` is what it threw. */
  CODEC_UPCAST_FAILED: 'CODEC/UPCAST_FAILED',
} as const;

/** A stable error code of the core: one of the values of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Codes the core's retry policy retries. Everything else fails at once. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCodes.THROTTLED,
  ErrorCodes.TRANSIENT,
  ErrorCodes.TRANSACTION_CONFLICT,
]);

/**
 * The brand every error of this package carries on its prototype: `instanceof EventStoreAdapterError` checks it, so
 * the classes that extend a V6 class (and so cannot extend `EventStoreAdapterError`) still pass. `Symbol.for`: the
 * ESM and CommonJS builds of this package, if both are loaded, recognise each other's errors.
 */
const ADAPTER_ERROR: unique symbol = Symbol.for('event-store-adapter-dynamodb/EventStoreAdapterError') as never;

/** Options of an error's constructor: the original error and structured facts. */
export interface AdapterErrorOptions {
  /** The original error (set as the standard `cause`). */
  cause?: unknown;
  /** Structured facts about the failure; frozen into `details`. */
  details?: Record<string, unknown>;
}

/** The fields every error of this package has, whichever class it extends. */
export interface AdapterErrorFields {
  /** Stable, namespaced code; see {@link ErrorCodes}. */
  readonly code: ErrorCode;
  /** Structured facts about the failure (field names, keys, ids); shape depends on the code. */
  readonly details: Readonly<Record<string, unknown>>;
  /** True when the core's retry policy treats this error as transient. */
  readonly retryable: boolean;
}

/** Set `cause` as the standard `Error` constructor does (own, non-enumerable), for base classes that take only a message. */
function setCause(error: Error, cause: unknown): void {
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, writable: true, enumerable: false, configurable: true });
}

/** Brand a class's prototype and give it the `retryable` getter (for classes that do not extend {@link EventStoreAdapterError}). */
function brand(target: { prototype: object }): void {
  Object.defineProperty(target.prototype, ADAPTER_ERROR, { value: true });
  Object.defineProperty(target.prototype, 'retryable', {
    get(this: AdapterErrorFields) {
      return RETRYABLE_CODES.has(this.code);
    },
    configurable: true,
  });
}

/**
 * The package's error: `code` is stable, `details` is structured data about the failure, `cause` the original error.
 * Extends the V6 framework's `EventStoreError`. `instanceof EventStoreAdapterError` is true for every error of this
 * package, including the classes that extend a V6 class instead (they carry the same brand). `Code`: the codes it
 * may carry, the core's by default; a module outside the core with codes of its own (ops/errors.ts) names them.
 */
export class EventStoreAdapterError<Code extends string = ErrorCode> extends EventStoreError {
  /** Stable, namespaced code; see {@link ErrorCodes}. */
  readonly code: Code;
  /** Structured facts about the failure (field names, keys, ids); shape depends on the code. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: Code, message: string, options: AdapterErrorOptions = {}) {
    super(message);
    setCause(this, options.cause);
    this.name = 'EventStoreAdapterError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }

  /** True when the core's retry policy treats this error as transient. */
  get retryable(): boolean {
    return RETRYABLE_CODES.has(this.code as string as ErrorCode);
  }

  /** Every error of this package (branded); subclasses keep the ordinary prototype-chain check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== EventStoreAdapterError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [ADAPTER_ERROR]?: unknown })[ADAPTER_ERROR] === true;
  }
}
Object.defineProperty(EventStoreAdapterError.prototype, ADAPTER_ERROR, { value: true });

/**
 * Optimistic-concurrency conflict (the 3.x contract's `ConcurrencyError`): the stream `streamKey`
 * (`${domain}::${identifier}`) was at `actualSequence`, not `expectedSequence`. Nothing was written.
 */
export class ConcurrencyError extends EventStoreAdapterError {
  /** `${domain}::${identifier}` of the conflicting stream. */
  readonly streamKey: string;
  /** The sequence the caller expected the stream at. */
  readonly expectedSequence: number;
  /** The sequence the stream is really at. */
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

/** An event id is already stored or repeated within the batch (3.x `storeEvents`). Nothing of the batch was written. */
export class DuplicateEventIdError extends EventStoreAdapterError {
  /** The duplicate ids. */
  readonly eventIds: readonly string[];

  constructor(eventIds: readonly string[]) {
    super(ErrorCodes.DUPLICATE_EVENT_ID, `Duplicate event id: ${eventIds.join(', ')}`, { details: { eventIds } });
    this.name = 'DuplicateEventIdError';
    this.eventIds = eventIds;
  }
}

/**
 * The V6 methods' duplicate-id error (`append`, `appendToStream`, `appendBatch`), named as in
 * `@schemeless/event-store-types` 6.0.0-rc.6 (`DuplicateEventError`; not in rc.5, so declared here, extending
 * `EventStoreError` through {@link EventStoreAdapterError}). Same code as {@link DuplicateEventIdError}, of which
 * it is a subclass; `eventId` is the first duplicate. Nothing of the batch was written.
 */
export class DuplicateEventError extends DuplicateEventIdError {
  /** The first duplicate id (all of them are in `eventIds`). */
  readonly eventId: string;

  constructor(eventIds: readonly string[]) {
    super(eventIds);
    this.name = 'DuplicateEventError';
    this.eventId = eventIds[0] ?? '';
  }
}

/**
 * `appendBatch` refused a batch that does not fit ONE transaction (code `STORE/BATCH_TOO_LARGE`), named as upstream's
 * rc.6 transaction-scope error (`TransactionScopeError`; not in rc.5, so declared here). Nothing was written.
 */
export class TransactionScopeError extends EventStoreAdapterError {
  constructor(message: string, details: Record<string, unknown>) {
    super(ErrorCodes.BATCH_TOO_LARGE, message, { details });
    this.name = 'TransactionScopeError';
  }
}

/** True when `error` is an error of this package ({@link EventStoreAdapterError}, branded) with the given code. */
export function hasCode<Code extends string = ErrorCode>(error: unknown, code: Code): error is EventStoreAdapterError<Code> {
  return error instanceof EventStoreAdapterError && error.code === code;
}

/**
 * The 6.x contract's optimistic-concurrency error (`appendToStream`, `appendBatch`): the stream (domain,
 * identifier; `''` for a domain-only stream) was at `actualVersion`, not `expectedVersion`. Extends the types
 * package's `StreamConcurrencyError` (its fields `domain`, `identifier`, `expectedVersion`, `actualVersion`); code
 * `STORE/CONCURRENCY` as {@link ConcurrencyError}. Nothing was written.
 */
export class StreamConcurrencyError extends V6StreamConcurrencyError implements AdapterErrorFields {
  /** `STORE/CONCURRENCY`. */
  readonly code: ErrorCode = ErrorCodes.CONCURRENCY;
  /** `{ domain, identifier, expectedVersion, actualVersion }`. */
  readonly details: Readonly<Record<string, unknown>>;
  declare readonly retryable: boolean;

  constructor(domain: string, identifier: string, expectedVersion: number, actualVersion: number, cause?: unknown) {
    super(domain, identifier, expectedVersion, actualVersion);
    setCause(this, cause);
    this.details = Object.freeze({ domain, identifier, expectedVersion, actualVersion });
  }
}
brand(StreamConcurrencyError);

/**
 * `getAllEvents(…, startFromId)` named an event that is not stored: the types package's `EventCursorNotFoundError`
 * with code `INPUT/UNKNOWN_CURSOR`, `cursorId` and `details.startFromId`.
 */
export class EventCursorNotFoundError extends V6EventCursorNotFoundError implements AdapterErrorFields {
  /** `INPUT/UNKNOWN_CURSOR`. */
  readonly code: ErrorCode = ErrorCodes.UNKNOWN_CURSOR;
  /** `{ startFromId }`. */
  readonly details: Readonly<Record<string, unknown>>;
  /** The unknown cursor (an event id). */
  readonly cursorId: string;
  declare readonly retryable: boolean;

  constructor(cursorId: string) {
    super(cursorId);
    this.cursorId = cursorId;
    this.details = Object.freeze({ startFromId: cursorId });
  }
}
brand(EventCursorNotFoundError);

/**
 * A V6 batch is malformed as a whole: the types package's `InvalidStreamBatchError`. `appendToStream`: empty, or
 * spanning streams (code `INPUT/INVALID_EVENT`); `appendBatch`: empty, a written stream without an expected
 * version, a stream listed twice, a bad expected version (code `INPUT/INVALID_ARGUMENT`, `details.field` names it).
 */
export class InvalidStreamBatchError extends V6InvalidStreamBatchError implements AdapterErrorFields {
  /** `INPUT/INVALID_EVENT` or `INPUT/INVALID_ARGUMENT`. */
  readonly code: ErrorCode;
  /** `field` and `rule`, and the index or stream concerned. */
  readonly details: Readonly<Record<string, unknown>>;
  declare readonly retryable: boolean;

  constructor(
    message: string,
    details: Record<string, unknown> = { field: 'events', rule: 'one stream per appendToStream batch' },
    code: ErrorCode = ErrorCodes.INVALID_EVENT,
  ) {
    super(message);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}
brand(InvalidStreamBatchError);

/**
 * A V6 identifier is missing, empty or only whitespace where V6 requires one (`appendToStream`'s events, and in
 * `appendBatch` / `getStreamVersions` an identifier that is present): the types package's `InvalidIdentifierError`.
 * Code `INPUT/INVALID_EVENT` for an event's identifier, `INPUT/INVALID_ARGUMENT` for a stream reference.
 */
export class InvalidIdentifierError extends V6InvalidIdentifierError implements AdapterErrorFields {
  /** `INPUT/INVALID_EVENT` or `INPUT/INVALID_ARGUMENT`. */
  readonly code: ErrorCode;
  /** `field` and `rule` (and the index concerned). */
  readonly details: Readonly<Record<string, unknown>>;
  declare readonly retryable: boolean;

  constructor(
    message: string,
    details: Record<string, unknown> = { field: 'identifier', rule: 'non-empty string' },
    code: ErrorCode = ErrorCodes.INVALID_EVENT,
  ) {
    super(message);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}
brand(InvalidIdentifierError);

/**
 * A snapshot cannot be saved: the types package's `SnapshotError`. Code `INPUT/INVALID_SNAPSHOT` (`details.field`
 * and `rule`) or `STORE/BLOB_STORE_REQUIRED` (too large for an item, and no blob store to offload it to).
 */
export class SnapshotError extends V6SnapshotError implements AdapterErrorFields {
  /** `INPUT/INVALID_SNAPSHOT` or `STORE/BLOB_STORE_REQUIRED`. */
  readonly code: ErrorCode;
  /** Structured facts (field and rule, or the size). */
  readonly details: Readonly<Record<string, unknown>>;
  declare readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: AdapterErrorOptions = {}) {
    super(message);
    setCause(this, options.cause);
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}
brand(SnapshotError);

/**
 * The store lacks what an operation needs: the types package's `AdapterCapabilityError`. Code
 * `STORE/BLOB_STORE_REQUIRED`: an event must be offloaded (or is stored offloaded) but no blob store is configured.
 */
export class AdapterCapabilityError extends V6AdapterCapabilityError implements AdapterErrorFields {
  /** `STORE/BLOB_STORE_REQUIRED`. */
  readonly code: ErrorCode;
  /** Structured facts (event id, sizes, blob key). */
  readonly details: Readonly<Record<string, unknown>>;
  declare readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: AdapterErrorOptions = {}) {
    super(message);
    setCause(this, options.cause);
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}
brand(AdapterCapabilityError);
