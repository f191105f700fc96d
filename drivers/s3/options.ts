import type { ObjectCannedACL } from '@aws-sdk/client-s3';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';

/** Options of {@link S3BlobDriver}. */
export interface S3BlobDriverOptions {
  /** The bucket holding the blobs. Required. */
  readonly bucket: string;
  /**
   * Prepended to every key on the way in and stripped on the way out (e.g. `'event-store/'`), so several stores
   * can share a bucket. Default `''`.
   */
  readonly keyPrefix?: string;
  /** Canned ACL applied to every object written. Default: none sent (the bucket's default, normally private). */
  readonly acl?: ObjectCannedACL;
  /** `Content-Type` of objects written when `put` names none. Default `'application/json'`. */
  readonly contentType?: string;
  /**
   * `true` (default): `ensureContainer` creates the bucket when it does not exist. `false`: it only checks the
   * bucket exists (else `DRIVER/RESOURCE_NOT_FOUND`), for buckets managed by infrastructure code.
   */
  readonly createBucket?: boolean;
  /**
   * Bodies larger than this many bytes are uploaded as a multipart upload (`@aws-sdk/lib-storage`), smaller ones
   * with one `PutObject`. Default {@link DEFAULT_MULTIPART_THRESHOLD_BYTES} (16 MiB).
   */
  readonly multipartThresholdBytes?: number;
}

/**
 * 16 MiB: a single PutObject accepts up to 5 GB, and below this size one request is cheaper and faster than a
 * multipart upload (at least three requests); above it, parts upload in parallel and a failed part retries alone.
 */
export const DEFAULT_MULTIPART_THRESHOLD_BYTES = 16 * 1024 * 1024;
/** S3's smallest multipart part (except the last): 5 MiB. */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3's largest number of parts in one multipart upload. */
export const S3_MAX_PARTS = 10_000;
/** Content type used when neither the call nor the options name one: blobs here are JSON payloads. */
export const DEFAULT_CONTENT_TYPE = 'application/json';

/** Options with defaults applied. */
export interface ResolvedS3BlobDriverOptions {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly acl: ObjectCannedACL | undefined;
  readonly contentType: string;
  readonly createBucket: boolean;
  readonly multipartThresholdBytes: number;
}

/** Apply defaults; an empty bucket or a non-positive threshold throws `INPUT/INVALID_OPTIONS`. */
export function resolveOptions(options: S3BlobDriverOptions): ResolvedS3BlobDriverOptions {
  const resolved: ResolvedS3BlobDriverOptions = {
    bucket: options.bucket,
    keyPrefix: options.keyPrefix ?? '',
    acl: options.acl,
    contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
    createBucket: options.createBucket ?? true,
    multipartThresholdBytes: options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD_BYTES,
  };
  const issues: string[] = [];
  if (typeof resolved.bucket !== 'string' || resolved.bucket.length === 0) issues.push('bucket must be a non-empty string');
  if (typeof resolved.keyPrefix !== 'string') issues.push('keyPrefix must be a string');
  if (!(Number.isInteger(resolved.multipartThresholdBytes) && resolved.multipartThresholdBytes >= 1)) {
    issues.push('multipartThresholdBytes must be an integer >= 1');
  }
  if (issues.length > 0) {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, `Invalid S3BlobDriver options: ${issues.join('; ')}`, {
      details: { issues: issues.map((message) => ({ message })) },
    });
  }
  return resolved;
}
