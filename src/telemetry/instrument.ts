/**
 * The store's telemetry, composed ONCE per store as a decorator of its public methods (see {@link instrumentStore}):
 * each call of an operation in operations.ts runs inside a span `eventstore.<operation>` (kind INTERNAL, ACTIVE while
 * the store calls DynamoDB and S3, so the AWS SDK's instrumentation nests its spans under it) and a call scope
 * (call-scope.ts) that gathers what the call cost; when it settles, the span gets the figures and the metrics are
 * recorded. Names and meanings: docs/observability.md.
 *
 * Nothing is paid without it: a store with `telemetry: false`, or without `@opentelemetry/api` installed, and without
 * a `logger`, is not decorated at all. With the API installed but no provider registered (nor given), a call costs
 * a check of the global providers, and nothing else.
 */
import type { Attributes, Context, Counter, Histogram, Meter, Span, Tracer } from '@opentelemetry/api';
import type { ConsumedCapacity } from '../ports/kv-driver.js';
import { loadOtelApi, type OtelApi } from './api.js';
import { CallScope, callScopes, currentScope, type ScopeSink } from './call-scope.js';
import { OPERATIONS, PAGE_SPEC, POLL_SPEC, type AttributeMap, type OperationSpec } from './operations.js';
import type { Logger, TelemetryOptions } from './options.js';

/** The instrumentation scope's name (tracer and meter). */
export const INSTRUMENTATION_NAME = 'event-store-adapter-dynamodb';

/**
 * Buckets of `eventstore.operation.duration`, in seconds: OpenTelemetry's advice for durations in seconds (the SDK's
 * default buckets are sized for milliseconds and would put every call in the first two).
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** `db.system.name` of the DynamoDB driver (OpenTelemetry's semantic conventions); other drivers report their own name. */
export const DYNAMODB_SYSTEM_NAME = 'aws.dynamodb';

/** What the store tells its instrumentation. */
export interface InstrumentSettings {
  /** The store's `telemetry` option. */
  readonly telemetry: TelemetryOptions | false | undefined;
  /** The store's `logger` option. */
  readonly logger: Logger | undefined;
  /** The KV driver's `capabilities.name` (`dynamodb` for the DynamoDB driver). */
  readonly kvDriverName: string;
  /** The table (`db.collection.name`). */
  readonly tableName: string;
}

/** A running `subscribe` consumer, for `eventstore.feed.lag`. */
export interface LagSource {
  lag(): { readonly events: number; readonly seconds: number };
}

/** The metric instruments of one meter provider. */
interface Instruments {
  readonly duration: Histogram;
  readonly capacity: Counter;
  readonly retries: Counter;
  readonly conflicts: Counter;
}

/** The telemetry in force for one call: a tracer and/or instruments (undefined: nothing registered). */
interface Active {
  readonly tracer: Tracer | undefined;
  readonly instruments: Instruments | undefined;
}

/** `error.type` of a failure: its stable code (`STORE/CONCURRENCY`, `DRIVER/THROTTLED`...), else its class name. */
export function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && code !== '') return code;
  if (error instanceof Error && error.name !== '') return error.name;
  return '_OTHER';
}

/**
 * One store's instrumentation: wraps its methods, runs each call in a span and a scope, reports retries and
 * re-bases to the logger, and keeps the store's consumers for `eventstore.feed.lag`.
 */
export class StoreInstrumentation implements ScopeSink {
  private readonly options: TelemetryOptions;
  private readonly logger: Logger | undefined;
  /** Attributes of every span and metric point of this store. */
  private readonly common: Attributes;
  private tracerSource: unknown;
  private tracer: Tracer | undefined;
  private meterSource: unknown;
  private instruments: Instruments | undefined;
  private readonly consumers = new Map<string, Set<LagSource>>();

  constructor(
    private readonly api: OtelApi | undefined,
    settings: InstrumentSettings,
  ) {
    this.options = settings.telemetry || {};
    this.logger = settings.logger;
    this.common = {
      'db.system.name': settings.kvDriverName === 'dynamodb' ? DYNAMODB_SYSTEM_NAME : settings.kvDriverName,
      'db.collection.name': settings.tableName,
    };
  }

  /**
   * Run one call of `operation` (`args`: the caller's arguments) in its span and scope, under `parent` (default:
   * the active context). A call of the same store made inside another's scope (a public method calling another)
   * is part of that call.
   */
  run<T>(operation: string, spec: OperationSpec, args: readonly unknown[], call: () => Promise<T>, parent?: Context): Promise<T> {
    const outer = currentScope();
    // A poll is never part of another call (the first one starts while `subscribe` is still running).
    if (operation !== 'subscribe.poll' && outer?.open && outer.owner === this) return call();
    const active = this.resolve();
    if (active === undefined && this.logger === undefined) return call();
    const scope = new CallScope(this, operation, this);
    const scopes = callScopes();
    const api = this.api;
    if (active === undefined || api === undefined) {
      return settle(() => scopes.run(scope, call)).then(
        (result) => {
          scope.open = false;
          return this.wrapResult(spec, result);
        },
        (error: unknown) => {
          scope.open = false;
          throw error;
        },
      );
    }
    const started = performance.now();
    const parentContext = parent ?? api.context.active();
    const span = active.tracer?.startSpan(
      `eventstore.${operation}`,
      { kind: api.SpanKind.INTERNAL, attributes: this.startAttributes(spec, args) },
      parentContext,
    );
    const context = span === undefined ? parentContext : api.trace.setSpan(parentContext, span);
    return settle(() => api.context.with(context, () => scopes.run(scope, call))).then(
      (result) => {
        this.finish(api, active, scope, span, started, spec.events?.(args, result));
        return this.wrapResult(spec, result);
      },
      (error: unknown) => {
        this.finish(api, active, scope, span, started, spec.events?.(args, undefined), error);
        throw error;
      },
    );
  }

  /**
   * One poll of the `subscribe` consumer `consumer` (`subscribe.poll`): a span of its own trace (a poll is not part
   * of the `subscribe` call that started the loop), active while the page is read, handled and recorded.
   * `poll` resolves to what the loop does next and how many events the page delivered.
   */
  poll<T extends { readonly events: number }>(consumer: string, poll: () => Promise<T>): Promise<T> {
    return this.run('subscribe.poll', POLL_SPEC, [consumer], poll, this.api?.ROOT_CONTEXT);
  }

  /** Report `source`'s lag as consumer `name` in `eventstore.feed.lag` until the returned function is called. */
  trackConsumer(name: string, source: LagSource): () => void {
    let sources = this.consumers.get(name);
    if (sources === undefined) this.consumers.set(name, (sources = new Set()));
    sources.add(source);
    return () => {
      sources.delete(source);
      if (sources.size === 0 && this.consumers.get(name) === sources) this.consumers.delete(name);
    };
  }

  retried(scope: CallScope, what: string, error: unknown): void {
    const code = errorType(error);
    this.instruments?.retries.add(1, { ...this.common, 'eventstore.operation': scope.operation, 'error.type': code });
    this.log('info', `${scope.operation}: ${what} failed with ${code}; retrying`, { operation: scope.operation, request: what, code });
  }

  conflicted(scope: CallScope, why: string): void {
    this.instruments?.conflicts.add(1, { ...this.common, 'eventstore.operation': scope.operation });
    this.log('debug', `${scope.operation}: ${why}; re-basing`, { operation: scope.operation, reason: why });
  }

  /** Report to the logger; what it throws cannot change an outcome. */
  private log(level: 'debug' | 'info', message: string, fields: Record<string, unknown>): void {
    try {
      this.logger?.[level](`[event-store-adapter-dynamodb] ${message}`, fields);
    } catch {
      // ignored, as a throwing onWarning is
    }
  }

  lateCapacity(scope: CallScope, consumed: ConsumedCapacity): void {
    this.addCapacity(this.instruments, scope.operation, consumed.read, consumed.write);
  }

  /** The telemetry to use now: the given providers, else the global ones; undefined while none is registered. */
  private resolve(): Active | undefined {
    const api = this.api;
    if (api === undefined) return undefined;
    const tracer = this.currentTracer(api);
    const instruments = this.currentInstruments(api);
    return tracer === undefined && instruments === undefined ? undefined : { tracer, instruments };
  }

  private currentTracer(api: OtelApi): Tracer | undefined {
    const provider = this.options.tracerProvider ?? api.trace.getTracerProvider();
    // The global provider is a proxy: its delegate is what the application registered (none: a no-op).
    const source = provider instanceof api.ProxyTracerProvider ? provider.getDelegate() : provider;
    if (source !== this.tracerSource) {
      this.tracerSource = source;
      const unregistered = provider instanceof api.ProxyTracerProvider && provider.getDelegateTracer(INSTRUMENTATION_NAME) === undefined;
      this.tracer = unregistered ? undefined : (source as { getTracer(name: string): Tracer }).getTracer(INSTRUMENTATION_NAME);
    }
    return this.tracer;
  }

  private currentInstruments(api: OtelApi): Instruments | undefined {
    const provider = this.options.meterProvider ?? api.metrics.getMeterProvider();
    if (provider !== this.meterSource) {
      this.meterSource = provider;
      const meter = (provider as { getMeter(name: string): Meter }).getMeter(INSTRUMENTATION_NAME);
      const noop = meter instanceof (api.createNoopMeter().constructor as new () => Meter);
      this.instruments = noop ? undefined : this.createInstruments(meter);
    }
    return this.instruments;
  }

  private createInstruments(meter: Meter): Instruments {
    const lag = meter.createObservableGauge('eventstore.feed.lag', {
      description:
        'How far each subscribe consumer is behind the change feed, as of its last poll: events committed and not yet handled ' +
        '(eventstore.feed.lag.kind=events), and seconds since it was last caught up (eventstore.feed.lag.kind=seconds)',
    });
    lag.addCallback((result) => {
      for (const [name, sources] of this.consumers) {
        let events = 0;
        let seconds = 0;
        for (const source of sources) {
          const lagging = source.lag();
          events = Math.max(events, lagging.events);
          seconds = Math.max(seconds, lagging.seconds);
        }
        const attributes = { ...this.common, 'eventstore.consumer.name': name };
        result.observe(events, { ...attributes, 'eventstore.feed.lag.kind': 'events' });
        result.observe(seconds, { ...attributes, 'eventstore.feed.lag.kind': 'seconds' });
      }
    });
    return {
      duration: meter.createHistogram('eventstore.operation.duration', {
        unit: 's',
        description: 'Duration of event store operations (retries, backoff and re-bases included)',
        advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
      }),
      capacity: meter.createCounter('eventstore.capacity', {
        unit: '{capacity_unit}',
        description: 'DynamoDB capacity units consumed by event store operations (read: RCU, write: WCU)',
      }),
      retries: meter.createCounter('eventstore.retries', {
        unit: '{retry}',
        description: 'Requests sent again after a retryable failure (throttling, transient errors, unprocessed items)',
      }),
      conflicts: meter.createCounter('eventstore.conflicts', {
        unit: '{conflict}',
        description: 'Appends re-based after losing a race to a concurrent writer (stream head or change-feed counter moved)',
      }),
    };
  }

  private startAttributes(spec: OperationSpec, args: readonly unknown[]): Attributes {
    const attributes: AttributeMap = { ...(this.common as AttributeMap) };
    try {
      Object.assign(attributes, spec.attributes?.(args));
      if (this.options.recordIdentifiers === true) Object.assign(attributes, spec.identifiers?.(args));
    } catch {
      // Arguments the method itself will refuse: no attribute from them.
    }
    return attributes;
  }

  private finish(
    api: OtelApi,
    active: Active,
    scope: CallScope,
    span: Span | undefined,
    started: number,
    events: number | undefined,
    error?: unknown,
  ): void {
    scope.open = false;
    const seconds = (performance.now() - started) / 1000;
    const failure = error === undefined ? undefined : errorType(error);
    if (span !== undefined) {
      span.setAttributes({
        'eventstore.capacity.read': scope.readUnits,
        'eventstore.capacity.write': scope.writeUnits,
        'eventstore.retries': scope.retries,
        'eventstore.conflicts': scope.conflicts,
        'eventstore.offloaded': scope.offloaded,
        ...(events === undefined ? {} : { 'eventstore.event_count': events }),
        ...(failure === undefined ? {} : { 'error.type': failure }),
      });
      if (failure !== undefined) span.setStatus({ code: api.SpanStatusCode.ERROR, message: failure });
      span.end();
    }
    const instruments = active.instruments;
    if (instruments === undefined) return;
    const attributes = { ...this.common, 'eventstore.operation': scope.operation };
    instruments.duration.record(seconds, failure === undefined ? attributes : { ...attributes, 'error.type': failure });
    this.addCapacity(instruments, scope.operation, scope.readUnits, scope.writeUnits);
  }

  private addCapacity(instruments: Instruments | undefined, operation: string, read: number, write: number): void {
    if (instruments === undefined) return;
    const attributes = { ...this.common, 'eventstore.operation': operation };
    if (read > 0) instruments.capacity.add(read, { ...attributes, 'eventstore.capacity.kind': 'read' });
    if (write > 0) instruments.capacity.add(write, { ...attributes, 'eventstore.capacity.kind': 'write' });
  }

  /** A replay's iterator: each `next()` a `getAllEvents.page` call of its own. */
  private wrapResult<T>(spec: OperationSpec, result: T): T {
    if (spec.pages !== true || result === null || typeof result !== 'object') return result;
    const iterator = result as unknown as AsyncIterableIterator<unknown>;
    const pages: AsyncIterableIterator<unknown> = {
      next: (...args: [] | [unknown]) => this.run('getAllEvents.page', PAGE_SPEC, [], () => iterator.next(...args)),
      return: iterator.return === undefined ? undefined : (value?: unknown) => iterator.return!(value),
      throw: iterator.throw === undefined ? undefined : (error?: unknown) => iterator.throw!(error),
      [Symbol.asyncIterator]() {
        return pages;
      },
    };
    return pages as unknown as T;
  }
}

/** `call()`, a synchronous throw turned into a rejection. */
function settle<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Decorate `store`'s public methods (those of operations.ts it has) with its telemetry, once, at construction.
 * Returns undefined, leaving the store untouched, when there is nothing to report to: `telemetry: false` or
 * `@opentelemetry/api` absent (it is not even looked for with `false`), and no `logger`.
 */
export function instrumentStore(store: object, settings: InstrumentSettings): StoreInstrumentation | undefined {
  const api = settings.telemetry === false ? undefined : loadOtelApi();
  if (api === undefined && settings.logger === undefined) return undefined;
  const instrumentation = new StoreInstrumentation(api, settings);
  const methods = store as Record<string, unknown>;
  for (const [name, spec] of Object.entries(OPERATIONS)) {
    const method = methods[name];
    if (typeof method !== 'function') continue;
    Object.defineProperty(store, name, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => instrumentation.run(name, spec, args, () => method.apply(store, args) as Promise<unknown>),
    });
  }
  return instrumentation;
}
