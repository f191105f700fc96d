import { describe, expect, it } from 'vitest';
import { ErrorCodes, EventStoreAdapterError, type ErrorCode } from '../../src/errors/index.js';
import { mapDynamoDbError } from './error-mapping.js';

function sdkError(name: string, message = 'x', status = 400, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, ...extra });
}

const cases: ReadonlyArray<[string, unknown, ErrorCode]> = [
  ['ProvisionedThroughputExceededException', sdkError('ProvisionedThroughputExceededException'), ErrorCodes.THROTTLED],
  ['ThrottlingException', sdkError('ThrottlingException'), ErrorCodes.THROTTLED],
  ['RequestLimitExceeded', sdkError('RequestLimitExceeded'), ErrorCodes.THROTTLED],
  ['InternalServerError', sdkError('InternalServerError', 'x', 500), ErrorCodes.TRANSIENT],
  ['an unknown 503', sdkError('Whatever', 'x', 503), ErrorCodes.TRANSIENT],
  ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), ErrorCodes.TRANSIENT],
  ['socket hang up', new Error('socket hang up'), ErrorCodes.TRANSIENT],
  ['TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), ErrorCodes.TRANSIENT],
  ['$retryable', Object.assign(new Error('retry me'), { $retryable: {} }), ErrorCodes.TRANSIENT],
  ['TransactionConflictException', sdkError('TransactionConflictException'), ErrorCodes.TRANSACTION_CONFLICT],
  ['ResourceNotFoundException', sdkError('ResourceNotFoundException'), ErrorCodes.RESOURCE_NOT_FOUND],
  ['AccessDeniedException', sdkError('AccessDeniedException'), ErrorCodes.ACCESS_DENIED],
  ['UnrecognizedClientException', sdkError('UnrecognizedClientException'), ErrorCodes.ACCESS_DENIED],
  ['ValidationException', sdkError('ValidationException', 'One or more parameter values were invalid'), ErrorCodes.VALIDATION],
  ['item too large', sdkError('ValidationException', 'Item size has exceeded the maximum allowed size'), ErrorCodes.LIMIT_EXCEEDED],
  ['101 actions', sdkError('ValidationException', 'Member must have length less than or equal to 100'), ErrorCodes.LIMIT_EXCEEDED],
  [
    'two ops on one item',
    sdkError('ValidationException', 'Transaction request cannot include multiple operations on one item'),
    ErrorCodes.LIMIT_EXCEEDED,
  ],
  [
    '4 MB transaction',
    sdkError('ValidationException', 'Transaction payload size cannot exceed 4MB. Payload Size: 4389109'),
    ErrorCodes.LIMIT_EXCEEDED,
  ],
  [
    'a 37-character token',
    sdkError(
      'ValidationException',
      "at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36",
    ),
    ErrorCodes.VALIDATION,
  ],
  ['IdempotentParameterMismatchException', sdkError('IdempotentParameterMismatchException'), ErrorCodes.VALIDATION],
  ['something else', sdkError('ConditionalCheckFailedException'), ErrorCodes.BACKEND],
  ['a thrown string', 'boom', ErrorCodes.BACKEND],
];

describe('mapDynamoDbError', () => {
  it.each(cases)('maps %s', (_label, error, code) => {
    const mapped = mapDynamoDbError(error, { operation: 'get', table: 't' });
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(error);
    expect(mapped.details.table).toBe('t');
  });

  it('passes an already-mapped error through unchanged', () => {
    const original = new EventStoreAdapterError(ErrorCodes.VALIDATION, 'mine');
    expect(mapDynamoDbError(original, { operation: 'get' })).toBe(original);
  });
});
