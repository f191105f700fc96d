/**
 * DynamoDB Streams on DynamoDB Local: the drop-in's `streamViewType` enables a stream on the table it creates,
 * `init` names a missing stream on an existing table, and `decodeStreamRecords` turns the stream's records back into
 * the stored events (offloaded payloads hydrated), leaving out heads, guards, links, catalog, snapshot and layout records.
 */
import { INSTANCE_MARKERS } from '../../src/layout/instance-markers.js';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes, EventStoreRepo, type CreatedEvent } from '../../src/index.js';
import { caught } from '../helpers/caught.js';
import {
  createDynamoClient,
  createS3Client,
  realDynamoDb,
  realS3,
  TEST_REGION,
  uniqueBucketName,
  uniqueTableName,
} from '../servers/index.js';

const dynamo = realDynamoDb('DynamoDB Streams records');
const s3 = realS3('DynamoDB Streams records');
const skip = dynamo.skip || s3.skip;

describe.skipIf(skip)('DynamoDB Streams records on DynamoDB Local', () => {
  const dynamoClient = skip ? undefined! : createDynamoClient(dynamo.endpoint);
  const s3Client = skip ? undefined! : createS3Client(s3.endpoint);
  const streams = skip
    ? undefined!
    : new DynamoDBStreamsClient({
        endpoint: dynamo.endpoint,
        region: TEST_REGION,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
  afterAll(() => {
    dynamoClient?.destroy();
    s3Client?.destroy();
    streams?.destroy();
  });

  async function allRecords(tableName: string): Promise<_Record[]> {
    const { Table } = await dynamoClient.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = Table?.LatestStreamArn;
    expect(streamArn).toBeDefined();
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const records: _Record[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let iterator = (
        await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))
      ).ShardIterator;
      for (let round = 0; iterator && round < 20; round++) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        records.push(...(page.Records ?? []));
        if ((page.Records ?? []).length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }

  it('streamViewType enables the stream; decodeStreamRecords yields exactly the stored events, offloaded payloads hydrated', async () => {
    const tableNamePrefix = `${uniqueTableName('streams')}-`;
    const repo = new EventStoreRepo(dynamoClient, s3Client, {
      tableNamePrefix,
      s3BucketName: uniqueBucketName('streams'),
      streamViewType: 'NEW_IMAGE',
      offloadThresholdBytes: 4096,
    });
    const created = new Date(Date.UTC(2025, 6, 1));
    const root: CreatedEvent = { id: 'root-1', domain: 'order', identifier: 'o-1', type: 'Placed', payload: { total: 3 }, created };
    const big: CreatedEvent = {
      id: 'child-1',
      domain: 'invoice',
      identifier: 'i-1',
      type: 'Issued',
      payload: { pdf: 'x'.repeat(10_000) },
      causationId: 'root-1',
      created,
    };
    const stored = await repo.appendEvents([root, big]);
    await repo.saveSnapshot({ domain: 'order', identifier: 'o-1', state: { total: 3 }, sequence: 1, created });
    const tableName = `${tableNamePrefix}schemeless-event-store`;
    const { Table } = await dynamoClient.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.StreamSpecification).toMatchObject({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });

    const records = await allRecords(tableName);
    // The layout record, its instance markers, the catalog entry, 2 heads, 2 events, 2 guards, 1 causation link, the
    // snapshot: 10 items written besides the markers.
    expect(records.length).toBe(10 + INSTANCE_MARKERS);
    const events = await repo.decodeStreamRecords(records);
    expect(events.map((event) => event.id).sort()).toEqual(['child-1', 'root-1']);
    expect(events.find((event) => event.id === 'child-1')).toEqual(stored[1]);
    expect(events.find((event) => event.id === 'root-1')).toEqual(stored[0]);
    const others = await Promise.all(records.map((record) => repo.decodeStreamRecord(record)));
    expect(others.filter((event) => event === undefined)).toHaveLength(8 + INSTANCE_MARKERS);

    const foreign = {
      ...records[0]!,
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/someone-else/stream/2025-01-01T00:00:00.000',
    };
    expect((await caught(repo.decodeStreamRecord(foreign))).code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(await repo.decodeStreamRecord({ eventName: 'REMOVE', dynamodb: {} })).toBeUndefined();
    await repo.close();
  });

  it('init names a missing stream on an existing table (DRIVER/SCHEMA_MISMATCH), and bad values are refused by name', async () => {
    const tableNamePrefix = `${uniqueTableName('nostream')}-`;
    await new EventStoreRepo(dynamoClient, undefined, { tableNamePrefix }).init();
    const error = await caught(
      new EventStoreRepo(dynamoClient, undefined, { tableNamePrefix, streamViewType: 'NEW_AND_OLD_IMAGES' }).init(),
    );
    expect(error.code).toBe(ErrorCodes.SCHEMA_MISMATCH);
    expect((error.details.differences as string[]).some((line) => line.startsWith('stream:'))).toBe(true);
    expect(() => new EventStoreRepo(dynamoClient, undefined, { tableNamePrefix, streamViewType: 'KEYS_ONLY' as never })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS, message: expect.stringContaining('streamViewType') }),
    );
  });
});
