/** The payload codecs through every read path on DynamoDB Local + the S3 server (see test/codecs/scenarios.ts). */
import { describe } from 'vitest';
import { realSafetyBackend } from '../safety/backends.js';
import { codecScenarios } from './scenarios.js';
import { realDynamoDb, realS3 } from '../servers/index.js';

const dynamo = realDynamoDb('payload codecs on DynamoDB Local + S3');
const s3 = realS3('payload codecs on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;

describe.skipIf(skip)('payload codecs on real servers', () => {
  if (skip) return;
  codecScenarios(() => realSafetyBackend(dynamo.endpoint, s3.endpoint));
});
