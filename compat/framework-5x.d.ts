/**
 * `event-store-adapter-dynamodb/framework-5x`: the types `@schemeless/event-store` 5.x needs, for apps on that
 * framework line.
 *
 * Why: `@schemeless/event-store@5.0.1` asks for `@schemeless/event-store-types@^5.0.0`, which was never published;
 * apps pin the types to `6.0.0-rc.5` (an npm `overrides` entry), which no longer declares the 5.x names the
 * framework's own declarations import (`EventFlow`, `IEventStoreRepo`, `SuccessEventObserver`, …). Without them
 * `tsc` reports errors inside the framework's `.d.ts` (with `skipLibCheck: false`), or silently makes `EventFlow`
 * unimportable and `makeEventStore`'s repo parameter `any` (with `skipLibCheck: true`).
 *
 * What: a module augmentation of `@schemeless/event-store-types` adding those names, shaped as the 5.0.1
 * framework's compiled code uses them (flows with `validate`/`apply`/`sideEffect`/`compensate`, aggregate flows
 * with `aggregate: { reducer, initialState }`, observers with `filters` and `priority`, the 3.x/5.x repo contract
 * that `EventStoreRepo` implements). Types only: nothing is added at runtime (the framework's own error classes,
 * `RevertError` and others, stay missing at runtime under rc.5: call `canRevert` before `revert`).
 *
 * Use: once per program, e.g. in the file that builds the store:
 *
 *     import type {} from 'event-store-adapter-dynamodb/framework-5x';
 *
 * (or list it in `compilerOptions.types`). Only with the rc.5 types override: were 5.x types installed, they
 * would declare these names themselves.
 */
import type { BaseEvent, BaseEventInput, CreatedEvent, EventMeta } from '@schemeless/event-store-types';

declare module '@schemeless/event-store-types' {
  /** An event as a 5.x repo stores and returns it. */
  interface IEventStoreEntity<Payload = any, Meta = any> {
    id: string;
    domain: string;
    type: string;
    meta?: Meta;
    payload: Payload;
    identifier?: string;
    correlationId?: string;
    causationId?: string;
    /** Per-stream sequence, 1-based. */
    sequence?: number;
    readonly created: Date;
  }

  /** Options of `storeEvents`. */
  interface StoreEventsOptions {
    /** The stream (of the first event) must be at this sequence, else the repo throws `ConcurrencyError`. */
    expectedSequence?: number;
  }

  /** A stored aggregate snapshot. */
  interface ISnapshotEntity<State = any> {
    domain: string;
    identifier: string;
    state: State;
    sequence: number;
    created: Date;
  }

  /** What a repo declares it can do. */
  interface IEventStoreRepoCapabilities {
    /** `getAggregate` works (the repo has `getStreamEvents`). */
    aggregate?: boolean;
  }

  /** The repo contract of the 5.x framework (`makeEventStore(repo)`): `EventStoreRepo` implements it. */
  interface IEventStoreRepo<Payload = any, Meta = any> {
    init(): Promise<void>;
    getAllEvents(pageSize: number, startFromId?: string): Promise<AsyncIterableIterator<Array<IEventStoreEntity<Payload, Meta>>>>;
    createEventEntity(event: CreatedEvent<any>): IEventStoreEntity<Payload, Meta>;
    storeEvents(events: CreatedEvent<any>[], options?: StoreEventsOptions): Promise<void>;
    resetStore(): Promise<void>;
    capabilities?: IEventStoreRepoCapabilities;
    getStreamEvents?(domain: string, identifier: string, fromSequence?: number): Promise<IEventStoreEntity<Payload, Meta>[]>;
    getSnapshot?<State>(domain: string, identifier: string): Promise<ISnapshotEntity<State> | null>;
    saveSnapshot?<State>(snapshot: ISnapshotEntity<State>): Promise<void>;
    getStreamSequence?(domain: string, identifier: string): Promise<number>;
    getEventById?(id: string): Promise<IEventStoreEntity<Payload, Meta> | null>;
    findByCausationId?(causationId: string): Promise<IEventStoreEntity<Payload, Meta>[]>;
    close?(): Promise<void>;
  }

  /** What the framework emits per processed event (`on('processed')`): 5.0.1 emits `success` and `invalid` only. */
  type EventOutputState = 'Event:success' | 'Event:invalid' | 'Event:canceled' | 'Event:reverted' | 'Event:revertFailed';

  /** Per-flow settings. */
  interface EventFlowMeta {
    /** Retries of a failing `sideEffect` before it is given up. */
    readonly sideEffectFailedRetryAllowed?: number;
  }

  /** The aggregate an aggregate flow validates and applies against (loaded with `getAggregate`). */
  interface AggregateDefinition<State = any, Payload = any> {
    readonly reducer: (state: State, event: IEventStoreEntity) => State;
    readonly initialState: State;
    /** The aggregate's identifier for an event (default: the event's `identifier`). */
    getIdentifier?(event: CreatedEvent<Payload>): string | undefined;
  }

  /**
   * An event type: how it is validated, applied and compensated. `State` is the aggregate state an aggregate flow's
   * `validate` and `apply` receive (see {@link AggregateEventFlow}); a simple flow ignores it.
   */
  interface EventFlow<PartialPayload = any, Payload extends PartialPayload = PartialPayload, State = any> {
    readonly domain: string;
    readonly type: string;
    readonly description?: string;
    /** `'aggregate'` (or an `aggregate` member) makes it an aggregate flow. */
    readonly kind?: 'simple' | 'aggregate';
    readonly meta?: EventFlowMeta;
    readonly eventType?: CreatedEvent<Payload>;
    readonly payloadType?: PartialPayload | Payload;
    readonly samplePayload?: PartialPayload | Payload;
    /** Current schema version of the payload (default 1), stored in `meta.schemaVersion`. */
    readonly schemaVersion?: number;
    readonly aggregate?: AggregateDefinition<State, Payload>;
    /** Upgrade an event stored under an older `schemaVersion`. */
    upcast?(event: CreatedEvent<any>, fromVersion: number): CreatedEvent<Payload> | Promise<CreatedEvent<Payload>> | void;
    /** Events of one shard key are processed in order (default: the identifier). */
    getShardKey?(event: BaseEvent<Payload>): string | undefined;
    /** Deprecated in 5.x (`store.receive(flow)` / `store.submit(flow, input)` do not need it). */
    receive?(eventStore: {
      receive: (
        eventFlow: EventFlow<PartialPayload, Payload, State>,
      ) => (eventInput: BaseEventInput<PartialPayload>) => Promise<[CreatedEvent<Payload>, ...Array<CreatedEvent<any>>]>;
    }): (eventInput: BaseEventInput<PartialPayload>) => Promise<[CreatedEvent<Payload>, ...Array<CreatedEvent<any>>]>;
    /** Return (or throw) an `Error` to refuse the event: nothing is stored. */
    validate?(event: CreatedEvent<Payload>, state: State): Promise<Error | void> | Error | void;
    preApply?(event: CreatedEvent<PartialPayload>): Promise<CreatedEvent<Payload> | void> | CreatedEvent<Payload> | void;
    apply?(event: CreatedEvent<Payload>, state: State): Promise<State | void> | State | void;
    sideEffect?(event: CreatedEvent<Payload>): Promise<void | BaseEvent<any>[]> | void | BaseEvent<any>[];
    cancelApply?(event: CreatedEvent<Payload>): Promise<void> | void;
    /** Events caused by this one, stored with it in ONE `storeEvents` call. */
    createConsequentEvents?(causalEvent: CreatedEvent<Payload>): Promise<BaseEvent<any>[]> | BaseEvent<any>[];
    /** The compensating event(s) `revert` stores; without it the event cannot be reverted (`canRevert` says so). */
    compensate?(originalEvent: CreatedEvent<Payload>): BaseEvent<any> | BaseEvent<any>[];
  }

  /** A flow validated and applied against its aggregate's state: `apply` returns the next state. */
  interface AggregateEventFlow<
    PartialPayload = any,
    Payload extends PartialPayload = PartialPayload,
    State = any,
    Meta extends EventMeta = EventMeta,
  > extends EventFlow<PartialPayload, Payload, State> {
    readonly kind?: 'aggregate';
    readonly aggregate: AggregateDefinition<State, Payload>;
    validate?(event: CreatedEvent<Payload, Meta>, state: State): Promise<Error | void> | Error | void;
    apply?(event: CreatedEvent<Payload, Meta>, state: State): Promise<State> | State;
  }

  /** Flows by `${domain}__${type}`. */
  interface EventFlowMap {
    [key: string]: EventFlow;
  }

  /** Which events an observer receives. */
  interface EventObserverFilter {
    domain: string;
    type: string;
  }

  /** Runs after an event is stored (in `priority` order, lowest first). */
  interface SuccessEventObserver<Payload = any> {
    filters: EventObserverFilter[];
    priority: number;
    /** Do not wait for it. */
    fireAndForget?: boolean;
    aggregate?: false;
    apply?(event: CreatedEvent<Payload>): Promise<void> | void;
  }

  /** An observer that also receives the aggregate state after the event (of an aggregate flow). */
  interface AggregateEventObserver<Payload = any, State = any> {
    filters: EventObserverFilter[];
    priority: number;
    fireAndForget?: boolean;
    aggregate: true;
    apply?(event: CreatedEvent<Payload>, state: State): Promise<void> | void;
  }

  /** `canRevert`: whether an event and its consequences can be reverted, and why not. */
  interface CanRevertResult {
    canRevert: boolean;
    reason?: string;
    missingCompensateEvents?: Array<{ id: string; domain: string; type: string }>;
  }

  /** `previewRevert`: the events a revert would compensate. */
  interface PreviewRevertResult {
    rootEvent: CreatedEvent<any>;
    descendantEvents: CreatedEvent<any>[];
    totalEventCount: number;
  }

  /** `revert`: the compensating events stored, per event of the tree. */
  interface RevertResult {
    revertedEventId: string;
    compensatingEvents: CreatedEvent<any>[];
    childResults: RevertResult[];
  }
}
