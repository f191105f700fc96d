/**
 * The classes named like the V6 types package's (`@schemeless/event-store-types` 6.x): each extends THAT class (so
 * `instanceof` holds with the class imported from the types package) and carries `code`, `details` and `retryable`
 * like every error here; the brand (`brand` of adapter-error.ts) makes `instanceof EventStoreAdapterError` hold for them too.
 */
import {
  AdapterCapabilityError as V6AdapterCapabilityError,
  EventCursorNotFoundError as V6EventCursorNotFoundError,
  InvalidIdentifierError as V6InvalidIdentifierError,
  InvalidStreamBatchError as V6InvalidStreamBatchError,
  SnapshotError as V6SnapshotError,
  StreamConcurrencyError as V6StreamConcurrencyError,
} from '@schemeless/event-store-types';
import { type AdapterErrorFields, type AdapterErrorOptions, brand, setCause } from './adapter-error.js';
import { type ErrorCode, ErrorCodes } from './codes.js';

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
