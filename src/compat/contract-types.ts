/**
 * The `IEventStoreRepo` contract of `@schemeless/event-store-types` 3.x, declared here because no 3.x types
 * package is published on the registry (see README). Structurally identical, so the framework accepts the repo.
 */

/** Event metadata: an object (the framework's `EventMeta`). */
// biome-ignore lint/suspicious/noExplicitAny: the framework's own default; `unknown` would refuse its callers' typed events
export type EventMeta = Record<string, any>;

/** An event as the framework creates it. `payload` is any JSON value (`0`, `false`, `""` and `null` included). */
// biome-ignore lint/suspicious/noExplicitAny: the framework's own default; `unknown` would refuse its callers' typed events
export interface CreatedEvent<Payload = any, Meta extends EventMeta = EventMeta> {
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
// biome-ignore lint/suspicious/noExplicitAny: the framework's own default; `unknown` would refuse its callers' typed events
export interface StoredEvent<Payload = any, Meta extends EventMeta = EventMeta>
  extends Omit<CreatedEvent<Payload, Meta>, 'causationId' | 'correlationId'> {
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
  /**
   * This adapter's extension: several streams, each at its sequence before the write (0: empty), checked in the
   * same transaction as the write. A listed stream the batch does not write is a read dependency (a condition check
   * on its head, in the first transaction). Each stream at most once; may name the first event's stream only with
   * the same value as `expectedSequence`. A mismatch throws `ConcurrencyError` naming the stream; nothing written.
   */
  expectedSequences?: readonly ExpectedStreamSequence[];
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
// biome-ignore lint/suspicious/noExplicitAny: the framework's own default; `unknown` would refuse its callers' typed events
export interface IEventStoreRepo<Payload = any, Meta extends EventMeta = EventMeta> {
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
// biome-ignore lint/suspicious/noExplicitAny: the framework's own default; `unknown` would refuse its callers' typed events
export type AppendableEvent<Payload = any, Meta extends EventMeta = EventMeta> = Omit<CreatedEvent<Payload, Meta>, 'id'> & {
  id?: string;
  sequence?: number;
};

/** A 6.x stream-appendable event: `identifier` is required. */
// biome-ignore lint/suspicious/noExplicitAny: the framework's own default; `unknown` would refuse its callers' typed events
export type StreamAppendableEvent<Payload = any, Meta extends EventMeta = EventMeta> = AppendableEvent<Payload, Meta> & {
  identifier: string;
};

/** One entry of `StoreEventsOptions.expectedSequences`: the stream (domain, identifier; absent = '') at `expectedSequence`. */
export interface ExpectedStreamSequence {
  /** The stream's domain (non-empty). */
  domain: string;
  /** Absent (or `''`): the domain-only stream (domain, ''). */
  identifier?: string;
  /** The sequence the stream must be at before the write; 0: the stream must be empty. */
  expectedSequence: number;
}

/**
 * A stream at a version, as `@schemeless/event-store-types` 6.0.0-rc.6 declares it (`ExpectedStreamVersion`;
 * declared here structurally until rc.6 reaches the registry). Omit `identifier` for the domain-only stream;
 * `''` and whitespace-only identifiers are invalid (V6 rule). Also the entries of a change-feed cursor, which are
 * not streams: `{ domain: '$table' }` names the table and its generation, `{ domain: '$log', identifier: '<shard>' }`
 * holds the last position delivered of a shard.
 */
export interface ExpectedStreamVersion {
  /** The stream's domain (non-empty). */
  domain: string;
  /** The stream id inside the domain; absent for the domain-only stream. */
  identifier?: string;
  /** The stream's version (its last sequence; 0: empty). */
  expectedVersion: number;
}

/** A stream reference of `getStreamVersions` (rc.6: `Pick<ExpectedStreamVersion, 'domain' | 'identifier'>`). */
export type StreamReference = Pick<ExpectedStreamVersion, 'domain' | 'identifier'>;

/** A page of the change feed (`getLogPage`): events, and the cursor to pass to the next call (JSON-safe, at most 64 entries). */
// biome-ignore lint/suspicious/noExplicitAny: the framework's own default; `unknown` would refuse its callers' typed events
export interface StreamLogPage<Payload = any, Meta extends EventMeta = EventMeta> {
  events: StoredEvent<Payload, Meta>[];
  cursor: ExpectedStreamVersion[];
}
