/**
 * The store's metrics: the instruments of the meter provider in force (the given one, else the global one, created
 * again when the application registers another provider), what each settled call records, and the change feed's
 * consumers observed by `eventstore.feed.lag`. Only types of `@opentelemetry/api` are imported: the API itself comes
 * from api.ts, loaded lazily.
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { INSTRUMENTATION_NAME, type OtelApi } from './api.js';
import type { TelemetryOptions } from './options.js';

/**
 * Buckets of `eventstore.operation.duration`, in seconds: OpenTelemetry's advice for durations in seconds (the SDK's
 * default buckets are sized for milliseconds and would put every call in the first two).
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** A running `subscribe` consumer, for `eventstore.feed.lag`. */
export interface LagSource {
  /** Events committed and not yet handled, and seconds since the consumer was last caught up, as of its last poll. */
  lag(): { readonly events: number; readonly seconds: number };
}

/** The metric instruments of one meter provider. */
export interface Instruments {
  /** `eventstore.operation.duration`, in seconds. */
  readonly duration: Histogram;
  /** `eventstore.capacity`: capacity units, by kind (read, write). */
  readonly capacity: Counter;
  /** `eventstore.retries`: requests sent again. */
  readonly retries: Counter;
  /** `eventstore.conflicts`: appends re-based. */
  readonly conflicts: Counter;
}

/** One store's metrics: its instruments (cached per provider) and its consumers. */
export class StoreMetrics {
  private source: unknown;
  private instruments: Instruments | undefined;
  private readonly consumers = new Map<string, Set<LagSource>>();

  /**
   * @param options the store's `telemetry` option (`meterProvider`)
   * @param common attributes of every metric point of this store
   */
  constructor(
    private readonly options: TelemetryOptions,
    private readonly common: Attributes,
  ) {}

  /** The instruments to use now: the given provider's, else the global one's; undefined while it is a no-op. */
  current(api: OtelApi): Instruments | undefined {
    const provider = this.options.meterProvider ?? api.metrics.getMeterProvider();
    if (provider !== this.source) {
      this.source = provider;
      const meter = (provider as { getMeter(name: string): Meter }).getMeter(INSTRUMENTATION_NAME);
      const noop = meter instanceof (api.createNoopMeter().constructor as new () => Meter);
      this.instruments = noop ? undefined : this.create(meter);
    }
    return this.instruments;
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

  /** A request of `operation` is sent again after a failure of type `errorType` (the instruments last in force). */
  retried(operation: string, errorType: string): void {
    this.instruments?.retries.add(1, { ...this.common, 'eventstore.operation': operation, 'error.type': errorType });
  }

  /** An append of `operation` re-bases after losing a race (the instruments last in force). */
  conflicted(operation: string): void {
    this.instruments?.conflicts.add(1, { ...this.common, 'eventstore.operation': operation });
  }

  /** Capacity consumed by a request of `operation` that completed after its call settled (the instruments last in force). */
  lateCapacity(operation: string, read: number, write: number): void {
    this.addCapacity(this.instruments, operation, read, write);
  }

  /** A settled call of `operation`: its duration (with `error.type` for a failure) and the capacity it consumed. */
  recordCall(instruments: Instruments, operation: string, seconds: number, failure: string | undefined, read: number, write: number): void {
    const attributes = { ...this.common, 'eventstore.operation': operation };
    instruments.duration.record(seconds, failure === undefined ? attributes : { ...attributes, 'error.type': failure });
    this.addCapacity(instruments, operation, read, write);
  }

  private addCapacity(instruments: Instruments | undefined, operation: string, read: number, write: number): void {
    if (instruments === undefined) return;
    const attributes = { ...this.common, 'eventstore.operation': operation };
    if (read > 0) instruments.capacity.add(read, { ...attributes, 'eventstore.capacity.kind': 'read' });
    if (write > 0) instruments.capacity.add(write, { ...attributes, 'eventstore.capacity.kind': 'write' });
  }

  private create(meter: Meter): Instruments {
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
}
