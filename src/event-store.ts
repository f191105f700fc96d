import { appendEvents } from './append.js';
import { BoundedCache } from './concurrency.js';
import { randomUUID } from 'node:crypto';
import type {
  AppendableEvent,
  CreatedEvent,
  EventStoreRepoCapabilities,
  IEventStoreRepo,
  SnapshotEntry,
  StoreEventsOptions,
  StoredEvent,
  StreamAdapterCapabilities,
  StreamAppendableEvent,
} from './contract-types.js';
import { ConcurrencyError, ErrorCodes, EventStoreAdapterError, InvalidIdentifierError, InvalidStreamBatchError, StreamConcurrencyError } from './errors.js';
import { orderFields, storedShape } from './event-codec.js';
import { Meter, meteredBlobs, meteredKv, type StoreStats } from './metering.js';
import { resolveOptions, type EventStoreOptions, type ResolvedOptions } from './options.js';
import { readByCausation, readEventById, readStream, readStreamSequence } from './read.js';
import { replay } from './replay.js';
import { realSleep, withRetry, type Sleep } from './retry.js';
import { readSnapshot, saveSnapshot } from './snapshots.js';
import type { StoreContext } from './store-context.js';
import { tableSchema } from './table-layout.js';
import { validateEvents } from './validation.js';

/** Core options: a KV driver is required here (the package root supplies defaults and the AWS drop-in form). */
export type EventStoreCoreOptions = EventStoreOptions & { kv: NonNullable<EventStoreOptions['kv']> };

/** Default page size of the 6.x `getAllEvents(pageSize?)`: the framework's own replay page size. */
export const DEFAULT_PAGE_SIZE = 200;

/**
 * The event store over a KV driver and an optional blob driver: implements every member of the 3.x
 * `IEventStoreRepo` contract, required and optional, and the 6.x `StreamEventStoreAdapter` +
 * `RevertableEventStoreAdapter` contracts (`append`, `appendToStream`, `reset`). All decisions (offload, chunking,
 * retries, bucket planning, concurrency) are made here; the drivers only execute single calls.
 */
export class EventStore implements IEventStoreRepo {
  /** 3.x: stream reads are supported, so `getAggregate` runs. 6.x: stream queries, optimistic concurrency, snapshots. */
  readonly capabilities: EventStoreRepoCapabilities & StreamAdapterCapabilities = { aggregate: true, streamQuery: true, optimisticConcurrency: true, snapshot: true };
  /** The validated options in force. */
  readonly options: ResolvedOptions;
  private readonly ctx: StoreContext;
  private initialising: Promise<void> | undefined;
  private closed = false;

  /** @throws `INPUT/INVALID_OPTIONS` naming each bad field. */
  constructor(options: EventStoreCoreOptions, internals: { sleep?: Sleep } = {}) {
    this.options = resolveOptions(options);
    const meter = new Meter(this.options.onCapacity);
    this.ctx = {
      kv: meteredKv(this.options.kv, meter),
      blobs: this.options.blobs ? meteredBlobs(this.options.blobs, meter) : undefined,
      options: this.options,
      meter,
      sleep: internals.sleep ?? realSleep,
      heads: new BoundedCache(this.options.headCacheSize),
      knownBuckets: new Set(),
    };
  }

  /** Create the table, indexes and blob container if missing and wait until usable. Idempotent; concurrent calls share one run; a failed run can be retried. */
  init(): Promise<void> {
    this.assertOpen();
    this.initialising ??= this.prepare().catch((error: unknown) => {
      this.initialising = undefined;
      throw error;
    });
    return this.initialising;
  }

  /**
   * Store a batch (see README "Write semantics"): one atomic transaction when it fits, across streams.
   * @throws `ConcurrencyError` when `expectedSequence` (for the first event's stream) does not match; nothing written.
   * @throws `DuplicateEventIdError` for an id repeated in the batch or already stored; nothing written.
   * @throws `INPUT/INVALID_EVENT` before anything is written; `STORE/PARTIAL_BATCH` for multi-transaction batches.
   */
  async storeEvents(events: CreatedEvent[], options: StoreEventsOptions = {}): Promise<void> {
    await this.appendEvents(events, options);
  }

  /** Like `storeEvents`, and returns the stored events with their sequences, in batch order. */
  async appendEvents(events: readonly CreatedEvent[], options: StoreEventsOptions = {}): Promise<StoredEvent[]> {
    await this.ready();
    const expected = options.expectedSequence;
    if (expected !== undefined && (!Number.isInteger(expected) || expected < 0)) {
      throw new EventStoreAdapterError(ErrorCodes.INVALID_EVENT, `expectedSequence must be an integer >= 0, got ${String(expected)}`, { details: { field: 'expectedSequence' } });
    }
    return appendEvents(this.ctx, validateEvents(events), expected);
  }

  /**
   * 6.x `append`: store events (an event without `id` gets a random UUID) like `storeEvents` with no expectation.
   * @throws as `storeEvents`.
   */
  async append(events: readonly AppendableEvent[]): Promise<void> {
    await this.appendEvents(events.map(withId));
  }

  /**
   * 6.x `appendToStream`: append to ONE stream if it is at `expectedVersion` (0: new); resolves to its new version.
   * @throws `StreamConcurrencyError` (code `STORE/CONCURRENCY`) with the actual version; nothing written.
   * @throws `InvalidStreamBatchError` for an empty batch or one that spans streams, `InvalidIdentifierError` for a missing identifier.
   */
  async appendToStream(events: readonly StreamAppendableEvent[], expectedVersion: number): Promise<{ nextVersion: number }> {
    const first = events[0];
    if (!first) throw new InvalidStreamBatchError('appendToStream needs at least one event');
    for (const event of events) {
      if (typeof event.identifier !== 'string' || event.identifier === '') throw new InvalidIdentifierError(`appendToStream: event ${event.id ?? '(no id)'} has no identifier`);
      if (event.domain !== first.domain || event.identifier !== first.identifier) {
        throw new InvalidStreamBatchError(`appendToStream: all events must belong to ${first.domain}/${first.identifier}; found ${event.domain}/${event.identifier}`);
      }
    }
    try {
      const stored = await this.appendEvents(events.map(withId), { expectedSequence: expectedVersion });
      return { nextVersion: stored[stored.length - 1]!.sequence };
    } catch (error) {
      if (error instanceof ConcurrencyError) throw new StreamConcurrencyError(first.domain, first.identifier, expectedVersion, error.actualSequence, error);
      throw error;
    }
  }

  /** 6.x `reset`: same as `resetStore`. */
  reset(): Promise<void> {
    return this.resetStore();
  }

  /**
   * Async iterator of pages (at most `pageSize` events, 1..10,000, default 200) over every event in
   * `created ASC, id ASC` order, resuming after `startFromId` (unknown: `EventCursorNotFoundError`, `INPUT/UNKNOWN_CURSOR`).
   */
  async getAllEvents(pageSize: number = DEFAULT_PAGE_SIZE, startFromId?: string): Promise<AsyncIterableIterator<StoredEvent[]>> {
    await this.ready();
    return replay(this.ctx, pageSize, startFromId);
  }

  /** The stored shape of a created event (validated; `sequence` is 0 until the event is stored). */
  createEventEntity(event: CreatedEvent): StoredEvent {
    const [validated] = validateEvents([event]);
    return orderFields(storedShape(validated!.event, 0));
  }

  /** Drop every event, snapshot and offloaded blob, and leave an empty, working store. Other processes' caches of this store are not reset. */
  async resetStore(): Promise<void> {
    this.assertOpen();
    await this.initialising?.catch(() => undefined);
    this.initialising = undefined;
    await withRetry(this.options.retry, () => this.ctx.kv.dropTable(this.options.tableName), this.ctx.sleep, 'drop table');
    await this.clearBlobs();
    this.ctx.heads.clear();
    this.ctx.knownBuckets.clear();
    await this.init();
  }

  /** The stream's events with `sequence > fromSequence`, ascending; reads its own writes. */
  async getStreamEvents(domain: string, identifier: string, fromSequence = 0): Promise<StoredEvent[]> {
    await this.ready();
    return readStream(this.ctx, domain, identifier, fromSequence);
  }

  /** The stream's current sequence, 0 when empty; reads its own writes. */
  async getStreamSequence(domain: string, identifier: string): Promise<number> {
    await this.ready();
    return readStreamSequence(this.ctx, domain, identifier);
  }

  /** The stream's latest snapshot, or null. */
  async getSnapshot<State = unknown>(domain: string, identifier: string): Promise<SnapshotEntry<State> | null> {
    await this.ready();
    return readSnapshot<State>(this.ctx, domain, identifier);
  }

  /** Save a snapshot (last write wins). @throws `INPUT/INVALID_SNAPSHOT`. */
  async saveSnapshot<State = unknown>(snapshot: SnapshotEntry<State>): Promise<void> {
    await this.ready();
    await saveSnapshot(this.ctx, snapshot);
  }

  /** The event with this id, or null. */
  async getEventById(id: string): Promise<StoredEvent | null> {
    await this.ready();
    return readEventById(this.ctx, id);
  }

  /** Every event whose `causationId` is `causationId`, complete, oldest first. */
  async findByCausationId(causationId: string): Promise<StoredEvent[]> {
    await this.ready();
    return readByCausation(this.ctx, causationId);
  }

  /** Release the drivers' resources. Later calls throw `STORE/CLOSED`. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.initialising?.catch(() => undefined);
    await Promise.all([this.ctx.kv.close?.(), this.ctx.blobs?.close?.()]);
  }

  /** Requests and capacity units per operation type since creation (or `resetStats`). */
  stats(): StoreStats {
    return this.ctx.meter.snapshot();
  }

  /** Zero the statistics. */
  resetStats(): void {
    this.ctx.meter.reset();
  }

  private async prepare(): Promise<void> {
    const { retry } = this.options;
    const blobs = this.ctx.blobs;
    await Promise.all([
      withRetry(retry, () => this.ctx.kv.ensureTable(tableSchema(this.options.tableName)), this.ctx.sleep, 'ensure table'),
      blobs ? withRetry(retry, () => blobs.ensureContainer(), this.ctx.sleep, 'ensure blob container') : undefined,
    ]);
  }

  private async ready(): Promise<void> {
    this.assertOpen();
    await this.init();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreAdapterError(ErrorCodes.CLOSED, 'The event store is closed');
  }

  private async clearBlobs(): Promise<void> {
    const blobs = this.ctx.blobs;
    if (!blobs) return;
    await withRetry(this.options.retry, () => blobs.ensureContainer(), this.ctx.sleep, 'ensure blob container');
    for (;;) {
      const page = await withRetry(this.options.retry, () => blobs.list(this.options.blobKeyPrefix), this.ctx.sleep, 'blob list');
      if (page.keys.length === 0) return;
      for (let start = 0; start < page.keys.length; start += blobs.capabilities.maxDeleteKeys) {
        const keys = page.keys.slice(start, start + blobs.capabilities.maxDeleteKeys);
        await withRetry(this.options.retry, () => blobs.delete(keys), this.ctx.sleep, 'blob delete');
      }
    }
  }
}

function withId<T extends AppendableEvent>(event: T): CreatedEvent {
  const { sequence: _ignored, ...rest } = event;
  return { ...rest, id: event.id ?? randomUUID() } as CreatedEvent;
}
