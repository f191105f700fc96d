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
export { type AdapterErrorFields, type AdapterErrorOptions, EventStoreAdapterError, hasCode } from './adapter-error.js';
export { ConcurrencyError, DuplicateEventError, DuplicateEventIdError, TransactionScopeError } from './classes.js';
export { type ErrorCode, ErrorCodes, RETRYABLE_CODES } from './codes.js';
export {
  AdapterCapabilityError,
  EventCursorNotFoundError,
  InvalidIdentifierError,
  InvalidStreamBatchError,
  SnapshotError,
  StreamConcurrencyError,
} from './v6-classes.js';
