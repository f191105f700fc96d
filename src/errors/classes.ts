/**
 * The subclasses of {@link EventStoreAdapterError} the framework recognises by `name`: the 3.x contract's
 * `ConcurrencyError` and `DuplicateEventIdError`, and the rc.6 names `DuplicateEventError` and `TransactionScopeError`
 * (not in the types package's rc.5, so declared here).
 */
import { EventStoreAdapterError } from './adapter-error.js';
import { ErrorCodes } from './codes.js';

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
