/** The framework end-to-end scenario (framework-scenario.ts) on DynamoDB Local + the S3 server, through the drop-in constructor. */
import { realDynamoDb, realS3 } from '../servers/index.js';
import { realBackend } from './backends.js';
import { bankScenario } from './framework-scenario.js';

const dynamo = realDynamoDb('framework e2e (DynamoDB Local + S3)');
const s3 = realS3('framework e2e (DynamoDB Local + S3)');

bankScenario({
  name: 'DynamoDB Local + S3 server: new EventStoreRepo(dynamodb, s3, options)',
  skip: dynamo.skip || s3.skip,
  durable: true,
  make: () => realBackend(dynamo.endpoint, s3.endpoint),
});
