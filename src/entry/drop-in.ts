/**
 * The existing adapter's constructor, `new EventStoreRepo(dynamodbClient, s3Client, options)`, mapped onto the
 * DynamoDB and S3 drivers. Kept apart from the core: this module is the only place that knows both the legacy
 * option names and the AWS drivers.
 *
 * The drivers are lazy (see `lazy-drivers.ts`): the AWS SDK and the driver modules load on the store's first call
 * (normally `init`), not when the package root is imported. Their options are validated here, synchronously, by the
 * drivers' own validators, so the constructor throws exactly what it threw when it built the drivers eagerly.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ObjectCannedACL, S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { DYNAMODB_CAPABILITIES } from '../../drivers/dynamodb/capabilities.js';
import { resolveOptions as resolveDynamoDbOptions, type DynamoDbKvDriverOptions } from '../../drivers/dynamodb/options.js';
import { S3_CAPABILITIES } from '../../drivers/s3/capabilities.js';
import { resolveOptions as resolveS3Options, type S3BlobDriverOptions } from '../../drivers/s3/options.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors.js';
import type { EventStoreCoreOptions } from '../event-store.js';
import { lazyBlobDriver, lazyKvDriver } from './lazy-drivers.js';
import type { EventStoreOptions } from '../options.js';
import type { BlobDriver } from '../ports/blob-driver.js';

/**
 * Options of the drop-in constructor: the existing adapter's options (same names, same meaning) plus this
 * project's own `EventStoreOptions` (except the drivers, which the constructor builds).
 */
export interface AwsEventStoreOptions extends Omit<EventStoreOptions, 'kv' | 'blobs'> {
  /** Table name prefix: the table is `${tableNamePrefix}schemeless-event-store`, as in the existing adapter. */
  tableNamePrefix?: string;
  /** Bucket for offloaded payloads. Required when an S3 client is given. */
  s3BucketName?: string;
  /** Canned ACL of uploaded objects. Default: none sent (the bucket's default; buckets with ACLs disabled refuse others). */
  s3Acl?: ObjectCannedACL;
  /** Key prefix of offloaded objects in the bucket. Default `'events/'`, as in the existing adapter. */
  s3KeyPrefix?: string;
  /** `true`: never create the table, only check it exists with the right layout (infrastructure-managed tables). */
  skipDynamoDBTableCreation?: boolean;
  /** `true`: never create the bucket, only check it exists. */
  skipS3BucketCreation?: boolean;
  /** With `eventStoreTableWriteCapacityUnits`: create the table (and its indexes) with provisioned capacity. Default: on-demand. */
  eventStoreTableReadCapacityUnits?: number;
  /** See `eventStoreTableReadCapacityUnits`. */
  eventStoreTableWriteCapacityUnits?: number;
  /** How long `init`/`resetStore` wait for the table to become ACTIVE or deleted, in ms (default 300,000). */
  tableWaitTimeoutMs?: number;
  /** Delay between table status polls, in ms (default 1,000). */
  tablePollIntervalMs?: number;
  /**
   * Enable DynamoDB Streams (`'NEW_IMAGE'` or `'NEW_AND_OLD_IMAGES'`) when the table is created; `init` names it
   * (`DRIVER/SCHEMA_MISMATCH`) when an existing table lacks it. Decode its records with `repo.decodeStreamRecords`.
   */
  streamViewType?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
}

const legacySchema = z.object({
  s3BucketName: z.string().min(3, 'must be a bucket name (3+ characters)').optional(),
  s3KeyPrefix: z.string().optional(),
  skipDynamoDBTableCreation: z.boolean().optional(),
  skipS3BucketCreation: z.boolean().optional(),
  eventStoreTableReadCapacityUnits: z.number().int().positive().optional(),
  eventStoreTableWriteCapacityUnits: z.number().int().positive().optional(),
  tableWaitTimeoutMs: z.number().nonnegative().optional(),
  tablePollIntervalMs: z.number().nonnegative().optional(),
  streamViewType: z.enum(['NEW_IMAGE', 'NEW_AND_OLD_IMAGES']).optional(),
});

/** True when `value` looks like an AWS SDK v3 client (has `send`), i.e. the drop-in form was used. */
export function isAwsClient(value: unknown): value is DynamoDBClient {
  return typeof value === 'object' && value !== null && typeof (value as { send?: unknown }).send === 'function' && !('kv' in value);
}

/**
 * Build core options from the drop-in arguments. Throws `INPUT/INVALID_OPTIONS` naming the field: a bucket is
 * required with an S3 client, capacity units come in pairs, and the core's own options are validated by the core.
 */
export function awsCoreOptions(
  dynamodbClient: DynamoDBClient,
  s3Client: S3Client | undefined,
  options: AwsEventStoreOptions = {},
): EventStoreCoreOptions {
  const {
    s3BucketName,
    s3Acl,
    s3KeyPrefix,
    skipDynamoDBTableCreation,
    skipS3BucketCreation,
    eventStoreTableReadCapacityUnits: read,
    eventStoreTableWriteCapacityUnits: write,
    tableWaitTimeoutMs,
    tablePollIntervalMs,
    streamViewType,
    ...core
  } = options;
  const parsed = legacySchema.safeParse(options);
  const issues = parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  if ((read === undefined) !== (write === undefined))
    issues.push({
      path: read === undefined ? 'eventStoreTableReadCapacityUnits' : 'eventStoreTableWriteCapacityUnits',
      message: 'read and write capacity units must be given together',
    });
  if (s3Client && !s3BucketName) issues.push({ path: 's3BucketName', message: 'is required when an S3 client is given' });
  if (issues.length > 0) {
    throw new EventStoreAdapterError(
      ErrorCodes.INVALID_OPTIONS,
      `Invalid options: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      { details: { issues } },
    );
  }
  const kvOptions: DynamoDbKvDriverOptions = {
    billing:
      read !== undefined && write !== undefined
        ? { mode: 'PROVISIONED', readCapacityUnits: read, writeCapacityUnits: write }
        : { mode: 'PAY_PER_REQUEST' },
    createTable: !skipDynamoDBTableCreation,
    ...(tableWaitTimeoutMs === undefined ? {} : { waitTimeoutMs: tableWaitTimeoutMs }),
    ...(tablePollIntervalMs === undefined ? {} : { pollIntervalMs: tablePollIntervalMs }),
    ...(streamViewType === undefined ? {} : { streamViewType }),
  };
  resolveDynamoDbOptions(kvOptions); // throws what `new DynamoDbKvDriver` would
  const kv = lazyKvDriver(
    DYNAMODB_CAPABILITIES,
    async () => new (await import('../../drivers/dynamodb/index.js')).DynamoDbKvDriver(dynamodbClient, kvOptions),
    { clientMaxAttempts: true, close: false, withSignal: true },
  );
  let blobs: BlobDriver | undefined;
  if (s3Client) {
    const blobOptions: S3BlobDriverOptions = {
      bucket: s3BucketName!,
      keyPrefix: s3KeyPrefix ?? 'events/',
      createBucket: !skipS3BucketCreation,
      ...(s3Acl ? { acl: s3Acl } : {}),
    };
    resolveS3Options(blobOptions); // throws what `new S3BlobDriver` would
    blobs = {
      ...lazyBlobDriver(S3_CAPABILITIES, async () => new (await import('../../drivers/s3/index.js')).S3BlobDriver(s3Client, blobOptions), {
        clientMaxAttempts: true,
        close: false,
        withSignal: true,
      }),
      location: `s3://${blobOptions.bucket}/${blobOptions.keyPrefix ?? ''}`, // as S3BlobDriver's own
    };
  }
  return { blobKeyPrefix: '', ...core, kv, ...(blobs ? { blobs } : {}) };
}
