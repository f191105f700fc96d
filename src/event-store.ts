import type { CallOptions } from './runtime/call-budget.js';
import { DEFAULT_LOG_PAGE_SIZE, type ConsumerStart } from './feed/change-feed.js';
import * as feed from './compat/feed-methods.js';
import { storeAccess, type StoreAccess } from './compat/store-access.js';
import * as sweep from './compat/sweep-method.js';
import * as v3 from './compat/v3-methods.js';
import * as v6 from './compat/v6-methods.js';
import type { EventStoreApi } from './compat/store-api.js';
import type {
  AppendableEvent,
  CreatedEvent,
  EventStoreRepoCapabilities,
  ExpectedStreamVersion,
  IEventStoreRepo,
  SnapshotEntry,
  StoreEventsOptions,
  StoredEvent,
  StreamAdapterCapabilities,
  StreamAppendableEvent,
  StreamLogPage,
  StreamReference,
} from './compat/contract-types.js';
import { StoreLifecycle } from './runtime/lifecycle.js';
import type { StoreStats } from './runtime/metering.js';
import { resolveOptions, type EventStoreOptions, type ResolvedOptions } from './options/index.js';
import { realSleep, type RetryPolicy, type Sleep } from './runtime/retry.js';
import { storeState, type StoreState } from './runtime/store-context.js';
import type { DynamoDbStreamRecord } from './feed/stream-records.js';
import type { SubscribeOptions, Subscription } from './feed/subscription.js';
import type { SweepOptions, SweepResult } from './blobs/sweeper.js';
import { instrumentStore, type StoreInstrumentation } from './telemetry/instrument.js';

/** Core options: a KV driver is required here (the package root supplies defaults and the AWS drop-in form). */
export type EventStoreCoreOptions = EventStoreOptions & { kv: NonNullable<EventStoreOptions['kv']> };

/** Default page size of the 6.x `getAllEvents(pageSize?)`: the framework's own replay page size. */
export const DEFAULT_PAGE_SIZE = 200;

/**
 * The event store over a KV driver and an optional blob driver: implements every member of the 3.x
 * `IEventStoreRepo` contract, required and optional, and the 6.x `StreamEventStoreAdapter` +
 * `RevertableEventStoreAdapter` contracts (`append`, `appendToStream`, `reset`). The facade of the core: each method
 * is one line into its shape in compat/ (arguments checked, a call opened, one use-case function of a feature folder
 * run); the drivers only execute single calls. Each method's contract is its doc comment on {@link EventStoreApi}
 * (src/compat/store-api.ts), which editors and the API reference show here too.
 */
export class EventStore implements IEventStoreRepo, EventStoreApi {
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
  /** `init`'s runs, the readiness every call waits for, resets and `close` (runtime/lifecycle.ts). */
  private readonly lifecycle: StoreLifecycle;
  /** What the public methods' shapes (compat/*) may use of this store. */
  private readonly access: StoreAccess;
  /** Spans, metrics and the logger's retries (telemetry/instrument.ts); undefined when there is nothing to report to. */
  private readonly telemetry: StoreInstrumentation | undefined;

  /** @throws `INPUT/INVALID_OPTIONS` naming each bad field. */
  constructor(options: EventStoreCoreOptions, internals: { sleep?: Sleep } = {}) {
    this.options = resolveOptions(options);
    this.ctx = storeState(this.options, internals.sleep ?? realSleep);
    this.lifecycle = new StoreLifecycle(this.ctx);
    this.access = storeAccess(this.ctx, this.lifecycle, () => this.telemetry);
    // Last: decorates this instance's public methods (once), or leaves them as they are.
    this.telemetry = instrumentStore(this, {
      telemetry: this.options.telemetry,
      logger: this.options.logger,
      kvDriverName: this.options.kv.capabilities.name,
      tableName: this.options.tableName,
    });
  }

  async init(options: CallOptions = {}): Promise<void> {
    await this.lifecycle.init(options);
  }

  async storeEvents(events: CreatedEvent[], options: StoreEventsOptions = {}): Promise<void> {
    await this.appendEvents(events, options);
  }

  async appendEvents(events: readonly CreatedEvent[], options: StoreEventsOptions = {}): Promise<StoredEvent[]> {
    return v3.appendEvents(this.access, events, options);
  }

  async append(events: readonly AppendableEvent[]): Promise<void> {
    await v6.append(this.access, events);
  }

  async appendBatch(events: readonly AppendableEvent[], expectedVersions: readonly ExpectedStreamVersion[]): Promise<void> {
    await v6.appendBatch(this.access, events, expectedVersions);
  }

  async getStreamVersions(streams: readonly StreamReference[]): Promise<ExpectedStreamVersion[]> {
    return v6.getStreamVersions(this.access, streams);
  }

  async appendToStream(events: readonly StreamAppendableEvent[], expectedVersion: number): Promise<{ nextVersion: number }> {
    return v6.appendToStream(this.access, events, expectedVersion);
  }

  reset(): Promise<void> {
    return this.resetStore();
  }

  async getAllEvents(pageSize: number = DEFAULT_PAGE_SIZE, startFromId?: string): Promise<AsyncIterableIterator<StoredEvent[]>> {
    return v3.getAllEvents(this.access, pageSize, startFromId);
  }

  createEventEntity(event: CreatedEvent): StoredEvent {
    return v3.createEventEntity(this.access, event);
  }

  async resetStore(options: CallOptions = {}): Promise<void> {
    await this.lifecycle.resetStore(options);
  }

  async sweepOrphanBlobs(options: SweepOptions & CallOptions): Promise<SweepResult> {
    return sweep.sweepOrphanBlobs(this.access, options);
  }

  async getStreamEvents(domain: string, identifier: string, fromSequence = 0): Promise<StoredEvent[]> {
    return v3.getStreamEvents(this.access, domain, identifier, fromSequence);
  }

  async getStreamSequence(domain: string, identifier: string): Promise<number> {
    return v3.getStreamSequence(this.access, domain, identifier);
  }

  async getSnapshot<State = unknown>(domain: string, identifier: string): Promise<SnapshotEntry<State> | null> {
    return v3.getSnapshot<State>(this.access, domain, identifier);
  }

  async eraseStream(domain: string, identifier: string, options: CallOptions = {}): Promise<void> {
    await v3.eraseStream(this.access, domain, identifier, options);
  }

  async saveSnapshot<State = unknown>(snapshot: SnapshotEntry<State>): Promise<void> {
    await v3.saveSnapshot(this.access, snapshot);
  }

  async getEventById(id: string): Promise<StoredEvent | null> {
    return v3.getEventById(this.access, id);
  }

  async findByCausationId(causationId: string): Promise<StoredEvent[]> {
    return v3.findByCausationId(this.access, causationId);
  }

  async decodeStreamRecord(record: DynamoDbStreamRecord): Promise<StoredEvent | undefined> {
    return feed.decodeStreamRecord(this.access, record);
  }

  async decodeStreamRecords(records: readonly DynamoDbStreamRecord[]): Promise<StoredEvent[]> {
    return feed.decodeStreamRecords(this.access, records);
  }

  async getLogPage(cursor?: readonly ExpectedStreamVersion[], pageSize: number = DEFAULT_LOG_PAGE_SIZE): Promise<StreamLogPage> {
    return feed.getLogPage(this.access, cursor, pageSize);
  }

  async subscribe<Payload = unknown>(options: SubscribeOptions<Payload>): Promise<Subscription> {
    return feed.subscribe(this.access, options);
  }

  async resetConsumer(name: string, from: ConsumerStart = 'start'): Promise<ExpectedStreamVersion[]> {
    return feed.resetConsumer(this.access, name, from);
  }

  async close(): Promise<void> {
    await this.lifecycle.close();
  }

  get retryPolicy(): RetryPolicy {
    return this.ctx.retry.policy;
  }

  stats(): StoreStats {
    return this.ctx.meter.snapshot();
  }

  resetStats(): void {
    this.ctx.meter.reset();
  }
}
