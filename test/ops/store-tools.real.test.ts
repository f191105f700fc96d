/** export / import / stats / verify / sweep / describe / create-table on a store migrated from a real old-adapter table (DynamoDB Local + S3). */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkpointPath,
  createStoreTable,
  describeTable,
  exportEvents,
  importEvents,
  migrateFromUpstream,
  storeStats,
  sweepOrphans,
  verifyStore,
  type StoreTarget,
  OpsErrorCodes,
} from '../../ops/index.js';
import { documentClient } from './upstream-fixture.js';
import { ErrorCodes, EventStoreRepo, type StoredEvent } from '../../src/index.js';
import { createDynamoClient, createS3Client, realDynamoDb, realS3, uniqueBucketName, uniqueTableName } from '../servers/index.js';
import { seedUpstreamTable, type UpstreamFixture } from './upstream-fixture.js';

const dynamo = realDynamoDb('ops store tools');
const s3 = realS3('ops store tools');
const skip = dynamo.skip || s3.skip;

async function allEvents(store: EventStoreRepo): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const page of await store.getAllEvents(100)) events.push(...page);
  return events;
}

describe.skipIf(skip)('ops store tools (DynamoDB Local + S3)', () => {
  const dynamodbClient = skip ? undefined! : createDynamoClient(dynamo.endpoint);
  const s3Client = skip ? undefined! : createS3Client(s3.endpoint);
  const work = mkdtempSync(join(tmpdir(), 'ops-tools-'));
  let fixture: UpstreamFixture;
  let source: StoreTarget;
  let store: EventStoreRepo;
  const newTarget = (): StoreTarget => ({
    dynamodbClient,
    s3Client,
    tableName: `${uniqueTableName('tools')}-t`,
    bucket: uniqueBucketName('tools'),
  });
  const repoFor = (target: StoreTarget) =>
    new EventStoreRepo(dynamodbClient, s3Client, { tableName: target.tableName, s3BucketName: target.bucket! });

  beforeAll(async () => {
    fixture = await seedUpstreamTable(dynamodbClient, s3Client);
    source = newTarget();
    store = repoFor(source);
    const summary = await migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: fixture.tableName, target: store });
    expect(summary.verified).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    dynamodbClient?.destroy();
    s3Client?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('verify: a migrated store is sound; a broken head, a missing guard, a missing blob and an orphan blob are each named', async () => {
    const report = await verifyStore({ ...source, orphanGraceMs: 0 });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({
      ok: true,
      blobsChecked: true,
      checked: { event: fixture.events.length, head: fixture.streams, guard: fixture.events.length, blobs: 1, metadata: 1 },
    });

    const broken = newTarget();
    const repo = repoFor(broken);
    await repo.storeEvents([
      { id: 'v-1', domain: 'd', identifier: 'a', type: 't', payload: 1, created: new Date('2024-01-01T00:00:00.000Z') },
      { id: 'v-2', domain: 'd', identifier: 'b', type: 't', payload: 'x'.repeat(400_000), created: new Date('2024-02-01T00:00:00.000Z') },
    ]);
    const documents = documentClient(dynamodbClient);
    await documents.send(new PutCommand({ TableName: broken.tableName, Item: { pk: 's|d|a', sk: 0, v: 2 } }));
    await documents.send(new DeleteCommand({ TableName: broken.tableName, Key: { pk: 'e|v-1', sk: 0 } }));
    const { Contents } = await s3Client.send(new ListObjectsV2Command({ Bucket: broken.bucket! }));
    expect(Contents).toHaveLength(1);
    await s3Client.send(new DeleteObjectCommand({ Bucket: broken.bucket!, Key: Contents![0]!.Key! }));
    const { Item: layout } = await documents.send(
      new GetCommand({ TableName: broken.tableName, Key: { pk: 'meta', sk: 0 }, ConsistentRead: true }),
    );
    const scope = `${broken.tableName}/${String(layout!.g)}/`; // the table instance's blob scope
    await s3Client.send(new PutObjectCommand({ Bucket: broken.bucket!, Key: `events/${scope}e/ghost/000000001.w`, Body: '{}' }));
    const report2 = await verifyStore({ ...broken, orphanGraceMs: 0 });
    expect(report2.ok).toBe(false);
    expect(report2.problems.map((problem) => problem.kind).sort()).toEqual([
      'blob-missing',
      'guard-missing',
      'head-mismatch',
      'orphan-blob',
    ]);
    // The sweeper removes the orphan; verify then no longer names it.
    const swept = await sweepOrphans({ ...broken, olderThanMs: 0 });
    expect(swept.deleted).toEqual([`${scope}e/ghost/000000001.w`]);
    expect((await verifyStore({ ...broken, orphanGraceMs: 0 })).problems.map((problem) => problem.kind).sort()).toEqual([
      'blob-missing',
      'guard-missing',
      'head-mismatch',
    ]);
    await repo.close();
  }, 60_000);

  it('stats: events, streams, months, shards, offloaded events and bytes, largest items, cost', async () => {
    await store.saveSnapshot({ domain: 'account', identifier: 'alice', sequence: 2, state: { balance: 10 }, created: new Date() } as never);
    const stats = await storeStats({ ...source, appendsPerMonth: 1_000_000 });
    const months: Record<string, number> = {};
    for (const event of fixture.events)
      months[event.created.toISOString().slice(0, 7)] = (months[event.created.toISOString().slice(0, 7)] ?? 0) + 1;
    expect(stats).toMatchObject({
      events: fixture.events.length,
      streams: fixture.streams,
      perMonth: months,
      perShard: { '0': fixture.events.length },
      offloadedEvents: 1,
      blobs: 1,
      snapshots: 1,
    });
    expect(stats.blobBytes).toBeGreaterThan(200_000);
    expect(stats.largestItems[0]!.bytes).toBeGreaterThanOrEqual(stats.largestItems[1]!.bytes);
    expect(stats.cost).toMatchObject({ usdPerMillionAppends: 4.375, appendsUsd: 4.375, pricesDate: '2024-11-14' });
    expect(stats.cost.dynamodbStorageUsd).toBeGreaterThan(0);
    expect(stats.cost.s3StorageUsd).toBeGreaterThan(0);
    expect(stats.cost.totalUsd).toBeCloseTo(4.375 + stats.cost.dynamodbStorageUsd + stats.cost.s3StorageUsd, 6);
    expect(stats.storageBytes).toBeGreaterThan(fixture.events.length * 2 * 100);
  }, 60_000);

  it('export then import: a round trip that keeps every event; a re-import skips all; a changed event is a conflict', async () => {
    const file = join(work, 'events.ndjson');
    const exported = await exportEvents({ store, out: file, pageSize: 7 });
    expect(exported).toMatchObject({ events: fixture.events.length, totalEvents: fixture.events.length });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(fixture.events.length);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      type: 'Opened',
      created: '2018-03-04T10:00:00.000Z',
      sequence: 1,
      meta: { source: 'import' },
    });

    const copy = repoFor(newTarget());
    const imported = await importEvents({ store: copy, input: file });
    expect(imported).toMatchObject({ lines: fixture.events.length, imported: fixture.events.length, skipped: 0, issueCount: 0 });
    expect(await allEvents(copy)).toEqual(await allEvents(store));
    const again = await importEvents({ store: copy, input: file });
    expect(again).toMatchObject({ imported: 0, skipped: fixture.events.length, issueCount: 0 });

    const changed = join(work, 'changed.ndjson');
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    writeFileSync(changed, `${JSON.stringify({ ...first, payload: { owner: 'mallory' } })}\nnot json\n`);
    const conflict = await importEvents({ store: copy, input: changed });
    expect(conflict.issues.map((issue) => [issue.line, issue.kind, issue.code])).toEqual([
      [1, 'conflict', ErrorCodes.DUPLICATE_EVENT_ID],
      [2, 'invalid', OpsErrorCodes.INVALID_LINE],
    ]);
    await copy.close();
  }, 90_000);

  it('import keeps each exported sequence: a stream appended out of created order round-trips with the same sequences', async () => {
    const source = repoFor(newTarget());
    const at = (second: number) => new Date(Date.UTC(2026, 2, 1, 0, 0, second));
    const event = (id: string, identifier: string, second: number) => ({
      id,
      domain: 'acct',
      identifier,
      type: 'changed',
      payload: { id },
      created: at(second),
    });
    for (const batch of [
      [event('oo-1', '1', 5)],
      [event('oo-2', '2', 1)],
      [event('oo-3', '1', 0)],
      [event('oo-4', '1', 9), event('oo-5', '3', 2)],
      [event('oo-6', '1', 3)],
    ])
      await source.storeEvents(batch);
    const stored = await allEvents(source);
    expect(stored.filter((e) => e.identifier === '1').map((e) => e.sequence)).toEqual([2, 4, 1, 3]); // created order is not sequence order
    const file = join(work, 'out-of-order.ndjson');
    await exportEvents({ store: source, out: file, pageSize: 2 });
    const copy = repoFor(newTarget());
    expect(await importEvents({ store: copy, input: file })).toMatchObject({ imported: 6, issueCount: 0 });
    const bySequence = (events: StoredEvent[]) => events.map((e) => `${e.id}@${e.identifier}#${e.sequence}`).sort();
    expect(bySequence(await allEvents(copy))).toEqual(bySequence(stored));
    await Promise.all([source.close(), copy.close()]);
  }, 60_000);

  it('export --gzip is resumable from its checkpoint: an interrupted export continues without repeating or skipping', async () => {
    const file = join(work, 'events.ndjson.gz');
    const controller = new AbortController();
    const interrupted = await exportEvents({
      store,
      out: file,
      gzip: true,
      pageSize: 5,
      signal: controller.signal,
      onProgress: (progress) => progress.done >= 10 && controller.abort(),
    }).catch((error: unknown) => error);
    expect(interrupted).toMatchObject({ code: ErrorCodes.ABORTED });
    const checkpoint = JSON.parse(readFileSync(checkpointPath(file), 'utf8')) as { events: number; bytes: number };
    expect(checkpoint.events).toBe(10);
    expect(statSync(file).size).toBe(checkpoint.bytes);
    const resumed = await exportEvents({ store, out: file, gzip: true, pageSize: 5, resume: true });
    expect(resumed.events).toBe(fixture.events.length - 10);
    const ids = gunzipSync(readFileSync(file))
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toEqual((await allEvents(store)).map((event) => event.id));
    // A mismatching resume is refused by code.
    await expect(exportEvents({ store, out: file, resume: true })).rejects.toMatchObject({ code: OpsErrorCodes.CHECKPOINT_MISMATCH });
  }, 60_000);

  it('a store with a change feed: the tools read its shards from the layout record; verify checks each log shard is exactly 1..counter; export/import and create-table keep the feed', async () => {
    const feedTarget = newTarget();
    const feedStore = new EventStoreRepo(dynamodbClient, s3Client, {
      tableName: feedTarget.tableName,
      s3BucketName: feedTarget.bucket!,
      changeFeed: { shards: 3 },
    });
    await feedStore.storeEvents(
      Array.from({ length: 9 }, (_, index) => ({
        id: `f-${index}`,
        domain: 'd',
        identifier: `s${index % 4}`,
        type: 't',
        payload: index,
        created: new Date(Date.UTC(2024, index % 3, 1)),
      })),
    );
    const subscription = await feedStore.subscribe({ name: 'tools', pollIntervalMs: 5, handler: () => undefined });
    for (let waited = 0; subscription.lag().events > 0 || waited < 50; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await subscription.stop();
    const sound = await verifyStore({ ...feedTarget, orphanGraceMs: 0 });
    expect(sound.problems).toEqual([]);
    expect(sound.checked).toMatchObject({ event: 9, 'log-counter': expect.any(Number), consumer: 1, logShards: expect.any(Number) });
    expect((await storeStats(feedTarget)).items).toMatchObject({ 'log-counter': expect.any(Number), consumer: 1 });
    // A counter that runs ahead of its events (an event lost from the log) is named.
    const documents = documentClient(dynamodbClient);
    await documents.send(new PutCommand({ TableName: feedTarget.tableName, Item: { pk: 'log|0', sk: 0, v: 99 } }));
    const broken = await verifyStore({ ...feedTarget, orphanGraceMs: 0 });
    expect(broken.problems.map((problem) => problem.kind)).toEqual(['log-mismatch']);
    // Export from the feed table, import into a new feed table made by create-table --change-feed: every event, and a sound log.
    const file = join(work, 'feed.ndjson');
    await exportEvents({ store: feedStore, out: file });
    const copyTarget = { ...newTarget(), changeFeed: { shards: 2 } };
    const created = await createStoreTable(copyTarget);
    expect(created.indexes.map((index) => index.name).sort()).toEqual(['global-order', 'log']);
    const copy = new EventStoreRepo(dynamodbClient, s3Client, {
      tableName: copyTarget.tableName,
      s3BucketName: copyTarget.bucket!,
      changeFeed: { shards: 2 },
    });
    const imported = await importEvents({ store: copy, input: file });
    expect(imported).toMatchObject({ imported: 9 });
    const page = await copy.getLogPage(undefined, 100);
    expect(page.events).toHaveLength(9);
    expect((await verifyStore({ ...copyTarget, orphanGraceMs: 0 })).problems).toEqual([]);
    await Promise.all([feedStore.close(), copy.close()]);
  }, 60_000);

  it('create-table and describe: our layout and record, the old table recognised, a missing table by code', async () => {
    const target = newTarget();
    const created = await createStoreTable({ ...target, capacity: { read: 3, write: 2 } });
    expect(created).toMatchObject({
      layout: 'ours',
      status: 'ACTIVE',
      billingMode: 'PROVISIONED',
      keySchema: { HASH: 'pk', RANGE: 'sk' },
      indexes: [{ name: 'global-order', projection: 'ALL' }],
      layoutRecord: { layoutVersion: 1, bucketShards: 1, createdByStore: true },
    });
    expect((await describeTable({ dynamodbClient, tableName: fixture.tableName })).layout).toBe('upstream');
    // The inspecting tools refuse the old table by code instead of reporting its items as garbage.
    await expect(verifyStore({ dynamodbClient, tableName: fixture.tableName })).rejects.toMatchObject({
      code: ErrorCodes.SCHEMA_MISMATCH,
      message: expect.stringContaining('migrate-from-upstream'),
    });
    await expect(storeStats({ dynamodbClient, tableName: fixture.tableName })).rejects.toMatchObject({ code: ErrorCodes.SCHEMA_MISMATCH });
    await expect(describeTable({ dynamodbClient, tableName: 'no-such-table-here' })).rejects.toMatchObject({
      code: ErrorCodes.RESOURCE_NOT_FOUND,
    });
  });
});
