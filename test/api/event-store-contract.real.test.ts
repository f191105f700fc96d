/** The event-store contract on the real drivers: DynamoDbKvDriver on DynamoDB Local + S3BlobDriver on the S3 server. */
import { describe } from 'vitest';
import { eventStoreContract } from '../../contract-tests/event-store/index.js';
import { realBackend } from '../helpers/backends.js';
import { realDynamoDb, realS3 } from '../servers/index.js';

const dynamo = realDynamoDb('event-store contract on DynamoDB Local + S3');
const s3 = realS3('event-store contract on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;

describe.skipIf(skip)('event-store contract on real servers', () => {
  if (skip) return;
  eventStoreContract({
    name: 'DynamoDB Local + S3 server',
    createDrivers: async () => realBackend(dynamo.endpoint, s3.endpoint, 'es-contract'),
  });
});
