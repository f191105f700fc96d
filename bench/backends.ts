/**
 * The backends, behind one small interface: the in-memory twin, and DynamoDB Local + the S3 server through the
 * drop-in constructor `new EventStoreRepo(dynamodbClient, s3Client, options)` (every workload runs on these two);
 * and the OLD adapter on the same servers (`legacy/legacy-backend.ts`, the compared workloads only). The servers
 * are started once per bench run (`startLocalServers`) and shared by both server backends.
 */
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';
import { DynamoDbKvDriver } from '../drivers/dynamodb/index.js';
import { EventStoreRepo, type CreatedEvent } from '../src/index.js';
import { DEFAULT_TABLE_BASE_NAME, type EventStoreOptions } from '../src/options/index.js';
import { createDynamoClient, createS3Client } from '../test/servers/clients.js';
import { startDynamoDbLocal } from '../test/servers/dynamodb-local.js';
import { uniqueBucketName, uniqueTableName } from '../test/servers/unique-name.js';
import { bulkLoad } from './bulk-load.js';
import type { BackendName } from './config.js';
import type { StatsSource } from './harness/measure.js';
import { startS3Process } from './servers/s3-process.js';
import { seed } from './workloads/seeding.js';

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

/** DynamoDB Local (JVM, in memory) and the S3 server (fauxqs, child process), shared by the server backends. */
export interface LocalServers {
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  stop(): Promise<void>;
}

/** Start DynamoDB Local and the S3 server. */
export async function startLocalServers(): Promise<LocalServers> {
  const [dynamoServer, s3Server] = await Promise.all([startDynamoDbLocal(), startS3Process()]);
  return {
    dynamoEndpoint: dynamoServer.endpoint,
    s3Endpoint: s3Server.endpoint,
    stop: async () => {
      await Promise.all([dynamoServer.stop(), s3Server.stop()]);
    },
  };
}

/** Start one of our backends: nothing for the twin; clients of the (lazily started, shared) servers otherwise. */
export async function startBackend(name: 'twin' | 'dynamodb-local', servers: () => Promise<LocalServers>): Promise<Backend> {
  return name === 'twin' ? twinBackend() : localAwsBackend(await servers());
}

function twinBackend(): Backend {
  return {
    name: 'twin',
    description: 'in-memory twin (MemoryKvDriver + MemoryBlobDriver), capacity metered by AWS rules',
    createStore: async ({ bucketShards, changeFeed, compression, encryption }) => {
      const kv = new MemoryKvDriver();
      const blobs = new MemoryBlobDriver();
      return handle(
        () =>
          new EventStoreRepo({
            kv,
            blobs,
            bucketShards: bucketShards ?? 1,
            ...(changeFeed ? { changeFeed } : {}),
            ...(compression !== undefined ? { compression } : {}),
            ...(encryption !== undefined ? { encryption } : {}),
          }),
        (repo, batches) => seed(repo, batches),
        async () => undefined,
      );
    },
    stop: async () => undefined,
  };
}

function localAwsBackend(servers: LocalServers): Backend {
  const dynamo: DynamoDBClient = createDynamoClient(servers.dynamoEndpoint);
  const s3: S3Client = createS3Client(servers.s3Endpoint);
  const kv = new DynamoDbKvDriver(dynamo, { createTable: false });
  return {
    name: 'dynamodb-local',
    dynamo,
    description: 'DynamoDB Local (JVM, in memory) + fauxqs S3 (child process), drop-in constructor; capacity as DynamoDB Local reports it',
    createStore: async ({ bucketShards, label, changeFeed, compression, encryption }) => {
      const tableNamePrefix = `${uniqueTableName(`bench-${label}`)}-`;
      const s3BucketName = uniqueBucketName(`bench-${label}`);
      const open = (): EventStoreRepo =>
        new EventStoreRepo(dynamo, s3, {
          tableNamePrefix,
          s3BucketName,
          bucketShards: bucketShards ?? 1,
          ...(changeFeed ? { changeFeed } : {}),
          ...(compression !== undefined ? { compression } : {}),
          ...(encryption !== undefined ? { encryption } : {}),
        });
      const drop = async (): Promise<void> => {
        await dynamo.send(new DeleteTableCommand({ TableName: `${tableNamePrefix}${DEFAULT_TABLE_BASE_NAME}` }));
      };
      const load = (repo: EventStoreRepo, batches: readonly CreatedEvent[][]): Promise<void> =>
        bulkLoad(kv, repo.options.tableName, repo.options.bucketShards, batches, { idGuards: false });
      return handle(open, load, drop);
    },
    stop: async () => {
      dynamo.destroy();
      s3.destroy();
    },
  };
}

async function handle(
  open: () => EventStoreRepo,
  load: (repo: EventStoreRepo, batches: readonly CreatedEvent[][]) => Promise<void>,
  drop: () => Promise<void>,
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
      await drop();
    },
  };
}
