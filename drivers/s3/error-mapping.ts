import { ErrorCodes, EventStoreAdapterError, type ErrorCode } from '../../src/errors/index.js';
import { awsErrorShape, httpStatusOf, isNetworkError, type AwsErrorShape } from '../dynamodb/aws-error-facts.js';

/** Where an error happened, for the message and `details`. */
export interface S3ErrorContext {
  /** The driver operation, e.g. `put`. */
  readonly operation: string;
  readonly bucket: string;
  /** The full object key (prefix included), when the operation has one. */
  readonly key?: string;
}

/** S3 error names meaning the request was throttled (retryable). */
const THROTTLING_NAMES: ReadonlySet<string> = new Set(['SlowDown', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequests']);
/** S3 error names meaning a transient service fault (retryable). */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set(['InternalError', 'ServiceUnavailable', 'RequestTimeout']);
/** S3 error names meaning the credentials may not do this. */
const ACCESS_DENIED_NAMES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'Forbidden',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'AllAccessDisabled',
  'AccountProblem',
]);
/** S3 error names meaning the bucket or object does not exist. */
const NOT_FOUND_NAMES: ReadonlySet<string> = new Set(['NoSuchBucket', 'NotFound', 'NoSuchKey']);
/** S3 error names meaning a size limit was exceeded. */
const LIMIT_NAMES: ReadonlySet<string> = new Set(['EntityTooLarge', 'EntityTooSmall', 'MaxMessageLengthExceeded']);

/**
 * Translate anything an S3 call threw into an {@link EventStoreAdapterError} with a `DRIVER/*` code, keeping the
 * original as `cause`. `SlowDown`/503 -> `THROTTLED`; other 5xx and network faults -> `TRANSIENT`;
 * `AccessDenied`/403 -> `ACCESS_DENIED`; `NoSuchBucket`/`NotFound`/404 -> `RESOURCE_NOT_FOUND`; size limits ->
 * `LIMIT_EXCEEDED`; other 4xx -> `VALIDATION`; anything else `BACKEND`. Already-mapped errors pass through.
 */
export function mapS3Error(error: unknown, context: S3ErrorContext): EventStoreAdapterError {
  if (error instanceof EventStoreAdapterError) return error;
  const shape = awsErrorShape(error);
  const code = classify(shape);
  const target = context.key === undefined ? `bucket ${context.bucket}` : `s3://${context.bucket}/${context.key}`;
  const status = httpStatusOf(shape);
  const hint = code === ErrorCodes.ACCESS_DENIED ? " (check the credentials' S3 permissions on this bucket)" : '';
  return new EventStoreAdapterError(
    code,
    `S3 ${context.operation} on ${target} failed: ${shape.name ?? 'Error'}: ${shape.message ?? String(error)}${hint}`,
    {
      cause: error,
      details: {
        driver: 's3',
        operation: context.operation,
        bucket: context.bucket,
        ...(context.key === undefined ? {} : { key: context.key }),
        ...(shape.name === undefined ? {} : { awsErrorName: shape.name }),
        ...(status === undefined ? {} : { httpStatusCode: status }),
      },
    },
  );
}

/** True when the error says the object or bucket is missing (404, `NoSuchKey`, `NotFound`, `NoSuchBucket`). */
export function isS3NotFound(error: unknown): boolean {
  const shape = awsErrorShape(error);
  return NOT_FOUND_NAMES.has(shape.name ?? '') || httpStatusOf(shape) === 404;
}

function classify(error: AwsErrorShape): ErrorCode {
  const name = error.name ?? '';
  const status = httpStatusOf(error);
  if (THROTTLING_NAMES.has(name) || status === 503 || status === 429 || error.$retryable?.throttling === true) {
    return ErrorCodes.THROTTLED;
  }
  if (TRANSIENT_NAMES.has(name) || (status !== undefined && status >= 500)) return ErrorCodes.TRANSIENT;
  if (isNetworkError(error) || error.$retryable !== undefined) return ErrorCodes.TRANSIENT;
  if (ACCESS_DENIED_NAMES.has(name) || status === 403) return ErrorCodes.ACCESS_DENIED;
  if (NOT_FOUND_NAMES.has(name) || status === 404) return ErrorCodes.RESOURCE_NOT_FOUND;
  if (LIMIT_NAMES.has(name)) return ErrorCodes.LIMIT_EXCEEDED;
  if (status !== undefined && status >= 400 && status < 500) return ErrorCodes.VALIDATION;
  return ErrorCodes.BACKEND;
}
