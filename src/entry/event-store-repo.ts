/**
 * `EventStoreRepo`, the store users construct: the core `EventStore` with its drivers wired from the arguments.
 * This module and its neighbours in `src/entry/` are the package's wiring, outside the core: they alone may import
 * `drivers/` (the drivers' capabilities and option validators at once, the driver modules themselves lazily).
 *
 * - `new EventStoreRepo(dynamodbClient, s3Client?, options?)` — the existing adapter's drop-in form (AWS, drop-in.ts).
 * - `new EventStoreRepo()` — the in-memory twin (KV + blobs): the embedded default, for tests and demos.
 * - `new EventStoreRepo({ kv, blobs, ...options })` — any driver pair.
 *
 * The AWS SDK and the twin load on the first call of a store built by the first two forms (their drivers are lazy,
 * see lazy-drivers.ts), not when the package root is imported.
 */
import type { EventStoreApi } from '../compat/store-api.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_BLOB_CAPABILITIES, DEFAULT_KV_CAPABILITIES } from '../../drivers/memory/capabilities.js';
import { EventStore, type EventStoreCoreOptions } from '../event-store.js';
import { awsServiceOf, describeValue, invalidOptions, type EventStoreOptions } from '../options/index.js';
import { awsCoreOptions, isAwsClient, type AwsEventStoreOptions } from './drop-in.js';
import { lazyBlobDriver, lazyKvDriver } from './lazy-drivers.js';

/**
 * The event-store repo.
 * - `(dynamodbClient, s3Client?, options?)`: DynamoDB + S3 (the S3 client may be omitted when no event is ever
 *   offloaded; an oversized event then fails with `STORE/BLOB_STORE_REQUIRED`).
 * - `(options?)`: with no `kv`, a fresh in-memory twin (DynamoDB-like KV and S3-like blobs); with `kv` (and
 *   optionally `blobs`), those drivers.
 * @throws `INPUT/INVALID_OPTIONS` naming each bad field.
 */
export class EventStoreRepo extends EventStore implements EventStoreApi {
  constructor(dynamodbClient: DynamoDBClient, s3Client?: S3Client, options?: AwsEventStoreOptions);
  constructor(options?: EventStoreOptions);
  constructor(first?: DynamoDBClient | EventStoreOptions, s3Client?: S3Client, options?: AwsEventStoreOptions) {
    if (!isAwsClient(first) && (s3Client !== undefined || options !== undefined)) {
      // More than one argument is the drop-in form: its first argument is not a client.
      const second = awsServiceOf(s3Client) !== undefined;
      throw invalidOptions([
        {
          path: 'dynamodbClient (1st argument)',
          message: `expected a DynamoDB client, got ${describeValue(first)}: new EventStoreRepo(dynamodbClient, s3Client, options)${
            second ? '' : ', or one options object: new EventStoreRepo(options)'
          }`,
        },
      ]);
    }
    super(isAwsClient(first) ? awsCoreOptions(first, s3Client, options) : inMemoryDefaults(first as EventStoreOptions | undefined));
  }
}

/** `options` with the in-memory twin (loaded lazily) for a missing `kv`, and its blob store unless a `kv` was given. */
function inMemoryDefaults(options: EventStoreOptions = {}): EventStoreCoreOptions {
  const kv =
    options.kv ??
    lazyKvDriver(DEFAULT_KV_CAPABILITIES, async () => new (await import('../../drivers/memory/index.js')).MemoryKvDriver(), {
      clientMaxAttempts: false,
      close: true,
    });
  const blobs =
    options.blobs ??
    (options.kv
      ? undefined
      : lazyBlobDriver(DEFAULT_BLOB_CAPABILITIES, async () => new (await import('../../drivers/memory/index.js')).MemoryBlobDriver(), {
          clientMaxAttempts: false,
          close: true,
        }));
  return { ...options, kv, ...(blobs ? { blobs } : {}) };
}
