/**
 * Telemetry's client CPU per append (docs/observability.md, "Overhead"): sequential single-event appends on the
 * in-memory twin, where every microsecond of a call is the client's own (no server to wait on), timed by
 * `process.cpuUsage` over the run. Variants, their runs interleaved (in rotating order) so they share the machine's load:
 * - `today (<ref>)`: the store as it was before telemetry, its source checked out from git (`BENCH_TELEMETRY_BASELINE`,
 *   default the commit before it; skipped, with a note, when git cannot provide it);
 * - `telemetry: false`: the API never loaded, the store not decorated. A store without `@opentelemetry/api` installed
 *   takes the same path (instrumentStore returns undefined for both; test/telemetry/no-otel.test.ts);
 * - `API installed, no provider registered`: the default, before the application registers an SDK;
 * - `telemetry on, in-memory exporter`: the real SDK, every span kept by an `InMemorySpanExporter` (emptied between
 *   runs) and every metric recorded by a `MeterProvider`.
 * Sizes: `BENCH_TELEMETRY_APPENDS` per run (default 3,000, after 300 untimed), `BENCH_TELEMETRY_RUNS` (default 7).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InMemoryMetricExporter, AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { EventStore } from '../../src/event-store.js';
import type { CreatedEvent } from '../../src/index.js';
import type { BenchConfig } from '../config.js';
import { EventFactory, streamName } from '../events.js';
import { summarize, timeRun, type Measurement, type RunResult } from '../harness/measure.js';
import { describeRun, type Log, type Workload } from './workload.js';

/** The commit before telemetry: "today" in the overhead figures. */
export const DEFAULT_TELEMETRY_BASELINE = '99e9323';
const APPENDS = Number(process.env.BENCH_TELEMETRY_APPENDS ?? 3_000);
const RUNS = Number(process.env.BENCH_TELEMETRY_RUNS ?? 7);
const WARM_UP = 300;
const STREAMS = 50;

/** The part of a store a run uses (the baseline's class is another copy of the code). */
interface AppendStore {
  storeEvents(events: CreatedEvent[]): Promise<void>;
  resetStats(): void;
  stats(): ReturnType<EventStore['stats']>;
  close(): Promise<void>;
}

interface Variant {
  readonly name: string;
  create(): AppendStore;
  /** After each run (outside the timed section). */
  afterRun?(): void;
}

const root = resolve(import.meta.dirname, '../..');

/** The pre-telemetry core at `ref`, extracted once under .bench/ (git archive); undefined when git cannot give it. */
async function baselineStore(ref: string, log: Log): Promise<(() => AppendStore) | undefined> {
  const dir = join(root, '.bench', `baseline-${ref}`);
  try {
    if (!existsSync(join(dir, 'src', 'event-store.ts'))) {
      mkdirSync(dir, { recursive: true });
      const archive = execFileSync('git', ['archive', ref, 'src', 'drivers'], { cwd: root, maxBuffer: 256 * 1024 * 1024 });
      execFileSync('tar', ['-x', '-C', dir], { input: archive });
    }
    const core = (await import(pathToFileURL(join(dir, 'src', 'event-store.ts')).href)) as {
      EventStore: new (options: object) => AppendStore;
    };
    const memory = (await import(pathToFileURL(join(dir, 'drivers', 'memory', 'index.ts')).href)) as {
      MemoryKvDriver: new () => object;
      MemoryBlobDriver: new () => object;
    };
    return () => new core.EventStore({ kv: new memory.MemoryKvDriver(), blobs: new memory.MemoryBlobDriver(), tableName: 'overhead' });
  } catch (error) {
    log(
      `  telemetry overhead: no baseline (git ref ${ref} unavailable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
    return undefined;
  }
}

async function variants(log: Log): Promise<Variant[]> {
  const ref = process.env.BENCH_TELEMETRY_BASELINE ?? DEFAULT_TELEMETRY_BASELINE;
  const today = await baselineStore(ref, log);
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
  const ours = (telemetry: ConstructorParameters<typeof EventStore>[0]['telemetry']) => () =>
    new EventStore({
      kv: new MemoryKvDriver(),
      blobs: new MemoryBlobDriver(),
      tableName: 'overhead',
      ...(telemetry === undefined ? {} : { telemetry }),
    });
  return [
    ...(today ? [{ name: `today (${ref}, before telemetry)`, create: today }] : []),
    { name: 'telemetry: false (as without the API)', create: ours(false) },
    { name: 'API installed, no provider registered', create: ours(undefined) },
    {
      name: 'telemetry on, in-memory exporter',
      create: ours({ tracerProvider, meterProvider }),
      afterRun: () => spans.reset(),
    },
  ];
}

/** One run: a fresh store, warmed up (init, heads cached), then `APPENDS` sequential appends timed. */
async function oneRun(variant: Variant, run: number, log: Log): Promise<RunResult> {
  const store = variant.create();
  const factory = new EventFactory(`overhead-${run}-`);
  const event = (index: number) => factory.next({ stream: streamName(index % STREAMS) });
  try {
    for (let index = 0; index < WARM_UP; index++) await store.storeEvents([event(index)]);
    const result = await timeRun(store, APPENDS, async (probe) => {
      for (let index = 0; index < APPENDS; index++) {
        await store.storeEvents([event(index)]);
        if (index % 100 === 0) probe.tick();
      }
    });
    log(`  ${variant.name} run ${run + 1}: ${describeRun(result)}, ${cpuMicrosPerAppend([result]).toFixed(1)} µs CPU per append`);
    return result;
  } finally {
    variant.afterRun?.();
    await store.close();
  }
}

/** Median client CPU per append over `runs`, in µs (user + system time of the process over the timed section). */
export function cpuMicrosPerAppend(runs: readonly RunResult[]): number {
  const values = runs.map((run) => ((run.processCpuPercent / 100) * run.ms * 1000) / run.events).sort((a, b) => a - b);
  const middle = Math.floor(values.length / 2);
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}

export const telemetryOverheadWorkload: Workload = {
  id: 'telemetry-overhead',
  title: 'Telemetry overhead: client CPU per single-event append on the twin, before telemetry, disabled, no provider, and on',
  backends: ['twin'],
  async measure(backend, _config: BenchConfig, log: Log): Promise<Measurement[]> {
    const all = await variants(log);
    // Round r runs every variant once, starting from variant r: no variant always runs first (after a GC-free
    // stretch) or last (after the others' garbage).
    const results: RunResult[][] = all.map(() => []);
    for (let round = 0; round < RUNS; round++) {
      for (let step = 0; step < all.length; step++) {
        const index = (round + step) % all.length;
        results[index]!.push(await oneRun(all[index]!, round, log));
      }
    }
    const measurements = all.map((variant, index) =>
      summarize(telemetryOverheadWorkload.id, variant.name, backend.name, results[index]!, {
        cpuMicrosPerAppend: cpuMicrosPerAppend(results[index]!),
      }),
    );
    const base = measurements[0]!.extras!.cpuMicrosPerAppend!;
    for (const measurement of measurements) {
      const micros = measurement.extras!.cpuMicrosPerAppend!;
      log(
        `  ${measurement.variant}: ${micros.toFixed(1)} µs CPU per append (${((micros / base - 1) * 100).toFixed(1)}% vs ${measurements[0]!.variant})`,
      );
    }
    return measurements;
  },
};
