import { ErrorCodes, EventStoreAdapterError, type ErrorCode } from '../../src/errors/index.js';
import { awsErrorShape, httpStatusOf, isNetworkError, type AwsErrorShape } from './aws-error-facts.js';

/** Where an error happened, for the message and `details`. */
export interface DynamoDbErrorContext {
  /** The driver operation, e.g. `transactWrite`. */
  readonly operation: string;
  /** The table, when the operation has one. */
  readonly table?: string;
  /**
   * Writes only: whether any attempt of the call (the SDK's own retries included) may have been applied without a
   * definite answer (see `attempt-watch.ts`). Reported as `details.mayHaveLanded`.
   */
  readonly mayHaveLanded?: boolean;
}

/** DynamoDB error names meaning the request was throttled (retryable). */
const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  // Too many concurrent control-plane operations (CreateTable/DeleteTable): retry later.
  'LimitExceededException',
]);
/** DynamoDB error names meaning a transient service fault (retryable). */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'InternalServerError',
  'ServiceUnavailable',
  // The same ClientRequestToken is still being processed: retrying shortly gets its outcome.
  'TransactionInProgressException',
]);
/** DynamoDB error names meaning the credentials may not do this. */
const ACCESS_DENIED_NAMES: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
]);
/** ValidationException messages that are really a service limit (item size, transaction size/count). */
const LIMIT_MESSAGES: readonly RegExp[] = [
  /Item size has exceeded/i,
  /Item size to update has exceeded/i,
  /size limit/i,
  /Transaction request cannot include multiple operations on one item/i,
  /Member must have length less than or equal to 100/i,
  /Too many items requested/i,
  /Transaction size has exceeded/i,
  /Transaction payload size cannot exceed/i,
  /Transaction request cannot exceed/i,
];

/**
 * Translate anything a DynamoDB call threw into an {@link EventStoreAdapterError} with a `DRIVER/*` code, keeping
 * the original as `cause` and the SDK's error name / HTTP status in `details`. Already-translated errors pass through.
 *
 * Throttling -> `THROTTLED`; `InternalServerError`, HTTP 5xx, network faults and SDK-retryable errors -> `TRANSIENT`;
 * `TransactionConflictException` -> `TRANSACTION_CONFLICT`; `ResourceNotFoundException` -> `RESOURCE_NOT_FOUND`;
 * credential errors -> `ACCESS_DENIED`; item/transaction size and count violations -> `LIMIT_EXCEEDED`;
 * other `ValidationException`s and `IdempotentParameterMismatchException` -> `VALIDATION`; anything else `BACKEND`.
 * `context.mayHaveLanded` (writes) becomes `details.mayHaveLanded`, whatever the code: a `THROTTLED` last attempt
 * after a lost first one is still a write that may have been applied.
 */
export function mapDynamoDbError(error: unknown, context: DynamoDbErrorContext): EventStoreAdapterError {
  if (error instanceof EventStoreAdapterError) return error;
  const shape = awsErrorShape(error);
  const code = classify(shape);
  const where = context.table === undefined ? context.operation : `${context.operation} on table ${context.table}`;
  const detail = shape.message ?? String(error);
  return new EventStoreAdapterError(code, `DynamoDB ${where} failed: ${shape.name ?? 'Error'}: ${detail}`, {
    cause: error,
    details: {
      driver: 'dynamodb',
      operation: context.operation,
      ...(context.table === undefined ? {} : { table: context.table }),
      ...(shape.name === undefined ? {} : { awsErrorName: shape.name }),
      ...(httpStatusOf(shape) === undefined ? {} : { httpStatusCode: httpStatusOf(shape) }),
      ...(context.mayHaveLanded === undefined ? {} : { mayHaveLanded: context.mayHaveLanded }),
    },
  });
}

function classify(error: AwsErrorShape): ErrorCode {
  const name = error.name ?? '';
  const status = httpStatusOf(error);
  if (THROTTLING_NAMES.has(name) || error.$retryable?.throttling === true) return ErrorCodes.THROTTLED;
  if (name === 'TransactionConflictException') return ErrorCodes.TRANSACTION_CONFLICT;
  if (TRANSIENT_NAMES.has(name) || (status !== undefined && status >= 500)) return ErrorCodes.TRANSIENT;
  if (isNetworkError(error) || error.$retryable !== undefined) return ErrorCodes.TRANSIENT;
  if (name === 'ResourceNotFoundException') return ErrorCodes.RESOURCE_NOT_FOUND;
  if (ACCESS_DENIED_NAMES.has(name)) return ErrorCodes.ACCESS_DENIED;
  if (name === 'ItemCollectionSizeLimitExceededException') return ErrorCodes.LIMIT_EXCEEDED;
  if (name === 'ValidationException') {
    const message = error.message ?? '';
    return LIMIT_MESSAGES.some((pattern) => pattern.test(message)) ? ErrorCodes.LIMIT_EXCEEDED : ErrorCodes.VALIDATION;
  }
  if (name === 'IdempotentParameterMismatchException') return ErrorCodes.VALIDATION;
  return ErrorCodes.BACKEND;
}
