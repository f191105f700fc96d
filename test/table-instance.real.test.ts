/**
 * Table-instance scenarios of issue 16 (test/safety/instance-scenarios.ts) on DynamoDB Local + the S3 server. One
 * DynamoDB Local cannot hold two tables of one name, so the same-named neighbour is a twin KV next to it, sharing
 * the S3 server's bucket (what matters is the name and the bucket, not where the neighbour's items live).
 */
import { describe } from 'vitest';
import { DynamoDbKvDriver } from '../drivers/dynamodb/index.js';
import { MemoryKvDriver } from '../drivers/memory/index.js';
import { realSafetyBackend } from './safety/backends.js';
import { instanceScenarios } from './safety/instance-scenarios.js';
import { createDynamoClient, realDynamoDb, realS3 } from './servers/index.js';

const dynamo = realDynamoDb('table instances on DynamoDB Local + S3');
const s3 = realS3('table instances on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;

describe.skipIf(skip)('table instances on real servers', () => {
  if (skip) return;
  instanceScenarios(() => {
    const backend = realSafetyBackend(dynamo.endpoint, s3.endpoint);
    const client = createDynamoClient(dynamo.endpoint);
    return {
      backend: { ...backend, dispose: async () => { client.destroy(); await backend.dispose(); } },
      neighbourKv: () => new MemoryKvDriver(),
      noCreateKv: () => new DynamoDbKvDriver(client, { pollIntervalMs: 20, createTable: false }),
    };
  });
});
