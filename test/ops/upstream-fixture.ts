/**
 * An old-adapter table written by the REAL old adapter (`@schemeless/event-store-adapter-dynamodb@5.0.0`, loaded
 * with its `object-sizeof` shim by `bench/legacy/load-legacy-adapter.ts`) on DynamoDB Local + the S3 server, with
 * what real tables hold: several months and years (2018 and 2019 included, which its replay never reads), an
 * offloaded payload in S3, multi-stream batches, causation chains, a stream whose old `sequence` is not in
 * `created` order, a 30-event stream (written 25 + 5: it cannot store more than 25 events on a new stream at once),
 * a falsy payload (it drops it), a stream without identifier, and, by a raw PutItem in its layout (it cannot
 * produce this itself), one id under two `created` values.
 */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { loadLegacyAdapter } from '../../bench/legacy/load-legacy-adapter.js';
import type { CreatedEvent } from '../../src/index.js';
import { uniqueBucketName, uniqueTableName } from '../servers/index.js';

/** A document client over `client` (numbers as JS numbers, undefined values dropped): how the tests write raw items. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** What was seeded, for the assertions. */
export interface UpstreamFixture {
  readonly tableName: string;
  readonly bucket: string;
  /** Every event the old adapter stored (the duplicate-id pair not included). */
  readonly events: CreatedEvent[];
  /** The id stored under two `created` values. */
  readonly duplicateId: string;
  /** Items in the table that are events (the duplicate pair included). */
  readonly eventItems: number;
  readonly streams: number;
  readonly before2020: number;
  /** Ids of events whose payload the old adapter dropped (falsy). */
  readonly droppedPayloadIds: string[];
  /** The stream whose old sequences are not in created order. */
  readonly renumbered: { domain: string; identifier: string };
  /** The offloaded event's id. */
  readonly offloadedId: string;
}

let counter = 0;

/** Write the fixture through the old adapter into a fresh table and bucket. */
export async function seedUpstreamTable(dynamodb: DynamoDBClient, s3: S3Client): Promise<UpstreamFixture> {
  const { EventStoreRepo } = loadLegacyAdapter();
  const tableNamePrefix = `${uniqueTableName('upstream')}-`;
  const bucket = uniqueBucketName('upstream');
  const old = new EventStoreRepo(dynamodb, s3, { tableNamePrefix, s3BucketName: bucket });
  await old.init();
  const run = ++counter;
  const events: CreatedEvent[] = [];
  const at = (iso: string) => new Date(iso);
  const event = (
    domain: string,
    identifier: string | undefined,
    type: string,
    created: string,
    payload: unknown,
    extra: Partial<CreatedEvent> = {},
  ): CreatedEvent => {
    const made: CreatedEvent = {
      id: `u${run}-${events.length + 1}`,
      domain,
      type,
      payload,
      created: at(created),
      ...(identifier === undefined ? {} : { identifier }),
      ...extra,
    };
    events.push(made);
    return made;
  };
  const store = (batch: CreatedEvent[]) => old.storeEvents(batch);

  // Pre-2020 and later years, one stream.
  await store([
    event('account', 'alice', 'Opened', '2018-03-04T10:00:00.000Z', { owner: 'alice' }, { meta: { source: 'import', tags: ['a', 'b'] } }),
  ]);
  await store([event('account', 'alice', 'Deposited', '2019-12-31T23:59:59.999Z', { amount: 10 })]);
  // A root event and its consequences in two streams (one multi-stream batch), a causation chain.
  const root = event(
    'transfer',
    't-1',
    'TransferRequested',
    '2020-01-01T00:00:00.000Z',
    { from: 'alice', to: 'bob', amount: 5 },
    { correlationId: `corr-${run}` },
  );
  const debit = event(
    'account',
    'alice',
    'Debited',
    '2020-01-01T00:00:00.001Z',
    { amount: 5 },
    { causationId: root.id, correlationId: `corr-${run}` },
  );
  const credit = event(
    'account',
    'bob',
    'Credited',
    '2020-01-01T00:00:00.001Z',
    { amount: 5 },
    { causationId: root.id, correlationId: `corr-${run}` },
  );
  await store([root, debit, credit]);
  await store([
    event(
      'account',
      'bob',
      'Notified',
      '2020-01-02T08:00:00.000Z',
      { via: 'mail' },
      { causationId: credit.id, correlationId: `corr-${run}` },
    ),
  ]);
  // An offloaded payload (object-sizeof counts 2 bytes a character: 200,000 characters is over its 350 KB).
  const big = event('document', 'd-1', 'Attached', '2024-02-29T12:00:00.000Z', { text: 'é'.repeat(200_000) });
  await store([big]);
  // Old sequence not in created order: the later-created event was stored first.
  await store([event('ledger', 'l-1', 'Posted', '2024-06-01T00:00:00.000Z', { n: 2 })]);
  await store([event('ledger', 'l-1', 'Posted', '2023-01-15T00:00:00.000Z', { n: 1 })]);
  // A falsy payload (dropped by the old adapter) and a stream without identifier.
  const zero = event('counter', 'c-1', 'Reset', '2025-05-05T05:05:05.005Z', 0);
  await store([zero]);
  await store([event('system', undefined, 'Booted', '2025-07-01T00:00:00.000Z', { version: '1.0' })]);
  // 30 events on one stream across a year boundary: 25 + 5 (it cannot store more than 25 on a new stream at once).
  const long = Array.from({ length: 30 }, (_, index) =>
    event('cart', 'k-1', 'ItemAdded', new Date(Date.UTC(2021, 11, 31, 23, 0, index)).toISOString(), { item: index }),
  );
  await store(long.slice(0, 25));
  await store(long.slice(25));

  // One id under two created values: a raw PutItem in the old layout (the old adapter cannot produce it).
  const duplicateId = `u${run}-dup`;
  const documents = documentClient(dynamodb);
  for (const created of ['2022-02-02T02:02:02.002Z', '2022-03-03T03:03:03.003Z']) {
    await documents.send(
      new PutCommand({
        TableName: old.tableName,
        Item: {
          id: `EventID#${duplicateId}`,
          created,
          domain: 'account',
          identifier: 'carol',
          type: 'Opened',
          payload: JSON.stringify({ created }),
          sequence: 1,
          timeBucket: created.slice(0, 7),
        },
      }),
    );
  }
  return {
    tableName: old.tableName,
    bucket,
    events,
    duplicateId,
    eventItems: events.length + 2,
    streams: new Set(events.map((stored) => `${stored.domain}\n${stored.identifier ?? ''}`)).size,
    before2020: events.filter((stored) => stored.created.toISOString() < '2020').length,
    droppedPayloadIds: [zero.id],
    renumbered: { domain: 'ledger', identifier: 'l-1' },
    offloadedId: big.id,
  };
}
