/**
 * Telemetry on DynamoDB Local + the S3 server, with the real OpenTelemetry SDK and the AWS SDK's own
 * instrumentation (`@opentelemetry/instrumentation-aws-sdk`) registered as an application would: each operation's
 * span carries the capacity units the store's meter counted from DynamoDB's answers, failures carry their code,
 * and the AWS SDK's spans (DynamoDB and S3 requests) nest under the store's span.
 *
 * The instrumentation patches the AWS SDK's modules as they load, so it is registered before any of them is
 * imported: the clients and drivers are imported dynamically, after it.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/event-store.js';
import { realDynamoDb, realS3 } from '../servers/real-servers.js';
import { otelHarness } from './otel-harness.js';

const otel = otelHarness();
const unregister = registerInstrumentations({ tracerProvider: otel.tracerProvider, instrumentations: [new AwsInstrumentation()] });

const dynamo = realDynamoDb('telemetry on DynamoDB Local + S3');
const s3 = realS3('telemetry on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;

const event = (id: string, payload: unknown = { n: 1 }) => ({
  id,
  domain: 'account',
  identifier: 'a1',
  type: 'Opened',
  payload,
  created: new Date('2026-01-01T00:00:00Z'),
});

/** The spans whose parent is `parent`. */
const childrenOf = (parent: ReadableSpan) =>
  otel
    .spans()
    .filter(
      (span) =>
        span.parentSpanContext?.spanId === parent.spanContext().spanId && span.spanContext().traceId === parent.spanContext().traceId,
    );

describe.skipIf(skip)('telemetry on real servers', () => {
  if (skip) return;
  let store: EventStore;
  const disposers: (() => void)[] = [];

  beforeAll(async () => {
    const { createDynamoClient, createS3Client, uniqueBucketName, uniqueTableName } = await import('../servers/index.js');
    const { EventStoreRepo } = await import('../../src/index.js');
    const dynamoClient = createDynamoClient(dynamo.endpoint);
    const s3Client = createS3Client(s3.endpoint);
    disposers.push(
      () => dynamoClient.destroy(),
      () => s3Client.destroy(),
    );
    // The drop-in form, as users build it: the lazy DynamoDB and S3 drivers.
    store = new EventStoreRepo(dynamoClient, s3Client, {
      tableName: uniqueTableName('telemetry'),
      s3BucketName: uniqueBucketName('telemetry'),
      changeFeed: true,
      telemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
    });
  });
  afterAll(async () => {
    await store?.resetStore().catch(() => undefined);
    await store?.close();
    for (const dispose of disposers) dispose();
    unregister();
    await otel.shutdown();
  });

  it('init and storeEvents: spans with aws.dynamodb, the table, the capacity DynamoDB reported; the SDK spans under them', async () => {
    await store.init();
    const init = otel.spansNamed('eventstore.init')[0]!;
    expect(init.attributes['db.system.name']).toBe('aws.dynamodb');
    const initRequests = childrenOf(init).map((span) => span.attributes['rpc.method']);
    expect(initRequests).toEqual(expect.arrayContaining(['CreateTable', 'CreateBucket']));

    otel.reset();
    store.resetStats();
    await store.storeEvents([event('r1'), event('r2', { pdf: 'x'.repeat(400_000) })]);
    const stats = store.stats();
    const span = otel.spansNamed('eventstore.storeEvents')[0]!;
    expect(stats.transactWrite.writeUnits).toBeGreaterThan(0);
    expect(span.attributes).toMatchObject({
      'db.system.name': 'aws.dynamodb',
      'db.collection.name': store.options.tableName,
      'eventstore.event_count': 2,
      'eventstore.offloaded': 1,
      'eventstore.capacity.write': Object.values(stats).reduce((sum, entry) => sum + entry.writeUnits, 0),
      'eventstore.capacity.read': Object.values(stats).reduce((sum, entry) => sum + entry.readUnits, 0),
    });
    // Every DynamoDB and S3 request of the call is a span of the AWS SDK's instrumentation, child of ours.
    const requests = childrenOf(span);
    const methods = requests.map((child) => `${child.attributes['rpc.service']}.${child.attributes['rpc.method']}`);
    expect(methods).toEqual(expect.arrayContaining(['DynamoDB.TransactWriteItems', 'S3.PutObject']));
    expect(requests.length).toBe(Object.values(stats).reduce((sum, entry) => sum + entry.requests, 0));
  });

  it('reads and the change feed: capacity as metered, SDK spans nested', async () => {
    for (const [name, call] of [
      ['eventstore.getStreamEvents', () => store.getStreamEvents('account', 'a1')],
      ['eventstore.getLogPage', () => store.getLogPage(undefined, 10)],
      ['eventstore.getEventById', () => store.getEventById('r2')],
    ] as const) {
      otel.reset();
      store.resetStats();
      await call();
      const stats = store.stats();
      const span = otel.spansNamed(name)[0]!;
      const read = Object.values(stats).reduce((sum, entry) => sum + entry.readUnits, 0);
      expect(read, name).toBeGreaterThan(0);
      expect(span.attributes['eventstore.capacity.read'], name).toBe(read);
      expect(childrenOf(span).length, name).toBe(Object.values(stats).reduce((sum, entry) => sum + entry.requests, 0));
    }
  });

  it('a failure: status ERROR and error.type the store code', async () => {
    otel.reset();
    const error = await store.storeEvents([event('r3')], { expectedSequence: 0 }).catch((caught) => caught);
    expect(error.code).toBe('STORE/CONCURRENCY');
    const span = otel.spansNamed('eventstore.storeEvents')[0]!;
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('STORE/CONCURRENCY');
    expect(childrenOf(span).map((child) => child.attributes['rpc.method'])).toContain('TransactWriteItems');
  });
});
