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
import type { EventStoreCoreOptions } from '../event-store.js';
import { lazyBlobDriver, lazyKvDriver } from './lazy-drivers.js';
import { awsServiceOf, describeValue, invalidOptions, optionIssues, type EventStoreOptions, type OptionIssue } from '../options/index.js';
import type { BlobDriver } from '../ports/blob-driver.js';
import type { KvCapabilities, KvDriver } from '../ports/kv-driver.js';

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
  s3Acl: z.string().optional(),
  s3KeyPrefix: z.string().optional(),
  skipDynamoDBTableCreation: z.boolean().optional(),
  skipS3BucketCreation: z.boolean().optional(),
  eventStoreTableReadCapacityUnits: z.number().int().positive().optional(),
  eventStoreTableWriteCapacityUnits: z.number().int().positive().optional(),
  tableWaitTimeoutMs: z.number().nonnegative().optional(),
  tablePollIntervalMs: z.number().nonnegative().optional(),
  streamViewType: z.enum(['NEW_IMAGE', 'NEW_AND_OLD_IMAGES']).optional(),
});

/** The drop-in form's own option names (the existing adapter's), besides the core's. */
export const DROP_IN_OPTION_NAMES: readonly string[] = Object.keys(legacySchema.shape);

/** The form to show in messages about the arguments. */
const DROP_IN_FORM = 'new EventStoreRepo(dynamodbClient, s3Client, options)';

/** True when `value` looks like an AWS SDK v3 client (has `send`), i.e. the drop-in form was used. */
export function isAwsClient(value: unknown): value is DynamoDBClient {
  return typeof value === 'object' && value !== null && typeof (value as { send?: unknown }).send === 'function' && !('kv' in value);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && awsServiceOf(value) === undefined;

/**
 * What is wrong with the drop-in form's three arguments as a whole: a client of another service in a client's slot
 * (an S3 client first, a DynamoDB client second), an options object where the S3 client goes, something other than
 * an options object third. A client without a `config.serviceId` (a test double) is taken as it is.
 */
function argumentIssues(dynamodbClient: unknown, s3Client: unknown, options: unknown): OptionIssue[] {
  const issues: OptionIssue[] = [];
  const first = awsServiceOf(dynamodbClient);
  if (first !== 'DynamoDB' && first !== 'AWS SDK')
    issues.push({
      path: 'dynamodbClient (1st argument)',
      message: `expected a DynamoDB client, got ${describeValue(dynamodbClient)}: ${DROP_IN_FORM}`,
    });
  if (s3Client !== undefined) {
    const second = awsServiceOf(s3Client);
    if (isPlainObject(s3Client))
      issues.push({
        path: 's3Client (2nd argument)',
        message: `expected an S3 client or undefined, got an options object: the options go third, ${DROP_IN_FORM} (undefined for no S3)`,
      });
    else if (second !== 'S3' && second !== 'AWS SDK')
      issues.push({
        path: 's3Client (2nd argument)',
        message: `expected an S3 client or undefined, got ${describeValue(s3Client)}: ${DROP_IN_FORM}`,
      });
  }
  if (options !== undefined && !isPlainObject(options))
    issues.push({ path: 'options (3rd argument)', message: `expected an options object, got ${describeValue(options)}: ${DROP_IN_FORM}` });
  return issues;
}

/**
 * Build core options from the drop-in arguments. Throws `INPUT/INVALID_OPTIONS` listing every problem at once: the
 * arguments in the wrong slots (see `argumentIssues`), each option's rule, unknown options with the closest known
 * name, a bucket required with an S3 client, capacity units in pairs, and the core options' own rules.
 */
export function awsCoreOptions(
  dynamodbClient: DynamoDBClient,
  s3Client: S3Client | undefined,
  options?: AwsEventStoreOptions,
): EventStoreCoreOptions {
  const issues = argumentIssues(dynamodbClient, s3Client, options);
  // Options given where the S3 client goes: check them as the options too, so that every problem is listed now.
  const given: AwsEventStoreOptions = isPlainObject(options)
    ? options
    : isPlainObject(s3Client) && options === undefined
      ? (s3Client as AwsEventStoreOptions)
      : {};
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
  } = given;
  const parsed = legacySchema.safeParse(given);
  if (!parsed.success) issues.push(...parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
  if ((read === undefined) !== (write === undefined))
    issues.push({
      path: read === undefined ? 'eventStoreTableReadCapacityUnits' : 'eventStoreTableWriteCapacityUnits',
      message: 'read and write capacity units must be given together',
    });
  const s3Given = s3Client !== undefined && !isPlainObject(s3Client);
  if (s3Given && !s3BucketName) issues.push({ path: 's3BucketName', message: 'is required when an S3 client is given' });
  for (const key of ['kv', 'blobs'] as const) {
    if (key in core)
      issues.push({
        path: key,
        message: `not an option of ${DROP_IN_FORM}, which builds its drivers from the clients (drivers: new EventStoreRepo({ kv, blobs, ...options }))`,
      });
    delete (core as Record<string, unknown>)[key];
  }
  // The core's rules, on the core options as they will be given (a driver stand-in with DynamoDB's item limit).
  issues.push(...optionIssues({ blobKeyPrefix: '', ...core, kv: capabilitiesOnly(DYNAMODB_CAPABILITIES) }, DROP_IN_OPTION_NAMES));
  if (issues.length > 0) throw invalidOptions(issues);
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

/** A stand-in KV driver with `capabilities` only, for validating options before the driver exists (never called). */
function capabilitiesOnly(capabilities: KvCapabilities): KvDriver {
  return { capabilities, transactWrite: () => Promise.reject(new Error('not a driver')) } as unknown as KvDriver;
}
