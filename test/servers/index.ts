/** Helpers for tests that run against the real local servers started by `test/global-setup.ts`. */
export { createDynamoClient, createS3Client, TEST_REGION } from './clients.js';
export { uniqueBucketName, uniqueTableName } from './unique-name.js';
export { realDynamoDb, realS3, type RealServer } from './real-servers.js';
export { startDynamoDbLocal, dynamoDbLocalUnavailableReason, type RunningDynamoDbLocal } from './dynamodb-local.js';
export { startS3Server, type RunningS3Server } from './s3-server.js';
