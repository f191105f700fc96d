/**
 * The store's public methods and their contracts (arguments, defaults, units, errors). `EventStore` implements it
 * with one delegating line per method (src/event-store.ts): editors and the API reference show these doc comments on
 * the class's members. Program against it to stand in a test double for the store.
 */
import type { SweepOptions, SweepResult } from '../blobs/sweeper.js';
import type { ConsumerStart } from '../feed/change-feed.js';
import type { DynamoDbStreamRecord } from '../feed/stream-records.js';
import type { SubscribeOptions, Subscription } from '../feed/subscription.js';
import type { CallOptions } from '../runtime/call-budget.js';
import type { StoreStats } from '../runtime/metering.js';
import type { RetryPolicy } from '../runtime/retry.js';
import type {
  AppendableEvent,
  CreatedEvent,
  ExpectedStreamVersion,
  SnapshotEntry,
  StoreEventsOptions,
  StoredEvent,
  StreamAppendableEvent,
  StreamLogPage,
  StreamReference,
} from './contract-types.js';

/** Every public method of the store (the 3.x `IEventStoreRepo`, the V6 adapter contracts, the change feed, operations). */
export interface EventStoreApi {
  /**
   * Create the table, indexes and blob container if missing and wait until usable, then check the table's layout
   * record (`STORE/LAYOUT_MISMATCH` naming the field, e.g. another `bucketShards`). Idempotent; concurrent calls
   * (and the first call of each other method, which runs it under its own deadline) share one run; a failed run
   * can be retried.
   *
   * Bounded: past `options.deadlineMs` (default: the store's `deadlineMs`, at least 120 s, `DEFAULT_INIT_DEADLINE_MS`)
   * it rejects with `STORE/DEADLINE_EXCEEDED`, on `options.signal` or the store's `signal` with `STORE/ABORTED`,
   * whatever the endpoint does (one that never answers included). The run stops, its requests aborted, once every
   * call waiting for it has given up; nothing half-made is misread later: a table this store created is recorded
   * as such by the next `init` that completes. The driver's own table wait also applies (DynamoDB:
   * `tableWaitTimeoutMs`, `DRIVER/TABLE_WAIT_TIMEOUT`). `STORE/CLOSED` after `close()`.
   */
  init(options?: CallOptions): Promise<void>;

  /**
   * Store a batch (see README "Write semantics"): one atomic transaction when it fits, across streams.
   * @throws `ConcurrencyError` when `expectedSequence` (for the first event's stream) does not match; nothing written.
   * @throws `DuplicateEventIdError` for an id repeated in the batch or already stored; nothing written.
   * @throws `INPUT/INVALID_EVENT` before anything is written; `STORE/PARTIAL_BATCH` for multi-transaction batches.
   * @throws `STORE/OUTCOME_UNKNOWN` when the outcome cannot be proven: retry the identical batch (a committed one then succeeds).
   * @throws `STORE/DEADLINE_EXCEEDED` / `STORE/ABORTED` past `options.deadlineMs` (or the store's) or on `options.signal`.
   */
  storeEvents(events: CreatedEvent[], options?: StoreEventsOptions): Promise<void>;

  /** Like `storeEvents`, and returns the stored events with their sequences, in batch order. */
  appendEvents(events: readonly CreatedEvent[], options?: StoreEventsOptions): Promise<StoredEvent[]>;

  /**
   * 6.x `append`: store events like `storeEvents` with no expectation. An event without `id` gets an increasing id (ids.ts), one
   * without `created` the store's clock (as the PostgreSQL adapter does); a `sequence` it carries is ignored (the
   * revert runtime sends `sequence: undefined`, an import the exported sequences).
   * @throws as `storeEvents`, but a duplicate id is a `DuplicateEventError` (rc.6's name; code `STORE/DUPLICATE_EVENT_ID`).
   */
  append(events: readonly AppendableEvent[]): Promise<void>;

  /**
   * rc.6 `appendBatch` (`BatchEventStoreAdapter`): ONE atomic transaction across streams, events stored in input
   * order (each stream's events get consecutive sequences), every stream of `expectedVersions` checked at its
   * version in that transaction, including streams listed but not written (read dependencies of a decision: a
   * condition check on the stream's head; 0 means the stream is empty). Every written stream must be listed, each
   * stream at most once; an identifier, when present, must be non-empty and not only whitespace (omit it for the
   * domain-only stream). Events without `id`/`created` get them as in `append`.
   * @throws `StreamConcurrencyError` (types package's class, `STORE/CONCURRENCY`) naming the stream and both versions; nothing written.
   * @throws `DuplicateEventError` (`STORE/DUPLICATE_EVENT_ID`) for an id repeated in the batch or already stored; nothing written.
   * @throws `TransactionScopeError` (`STORE/BATCH_TOO_LARGE`) when the batch cannot fit one transaction (100 actions / 4 MB on DynamoDB); nothing written.
   * @throws `InvalidStreamBatchError` (empty batch: `INPUT/INVALID_EVENT`; unlisted written stream, stream listed twice, bad version or domain: `INPUT/INVALID_ARGUMENT`), `InvalidIdentifierError`, `INPUT/INVALID_EVENT`; nothing written.
   */
  appendBatch(events: readonly AppendableEvent[], expectedVersions: readonly ExpectedStreamVersion[]): Promise<void>;

  /**
   * rc.6 `getStreamVersions` (`BatchEventStoreAdapter`): the version (last sequence, 0 for an empty stream) of each
   * listed stream, in input order, one entry per input entry (a stream listed twice is read once and reported
   * twice), `identifier` present exactly when the input had it: the vector to pass to `appendBatch`. One strongly
   * consistent batch read of the heads; each version is current when read, the set is not a snapshot across
   * streams (`appendBatch` checks it atomically).
   * @throws `INPUT/INVALID_ARGUMENT` (`details.field`, e.g. `streams[2].domain`) or `InvalidIdentifierError` for a bad reference; nothing is read.
   */
  getStreamVersions(streams: readonly StreamReference[]): Promise<ExpectedStreamVersion[]>;

  /**
   * 6.x `appendToStream`: append to ONE stream if it is at `expectedVersion` (0: new); resolves to its new version.
   * Events without `id`/`created` get them as in `append`.
   * @throws `StreamConcurrencyError` (the types package's class; code `STORE/CONCURRENCY`) with the actual version; nothing written.
   * @throws `InvalidStreamBatchError` for an empty batch or one that spans streams, `InvalidIdentifierError` for a missing, empty or whitespace identifier.
   * @throws `DuplicateEventError` (`STORE/DUPLICATE_EVENT_ID`) for a duplicate id; nothing written.
   */
  appendToStream(events: readonly StreamAppendableEvent[], expectedVersion: number): Promise<{ nextVersion: number }>;

  /** 6.x `reset`: same as `resetStore`. */
  reset(): Promise<void>;

  /**
   * Async iterator of pages (at most `pageSize` events, 1..10,000, default 200) over every event in
   * `created ASC, id ASC` order, resuming after `startFromId` (unknown: `EventCursorNotFoundError`, `INPUT/UNKNOWN_CURSOR`,
   * also for an id no event can have, e.g. one whose key would pass DynamoDB's limit: see read-arguments.ts).
   */
  getAllEvents(pageSize?: number, startFromId?: string): Promise<AsyncIterableIterator<StoredEvent[]>>;

  /** The stored shape of a created event (validated; `sequence` is 0 until the event is stored). */
  createEventEntity(event: CreatedEvent): StoredEvent;

  /**
   * Drop every event, snapshot and offloaded blob of this store, and leave an empty, working store. Only what the
   * store wrote is deleted, and only what it can re-create:
   * - the layout record is read again first (the table may have been re-created since `init`), and the table is
   *   dropped and re-created (a new generation) only when that record says an event store created it;
   * - never a table of another layout (`DRIVER/SCHEMA_MISMATCH`, `STORE/LAYOUT_MISMATCH`), nor one created outside
   *   the store (`STORE/RESET_REFUSED`, reason `table-not-created-by-store`), nor any table when this store's KV
   *   driver may not create tables (`skipDynamoDBTableCreation`, DynamoDB `createTable: false`: `STORE/RESET_REFUSED`,
   *   reason `table-creation-skipped`, since the store could not re-create it); in these cases nothing is touched;
   * - only the blobs under the dropped instance's scope (`<blobKeyPrefix><tableName>/<generation>/`), never
   *   another store's, nor a same-named table's elsewhere in a shared bucket, nor this table's blobs of the key
   *   layout without a generation (kept: their key cannot tell them from a same-named neighbour's).
   * Other processes notice the reset at their next write (their heads carry the old generation) or read.
   * Bounded like `init`: `STORE/DEADLINE_EXCEEDED` past `options.deadlineMs` (default: the store's `deadlineMs`, at
   * least 120 s, `DEFAULT_INIT_DEADLINE_MS`: it drops and re-creates the table), `STORE/ABORTED` on a signal.
   */
  resetStore(options?: CallOptions): Promise<void>;

  /**
   * Delete this store's orphaned blobs (see `sweeper.ts`): under the scope of the table's current instance (the
   * layout record is read first), older than `olderThanMs`, referenced by no stored item. Resolves to the deleted
   * keys and the number kept; with `dryRun`, deletes nothing and lists the orphans in `wouldDelete`. Bounded by `options.deadlineMs` (default: the store's `deadlineMs`, at least an hour:
   * it lists and reads the whole scope) and `options.signal`.
   */
  sweepOrphanBlobs(options: SweepOptions & CallOptions): Promise<SweepResult>;

  /**
   * The stream's events with `sequence > fromSequence`, ascending; reads its own writes. A stream no event can be
   * written to (its key past DynamoDB's limit, a lone surrogate) is empty. @throws `INPUT/INVALID_ARGUMENT` naming a
   * non-string `domain` / `identifier` (absent: the domain-only stream) or a bad `fromSequence`.
   */
  getStreamEvents(domain: string, identifier: string, fromSequence?: number): Promise<StoredEvent[]>;

  /**
   * The stream's current sequence, 0 when empty (or when no event can be written to it); reads its own writes.
   * @throws as `getStreamEvents` for bad arguments.
   */
  getStreamSequence(domain: string, identifier: string): Promise<number>;

  /**
   * The stream's latest snapshot, or null (also for a stream no snapshot can be saved to).
   * @throws as `getStreamEvents` for bad arguments.
   */
  getSnapshot<State = unknown>(domain: string, identifier: string): Promise<SnapshotEntry<State> | null>;

  /**
   * Crypto-shred the stream (needs `encryption`; docs/codecs.md "Erasure"): its data key is destroyed and its
   * snapshot deleted. Its events stay (ids, sequences, order, the change feed) and read everywhere with `payload`
   * (and `meta`) replaced by the erased marker `{ $erased: true }`; later writes to it throw `CODEC/STREAM_ERASED`.
   * @throws `INPUT/INVALID_ARGUMENT` for bad arguments or a store without `encryption`.
   */
  eraseStream(domain: string, identifier: string, options?: CallOptions): Promise<void>;

  /** Save a snapshot; an older `sequence` never replaces a newer one (see snapshots.ts). @throws `INPUT/INVALID_SNAPSHOT`. */
  saveSnapshot<State = unknown>(snapshot: SnapshotEntry<State>): Promise<void>;

  /**
   * The event with this id, or null (also for an id no event can have: see read-arguments.ts).
   * @throws `INPUT/INVALID_ARGUMENT` for a non-string id.
   */
  getEventById(id: string): Promise<StoredEvent | null>;

  /**
   * Every event whose `causationId` is `causationId`, complete, oldest first (empty for an id no event can carry).
   * @throws `INPUT/INVALID_ARGUMENT` for a non-string id.
   */
  findByCausationId(causationId: string): Promise<StoredEvent[]>;

  /**
   * The stored event a DynamoDB Streams record of this store's table carries (enable Streams with the drop-in's or
   * the DynamoDB driver's `streamViewType`), its offloaded payload hydrated; `undefined` for records of other item
   * kinds and for REMOVE records. @throws `INPUT/INVALID_ARGUMENT` for a record of another table.
   */
  decodeStreamRecord(record: DynamoDbStreamRecord): Promise<StoredEvent | undefined>;

  /** The stored events of a batch of Streams records (a Lambda handler's `event.Records`), in record order; other records are left out. */
  decodeStreamRecords(records: readonly DynamoDbStreamRecord[]): Promise<StoredEvent[]>;

  /**
   * The change feed (README "Change feed"; needs `changeFeed`): the next page of at most `pageSize` (default 100) events after
   * `cursor` (absent: the log's beginning), and the cursor to pass next. Chained calls yield every event committed
   * to the table exactly once, each stream in sequence order, whatever its `created` or writer; an event is
   * delivered once it and the positions before it in its log shard have reached the `log` index (on AWS usually
   * well under a second after the commit). An empty page's cursor is the one given: nothing is lost by polling.
   * The cursor is JSON (persist it as is), `changeFeed.shards + 1` entries, at most 64.
   * Cost: one strongly consistent batch read of `shards + 1` small items (1 read unit each), plus one index query
   * (0.5 read unit per 4 KB) per shard with new events.
   * @throws `STORE/CHANGE_FEED_DISABLED` on a store without `changeFeed`.
   * @throws `INPUT/INVALID_CURSOR`, `STORE/STALE_CURSOR` (another table, or before a `resetStore`), `INPUT/INVALID_PAGE_SIZE`.
   */
  getLogPage(cursor?: readonly ExpectedStreamVersion[], pageSize?: number): Promise<StreamLogPage>;

  /**
   * Start a named consumer of the change feed (see subscription.ts and README "Change feed"): `handler` receives
   * each page; the cursor is kept in the table under `name` and advanced by compare-and-swap after the handler
   * succeeded (at least once; a throwing handler is retried with backoff). Resolves once the consumer's stored
   * cursor is read and polling has started.
   * @throws `STORE/CHANGE_FEED_DISABLED` without `changeFeed`; `INPUT/INVALID_ARGUMENT` naming a bad option.
   */
  subscribe<Payload = unknown>(options: SubscribeOptions<Payload>): Promise<Subscription>;

  /**
   * Restart the named `subscribe` consumer (README "Change feed"): store `from` as its cursor, whatever it was:
   * `'start'` (default) the log's beginning, `'end'` the log's current end (skip the backlog), or a cursor
   * `getLogPage` returned (checked like `getLogPage` checks it). A subscription started afterwards, in any process,
   * starts there; a running instance of the consumer takes it up at its next cursor write, after which it may
   * deliver again the page it was handling (at least once; stop the instances first for a clean cut). A new name is
   * created at `from`. Resolves to the stored cursor.
   * @throws `STORE/CHANGE_FEED_DISABLED` without `changeFeed`; `INPUT/INVALID_ARGUMENT` for a bad `name` or `from`.
   * @throws `INPUT/INVALID_CURSOR`, `STORE/STALE_CURSOR` (another table, before a `resetStore`, ahead of the log) for a given cursor.
   */
  resetConsumer(name: string, from?: ConsumerStart): Promise<ExpectedStreamVersion[]>;

  /**
   * Stop the store's running subscriptions and a pending `init` (its waiters get `STORE/ABORTED`), then release the
   * drivers' resources. Later calls throw `STORE/CLOSED`. Idempotent. Bounded: a subscription's poll in flight is
   * abandoned (a page in its handler finishes first), and the drivers' release has the store's `deadlineMs`.
   */
  close(): Promise<void>;

  /**
   * The retry policy in force: `options.retry`, with `maxAttempts` divided by the backend client's own attempts
   * (known after `init`) unless it was configured explicitly.
   */
  readonly retryPolicy: RetryPolicy;

  /** Requests and capacity units per operation type since creation (or `resetStats`). */
  stats(): StoreStats;

  /** Zero the statistics. */
  resetStats(): void;
}
