/** The drop-in constructor `new EventStoreRepo(dynamodbClient, s3Client, options)` on DynamoDB Local + the S3 server. */
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLegacyAdapter } from '../../bench/legacy/load-legacy-adapter.js';
import { ErrorCodes, EventStoreRepo, type CreatedEvent } from '../../src/index.js';
import { createDynamoClient, createS3Client, realDynamoDb, realS3, uniqueBucketName, uniqueTableName } from '../servers/index.js';

const dynamo = realDynamoDb('drop-in constructor');
const s3 = realS3('drop-in constructor');
const skip = dynamo.skip || s3.skip;

describe.skipIf(skip)('drop-in constructor on real servers', () => {
  const dynamoClient = skip ? undefined! : createDynamoClient(dynamo.endpoint);
  const s3Client = skip ? undefined! : createS3Client(s3.endpoint);
  afterAll(() => {
    dynamoClient?.destroy();
    s3Client?.destroy();
  });
  let counter = 0;
  const event = (extra: Partial<CreatedEvent> = {}): CreatedEvent => ({
    id: `drop-in-${++counter}-${Date.now()}`,
    domain: 'order',
    identifier: 'o-1',
    type: 'Placed',
    payload: { total: 1 },
    created: new Date(),
    ...extra,
  });

  it('works with the existing adapter options: table name, bucket, key prefix, offload to S3', async () => {
    const tableNamePrefix = `${uniqueTableName('dropin')}-`;
    const s3BucketName = uniqueBucketName('dropin');
    const repo = new EventStoreRepo(dynamoClient, s3Client, { tableNamePrefix, s3BucketName, s3KeyPrefix: 'archive/' });
    await repo.init();
    const table = await dynamoClient.send(new DescribeTableCommand({ TableName: `${tableNamePrefix}schemeless-event-store` }));
    expect(table.Table?.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST').toBe('PAY_PER_REQUEST');
    const big = event({ payload: { text: '日'.repeat(140_000) } });
    await repo.storeEvents([event(), big]);
    const objects = await s3Client.send(new ListObjectsV2Command({ Bucket: s3BucketName }));
    expect(objects.Contents?.map((object) => object.Key)).toEqual([expect.stringMatching(/^archive\//)]);
    expect(await repo.getEventById(big.id)).toEqual({ ...big, sequence: 2 });
    await repo.resetStore();
    expect((await s3Client.send(new ListObjectsV2Command({ Bucket: s3BucketName }))).KeyCount ?? 0).toBe(0);
    await repo.close();
  });

  it('changeFeed: true in the drop-in form: the table gets the log index, getLogPage delivers, subscribe consumes', async () => {
    const tableNamePrefix = `${uniqueTableName('dropin-feed')}-`;
    const repo = new EventStoreRepo(dynamoClient, s3Client, {
      tableNamePrefix,
      s3BucketName: uniqueBucketName('dropin-feed'),
      changeFeed: true,
    });
    await repo.init();
    const table = await dynamoClient.send(new DescribeTableCommand({ TableName: `${tableNamePrefix}schemeless-event-store` }));
    expect(table.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(['global-order', 'log']);
    const events = [event(), event({ identifier: 'o-2' })];
    await repo.storeEvents(events);
    const page = await repo.getLogPage();
    expect(page.events.map((stored) => stored.id).sort()).toEqual(events.map((created) => created.id).sort());
    expect(page.cursor).toHaveLength(5);
    const seen: string[] = [];
    const subscription = await repo.subscribe({
      name: 'drop-in',
      pollIntervalMs: 5,
      handler: (batch) => void seen.push(...batch.map((stored) => stored.id)),
    });
    for (let waited = 0; seen.length < 2 && waited < 10_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    await subscription.stop();
    expect(seen.sort()).toEqual(events.map((created) => created.id).sort());
    await repo.close();
  });

  it('creates the table with provisioned capacity when capacity units are given', async () => {
    const tableNamePrefix = `${uniqueTableName('prov')}-`;
    const repo = new EventStoreRepo(dynamoClient, undefined, {
      tableNamePrefix,
      eventStoreTableReadCapacityUnits: 7,
      eventStoreTableWriteCapacityUnits: 3,
    });
    await repo.init();
    const { Table } = await dynamoClient.send(new DescribeTableCommand({ TableName: `${tableNamePrefix}schemeless-event-store` }));
    expect(Table?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 7, WriteCapacityUnits: 3 });
  });

  it('without an S3 client, small events work and an oversized one names the missing blob store', async () => {
    const repo = new EventStoreRepo(dynamoClient, undefined, { tableNamePrefix: `${uniqueTableName('nos3')}-` });
    await repo.storeEvents([event()]);
    const error = await repo.storeEvents([event({ payload: 'x'.repeat(420_000) })]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCodes.BLOB_STORE_REQUIRED });
    expect((error as Error).message).toMatch(/configure a blob store/);
    expect(await repo.getStreamSequence('order', 'o-1')).toBe(1);
  });

  it("refuses the existing adapter's table layout instead of silently ignoring its events", async () => {
    const tableNamePrefix = `${uniqueTableName('legacy')}-`;
    await dynamoClient.send(
      new CreateTableCommand({
        TableName: `${tableNamePrefix}schemeless-event-store`,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const repo = new EventStoreRepo(dynamoClient, undefined, { tableNamePrefix });
    const error = await repo.init().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCodes.SCHEMA_MISMATCH });
    expect((error as { details: { differences: string[] } }).details.differences.length).toBeGreaterThan(0);
  });

  it("the old adapter's own table (written by @schemeless/event-store-adapter-dynamodb 5.0.0): SCHEMA_MISMATCH pointing to migrate-from-upstream", async () => {
    const tableNamePrefix = `${uniqueTableName('old-adapter')}-`;
    const tableName = `${tableNamePrefix}schemeless-event-store`;
    const { EventStoreRepo: OldRepo } = loadLegacyAdapter();
    const old = new OldRepo(dynamoClient, s3Client, { tableNamePrefix, s3BucketName: uniqueBucketName('old-adapter') });
    await old.init();
    const repo = new EventStoreRepo(dynamoClient, undefined, { tableNamePrefix });
    const error = await repo.init().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCodes.SCHEMA_MISMATCH, details: { table: tableName, upstream: true } });
    expect((error as Error).message).toContain(`npx event-store-dynamodb migrate-from-upstream --source-table ${tableName}`);
    await repo.close();
  });

  it('skipDynamoDBTableCreation with no table is a typed error, not a creation', async () => {
    const repo = new EventStoreRepo(dynamoClient, undefined, {
      tableNamePrefix: `${uniqueTableName('skip')}-`,
      skipDynamoDBTableCreation: true,
    });
    await expect(repo.init()).rejects.toMatchObject({ code: ErrorCodes.RESOURCE_NOT_FOUND });
  });

  it('skipDynamoDBTableCreation on an infrastructure-made table: works, and resetStore refuses it, deleting nothing', async () => {
    // The table as CloudFormation would make it (README "Production setup"): our key schema and index.
    const infraPrefix = `${uniqueTableName('infra2')}-`;
    await dynamoClient.send(
      new CreateTableCommand({
        TableName: `${infraPrefix}schemeless-event-store`,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
          { AttributeName: 'gpk', AttributeType: 'S' },
          { AttributeName: 'gsk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'global-order',
            KeySchema: [
              { AttributeName: 'gpk', KeyType: 'HASH' },
              { AttributeName: 'gsk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const repo = new EventStoreRepo(dynamoClient, undefined, { tableNamePrefix: infraPrefix, skipDynamoDBTableCreation: true });
    const stored = event();
    await repo.storeEvents([stored]);
    await expect(repo.resetStore()).rejects.toMatchObject({ code: ErrorCodes.RESET_REFUSED });
    expect(await repo.getEventById(stored.id)).toMatchObject({ id: stored.id, sequence: 1 });
    const { Table } = await dynamoClient.send(new DescribeTableCommand({ TableName: `${infraPrefix}schemeless-event-store` }));
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it("composes the SDK client's retries with its own: divided by default, warned when both are explicit", async () => {
    const tableNamePrefix = `${uniqueTableName('retries')}-`;
    const sdkAttempts = await dynamoClient.config.maxAttempts();
    const composed = new EventStoreRepo(dynamoClient, undefined, { tableNamePrefix });
    await composed.init();
    expect(composed.retryPolicy.maxAttempts).toBe(Math.ceil(8 / sdkAttempts));
    const warnings: string[] = [];
    const explicit = new EventStoreRepo(dynamoClient, undefined, {
      tableNamePrefix,
      retry: { maxAttempts: 8 },
      onWarning: (warning) => warnings.push(warning.code),
    });
    await explicit.init();
    expect(explicit.retryPolicy.maxAttempts).toBe(8);
    expect(warnings).toEqual(sdkAttempts > 1 ? ['WARN/RETRIES_MULTIPLY'] : []);
  });

  it('rejects bad drop-in options by name', () => {
    expect(() => new EventStoreRepo(dynamoClient, s3Client, {})).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS, message: expect.stringContaining('s3BucketName') }),
    );
    expect(() => new EventStoreRepo(dynamoClient, undefined, { eventStoreTableReadCapacityUnits: 5 })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('eventStoreTableWriteCapacityUnits') }),
    );
  });
});
