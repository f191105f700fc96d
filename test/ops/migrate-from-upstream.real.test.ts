/** `migrateFromUpstream` on a table written by the real old adapter, on DynamoDB Local + the S3 server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTable, migrateFromUpstream, OpsErrorCodes, openStore, type MigrationSummary } from '../../ops/index.js';
import { ErrorCodes, EventStoreRepo, type CreatedEvent, type StoredEvent } from '../../src/index.js';
import { createDynamoClient, createS3Client, realDynamoDb, realS3, uniqueBucketName, uniqueTableName } from '../servers/index.js';
import { replayAll } from '../safety/scenarios.js';
import { seedUpstreamTable, type UpstreamFixture } from './upstream-fixture.js';

const dynamo = realDynamoDb('migrate-from-upstream');
const s3 = realS3('migrate-from-upstream');
const skip = dynamo.skip || s3.skip;

/** The store's order: created, then id by UTF-8 bytes. */
function inStoreOrder(events: readonly CreatedEvent[]): CreatedEvent[] {
  return [...events].sort((a, b) => a.created.getTime() - b.created.getTime() || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id)));
}

/** What the migrated stream must hold: the old events in created/id order, numbered 1..n, falsy payloads as null. */
function expectedStream(fixture: UpstreamFixture, domain: string, identifier: string | undefined): StoredEvent[] {
  const events = inStoreOrder(fixture.events.filter((event) => event.domain === domain && (event.identifier ?? '') === (identifier ?? '')));
  return events.map((event, index) => {
    const payload = fixture.droppedPayloadIds.includes(event.id) ? null : event.payload;
    return { ...event, payload, sequence: index + 1 } as StoredEvent;
  });
}

describe.skipIf(skip)('migrate-from-upstream (real old adapter table, DynamoDB Local + S3)', () => {
  const dynamodbClient = skip ? undefined! : createDynamoClient(dynamo.endpoint);
  const s3Client = skip ? undefined! : createS3Client(s3.endpoint);
  let fixture: UpstreamFixture;
  const newTarget = () =>
    new EventStoreRepo(dynamodbClient, s3Client, {
      tableNamePrefix: `${uniqueTableName('migrated')}-`,
      s3BucketName: uniqueBucketName('migrated'),
    });

  beforeAll(async () => {
    fixture = await seedUpstreamTable(dynamodbClient, s3Client);
  }, 60_000);
  afterAll(() => {
    dynamodbClient?.destroy();
    s3Client?.destroy();
  });

  it('migrates every event: ids, created, payloads (offloaded too), meta, correlation and causation kept; streams numbered in created/id order; problems reported', async () => {
    const target = newTarget();
    const summary = await migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: fixture.tableName, target });
    const migratable = fixture.events.length;
    expect(summary).toMatchObject({
      dryRun: false,
      events: fixture.eventItems,
      written: migratable,
      alreadyPresent: 0,
      migrated: migratable,
      streams: fixture.streams,
      offloaded: 1,
      before2020: fixture.before2020,
      verified: true,
    });
    expect(summary.problems.map((problem) => [problem.kind, problem.eventIds])).toEqual(
      expect.arrayContaining([
        ['duplicate-id', [fixture.duplicateId]],
        ['payload-dropped', fixture.droppedPayloadIds],
      ]),
    );
    expect(summary.problems).toHaveLength(2);
    expect(summary).toMatchObject({ problemCount: 2, problemCounts: { 'duplicate-id': 1, 'payload-dropped': 1 } });
    expect(summary.problems.find((problem) => problem.kind === 'duplicate-id')?.details).toEqual({
      createds: ['2022-02-02T02:02:02.002Z', '2022-03-03T03:03:03.003Z'],
    });
    expect(summary.renumberedStreams).toEqual([{ ...fixture.renumbered, events: 2, positions: [0, 1], differing: 2, headVersion: 2 }]);

    for (const [domain, identifier] of [
      ['account', 'alice'],
      ['account', 'bob'],
      ['transfer', 't-1'],
      ['document', 'd-1'],
      ['ledger', 'l-1'],
      ['counter', 'c-1'],
      ['system', ''],
      ['cart', 'k-1'],
    ] as const) {
      expect(await target.getStreamEvents(domain, identifier)).toEqual(expectedStream(fixture, domain, identifier));
    }
    expect(await target.getStreamEvents('account', 'carol')).toEqual([]);
    const root = fixture.events.find((event) => event.type === 'TransferRequested')!;
    expect((await target.findByCausationId(root.id)).map((event) => event.type).sort()).toEqual(['Credited', 'Debited']);
    // Replay reads all of them, 2018 included, in created/id order.
    const replayed = (await replayAll(target, 10)).map((event) => event.id);
    expect(replayed).toEqual(inStoreOrder(fixture.events).map((event) => event.id));
    await target.close();
  }, 60_000);

  it('a re-run writes nothing and finds every event stored, identical', async () => {
    const target = newTarget();
    await migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: fixture.tableName, target });
    const again = await migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: fixture.tableName, target });
    expect(again).toMatchObject({ written: 0, alreadyPresent: fixture.events.length, migrated: fixture.events.length, verified: true });
    expect(await target.getStreamSequence('cart', 'k-1')).toBe(30);
    await target.close();
  }, 60_000);

  it('a dry run reads and checks everything and writes nothing', async () => {
    const target = newTarget();
    const summary = await migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: fixture.tableName, target, dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, written: 0, migrated: fixture.events.length, streams: fixture.streams, offloaded: 1 });
    expect(summary.problems.map((problem) => problem.kind).sort()).toEqual(['duplicate-id', 'payload-dropped']);
    const pages: StoredEvent[][] = [];
    for await (const page of await target.getAllEvents(10)) pages.push(page);
    expect(pages.flat()).toEqual([]);
    await target.close();
  }, 60_000);

  it('a dry run needs no target table, and creates none', async () => {
    const target = openStore({
      dynamodbClient,
      s3Client,
      tableName: `${uniqueTableName('not-yet')}-t`,
      bucket: uniqueBucketName('not-yet'),
    });
    const summary = await migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: fixture.tableName, target, dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, written: 0, migrated: fixture.events.length });
    await expect(describeTable({ dynamodbClient, tableName: target.options.tableName })).rejects.toMatchObject({
      code: ErrorCodes.RESOURCE_NOT_FOUND,
    });
    // Without --dry-run, a store opened without `create` does not create it either: the target must exist.
    await expect(migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: fixture.tableName, target })).rejects.toMatchObject({
      code: ErrorCodes.RESOURCE_NOT_FOUND,
    });
  }, 60_000);

  it('an interrupted run stops with STORE/ABORTED, and the next run continues without duplicating anything', async () => {
    const target = newTarget();
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await migrateFromUpstream({
      dynamodbClient,
      s3Client,
      sourceTableName: fixture.tableName,
      target,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (progress) => {
        seen.push(progress.phase);
        if (progress.phase === 'write' && progress.done >= 10) controller.abort(new Error('Ctrl-C'));
      },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCodes.ABORTED });
    expect(seen).toContain('scan');
    const partial = await migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: fixture.tableName, target, dryRun: true });
    expect(partial.migrated).toBe(fixture.events.length);
    const resumed: MigrationSummary = await migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: fixture.tableName, target });
    expect(resumed.alreadyPresent).toBeGreaterThan(0);
    expect(resumed.written).toBeGreaterThan(0);
    expect(resumed).toMatchObject({ migrated: fixture.events.length, verified: true });
    expect(resumed.written + resumed.alreadyPresent).toBe(fixture.events.length);
    const replayed = (await replayAll(target)).map((event) => event.id);
    expect(replayed).toEqual(inStoreOrder(fixture.events).map((event) => event.id));
    await target.close();
  }, 60_000);

  it('an event already in the target under another content is reported, and the stream stops before it', async () => {
    const target = newTarget();
    const victim = inStoreOrder(fixture.events.filter((event) => event.domain === 'cart'))[3]!;
    await target.storeEvents([{ ...victim, domain: 'elsewhere', payload: { other: true } }]);
    const summary = await migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: fixture.tableName, target });
    const conflict = summary.problems.find((problem) => problem.kind === 'conflicting-event');
    expect(conflict).toMatchObject({
      eventIds: [victim.id],
      stream: { domain: 'cart', identifier: 'k-1' },
      details: { code: ErrorCodes.DUPLICATE_EVENT_ID },
    });
    expect(await target.getStreamSequence('cart', 'k-1')).toBe(3);
    expect(summary.verified).toBe(true);
    await target.close();
  }, 60_000);

  it('refuses a source table that is not an old-adapter table', async () => {
    const ours = newTarget();
    await ours.init();
    await expect(
      migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: ours.options.tableName, target: newTarget() }),
    ).rejects.toMatchObject({ code: OpsErrorCodes.SOURCE_LAYOUT });
    await expect(
      migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: 'no-such-table-here', target: newTarget() }),
    ).rejects.toMatchObject({ code: ErrorCodes.RESOURCE_NOT_FOUND });
    await ours.close();
  });
});
