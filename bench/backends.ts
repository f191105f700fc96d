/**
 * The backends, behind one small interface: the in-memory twin, and DynamoDB Local + the S3 server through the
 * drop-in constructor `new EventStoreRepo(dynamodbClient, s3Client, options)` (every workload runs on these two);
 * and the OLD adapter on the same servers (`legacy/legacy-backend.ts`, the compared workloads only). The servers
 * are started once per bench run (`startLocalServers`) and shared by both server backends.
 *
 * Both are built on the tests' backend fixture (`test/helpers/backends.ts`): each store gets a fixture backend of
 * its own (the twin's fresh drivers; on the servers a fresh bucket, over clients the bench backend shares).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStoreRepo, type CreatedEvent } from '../src/index.js';
import type { EventStoreOptions } from '../src/options/index.js';
import {
  type Backend as DriverBackend,
  type LocalServers,
  memoryBackend,
  realBackend,
  startLocalServers,
} from '../test/helpers/backends.js';
import { createDynamoClient, createS3Client } from '../test/servers/clients.js';
import { uniqueTableName } from '../test/servers/unique-name.js';
import { bulkLoad } from './bulk-load.js';
import type { BackendName } from './config.js';
import type { StatsSource } from './harness/measure.js';
import { seed } from './workloads/seeding.js';

export { type LocalServers, startLocalServers };

/** Store options a workload may choose. */
export interface StoreSettings {
  /** Write shards per time bucket (default 1). */
  readonly bucketShards?: number;
  /** Short label used in table and bucket names. */
  readonly label: string;
  /** The store's `changeFeed` option (default off). */
  readonly changeFeed?: { readonly shards: number };
  /** The store's `compression` option (default off). */
  readonly compression?: EventStoreOptions['compression'];
  /** The store's `encryption` option (default off). */
  readonly encryption?: EventStoreOptions['encryption'];
}

/** What the workloads compared with the old adapter call on a repo: ours, or the old adapter behind a meter. */
export interface BenchRepo extends StatsSource {
  storeEvents(events: CreatedEvent[], options?: { expectedSequence?: number }): Promise<void>;
  getAllEvents(pageSize: number): Promise<AsyncIterable<readonly { readonly id: string }[]>>;
  close(): Promise<void>;
}

/** A fresh, initialised store (new table, new bucket) for one run or one seeded data set. */
export interface StoreHandle<R extends BenchRepo = EventStoreRepo> {
  /** The repo that created the store. */
  readonly repo: R;
  /** Another initialised repo on the same table and blobs, with empty caches and zeroed stats (as a new process). */
  reopen(): Promise<R>;
  /**
   * Untimed set-up for read workloads: store `batches` (one `storeEvents` each). The twin writes them through the
   * core; the real servers get the same items by bulk copy (see `bulk-load.ts`), without the id guards, which
   * neither replay from the start nor stream reads touch.
   */
  load(batches: readonly CreatedEvent[][]): Promise<void>;
  /** Close every repo of this handle and delete the table (the twin just drops its data). */
  dispose(): Promise<void>;
}

/** A started backend. */
export interface Backend<R extends BenchRepo = EventStoreRepo> {
  readonly name: BackendName;
  /** A human description for the report. */
  readonly description: string;
  /** The raw DynamoDB client, for the server-floor probe (absent on the twin). */
  readonly dynamo?: DynamoDBClient;
  /** A fresh store. */
  createStore(settings: StoreSettings): Promise<StoreHandle<R>>;
  /** Release clients (the shared servers are stopped by whoever started them). */
  stop(): Promise<void>;
}

/** Start one of our backends: nothing for the twin; clients of the (lazily started, shared) servers otherwise. */
export async function startBackend(name: 'twin' | 'dynamodb-local', servers: () => Promise<LocalServers>): Promise<Backend> {
  if (name === 'twin') {
    return benchBackend(name, 'in-memory twin (MemoryKvDriver + MemoryBlobDriver), capacity metered by AWS rules', () => memoryBackend());
  }
  const { dynamoEndpoint, s3Endpoint } = await servers();
  const clients = { dynamodbClient: createDynamoClient(dynamoEndpoint), s3Client: createS3Client(s3Endpoint) };
  const backend = benchBackend(
    name,
    'DynamoDB Local (JVM, in memory) + fauxqs S3 (child process), drop-in constructor; capacity as DynamoDB Local reports it',
    (label) => realBackend(dynamoEndpoint, s3Endpoint, label, clients),
  );
  return {
    ...backend,
    dynamo: clients.dynamodbClient,
    stop: async () => {
      clients.dynamodbClient.destroy();
      clients.s3Client.destroy();
    },
  };
}

/**
 * A bench backend whose every store is on a fresh fixture backend (`drivers(label)`). On the twin a store is
 * `new EventStoreRepo({ kv, blobs, ...options })`, seeded through the core; on the servers it is the drop-in
 * constructor on a fresh table prefix and the fixture's fresh bucket, seeded by bulk copy, its table dropped after.
 */
function benchBackend(name: BackendName, description: string, drivers: (label: string) => DriverBackend): Backend {
  return {
    name,
    description,
    createStore: async (settings) => {
      const { kv, blobs, aws, teardown } = drivers(`bench-${settings.label}`);
      const options = storeOptions(settings);
      if (!aws) return handle(() => new EventStoreRepo({ kv, blobs, ...options }), seed, teardown);
      const tableNamePrefix = `${uniqueTableName(`bench-${settings.label}`)}-`;
      return handle(
        () => new EventStoreRepo(aws.dynamodbClient, aws.s3Client, { tableNamePrefix, s3BucketName: aws.bucket, ...options }),
        // Fast untimed set-up on the servers: the core's items copied in (see `bulk-load.ts`).
        (repo, batches) => bulkLoad(kv, repo.options.tableName, repo.options.bucketShards, batches, { idGuards: false }),
        async (repo) => {
          await kv.dropTable(repo.options.tableName);
          await teardown();
        },
      );
    },
    stop: async () => undefined,
  };
}

/** The store options a workload's settings choose (`bucketShards` 1 unless set; the codecs and change feed only when set). */
function storeOptions({ bucketShards, changeFeed, compression, encryption }: StoreSettings) {
  return {
    bucketShards: bucketShards ?? 1,
    ...(changeFeed ? { changeFeed } : {}),
    ...(compression !== undefined ? { compression } : {}),
    ...(encryption !== undefined ? { encryption } : {}),
  };
}

async function handle(
  open: () => EventStoreRepo,
  load: (repo: EventStoreRepo, batches: readonly CreatedEvent[][]) => Promise<void>,
  drop: (repo: EventStoreRepo) => Promise<void>,
): Promise<StoreHandle> {
  const repos: EventStoreRepo[] = [];
  const opened = async (): Promise<EventStoreRepo> => {
    const repo = open();
    repos.push(repo);
    await repo.init();
    return repo;
  };
  const repo = await opened();
  return {
    repo,
    reopen: opened,
    load: (batches) => load(repo, batches),
    dispose: async () => {
      await Promise.all(repos.map((each) => each.close()));
      await drop(repo);
    },
  };
}
