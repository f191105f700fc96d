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
/** DynamoDB's service limits (the driver's capabilities are built from them), each with its reason in src/layout/limits.ts. */
export {
  DYNAMODB_LIMITS,
  DYNAMODB_MAX_BATCH_GET_KEYS,
  DYNAMODB_MAX_BATCH_WRITE_ITEMS,
  DYNAMODB_MAX_CLIENT_REQUEST_TOKEN_LENGTH,
  DYNAMODB_MAX_ITEM_BYTES,
  DYNAMODB_MAX_PARTITION_KEY_BYTES,
  DYNAMODB_MAX_QUERY_PAGE_BYTES,
  DYNAMODB_MAX_SORT_KEY_BYTES,
  DYNAMODB_MAX_TRANSACTION_ACTIONS,
  DYNAMODB_MAX_TRANSACTION_BYTES,
  DYNAMODB_READ_UNIT_BYTES,
  DYNAMODB_WRITE_UNIT_BYTES,
} from '../../src/layout/limits.js';
