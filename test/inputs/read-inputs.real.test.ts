/** Issue 16 defect 7: the read methods' inputs property (test/inputs/read-inputs.ts) on DynamoDB Local + the S3 server. */
import { describe } from 'vitest';
import { readInputProperty } from './read-inputs.js';
import { realSafetyBackend } from '../safety/backends.js';
import { realDynamoDb, realS3 } from '../servers/index.js';

const dynamo = realDynamoDb('read inputs on DynamoDB Local + S3');
const s3 = realS3('read inputs on DynamoDB Local + S3');

describe.skipIf(dynamo.skip || s3.skip)('read inputs on real servers', () => {
  if (dynamo.skip || s3.skip) return;
  readInputProperty(() => realSafetyBackend(dynamo.endpoint, s3.endpoint), Number(process.env.READ_INPUTS_REAL_RUNS ?? 300));
});
