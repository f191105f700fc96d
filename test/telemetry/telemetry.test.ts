/**
 * Telemetry on the in-memory twin, with the real OpenTelemetry SDK (in-memory exporters): every operation's span
 * with its attributes (capacity units equal to what the store's meter counted for the call), failures with their
 * code, the metrics, the logger, and identifiers only on request.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { ErrorCodes } from '../../src/errors/index.js';
import { EventStore, type EventStoreCoreOptions } from '../../src/event-store.js';
import type { StoreStats } from '../../src/runtime/metering.js';
import { otelHarness, type OtelHarness } from './otel-harness.js';

const event = (id: string, identifier = 'a1', payload: unknown = { n: 1 }) => ({
  id,
  domain: 'account',
  identifier,
  type: 'Opened',
  payload,
  created: new Date('2026-01-01T00:00:00Z'),
});

/** Capacity units and blob puts in `stats`. */
function totals(stats: StoreStats): { read: number; write: number; blobPuts: number } {
  const entries = Object.values(stats);
  return {
    read: entries.reduce((sum, entry) => sum + entry.readUnits, 0),
    write: entries.reduce((sum, entry) => sum + entry.writeUnits, 0),
    blobPuts: stats.blobPut.requests,
  };
}

/** The one span named `name`. */
function only(otel: OtelHarness, name: string): ReadableSpan {
  const spans = otel.spansNamed(name);
  expect(spans.map((span) => span.name)).toEqual([name]);
  return spans[0]!;
}

describe('telemetry on the twin', () => {
  let otel: OtelHarness;
  let kv: MemoryKvDriver;
  let store: EventStore;
  const make = (options: Partial<EventStoreCoreOptions> = {}) =>
    new EventStore({
      kv,
      blobs: new MemoryBlobDriver(),
      tableName: 'telemetry-test',
      changeFeed: true,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      telemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
      ...options,
    });

  beforeEach(async () => {
    otel = otelHarness();
    kv = new MemoryKvDriver();
    store = make();
    await store.init();
    otel.reset();
  });
  afterEach(async () => {
    await store.close();
    await otel.shutdown();
  });

  it('storeEvents: one INTERNAL span with the table, the driver, the events and the capacity the meter counted', async () => {
    store.resetStats();
    await store.storeEvents([event('e1'), event('e2')]);
    const span = only(otel, 'eventstore.storeEvents');
    const counted = totals(store.stats());
    expect(counted.write).toBeGreaterThan(0);
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      'db.system.name': 'memory-kv',
      'db.collection.name': 'telemetry-test',
      'eventstore.event_count': 2,
      'eventstore.capacity.read': counted.read,
      'eventstore.capacity.write': counted.write,
      'eventstore.retries': 0,
      'eventstore.conflicts': 0,
      'eventstore.offloaded': 0,
    });
    // No stream name, id or payload without recordIdentifiers.
    expect(JSON.stringify(span.attributes)).not.toMatch(/account|a1|e1/);
  });

  /** Run `call` alone and return its one span named `name`, checked against what the meter counted during it. */
  async function spanOf(name: string, call: () => Promise<unknown>, on: EventStore = store): Promise<ReadableSpan> {
    otel.reset();
    on.resetStats();
    await call();
    const span = only(otel, name);
    const counted = totals(on.stats());
    expect(span.attributes['eventstore.capacity.read'], `${name} read units`).toBe(counted.read);
    expect(span.attributes['eventstore.capacity.write'], `${name} write units`).toBe(counted.write);
    expect(span.attributes['eventstore.offloaded'], `${name} blobs written`).toBe(counted.blobPuts);
    expect(span.attributes).toMatchObject({ 'db.system.name': 'memory-kv', 'db.collection.name': 'telemetry-test' });
    expect(span.kind).toBe(SpanKind.INTERNAL);
    return span;
  }

  it('every operation has its span, each with the capacity units the meter counted for it', async () => {
    const fresh = make({ kv: new MemoryKvDriver() });
    const init = await spanOf('eventstore.init', () => fresh.init(), fresh);
    expect(Number(init.attributes['eventstore.capacity.read']) + Number(init.attributes['eventstore.capacity.write'])).toBeGreaterThan(0);
    await fresh.close();
    const big = { pdf: 'x'.repeat(400_000) };
    expect(
      (await spanOf('eventstore.storeEvents', () => store.storeEvents([event('s1'), event('s2', 'a1', big)]))).attributes,
    ).toMatchObject({ 'eventstore.event_count': 2, 'eventstore.offloaded': 1 });
    expect((await spanOf('eventstore.appendEvents', () => store.appendEvents([event('s3')]))).attributes['eventstore.event_count']).toBe(1);
    expect(
      (await spanOf('eventstore.append', () => store.append([{ domain: 'v6', type: 't', payload: 1, created: new Date() }]))).attributes,
    ).toMatchObject({
      'eventstore.event_count': 1,
    });
    await spanOf('eventstore.appendToStream', () =>
      store.appendToStream([{ domain: 'v6', identifier: 'x', type: 't', payload: 1, created: new Date() }], 0),
    );
    await spanOf('eventstore.appendBatch', () =>
      store.appendBatch(
        [{ domain: 'v6', identifier: 'y', type: 't', payload: 1, created: new Date() }],
        [{ domain: 'v6', identifier: 'y', expectedVersion: 0 }],
      ),
    );
    await spanOf('eventstore.getStreamVersions', () => store.getStreamVersions([{ domain: 'v6', identifier: 'y' }]));
    const read = await spanOf('eventstore.getStreamEvents', () => store.getStreamEvents('account', 'a1'));
    expect(read.attributes['eventstore.event_count']).toBe(3);
    expect(Number(read.attributes['eventstore.capacity.read'])).toBeGreaterThan(0);
    await spanOf('eventstore.getStreamSequence', () => store.getStreamSequence('account', 'a1'));
    await spanOf('eventstore.saveSnapshot', () =>
      store.saveSnapshot({ domain: 'account', identifier: 'a1', state: { big }, sequence: 3, created: new Date() }),
    );
    await spanOf('eventstore.getSnapshot', () => store.getSnapshot('account', 'a1'));
    expect((await spanOf('eventstore.getEventById', () => store.getEventById('s2'))).attributes['eventstore.event_count']).toBe(1);
    await spanOf('eventstore.findByCausationId', () => store.findByCausationId('nothing'));
    const page = await spanOf('eventstore.getLogPage', () => store.getLogPage(undefined, 100));
    expect(page.attributes['eventstore.event_count']).toBe(6);
    await spanOf('eventstore.resetConsumer', () => store.resetConsumer('projector', 'end'));
    await spanOf('eventstore.sweepOrphanBlobs', () => store.sweepOrphanBlobs({ olderThanMs: 60_000 }));
    await spanOf('eventstore.resetStore', () => store.resetStore());
    await spanOf('eventstore.reset', () => store.reset());
  });

  it('getAllEvents: a span for the call and one eventstore.getAllEvents.page per page, together the capacity the meter counted', async () => {
    await store.storeEvents([event('p1'), event('p2'), event('p3', 'a2')]);
    otel.reset();
    store.resetStats();
    const counts: number[] = [];
    for await (const events of await store.getAllEvents(2)) counts.push(events.length);
    expect(counts).toEqual([2, 1]);
    const pages = otel.spansNamed('eventstore.getAllEvents.page');
    expect(pages.map((span) => span.attributes['eventstore.event_count'])).toEqual([2, 1, 0]);
    const spans = [...pages, only(otel, 'eventstore.getAllEvents')];
    const sum = (attribute: string) => spans.reduce((total, span) => total + Number(span.attributes[attribute]), 0);
    const counted = totals(store.stats());
    expect(counted.read).toBeGreaterThan(0);
    expect(sum('eventstore.capacity.read')).toBe(counted.read);
    expect(sum('eventstore.capacity.write')).toBe(counted.write);
  });

  it('a public method calling another is one span: appendToStream is not also an appendEvents', async () => {
    await store.appendToStream([{ domain: 'v6', identifier: 'z', type: 't', payload: 1, created: new Date() }], 0);
    expect(otel.spans().map((span) => span.name)).toEqual(['eventstore.appendToStream']);
  });

  it('a failure: status ERROR and error.type the code, on the span and the duration metric', async () => {
    await store.appendToStream([{ domain: 'v6', identifier: 'c', type: 't', payload: 1, created: new Date() }], 0);
    otel.reset();
    const conflict = await store
      .appendToStream([{ domain: 'v6', identifier: 'c', type: 't', payload: 2, created: new Date() }], 0)
      .catch((error) => error);
    expect(conflict.code).toBe(ErrorCodes.CONCURRENCY);
    const span = only(otel, 'eventstore.appendToStream');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: ErrorCodes.CONCURRENCY });
    expect(span.attributes['error.type']).toBe(ErrorCodes.CONCURRENCY);
    const bad = await store.getStreamEvents(42 as unknown as string, 'x').catch((error) => error);
    expect(bad.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(only(otel, 'eventstore.getStreamEvents').attributes['error.type']).toBe(ErrorCodes.INVALID_ARGUMENT);
    const durations = (await otel.metrics()).filter((point) => point.name === 'eventstore.operation.duration');
    const failed = durations.filter((point) => point.attributes['error.type'] !== undefined);
    expect(failed.map((point) => [point.attributes['eventstore.operation'], point.attributes['error.type']]).sort()).toEqual([
      ['appendToStream', ErrorCodes.CONCURRENCY],
      ['getStreamEvents', ErrorCodes.INVALID_ARGUMENT],
    ]);
    expect(
      durations.find((point) => point.attributes['eventstore.operation'] === 'appendToStream' && !point.attributes['error.type']),
    ).toBeDefined();
  });

  it('retries and re-bases are counted on the span and in the metrics', async () => {
    kv.injectFault('transactWrite', { kind: 'throttle' });
    await store.storeEvents([event('r1')]);
    expect(only(otel, 'eventstore.storeEvents').attributes).toMatchObject({ 'eventstore.retries': 1, 'eventstore.conflicts': 0 });
    otel.reset();
    kv.injectFault('query', { kind: 'transient' });
    await store.getStreamEvents('account', 'a1');
    expect(only(otel, 'eventstore.getStreamEvents').attributes['eventstore.retries']).toBe(1);
    // A second store whose head cache does not know the stream: its append loses the race once and re-bases.
    const other = make();
    await other.init();
    otel.reset();
    await other.storeEvents([event('r2')]);
    expect(only(otel, 'eventstore.storeEvents').attributes).toMatchObject({ 'eventstore.conflicts': 1, 'eventstore.retries': 0 });
    await other.close();
    const points = await otel.metrics();
    const total = (name: string) => points.filter((point) => point.name === name).reduce((sum, point) => sum + (point.value as number), 0);
    expect(total('eventstore.retries')).toBe(2);
    expect(total('eventstore.conflicts')).toBe(1);
    expect(
      points.find((point) => point.name === 'eventstore.retries' && point.attributes['eventstore.operation'] === 'storeEvents')?.attributes,
    ).toMatchObject({
      'error.type': ErrorCodes.THROTTLED,
    });
  });

  it('eventstore.capacity counts, per operation and kind, the units the meter counted', async () => {
    store.resetStats();
    await store.storeEvents([event('m1'), event('m2', 'a2')]);
    await store.getStreamEvents('account', 'a1');
    const counted = totals(store.stats());
    // The beforeEach's init is an operation of its own.
    const points = (await otel.metrics()).filter(
      (point) => point.name === 'eventstore.capacity' && point.attributes['eventstore.operation'] !== 'init',
    );
    const sum = (kind: string) =>
      points
        .filter((point) => point.attributes['eventstore.capacity.kind'] === kind)
        .reduce((total, point) => total + (point.value as number), 0);
    expect(sum('read')).toBe(counted.read);
    expect(sum('write')).toBe(counted.write);
    expect(new Set(points.map((point) => point.attributes['eventstore.operation']))).toEqual(new Set(['storeEvents', 'getStreamEvents']));
    expect(points.every((point) => point.attributes['db.collection.name'] === 'telemetry-test')).toBe(true);
    const durations = (await otel.metrics()).filter(
      (point) => point.name === 'eventstore.operation.duration' && point.attributes['eventstore.operation'] !== 'init',
    );
    expect(durations.every((point) => point.unit === 's')).toBe(true);
    expect(durations.map((point) => point.attributes['eventstore.operation']).sort()).toEqual(['getStreamEvents', 'storeEvents']);
  });

  it("subscribe: its span, then one root span eventstore.subscribe.poll per poll; the handler's own calls are spans of their own", async () => {
    await store.storeEvents([event('f1'), event('f2', 'a2')]);
    otel.reset();
    const handled: number[] = [];
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const subscription = await store.subscribe({
      name: 'projector',
      pollIntervalMs: 5,
      handler: async (events) => {
        await store.getEventById(events[0]!.id); // a call of the handler's, not part of the poll
        handled.push(events.length);
        await blocked;
      },
    });
    const subscribeSpan = only(otel, 'eventstore.subscribe');
    expect(subscribeSpan.attributes['eventstore.consumer.name']).toBe('projector');
    await expect.poll(() => handled.length).toBe(1);
    // While the handler holds the page: eventstore.feed.lag says 2 events behind for this consumer.
    const lag = (await otel.metrics()).filter((point) => point.name === 'eventstore.feed.lag');
    expect(lag.map((point) => [point.attributes['eventstore.consumer.name'], point.attributes['eventstore.feed.lag.kind']]).sort()).toEqual(
      [
        ['projector', 'events'],
        ['projector', 'seconds'],
      ],
    );
    expect(lag.find((point) => point.attributes['eventstore.feed.lag.kind'] === 'events')!.value).toBe(2);
    release();
    await expect.poll(() => otel.spansNamed('eventstore.subscribe.poll').length).toBeGreaterThanOrEqual(2);
    // Caught up: 0 events behind.
    const caughtUp = (await otel.metrics()).filter((point) => point.name === 'eventstore.feed.lag');
    expect(caughtUp.find((point) => point.attributes['eventstore.feed.lag.kind'] === 'events')!.value).toBe(0);
    await subscription.stop();
    const polls = otel.spansNamed('eventstore.subscribe.poll');
    const delivering = polls.filter((poll) => poll.attributes['eventstore.event_count'] === 2);
    expect(delivering).toHaveLength(1);
    expect(polls.every((poll) => poll.attributes['eventstore.consumer.name'] === 'projector')).toBe(true);
    expect(Number(delivering[0]!.attributes['eventstore.capacity.write'])).toBeGreaterThan(0); // the cursor write
    for (const poll of polls) {
      expect(poll.parentSpanContext).toBeUndefined();
      expect(poll.spanContext().traceId).not.toBe(subscribeSpan.spanContext().traceId);
    }
    const byId = only(otel, 'eventstore.getEventById');
    // The handler runs while the poll's span is active: its call nests under it, with figures of its own.
    expect(byId.parentSpanContext?.spanId).toBe(delivering[0]!.spanContext().spanId);
    expect(byId.attributes['eventstore.event_count']).toBe(1);
  });

  it('stream names and ids are attributes only with recordIdentifiers', async () => {
    const recording = make({
      telemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider, recordIdentifiers: true },
    });
    await recording.storeEvents([event('i1'), event('i2', 'a2')]);
    await recording.getEventById('i1');
    await recording.getStreamEvents('account', 'a1');
    await recording.close();
    expect(only(otel, 'eventstore.storeEvents').attributes['eventstore.streams']).toEqual(['account::a1', 'account::a2']);
    expect(only(otel, 'eventstore.getEventById').attributes['eventstore.event.id']).toBe('i1');
    expect(only(otel, 'eventstore.getStreamEvents').attributes['eventstore.streams']).toEqual(['account::a1']);
  });

  it('logger: warnings (every one) and retries go to it; telemetry: false records nothing', async () => {
    const lines: [string, string, unknown][] = [];
    const logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => [
        level,
        (message: string, fields: unknown) => lines.push([level, message, fields]),
      ]),
    ) as unknown as NonNullable<EventStoreCoreOptions['logger']>;
    const logged = make({
      telemetry: false,
      logger,
      onCapacity: () => {
        throw new Error('callback bug');
      },
    });
    await logged.init();
    kv.injectFault('query', { kind: 'throttle' });
    await logged.getStreamEvents('account', 'a1');
    await logged.close();
    const warnings = lines.filter(([level]) => level === 'warn');
    expect(warnings.length).toBeGreaterThan(1); // not once per code, as console.warn is used without a logger
    expect(warnings[0]![1]).toMatch(/WARN\/CALLBACK_FAILED/);
    expect(warnings[0]![2]).toMatchObject({ code: 'WARN/CALLBACK_FAILED' });
    const retries = lines.filter(([level]) => level === 'info');
    expect(retries).toHaveLength(1);
    expect(retries[0]![1]).toMatch(/getStreamEvents: query failed with DRIVER\/THROTTLED; retrying/);
    expect(retries[0]![2]).toMatchObject({ operation: 'getStreamEvents', code: ErrorCodes.THROTTLED });
    expect(otel.spans()).toEqual([]);
    expect((await otel.metrics()).filter((point) => point.attributes['eventstore.operation'] === 'getStreamEvents')).toEqual([]);
  });

  it('bad telemetry or logger options: INPUT/INVALID_OPTIONS naming the field', () => {
    const invalid = (options: Partial<EventStoreCoreOptions>) => {
      try {
        make(options);
      } catch (error) {
        return error as { code: string; details: { issues: { path: string }[] } };
      }
      throw new Error('accepted');
    };
    for (const [options, path] of [
      [{ telemetry: { tracerProvider: 5 } }, 'telemetry'],
      [{ telemetry: true }, 'telemetry'],
      [{ telemetry: { sampler: 1 } }, 'telemetry'],
      [{ logger: { info: () => undefined } }, 'logger'],
    ] as const) {
      const error = invalid(options as unknown as Partial<EventStoreCoreOptions>);
      expect(error.code).toBe(ErrorCodes.INVALID_OPTIONS);
      expect(error.details.issues.map((issue) => issue.path.split('.')[0])).toContain(path);
    }
  });
});

describe('telemetry through the global providers', () => {
  it('traces by default once a provider is registered; telemetry: false never does', async () => {
    const { trace, metrics } = await import('@opentelemetry/api');
    const otel = otelHarness();
    const kv = new MemoryKvDriver();
    const byDefault = new EventStore({ kv, tableName: 'global-test' });
    const disabled = new EventStore({ kv, tableName: 'global-test', telemetry: false });
    await byDefault.init(); // nothing registered yet: no span, no metric
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);
    try {
      await byDefault.storeEvents([event('g1')]);
      await disabled.storeEvents([event('g2')]);
      expect(otel.spans().map((span) => span.name)).toEqual(['eventstore.storeEvents']);
      const operations = (await otel.metrics()).filter((point) => point.name === 'eventstore.operation.duration');
      expect(operations.map((point) => point.attributes['eventstore.operation'])).toEqual(['storeEvents']);
    } finally {
      trace.disable();
      metrics.disable();
      await byDefault.close();
      await disabled.close();
      await otel.shutdown();
    }
  });
});
