/**
 * The store's telemetry, composed ONCE per store as a decorator of its public methods (see {@link instrumentStore}):
 * each call of an operation in operations.ts runs inside a span `eventstore.<operation>` (kind INTERNAL, ACTIVE while
 * the store calls DynamoDB and S3, so the AWS SDK's instrumentation nests its spans under it) and a call scope
 * (call-scope.ts) that gathers what the call cost; when it settles, the span gets the figures (spans.ts) and the
 * metrics are recorded (metrics.ts). Names and meanings: docs/observability.md.
 *
 * Nothing is paid without it: a store with `telemetry: false`, or without `@opentelemetry/api` installed, and without
 * a `logger`, is not decorated at all. With the API installed but no provider registered (nor given), a call costs
 * a check of the global providers, and nothing else.
 */
import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { ConsumedCapacity } from '../ports/kv-driver.js';
import { loadOtelApi, type OtelApi } from './api.js';
import { CallScope, callScopes, currentScope, type ScopeSink } from './call-scope.js';
import { type Instruments, type LagSource, StoreMetrics } from './metrics.js';
import { OPERATIONS, PAGE_SPEC, POLL_SPEC, type OperationSpec } from './operations.js';
import type { Logger, TelemetryOptions } from './options.js';
import { endSpan, errorType, StoreTracing } from './spans.js';

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

/** The telemetry in force for one call: a tracer and/or instruments (undefined: nothing registered). */
interface Active {
  readonly tracer: Tracer | undefined;
  readonly instruments: Instruments | undefined;
}

/**
 * One store's instrumentation: wraps its methods, runs each call in a span and a scope, reports retries and
 * re-bases to the logger, and keeps the store's consumers for `eventstore.feed.lag`.
 */
export class StoreInstrumentation implements ScopeSink {
  private readonly logger: Logger | undefined;
  private readonly tracing: StoreTracing;
  private readonly metrics: StoreMetrics;

  constructor(
    private readonly api: OtelApi | undefined,
    settings: InstrumentSettings,
  ) {
    const options = settings.telemetry || {};
    this.logger = settings.logger;
    // Attributes of every span and metric point of this store.
    const common = {
      'db.system.name': settings.kvDriverName === 'dynamodb' ? DYNAMODB_SYSTEM_NAME : settings.kvDriverName,
      'db.collection.name': settings.tableName,
    };
    this.tracing = new StoreTracing(options, common);
    this.metrics = new StoreMetrics(options, common);
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
    const span = active.tracer === undefined ? undefined : this.tracing.start(api, active.tracer, operation, spec, args, parentContext);
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
    return this.metrics.trackConsumer(name, source);
  }

  retried(scope: CallScope, what: string, error: unknown): void {
    const code = errorType(error);
    this.metrics.retried(scope.operation, code);
    this.log('info', `${scope.operation}: ${what} failed with ${code}; retrying`, { operation: scope.operation, request: what, code });
  }

  conflicted(scope: CallScope, why: string): void {
    this.metrics.conflicted(scope.operation);
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
    this.metrics.lateCapacity(scope.operation, consumed.read, consumed.write);
  }

  /** The telemetry to use now: the given providers, else the global ones; undefined while none is registered. */
  private resolve(): Active | undefined {
    const api = this.api;
    if (api === undefined) return undefined;
    const tracer = this.tracing.current(api);
    const instruments = this.metrics.current(api);
    return tracer === undefined && instruments === undefined ? undefined : { tracer, instruments };
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
    if (span !== undefined) endSpan(api, span, scope, events, failure);
    const instruments = active.instruments;
    if (instruments === undefined) return;
    this.metrics.recordCall(instruments, scope.operation, seconds, failure, scope.readUnits, scope.writeUnits);
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
