/**
 * The core's error codes: stable, namespaced, never changing meaning once published. Each code's doc comment is its
 * meaning; docs/errors.md is generated from them (`npm run docs:errors`, test/docs/error-codes.ts reads this file).
 */

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
