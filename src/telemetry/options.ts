/**
 * The `telemetry` and `logger` options. Declared structurally, without `@opentelemetry/api`'s types, so that the
 * package's declarations compile where that optional peer is not installed.
 */

/** Anything with `getTracer`: an OpenTelemetry `TracerProvider` (e.g. the SDK's `NodeTracerProvider`). */
export interface TracerProviderLike {
  getTracer(name: string, version?: string, options?: object): unknown;
}

/** Anything with `getMeter`: an OpenTelemetry `MeterProvider` (e.g. the SDK's `MeterProvider`). */
export interface MeterProviderLike {
  getMeter(name: string, version?: string, options?: object): unknown;
}

/**
 * `telemetry` option: where spans and metrics go (docs/observability.md). Absent (default): the global providers of
 * `@opentelemetry/api` when that optional peer is installed (nothing is traced until a provider is registered), no
 * telemetry at all when it is not. `false`: none, and the API is never loaded.
 */
export interface TelemetryOptions {
  /** Spans go here instead of the global tracer provider. */
  readonly tracerProvider?: TracerProviderLike;
  /** Metrics go here instead of the global meter provider. */
  readonly meterProvider?: MeterProviderLike;
  /**
   * Put stream names (`eventstore.streams`), event ids (`eventstore.event.id`) and causation ids
   * (`eventstore.causation.id`) on spans. Default false: they may be personal data. Payloads are never recorded.
   */
  readonly recordIdentifiers?: boolean;
}

/**
 * `logger` option: any object with `debug`, `info`, `warn` and `error` methods (console, pino, winston). Each call
 * gets a message and an object of fields (`code`, `operation`, ...): `logger.warn(message, fields)`.
 */
export interface Logger {
  debug(message: string, ...fields: unknown[]): unknown;
  info(message: string, ...fields: unknown[]): unknown;
  warn(message: string, ...fields: unknown[]): unknown;
  error(message: string, ...fields: unknown[]): unknown;
}

/** True for an object whose `debug`, `info`, `warn` and `error` are functions. */
export function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return ['debug', 'info', 'warn', 'error'].every((level) => typeof candidate[level] === 'function');
}
