/** The DynamoDB KV driver: `new DynamoDbKvDriver(new DynamoDBClient({...}), options)`. */
export { DynamoDbKvDriver, DYNAMODB_CAPABILITIES, DYNAMODB_DRIVER_NAME } from './dynamodb-kv-driver.js';
export {
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_WAIT_TIMEOUT_MS,
  type BillingOptions,
  type DynamoDbKvDriverOptions,
  type StreamViewType,
} from './options.js';
export { mapDynamoDbError, type DynamoDbErrorContext } from './error-mapping.js';
export type { DynamoDbTableReport } from './table-report.js';
export { requiredDynamoDbIamActions } from './iam.js';
