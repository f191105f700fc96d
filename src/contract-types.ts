/**
 * The `IEventStoreRepo` contract of `@schemeless/event-store-types` 3.x, declared here because no 3.x types
 * package is published on the registry (see README). Structurally identical, so the framework accepts the repo.
 */

/** Event metadata: an object (the framework's `EventMeta`). */
export type EventMeta = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An event as the framework creates it. `payload` is any JSON value (`0`, `false`, `""` and `null` included). */
export interface CreatedEvent<Payload = any, Meta extends EventMeta = EventMeta> { // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Unique across the store; the framework makes monotonic ULIDs. */
  id: string;
  domain: string;
  type: string;
  payload: Payload;
  meta?: Meta;
  /** Stream id inside the domain; absent means the stream (domain, ''). */
  identifier?: string;
  /** `null` is accepted and means absent (stored and returned as absent). */
  correlationId?: string | null;
  /** Absent on root events; `null` is accepted and means absent (returned as absent). */
  causationId?: string | null;
  created: Date;
}

/** A stored event: the created event plus its 1-based, gapless `sequence` in its stream. */
export interface StoredEvent<Payload = any, Meta extends EventMeta = EventMeta> extends Omit<CreatedEvent<Payload, Meta>, 'causationId' | 'correlationId'> { // eslint-disable-line @typescript-eslint/no-explicit-any
  correlationId?: string;
  causationId?: string;
  sequence: number;
}

/** Options of `storeEvents`. */
export interface StoreEventsOptions {
  /**
   * The sequence the stream of the batch's FIRST event must be at before the write (0: the stream must be new).
   * A mismatch throws `ConcurrencyError` and writes nothing.
   */
  expectedSequence?: number;
  /** This adapter's extension: aborts the call (it then fails with `STORE/ABORTED`, or `STORE/OUTCOME_UNKNOWN` when a transaction was in flight). */
  signal?: AbortSignal;
  /** This adapter's extension: the call's deadline in ms from now (default: the store's `deadlineMs`). */
  deadlineMs?: number;
}

/** A stream snapshot. */
export interface SnapshotEntry<State = unknown> {
  domain: string;
  identifier: string;
  state: State;
  /** The stream sequence the state includes. */
  sequence: number;
  created: Date;
}

/** What the repo can do. */
export interface EventStoreRepoCapabilities {
  /** Stream reads (`getStreamEvents`) are supported: the framework's `getAggregate` requires it. */
  aggregate: boolean;
}

/** The 3.x repo contract (required and optional members). */
export interface IEventStoreRepo<Payload = any, Meta extends EventMeta = EventMeta> { // eslint-disable-line @typescript-eslint/no-explicit-any
  capabilities?: EventStoreRepoCapabilities;
  init(): Promise<void>;
  storeEvents(events: CreatedEvent<Payload, Meta>[], options?: StoreEventsOptions): Promise<void>;
  getAllEvents(pageSize: number, startFromId?: string): Promise<AsyncIterableIterator<StoredEvent<Payload, Meta>[]>>;
  createEventEntity(event: CreatedEvent<Payload, Meta>): StoredEvent<Payload, Meta>;
  resetStore(): Promise<void>;
  getStreamEvents?(domain: string, identifier: string, fromSequence?: number): Promise<StoredEvent<Payload, Meta>[]>;
  getStreamSequence?(domain: string, identifier: string): Promise<number>;
  getSnapshot?<State = unknown>(domain: string, identifier: string): Promise<SnapshotEntry<State> | null>;
  saveSnapshot?<State = unknown>(snapshot: SnapshotEntry<State>): Promise<void>;
  getEventById?(id: string): Promise<StoredEvent<Payload, Meta> | null>;
  findByCausationId?(causationId: string): Promise<StoredEvent<Payload, Meta>[]>;
  close?(): Promise<void>;
}

/** The 6.x contract's capabilities (`@schemeless/event-store-types` 6.0.0-rc.5). */
export interface StreamAdapterCapabilities {
  streamQuery: true;
  optimisticConcurrency: true;
  snapshot?: boolean;
}

/** A 6.x appendable event: a created event whose `id` may be omitted (the store assigns one). */
export type AppendableEvent<Payload = any, Meta extends EventMeta = EventMeta> = // eslint-disable-line @typescript-eslint/no-explicit-any
  Omit<CreatedEvent<Payload, Meta>, 'id'> & { id?: string; sequence?: number };

/** A 6.x stream-appendable event: `identifier` is required. */
export type StreamAppendableEvent<Payload = any, Meta extends EventMeta = EventMeta> = // eslint-disable-line @typescript-eslint/no-explicit-any
  AppendableEvent<Payload, Meta> & { identifier: string };

/**
 * One stream's version, as the 6.x line (rc.6) declares it: used by `appendBatch` expectations and as the entries
 * of a change-feed cursor. In a cursor of this store the entries are not streams: `{ domain: '$table' }` names the
 * table and its generation, `{ domain: '$log', identifier: '<shard>' }` the last position delivered of a shard.
 */
export interface ExpectedStreamVersion {
  domain: string;
  identifier?: string;
  expectedVersion: number;
}

/** A page of the change feed (`getLogPage`): events, and the cursor to pass to the next call (JSON-safe, at most 64 entries). */
export interface StreamLogPage<Payload = any, Meta extends EventMeta = EventMeta> { // eslint-disable-line @typescript-eslint/no-explicit-any
  events: StoredEvent<Payload, Meta>[];
  cursor: ExpectedStreamVersion[];
}
