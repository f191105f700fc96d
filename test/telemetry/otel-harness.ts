/**
 * The real OpenTelemetry SDK, in memory, for the telemetry tests: a tracer provider exporting to an
 * `InMemorySpanExporter`, a meter provider read into an `InMemoryMetricExporter`, and the async-hooks context
 * manager registered globally (as the Node SDK does), so that active spans follow async calls.
 */
import { context, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

let contextManagerRegistered = false;

/** Register the async-hooks context manager once per process (what the Node SDK does at start). */
export function registerContextManager(): void {
  if (contextManagerRegistered) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerRegistered = true;
}

/** One data point of one metric, flattened. */
export interface Point {
  readonly name: string;
  readonly unit: string;
  readonly attributes: Attributes;
  /** A counter's or gauge's value; a histogram's count and sum. */
  readonly value: number | { count: number; sum: number; buckets: number[] };
}

/** The in-memory SDK: providers to give a store, and what they recorded. */
export interface OtelHarness {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  /** Every span ended so far. */
  spans(): ReadableSpan[];
  /** The ended spans named `name`. */
  spansNamed(name: string): ReadableSpan[];
  /** Every metric point, as of now (cumulative). */
  metrics(): Promise<Point[]>;
  /** Forget the spans recorded so far. */
  reset(): void;
  shutdown(): Promise<void>;
}

export function otelHarness(): OtelHarness {
  registerContextManager();
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    spansNamed: (name) => spanExporter.getFinishedSpans().filter((span) => span.name === name),
    async metrics() {
      metricExporter.reset();
      await reader.forceFlush();
      const points: Point[] = [];
      for (const resource of metricExporter.getMetrics())
        for (const scope of resource.scopeMetrics)
          for (const metric of scope.metrics)
            for (const point of metric.dataPoints as DataPoint<unknown>[]) {
              const raw = point.value as number | { count: number; sum: number; buckets: { counts: number[] } };
              const value = typeof raw === 'number' ? raw : { count: raw.count, sum: raw.sum ?? 0, buckets: raw.buckets.counts };
              points.push({ name: metric.descriptor.name, unit: metric.descriptor.unit, attributes: point.attributes, value });
            }
      return points;
    },
    reset: () => spanExporter.reset(),
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}
