/** The V6 scenarios (test/v6/scenarios.ts) on DynamoDB Local + the S3 server. */
import { describe } from 'vitest';
import { realSafetyBackend } from '../safety/backends.js';
import { realDynamoDb, realS3 } from '../servers/index.js';
import { v6OrderScenarios } from './order-scenarios.js';
import { batchScenarios, v6RuntimeScenarios } from './scenarios.js';

const dynamo = realDynamoDb('V6 runtime on DynamoDB Local + S3');
const s3 = realS3('V6 runtime on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;

describe.skipIf(skip)('V6 on real servers', () => {
  if (skip) return;
  v6RuntimeScenarios(() => realSafetyBackend(dynamo.endpoint, s3.endpoint));
  batchScenarios(() => realSafetyBackend(dynamo.endpoint, s3.endpoint));
  v6OrderScenarios(() => realSafetyBackend(dynamo.endpoint, s3.endpoint));
});
