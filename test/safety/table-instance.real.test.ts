/**
 * Table-instance scenarios of issue 16 (test/safety/instance-scenarios.ts) on DynamoDB Local + the S3 server. One
 * DynamoDB Local cannot hold two tables of one name, so the same-named neighbour is a twin KV next to it, sharing
 * the S3 server's bucket (what matters is the name and the bucket, not where the neighbour's items live).
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbKvDriver } from '../../drivers/dynamodb/index.js';
import { MemoryKvDriver } from '../../drivers/memory/index.js';
import { S3BlobDriver } from '../../drivers/s3/index.js';
import { createStoreTable, sweepOrphans } from '../../ops/index.js';
import { EventStore } from '../../src/event-store.js';
import { realSafetyBackend } from './backends.js';
import { instanceScenarios } from './instance-scenarios.js';
import { createDynamoClient, createS3Client, realDynamoDb, realS3, uniqueBucketName, uniqueTableName } from '../servers/index.js';

const dynamo = realDynamoDb('table instances on DynamoDB Local + S3');
const s3 = realS3('table instances on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;

describe.skipIf(skip)('table instances on real servers', () => {
  if (skip) return;
  instanceScenarios(() => {
    const backend = realSafetyBackend(dynamo.endpoint, s3.endpoint);
    const client = createDynamoClient(dynamo.endpoint);
    const s3Client = createS3Client(s3.endpoint);
    const bucket = /^s3:\/\/([^/]+)\//.exec((backend.blobs as S3BlobDriver).location)![1]!; // the backend's bucket
    return {
      backend: {
        ...backend,
        dispose: async () => {
          client.destroy();
          s3Client.destroy();
          await backend.dispose();
        },
      },
      neighbourKv: () => new MemoryKvDriver(),
      noCreateKv: () => new DynamoDbKvDriver(client, { pollIntervalMs: 20, createTable: false }),
      blobsAt: (keyPrefix) => new S3BlobDriver(s3Client, { bucket, keyPrefix }),
    };
  });
});

describe.skipIf(skip)("sweep-orphans (the CLI command's operation) on a table whose name a neighbour shares in the bucket", () => {
  it("#2 deletes none of the neighbour's payloads", async () => {
    if (skip) return;
    const dynamodbClient = createDynamoClient(dynamo.endpoint);
    const s3Client = createS3Client(s3.endpoint);
    const tableName = uniqueTableName('cli-sweep');
    const bucket = uniqueBucketName('cli-sweep');
    try {
      await createStoreTable({ dynamodbClient, s3Client, tableName, bucket });
      // The neighbour: the same table name elsewhere (its own KV), the same bucket and key prefix as the drop-in's.
      const neighbour = new EventStore({
        kv: new MemoryKvDriver(),
        blobs: new S3BlobDriver(s3Client, { bucket, keyPrefix: 'events/' }),
        tableName,
        blobKeyPrefix: '',
        offloadThresholdBytes: 4096,
      });
      const theirs = { id: 'neighbour-1', domain: 'acct', type: 't', identifier: 'n', payload: 'x'.repeat(8000), created: new Date() };
      await neighbour.storeEvents([theirs]);
      const swept = await sweepOrphans({ dynamodbClient, s3Client, tableName, bucket, olderThanMs: 0 });
      expect(swept.deleted).toEqual([]);
      expect(await neighbour.getEventById(theirs.id)).toMatchObject({ id: theirs.id, payload: theirs.payload });
    } finally {
      dynamodbClient.destroy();
      s3Client.destroy();
    }
  }, 60_000);
});
