/** The event-store contract on the real drivers: DynamoDbKvDriver on DynamoDB Local + S3BlobDriver on the S3 server. */
import { describe } from 'vitest';
import { eventStoreContract } from '../contract-tests/event-store/index.js';
import { DynamoDbKvDriver } from '../drivers/dynamodb/index.js';
import { S3BlobDriver } from '../drivers/s3/index.js';
import { createDynamoClient, createS3Client, realDynamoDb, realS3, uniqueBucketName } from './servers/index.js';

const dynamo = realDynamoDb('event-store contract on DynamoDB Local + S3');
const s3 = realS3('event-store contract on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;

describe.skipIf(skip)('event-store contract on real servers', () => {
  if (skip) return;
  eventStoreContract({
    name: 'DynamoDB Local + S3 server',
    createDrivers: async () => {
      const dynamoClient = createDynamoClient(dynamo.endpoint);
      const s3Client = createS3Client(s3.endpoint);
      return {
        kv: new DynamoDbKvDriver(dynamoClient, { pollIntervalMs: 20 }),
        blobs: new S3BlobDriver(s3Client, { bucket: uniqueBucketName('es-contract') }),
        teardown: async () => {
          dynamoClient.destroy();
          s3Client.destroy();
        },
      };
    },
  });
});
