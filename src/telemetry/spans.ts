/**
 * The spans of the store's calls: the tracer in force (the given provider's, else the global one's, looked up again
 * when the application registers another provider), the attributes a span starts with, and what it gets when its
 * call settles. Only types of `@opentelemetry/api` are imported: the API itself comes from api.ts, loaded lazily.
 */
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import { INSTRUMENTATION_NAME, type OtelApi } from './api.js';
import type { CallScope } from './call-scope.js';
import type { AttributeMap, OperationSpec } from './operations.js';
import type { TelemetryOptions } from './options.js';

/** `error.type` of a failure: its stable code (`STORE/CONCURRENCY`, `DRIVER/THROTTLED`...), else its class name. */
export function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && code !== '') return code;
  if (error instanceof Error && error.name !== '') return error.name;
  return '_OTHER';
}

/** One store's spans: its tracer (cached per provider) and the attributes its spans start with. */
export class StoreTracing {
  private source: unknown;
  private tracer: Tracer | undefined;

  /**
   * @param options the store's `telemetry` option (`tracerProvider`, `recordIdentifiers`)
   * @param common attributes of every span of this store
   */
  constructor(
    private readonly options: TelemetryOptions,
    private readonly common: Attributes,
  ) {}

  /** The tracer to use now: the given provider's, else the global one's; undefined while none is registered. */
  current(api: OtelApi): Tracer | undefined {
    const provider = this.options.tracerProvider ?? api.trace.getTracerProvider();
    // The global provider is a proxy: its delegate is what the application registered (none: a no-op).
    const source = provider instanceof api.ProxyTracerProvider ? provider.getDelegate() : provider;
    if (source !== this.source) {
      this.source = source;
      const unregistered = provider instanceof api.ProxyTracerProvider && provider.getDelegateTracer(INSTRUMENTATION_NAME) === undefined;
      this.tracer = unregistered ? undefined : (source as { getTracer(name: string): Tracer }).getTracer(INSTRUMENTATION_NAME);
    }
    return this.tracer;
  }

  /** Start the span `eventstore.<operation>` (kind INTERNAL) of one call under `parent`; `args`: the caller's arguments. */
  start(api: OtelApi, tracer: Tracer, operation: string, spec: OperationSpec, args: readonly unknown[], parent: Context): Span {
    return tracer.startSpan(
      `eventstore.${operation}`,
      { kind: api.SpanKind.INTERNAL, attributes: this.startAttributes(spec, args) },
      parent,
    );
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
}

/**
 * End a settled call's span: the call's figures (`scope`), the events it handled (when known), and for a failure
 * its `error.type` (`failure`) and the status ERROR.
 */
export function endSpan(api: OtelApi, span: Span, scope: CallScope, events: number | undefined, failure: string | undefined): void {
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
