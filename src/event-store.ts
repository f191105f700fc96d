import { appendEvents, type AppendOptions, type StreamExpectation } from './append.js';
import { instanceScope } from './blob-keys.js';
import { CallBudget, checkCallOptions, isBudgetError, type CallOptions } from './call-budget.js';
import { monotonicIds } from './ids.js';
import type {
  AppendableEvent,
  CreatedEvent,
  EventStoreRepoCapabilities,
  ExpectedStreamSequence,
  ExpectedStreamVersion,
  IEventStoreRepo,
  SnapshotEntry,
  StoreEventsOptions,
  StoredEvent,
  StreamAdapterCapabilities,
  StreamAppendableEvent,
  StreamReference,
  StreamLogPage,
} from './contract-types.js';
import { DEFAULT_LOG_PAGE_SIZE, readLogPage, type ConsumerStart } from './change-feed.js';
import { checkConsumerStart, resetConsumer } from './consumer-reset.js';
import {
  checkConsumerName,
  checkSubscribeOptions,
  readConsumer,
  startSubscription,
  type SubscribeOptions,
  type Subscription,
} from './subscription.js';
import {
  ConcurrencyError,
  DuplicateEventError,
  DuplicateEventIdError,
  ErrorCodes,
  EventCursorNotFoundError,
  EventStoreAdapterError,
  InvalidIdentifierError,
  InvalidStreamBatchError,
  StreamConcurrencyError,
  hasCode,
} from './errors.js';
import { utf8Length } from './item-size.js';
import { hasLoneSurrogate, streamKey } from './keys.js';
import { DYNAMODB_MAX_PARTITION_KEY_BYTES } from './limits.js';
import { toStoredEvent } from './codecs/event.js';
import { Meter, meteredBlobs, meteredKv, type StoreStats } from './metering.js';
import { resolveOptions, type EventStoreOptions, type ResolvedOptions } from './options.js';
import { readByCausation, readEventById, readStream, readStreamSequence, readStreamVersions } from './read.js';
import { causationCanExist, eventIdCanExist, identifierArgument, streamCanExist, textArgument } from './read-arguments.js';
import { replay } from './replay.js';
import { backoffDelay, realSleep, type RetryPolicy, type Sleep } from './retry.js';
import { readSnapshot, saveSnapshot } from './snapshots.js';
import { forCall, openCall, storeState, type StoreContext, type StoreState } from './store-context.js';
import { decodeStreamRecord, decodeStreamRecords, type DynamoDbStreamRecord } from './stream-records.js';
import { sweepOrphanBlobs, type SweepOptions, type SweepResult } from './sweeper.js';
import { establishLayout, readMetadata, type TableMetadata } from './table-metadata.js';
import { streamPk, tableSchema } from './table-layout.js';
import { validateEvents } from './validation.js';
import { makeWarn, WarningCodes } from './warnings.js';

/** Core options: a KV driver is required here (the package root supplies defaults and the AWS drop-in form). */
export type EventStoreCoreOptions = EventStoreOptions & { kv: NonNullable<EventStoreOptions['kv']> };

/** Default page size of the 6.x `getAllEvents(pageSize?)`: the framework's own replay page size. */
export const DEFAULT_PAGE_SIZE = 200;

/**
 * Least deadline of an explicit `init()` and of `resetStore()` (the store's `deadlineMs` when larger), in ms:
 * they may create a table and wait for it and its indexes to become ACTIVE, which on AWS usually takes 10-60 s.
 * A slower creation goes on at AWS; a later `init` finds the table and waits for it again.
 */
export const DEFAULT_INIT_DEADLINE_MS = 120_000;

/**
 * A reset that finds the record saying "not created by a store" re-reads it this many times, with the retry policy's
 * backoff, before refusing: the table's creator may be claiming it (see `resetStore`).
 */
const RESET_CLAIM_ROUNDS = 5;

/** One run of `init`'s work, shared by every call waiting for it; stopped when all of them have given up. */
interface InitRun {
  readonly done: Promise<void>;
  /** Aborts the run's requests and waits. */
  readonly stop: AbortController;
  /** Calls waiting for the run now. */
  waiters: number;
  /** True once the run succeeded. */
  ready: boolean;
}

/**
 * The event store over a KV driver and an optional blob driver: implements every member of the 3.x
 * `IEventStoreRepo` contract, required and optional, and the 6.x `StreamEventStoreAdapter` +
 * `RevertableEventStoreAdapter` contracts (`append`, `appendToStream`, `reset`). All decisions (offload, chunking,
 * retries, bucket planning, concurrency) are made here; the drivers only execute single calls.
 */
export class EventStore implements IEventStoreRepo {
  /** 3.x: stream reads are supported, so `getAggregate` runs. 6.x: stream queries, optimistic concurrency, snapshots. */
  readonly capabilities: EventStoreRepoCapabilities & StreamAdapterCapabilities = {
    aggregate: true,
    streamQuery: true,
    optimisticConcurrency: true,
    snapshot: true,
  };
  /** The validated options in force. */
  readonly options: ResolvedOptions;
  /** The store's long-lived state; each call opens its own context over it (`forCall`, `openCall`). */
  private readonly ctx: StoreState;
  private initialising: InitRun | undefined;
  private layout: TableMetadata | undefined;
  /** True when this store's `ensureTable` created the table and no layout record says so yet (its init was cut). */
  private createdUnrecorded = false;
  /** The resets of this store, in order (see `resetStore`). */
  private resets: Promise<void> = Promise.resolve();
  /** Settles when this store's resets in progress have ended (undefined: none): its other calls wait for it. */
  private resetting: Promise<void> | undefined;
  /** False when the KV driver is configured not to create tables (`skipDynamoDBTableCreation`): reset then never drops the table. */
  private canCreateTable = true;
  private closed = false;
  /** Running `subscribe` loops: `close()` stops them first. */
  private readonly subscriptions = new Set<Subscription>();
  /** Ids for V6 events without one: increasing, so events of one millisecond replay in insertion order (ids.ts). */
  private readonly nextId: () => string;

  /** @throws `INPUT/INVALID_OPTIONS` naming each bad field. */
  constructor(options: EventStoreCoreOptions, internals: { sleep?: Sleep } = {}) {
    this.options = resolveOptions(options);
    this.nextId = monotonicIds(this.options.clock);
    const warn = makeWarn(this.options.onWarning);
    const meter = new Meter(this.options.onCapacity, warn);
    const drivers = {
      kv: meteredKv(this.options.kv, meter),
      blobs: this.options.blobs ? meteredBlobs(this.options.blobs, meter) : undefined,
    };
    this.ctx = storeState(drivers, this.options, meter, warn, internals.sleep ?? realSleep);
  }

  /**
   * Create the table, indexes and blob container if missing and wait until usable, then check the table's layout
   * record (`STORE/LAYOUT_MISMATCH` naming the field, e.g. another `bucketShards`). Idempotent; concurrent calls
   * (and the first call of each other method, which runs it under its own deadline) share one run; a failed run
   * can be retried.
   *
   * Bounded: past `options.deadlineMs` (default: the store's `deadlineMs`, at least {@link DEFAULT_INIT_DEADLINE_MS})
   * it rejects with `STORE/DEADLINE_EXCEEDED`, on `options.signal` or the store's `signal` with `STORE/ABORTED`,
   * whatever the endpoint does (one that never answers included). The run stops, its requests aborted, once every
   * call waiting for it has given up; nothing half-made is misread later: a table this store created is recorded
   * as such by the next `init` that completes. The driver's own table wait also applies (DynamoDB:
   * `tableWaitTimeoutMs`, `DRIVER/TABLE_WAIT_TIMEOUT`). `STORE/CLOSED` after `close()`.
   */
  async init(options: CallOptions = {}): Promise<void> {
    this.assertOpen();
    checkCallOptions(options, 'init');
    const deadlineMs = options.deadlineMs ?? Math.max(this.options.deadlineMs, DEFAULT_INIT_DEADLINE_MS);
    await this.ready(CallBudget.of(deadlineMs, [this.options.signal, options.signal], this.options.clock));
  }

  /**
   * Store a batch (see README "Write semantics"): one atomic transaction when it fits, across streams.
   * @throws `ConcurrencyError` when `expectedSequence` (for the first event's stream) does not match; nothing written.
   * @throws `DuplicateEventIdError` for an id repeated in the batch or already stored; nothing written.
   * @throws `INPUT/INVALID_EVENT` before anything is written; `STORE/PARTIAL_BATCH` for multi-transaction batches.
   * @throws `STORE/OUTCOME_UNKNOWN` when the outcome cannot be proven: retry the identical batch (a committed one then succeeds).
   * @throws `STORE/DEADLINE_EXCEEDED` / `STORE/ABORTED` past `options.deadlineMs` (or the store's) or on `options.signal`.
   */
  async storeEvents(events: CreatedEvent[], options: StoreEventsOptions = {}): Promise<void> {
    await this.appendEvents(events, options);
  }

  /** Like `storeEvents`, and returns the stored events with their sequences, in batch order. */
  async appendEvents(events: readonly CreatedEvent[], options: StoreEventsOptions = {}): Promise<StoredEvent[]> {
    const expected = options.expectedSequence;
    if (expected !== undefined && (!Number.isInteger(expected) || expected < 0)) {
      throw new EventStoreAdapterError(ErrorCodes.INVALID_EVENT, `expectedSequence must be an integer >= 0, got ${String(expected)}`, {
        details: { field: 'expectedSequence' },
      });
    }
    checkCallOptions(options, 'storeEvents');
    const validated = validateEvents(events);
    const expectations = expectedSequenceList(options.expectedSequences, validated[0]?.event, expected);
    return this.write(validated, expected, { expectations }, options);
  }

  /** The write of every append method: a call context (deadline, signal), the store ready, the core's write path. */
  private async write(
    validated: ReturnType<typeof validateEvents>,
    expected: number | undefined,
    append: AppendOptions,
    call: StoreEventsOptions = {},
  ): Promise<StoredEvent[]> {
    const ctx = forCall(this.ctx, {
      ...(call.deadlineMs === undefined ? {} : { deadlineMs: call.deadlineMs }),
      ...(call.signal ? { signal: call.signal } : {}),
    });
    ctx.budget.check('storeEvents');
    await this.ready(ctx.budget);
    return appendEvents(ctx, validated, expected, append);
  }

  /**
   * 6.x `append`: store events like `storeEvents` with no expectation. An event without `id` gets an increasing id (ids.ts), one
   * without `created` the store's clock (as the PostgreSQL adapter does); a `sequence` it carries is ignored (the
   * revert runtime sends `sequence: undefined`, an import the exported sequences).
   * @throws as `storeEvents`, but a duplicate id is a `DuplicateEventError` (rc.6's name; code `STORE/DUPLICATE_EVENT_ID`).
   */
  async append(events: readonly AppendableEvent[]): Promise<void> {
    const created = eventArray(events, 'append').map((event) => this.v6Event(event));
    await v6Errors(this.appendEvents(created));
  }

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
  async appendBatch(events: readonly AppendableEvent[], expectedVersions: readonly ExpectedStreamVersion[]): Promise<void> {
    const list = eventArray(events, 'appendBatch');
    if (list.length === 0)
      throw new InvalidStreamBatchError('appendBatch needs at least one event', { field: 'events', rule: 'at least one event' });
    list.forEach((event, index) => {
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
    const listed = new Map<string, ListedStream & { version: number }>();
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
    const validated = validateEvents(list.map((event) => this.v6Event(event)));
    validated.forEach(({ event }, index) => {
      if (!listed.has(streamPk(event.domain, event.identifier))) {
        const key = streamKey(event.domain, event.identifier);
        throw new InvalidStreamBatchError(
          `appendBatch: event #${index} writes stream ${key}, which expectedVersions does not list`,
          { index, field: 'expectedVersions', rule: 'every written stream listed', stream: key },
          ErrorCodes.INVALID_ARGUMENT,
        );
      }
    });
    const expectations: StreamExpectation[] = [...listed.values()].map((stream) => ({
      pk: stream.pk,
      streamKey: stream.key,
      version: stream.version,
    }));
    await v6Errors(this.write(validated, undefined, { expectations, oneTransaction: true }), listed);
  }

  /**
   * rc.6 `getStreamVersions` (`BatchEventStoreAdapter`): the version (last sequence, 0 for an empty stream) of each
   * listed stream, in input order, one entry per input entry (a stream listed twice is read once and reported
   * twice), `identifier` present exactly when the input had it: the vector to pass to `appendBatch`. One strongly
   * consistent batch read of the heads; each version is current when read, the set is not a snapshot across
   * streams (`appendBatch` checks it atomically).
   * @throws `INPUT/INVALID_ARGUMENT` (`details.field`, e.g. `streams[2].domain`) or `InvalidIdentifierError` for a bad reference; nothing is read.
   */
  async getStreamVersions(streams: readonly StreamReference[]): Promise<ExpectedStreamVersion[]> {
    if (!Array.isArray(streams)) {
      throw new EventStoreAdapterError(
        ErrorCodes.INVALID_ARGUMENT,
        `getStreamVersions: streams must be an array, got ${streams === null ? 'null' : typeof streams}`,
        { details: { field: 'streams', rule: 'array' } },
      );
    }
    const references = streams.map((entry, index) =>
      streamReference(
        entry,
        `streams[${index}]`,
        'getStreamVersions',
        (message, details) => new EventStoreAdapterError(ErrorCodes.INVALID_ARGUMENT, message, { details }),
      ),
    );
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    const versions = await readStreamVersions(ctx, [...new Set(references.map((reference) => reference.pk))]);
    return references.map((reference) => ({
      domain: reference.domain,
      ...(reference.identifier === undefined ? {} : { identifier: reference.identifier }),
      expectedVersion: versions.get(reference.pk) ?? 0,
    }));
  }

  /**
   * 6.x `appendToStream`: append to ONE stream if it is at `expectedVersion` (0: new); resolves to its new version.
   * Events without `id`/`created` get them as in `append`.
   * @throws `StreamConcurrencyError` (the types package's class; code `STORE/CONCURRENCY`) with the actual version; nothing written.
   * @throws `InvalidStreamBatchError` for an empty batch or one that spans streams, `InvalidIdentifierError` for a missing, empty or whitespace identifier.
   * @throws `DuplicateEventError` (`STORE/DUPLICATE_EVENT_ID`) for a duplicate id; nothing written.
   */
  async appendToStream(events: readonly StreamAppendableEvent[], expectedVersion: number): Promise<{ nextVersion: number }> {
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
    try {
      const stored = await this.appendEvents(
        events.map((event) => this.v6Event(event)),
        { expectedSequence: expectedVersion },
      );
      return { nextVersion: stored[stored.length - 1]!.sequence };
    } catch (error) {
      if (error instanceof ConcurrencyError)
        throw new StreamConcurrencyError(first.domain, first.identifier, expectedVersion, error.actualSequence, error);
      throw v6Error(error);
    }
  }

  /** 6.x `reset`: same as `resetStore`. */
  reset(): Promise<void> {
    return this.resetStore();
  }

  /**
   * Async iterator of pages (at most `pageSize` events, 1..10,000, default 200) over every event in
   * `created ASC, id ASC` order, resuming after `startFromId` (unknown: `EventCursorNotFoundError`, `INPUT/UNKNOWN_CURSOR`,
   * also for an id no event can have, e.g. one whose key would pass DynamoDB's limit: see read-arguments.ts).
   */
  async getAllEvents(pageSize: number = DEFAULT_PAGE_SIZE, startFromId?: string): Promise<AsyncIterableIterator<StoredEvent[]>> {
    if (startFromId !== undefined && typeof startFromId !== 'string') {
      throw new EventStoreAdapterError(
        ErrorCodes.INVALID_ARGUMENT,
        `getAllEvents: startFromId must be an event id (a string) or absent, got ${String(startFromId)}`,
        { details: { field: 'startFromId' } },
      );
    }
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    if (startFromId !== undefined && !eventIdCanExist(startFromId)) throw new EventCursorNotFoundError(startFromId);
    return replay(ctx, pageSize, startFromId);
  }

  /** The stored shape of a created event (validated; `sequence` is 0 until the event is stored). */
  createEventEntity(event: CreatedEvent): StoredEvent {
    this.assertOpen();
    const [validated] = validateEvents([event]);
    return toStoredEvent(validated!.event, 0);
  }

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
   * least {@link DEFAULT_INIT_DEADLINE_MS}: it drops and re-creates the table), `STORE/ABORTED` on a signal.
   */
  async resetStore(options: CallOptions = {}): Promise<void> {
    this.assertOpen();
    checkCallOptions(options, 'resetStore');
    const deadlineMs = options.deadlineMs ?? Math.max(this.options.deadlineMs, DEFAULT_INIT_DEADLINE_MS);
    const budget = CallBudget.of(deadlineMs, [this.options.signal, options.signal], this.options.clock);
    // One reset of this store at a time: each re-initialises the store, so two at once would discard each other's init.
    const mine = this.resets.then(() => this.resetOnce(budget));
    this.resets = mine.catch(() => undefined);
    this.resetting = this.resets;
    try {
      await budget.race(() => mine, 'resetStore');
    } finally {
      if (this.resetting === this.resets) this.resetting = undefined;
    }
  }

  /** One `resetStore`, after the previous one of this store ended (see there); `budget` is its call's. */
  private async resetOnce(budget: CallBudget): Promise<void> {
    budget.check('resetStore'); // a reset whose caller gave up while it queued does not run
    await this.ready(budget, true);
    // Decide on the table as it is now, not as it was at init: infrastructure may have re-created it since.
    this.initialising = undefined;
    await this.ready(budget, true);
    let layout = this.layout;
    if (layout === undefined)
      throw new EventStoreAdapterError(
        ErrorCodes.BACKEND,
        `resetStore: table ${this.options.tableName}: init ended without a layout record`,
        { details: { table: this.options.tableName } },
      );
    // This init may have raced the table's creator (another store's reset or first init): a store that finds the
    // table without a record writes it as not created by a store, and the creator claims it right after. Before
    // refusing, give such a claim a few short waits (costs only on a refusal).
    for (let round = 0; !layout.createdByStore && round < RESET_CLAIM_ROUNDS; round++) {
      await budget.sleep(backoffDelay(this.ctx.retry.policy, round), this.ctx.sleep, 'resetStore');
      layout = (await readMetadata(this.controlContext(budget))) ?? layout;
    }
    const refuse = (reason: string, why: string) =>
      new EventStoreAdapterError(
        ErrorCodes.RESET_REFUSED,
        `resetStore refused: table ${this.options.tableName} ${why}. Nothing was deleted.`,
        { details: { table: this.options.tableName, reason } },
      );
    if (!layout.createdByStore) {
      throw refuse(
        'table-not-created-by-store',
        'was not created by an event store (it is managed elsewhere, e.g. by infrastructure code); delete and re-create it there',
      );
    }
    if (!this.canCreateTable) {
      throw refuse(
        'table-creation-skipped',
        'could not be re-created by this store (its driver may not create tables: skipDynamoDBTableCreation); reset it from a store that may create it, or delete and re-create it with its infrastructure',
      );
    }
    const ctx = this.controlContext(budget);
    this.initialising = undefined;
    this.layout = undefined;
    await ctx.kv.dropTable(this.options.tableName);
    // Caches forgotten; the old generation kept until the new init: a concurrent write plans under it, then notices.
    this.forgetTable(layout.generation);
    // Blobs are cleared after the drop (so no reader of the old table meets an item whose blob is gone) and before
    // this store's new record exists: a writer that sees the new generation puts its blobs again after this clear
    // (append.ts, instance-blobs.ts). Remaining race: another process re-creating the table during the clear.
    await this.clearBlobs(ctx, layout.generation);
    // A call of this store that ran `init` during the drop found the old table: start a fresh run, so the table is
    // re-created (an acknowledged reset always leaves a working table).
    this.initialising = undefined;
    await this.ready(budget, true);
  }

  /**
   * Delete this store's orphaned blobs (see `sweeper.ts`): under the scope of the table's current instance (the
   * layout record is read first), older than `olderThanMs`, referenced by no stored item. Resolves to the deleted
   * keys and the number kept. Bounded by `options.deadlineMs` (default: the store's `deadlineMs`, at least an hour:
   * it lists and reads the whole scope) and `options.signal`.
   */
  async sweepOrphanBlobs(options: SweepOptions & CallOptions): Promise<SweepResult> {
    checkCallOptions(options ?? {}, 'sweepOrphanBlobs');
    const deadlineMs = options?.deadlineMs ?? Math.max(this.options.deadlineMs, 3_600_000);
    const ctx = forCall(this.ctx, { deadlineMs, ...(options?.signal ? { signal: options.signal } : {}) });
    await this.ready(ctx.budget);
    // Sweep the table's current instance: it may have been reset elsewhere since this process verified it.
    const layout = await readMetadata(ctx).catch((error: unknown) => {
      if (hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) return undefined;
      throw error;
    });
    // No table or record (a reset in progress): nothing of the current instance to sweep yet.
    if (layout === undefined || layout.generation === '') return { deleted: [], kept: 0 };
    if (layout.generation !== this.ctx.instance.generation) this.forgetTable(layout.generation);
    // The instance read here, whatever a concurrent reset of this store does to the shared one meanwhile.
    return sweepOrphanBlobs({ ...ctx, instance: { generation: layout.generation } }, options);
  }

  /**
   * The stream's events with `sequence > fromSequence`, ascending; reads its own writes. A stream no event can be
   * written to (its key past DynamoDB's limit, a lone surrogate) is empty. @throws `INPUT/INVALID_ARGUMENT` naming a
   * non-string `domain` / `identifier` (absent: the domain-only stream) or a bad `fromSequence`.
   */
  async getStreamEvents(domain: string, identifier: string, fromSequence = 0): Promise<StoredEvent[]> {
    const stream = streamArguments('getStreamEvents', domain, identifier);
    if (!Number.isInteger(fromSequence) || fromSequence < 0) {
      throw new EventStoreAdapterError(
        ErrorCodes.INVALID_ARGUMENT,
        `getStreamEvents: fromSequence must be an integer >= 0, got ${String(fromSequence)}`,
        { details: { field: 'fromSequence' } },
      );
    }
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    if (!streamCanExist(stream.domain, stream.identifier)) return [];
    return readStream(ctx, stream.domain, stream.identifier, fromSequence);
  }

  /**
   * The stream's current sequence, 0 when empty (or when no event can be written to it); reads its own writes.
   * @throws as `getStreamEvents` for bad arguments.
   */
  async getStreamSequence(domain: string, identifier: string): Promise<number> {
    const stream = streamArguments('getStreamSequence', domain, identifier);
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    if (!streamCanExist(stream.domain, stream.identifier)) return 0;
    return readStreamSequence(ctx, stream.domain, stream.identifier);
  }

  /**
   * The stream's latest snapshot, or null (also for a stream no snapshot can be saved to).
   * @throws as `getStreamEvents` for bad arguments.
   */
  async getSnapshot<State = unknown>(domain: string, identifier: string): Promise<SnapshotEntry<State> | null> {
    const stream = streamArguments('getSnapshot', domain, identifier);
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    if (!streamCanExist(stream.domain, stream.identifier)) return null;
    return readSnapshot<State>(ctx, stream.domain, stream.identifier);
  }

  /** Save a snapshot; an older `sequence` never replaces a newer one (see snapshots.ts). @throws `INPUT/INVALID_SNAPSHOT`. */
  async saveSnapshot<State = unknown>(snapshot: SnapshotEntry<State>): Promise<void> {
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    await saveSnapshot(ctx, snapshot);
  }

  /**
   * The event with this id, or null (also for an id no event can have: see read-arguments.ts).
   * @throws `INPUT/INVALID_ARGUMENT` for a non-string id.
   */
  async getEventById(id: string): Promise<StoredEvent | null> {
    textArgument('getEventById', 'id', id);
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    if (!eventIdCanExist(id)) return null;
    return readEventById(ctx, id);
  }

  /**
   * Every event whose `causationId` is `causationId`, complete, oldest first (empty for an id no event can carry).
   * @throws `INPUT/INVALID_ARGUMENT` for a non-string id.
   */
  async findByCausationId(causationId: string): Promise<StoredEvent[]> {
    textArgument('findByCausationId', 'causationId', causationId);
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    if (!causationCanExist(causationId)) return [];
    return readByCausation(ctx, causationId);
  }

  /**
   * The stored event a DynamoDB Streams record of this store's table carries (enable Streams with the drop-in's or
   * the DynamoDB driver's `streamViewType`), its offloaded payload hydrated; `undefined` for records of other item
   * kinds and for REMOVE records. @throws `INPUT/INVALID_ARGUMENT` for a record of another table.
   */
  async decodeStreamRecord(record: DynamoDbStreamRecord): Promise<StoredEvent | undefined> {
    this.assertOpen();
    return decodeStreamRecord(forCall(this.ctx), record);
  }

  /** The stored events of a batch of Streams records (a Lambda handler's `event.Records`), in record order; other records are left out. */
  async decodeStreamRecords(records: readonly DynamoDbStreamRecord[]): Promise<StoredEvent[]> {
    this.assertOpen();
    return decodeStreamRecords(forCall(this.ctx), records);
  }

  /**
   * The change feed (README "Change feed"; needs `changeFeed`): the next page of at most `pageSize` events after
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
  async getLogPage(cursor?: readonly ExpectedStreamVersion[], pageSize: number = DEFAULT_LOG_PAGE_SIZE): Promise<StreamLogPage> {
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    this.requireChangeFeed('getLogPage');
    const { events, cursor: next } = await readLogPage(ctx, cursor, pageSize);
    return { events, cursor: next };
  }

  /**
   * Start a named consumer of the change feed (see subscription.ts and README "Change feed"): `handler` receives
   * each page; the cursor is kept in the table under `name` and advanced by compare-and-swap after the handler
   * succeeded (at least once; a throwing handler is retried with backoff). Resolves once the consumer's stored
   * cursor is read and polling has started.
   * @throws `STORE/CHANGE_FEED_DISABLED` without `changeFeed`; `INPUT/INVALID_ARGUMENT` naming a bad option.
   */
  async subscribe<Payload = unknown>(options: SubscribeOptions<Payload>): Promise<Subscription> {
    const settings = checkSubscribeOptions(options as SubscribeOptions);
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    this.requireChangeFeed('subscribe');
    const initial = await readConsumer(ctx, options.name);
    const subscription = startSubscription(this.ctx, options as SubscribeOptions, settings, initial);
    this.subscriptions.add(subscription);
    void subscription.done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

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
  async resetConsumer(name: string, from: ConsumerStart = 'start'): Promise<ExpectedStreamVersion[]> {
    checkConsumerName('resetConsumer', name);
    checkConsumerStart(from);
    const ctx = forCall(this.ctx);
    await this.ready(ctx.budget);
    this.requireChangeFeed('resetConsumer');
    return resetConsumer(ctx, name, from);
  }

  /**
   * Stop the store's running subscriptions and a pending `init` (its waiters get `STORE/ABORTED`), then release the
   * drivers' resources. Later calls throw `STORE/CLOSED`. Idempotent. Bounded: a subscription's poll in flight is
   * abandoned (a page in its handler finishes first), and the drivers' release has the store's `deadlineMs`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = this.initialising;
    if (pending && !pending.ready)
      pending.stop.abort(new EventStoreAdapterError(ErrorCodes.CLOSED, 'The event store was closed during init'));
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    const budget = CallBudget.of(this.options.deadlineMs, [], this.options.clock);
    await budget.race(() => Promise.all([this.ctx.drivers.kv.close?.(), this.ctx.drivers.blobs?.close?.()]), 'close');
  }

  /**
   * The retry policy in force: `options.retry`, with `maxAttempts` divided by the backend client's own attempts
   * (known after `init`) unless it was configured explicitly.
   */
  get retryPolicy(): RetryPolicy {
    return this.ctx.retry.policy;
  }

  /** Requests and capacity units per operation type since creation (or `resetStats`). */
  stats(): StoreStats {
    return this.ctx.meter.snapshot();
  }

  /** Zero the statistics. */
  resetStats(): void {
    this.ctx.meter.reset();
  }

  /**
   * A new shared run of `init`'s work. Its requests are bound to `stop` (and the store's signal), which fires when
   * the last call waiting for it gives up, or on `close()`; the run's result is kept only while it is the current one.
   */
  private startInit(): InitRun {
    const stop = new AbortController();
    const run: InitRun = { done: Promise.resolve(), stop, waiters: 0, ready: false };
    const budget = new CallBudget(Infinity, [this.options.signal, stop.signal], this.options.clock);
    (run as { done: Promise<void> }).done = this.prepare(budget).then(
      (layout) => {
        if (this.initialising !== run) return;
        this.layout = layout;
        // The instance this process writes into: its blobs are scoped by it, its caches are beliefs about it.
        if (this.ctx.instance.generation !== layout.generation) this.forgetTable(layout.generation);
        run.ready = true;
      },
      (error: unknown) => {
        if (this.initialising === run) this.initialising = undefined;
        throw error;
      },
    );
    run.done.catch(() => undefined); // observed by its waiters; a run nobody waits for any more must not be unhandled
    return run;
  }

  /** `init`'s work under the run's `budget`: returns the table's layout record (created if missing). */
  private async prepare(budget: CallBudget): Promise<TableMetadata> {
    const ctx = this.controlContext(budget);
    const blobs = ctx.blobs;
    // The first driver call: a lazy driver loads here, so it is raced like a request.
    this.ctx.retry.policy = await budget.race(() => this.composedRetry(), 'init');
    // Remembered as soon as it is known, until a layout record says so: an init cut after the creation (or failing
    // in `ensureContainer` beside it) must not record the table as foreign. A driver predating `created` (returns
    // nothing) is treated as not having created the table: reset then refuses.
    const [table] = await Promise.all([
      ctx.kv.ensureTable(tableSchema(this.options.tableName, this.options.changeFeed !== undefined)).then((result) => {
        if (result?.created === true) this.createdUnrecorded = true;
        return result;
      }),
      blobs ? blobs.ensureContainer() : undefined,
    ]);
    // The layout record's requests are bounded like the rest of the run: by the deadlines of the calls waiting for it.
    const layout = await establishLayout(ctx, this.createdUnrecorded);
    this.createdUnrecorded = false;
    this.canCreateTable = table?.canCreate !== false;
    return layout;
  }

  /** Forget what this process believed about the table (heads, recorded months, log positions): a new instance is `generation`. */
  private forgetTable(generation: string): void {
    this.ctx.heads.clear();
    this.ctx.knownBuckets.clear();
    this.ctx.logPositions.clear();
    this.ctx.instance.generation = generation;
  }

  /**
   * The retry policy in force: the backend client retries each request on its own (AWS SDK: DynamoDB 4, S3 3), so
   * unless `retry.maxAttempts` was configured, the adapter's attempts are divided by the client's, keeping the
   * total near the configured budget; a configured value that multiplies past it is kept and warned about.
   */
  private async composedRetry(): Promise<RetryPolicy> {
    const configured = this.options.retry;
    const attempts = Math.max((await this.options.kv.clientMaxAttempts?.()) ?? 1, (await this.options.blobs?.clientMaxAttempts?.()) ?? 1);
    if (attempts <= 1) return configured;
    if (!this.options.retryAttemptsConfigured)
      return { ...configured, maxAttempts: Math.max(1, Math.ceil(configured.maxAttempts / attempts)) };
    this.ctx.warn({
      code: WarningCodes.RETRIES_MULTIPLY,
      message: `The backend client makes ${attempts} attempts per request and retry.maxAttempts is ${configured.maxAttempts}: up to ${attempts * configured.maxAttempts} attempts per operation (bounded by deadlineMs ${this.options.deadlineMs} ms); lower one of them`,
    });
    return configured;
  }

  /** The context of control-plane work (init, reset) under `budget`: the store's context, its requests bound to that budget. */
  private controlContext(budget: CallBudget): StoreContext {
    return openCall(this.ctx, budget);
  }

  /** A V6 event as a created event: `sequence` dropped, an increasing id (ids.ts) for a missing `id`, the store's clock for a missing `created`. */
  private v6Event(event: AppendableEvent): CreatedEvent {
    const { sequence: _ignored, ...rest } = event;
    return {
      ...rest,
      id: event.id ?? this.nextId(),
      created: event.created === undefined ? new Date(this.options.clock()) : event.created,
    } as CreatedEvent;
  }

  /**
   * The store initialised, within `budget` (the calling method's deadline and signals): joins the current run of
   * `init`'s work or starts one. A call giving up (`STORE/DEADLINE_EXCEEDED`, `STORE/ABORTED`) leaves the run to
   * the others still waiting; when none is left, the run is stopped and the next call starts afresh.
   */
  private async ready(budget: CallBudget, forReset = false): Promise<void> {
    this.assertOpen();
    // While this store resets the table, its other calls wait for the reset: an init of theirs would re-create the
    // table during the reset's blob clear, and writers could then put blobs again that the clear still deletes.
    if (!forReset && this.resetting !== undefined) await budget.race(() => this.resetting!, 'init');
    if (this.initialising?.ready) return;
    const run = (this.initialising ??= this.startInit());
    run.waiters++;
    try {
      await budget.race(() => run.done, 'init');
    } catch (error) {
      if (isBudgetError(error) && run.waiters === 1 && !run.ready) {
        if (this.initialising === run) this.initialising = undefined;
        run.stop.abort(error);
      }
      throw error;
    } finally {
      run.waiters--;
    }
  }

  private requireChangeFeed(call: string): void {
    if (this.options.changeFeed) return;
    throw new EventStoreAdapterError(
      ErrorCodes.CHANGE_FEED_DISABLED,
      `${call}: this store has no change feed; create the table with the option changeFeed: true (it is fixed at table creation)`,
      {
        details: { table: this.options.tableName },
      },
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreAdapterError(ErrorCodes.CLOSED, 'The event store is closed');
  }

  /** Delete every blob under the scope of the table instance `generation` (and nothing outside it). */
  private async clearBlobs(ctx: StoreContext, generation: string): Promise<void> {
    const blobs = ctx.blobs;
    if (!blobs) return;
    const scope = instanceScope(this.options.blobKeyPrefix, this.options.tableName, generation);
    await blobs.ensureContainer();
    for (;;) {
      const page = await blobs.list(scope);
      if (page.keys.length === 0) return;
      for (let start = 0; start < page.keys.length; start += blobs.capabilities.maxDeleteKeys) {
        const keys = page.keys.slice(start, start + blobs.capabilities.maxDeleteKeys);
        await blobs.delete(keys);
      }
    }
  }
}

/** `events` when it is an array whose entries are objects; else `INPUT/INVALID_EVENT` naming the call and the entry. */
function eventArray<T>(events: readonly T[], call: string): readonly T[] {
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

/** A validated stream reference of the V6 batch methods. */
interface ListedStream {
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
function streamReference(
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
function expectedSequenceList(
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

/** The V6 form of a write error: a duplicate id is a `DuplicateEventError`; with `listed`, a conflict is the types package's `StreamConcurrencyError` naming the stream. */
function v6Error(error: unknown, listed?: ReadonlyMap<string, ListedStream>): unknown {
  if (error instanceof DuplicateEventIdError && !(error instanceof DuplicateEventError)) return new DuplicateEventError(error.eventIds);
  if (listed && error instanceof ConcurrencyError) {
    const stream = [...listed.values()].find((candidate) => candidate.key === error.streamKey);
    if (stream)
      return new StreamConcurrencyError(stream.domain, stream.identifier ?? '', error.expectedSequence, error.actualSequence, error);
  }
  return error;
}

/** `write`, its errors in their V6 form ({@link v6Error}). */
async function v6Errors(write: Promise<unknown>, listed?: ReadonlyMap<string, ListedStream>): Promise<void> {
  try {
    await write;
  } catch (error) {
    throw v6Error(error, listed);
  }
}

/**
 * The stream arguments of a read method: `domain` a string, `identifier` a string or absent ('');
 * `INPUT/INVALID_ARGUMENT` naming the bad one.
 */
function streamArguments(call: string, domain: unknown, identifier: unknown): { domain: string; identifier: string } {
  return { domain: textArgument(call, 'domain', domain), identifier: identifierArgument(call, identifier) };
}
