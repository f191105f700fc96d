/** The production-safety scenarios on DynamoDB Local + the S3 server (see test/safety/scenarios.ts). */
import { describe } from 'vitest';
import { realSafetyBackend } from './backends.js';
import { safetyScenarios } from './scenarios.js';
import { realDynamoDb, realS3 } from '../servers/index.js';

const dynamo = realDynamoDb('production safety on DynamoDB Local + S3');
const s3 = realS3('production safety on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;

describe.skipIf(skip)('production safety on real servers', () => {
  if (skip) return;
  safetyScenarios(() => realSafetyBackend(dynamo.endpoint, s3.endpoint));
});
