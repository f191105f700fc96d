/**
 * Telemetry on the in-memory twin, with the real OpenTelemetry SDK (in-memory exporters): every operation's span
 * with its attributes (capacity units equal to what the store's meter counted for the call), failures with their
 * code, the metrics, the logger, and identifiers only on request.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { ErrorCodes } from '../../src/errors.js';
import { EventStore, type EventStoreCoreOptions } from '../../src/event-store.js';
import type { StoreStats } from '../../src/metering.js';
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
});
