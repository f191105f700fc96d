/**
 * The shapes `@schemeless/event-store@5.0.1` reads from event flows and observers, declared from its published
 * `dist` code (`pipeline/processEventLifecycle.js`, `pipeline/processEventTree.js`, `pipeline/ObserverRunner.js`,
 * `revert/makeRevert.js`). They are declared here because the types package the framework runs with here
 * (`@schemeless/event-store-types@6.0.0-rc.5`, pinned by an npm override) no longer exports `EventFlow` or the
 * observer types, so the framework's own `.d.ts` leaves them as `any`.
 */

/** An event as the framework hands it to flow hooks and observers (a created event; stored ones add `sequence`). */
export interface FlowEvent<Payload = unknown> {
  id: string;
  domain: string;
  type: string;
  payload: Payload;
  identifier?: string;
  meta?: Record<string, unknown>;
  correlationId?: string;
  causationId?: string;
  created: Date;
  /** Present on events read back from the repo (replay, `getAggregate`, revert). */
  sequence?: number;
}

/**
 * An event a hook asks for (consequent or compensating): the framework assigns `id`, `created`, `causationId`
 * (the causing event), `correlationId` and, when absent, the causing event's `identifier`.
 */
export interface EventRequest<Payload = unknown> {
  domain: string;
  type: string;
  identifier?: string;
  payload: Payload;
  meta?: Record<string, unknown>;
}

/** What `validate` may return: an `Error` rejects the event (throwing does too); anything else accepts it. */
// biome-ignore lint/suspicious/noConfusingVoidType: the framework's validators are typed `=> void` (a block body returns nothing)
export type Verdict = Error | undefined | void;

/** Hooks both flow kinds share. */
interface FlowCommon<Payload> {
  domain: string;
  type: string;
  /** Defaults to 1; stamped into `meta.schemaVersion` of every event of the flow. */
  schemaVersion?: number;
  /** Consequent events, processed depth-first in the same tree and stored in the same `storeEvents` call. */
  createConsequentEvents?(event: FlowEvent<Payload>): EventRequest[] | Promise<EventRequest[]>;
  /** Used by `revert`: the compensating event(s), stored directly (no validate, apply or observers). */
  compensate?(event: FlowEvent<Payload>): EventRequest | EventRequest[];
}

/** A flow without aggregate state (`kind: 'simple'`). */
export interface SimpleEventFlow<Payload = unknown> extends FlowCommon<Payload> {
  kind: 'simple';
  validate?(event: FlowEvent<Payload>): Verdict | Promise<Verdict>;
  apply?(event: FlowEvent<Payload>): void | Promise<void>;
  /** Called for every applied event of a tree when the tree fails (validation or storage). */
  cancelApply?(event: FlowEvent<Payload>): void | Promise<void>;
}

/**
 * A flow over a stream's aggregate (`kind: 'aggregate'`): live, the framework loads the state with
 * `getAggregate(domain, identifier, reducer, initialState)` (snapshot, then `getStreamEvents`) once per stream per
 * tree; in replay it starts every stream at `initialState`. `apply` must return the next state.
 */
export interface AggregateEventFlow<Payload = unknown, State = unknown> extends FlowCommon<Payload> {
  kind: 'aggregate';
  aggregate: { reducer(state: State, event: FlowEvent): State; initialState: State };
  validate?(event: FlowEvent<Payload>, state: State): Verdict | Promise<Verdict>;
  apply(event: FlowEvent<Payload>, state: State): State | Promise<State>;
}

/** Any flow the framework accepts. */
export type EventFlow<Payload = unknown, State = unknown> = SimpleEventFlow<Payload> | AggregateEventFlow<Payload, State>;

/** A success observer: runs (in `priority` order, awaited unless `fireAndForget`) after events are stored, and in replay. */
export interface SuccessObserver {
  filters: Array<{ domain: string; type: string }>;
  priority: number;
  fireAndForget?: boolean;
  apply(event: FlowEvent): void | Promise<void>;
}

/** What `revert(rootId)` resolves to (`revert/makeRevert.js`): per event, leaves first, its stored compensations. */
export interface RevertOutcome {
  revertedEventId: string;
  compensatingEvents: FlowEvent[];
  /** The event's direct consequences, most recent first. */
  childResults: RevertOutcome[];
}
