/**
 * The two backends every workload runs on, behind one small interface: the in-memory twin, and DynamoDB Local +
 * the S3 server through the drop-in constructor `new EventStoreRepo(dynamodbClient, s3Client, options)`.
 */
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';
import { DynamoDbKvDriver } from '../drivers/dynamodb/index.js';
import { EventStoreRepo, type CreatedEvent } from '../src/index.js';
import { DEFAULT_TABLE_BASE_NAME } from '../src/options.js';
import { createDynamoClient, createS3Client } from '../test/servers/clients.js';
import { startDynamoDbLocal } from '../test/servers/dynamodb-local.js';
import { uniqueBucketName, uniqueTableName } from '../test/servers/unique-name.js';
import { bulkLoad } from './bulk-load.js';
import type { BackendName } from './config.js';
import { startS3Process } from './servers/s3-process.js';
import { seed } from './workloads/seeding.js';

/** Store options a workload may choose. */
export interface StoreSettings {
  /** Write shards per time bucket (default 1). */
  readonly bucketShards?: number;
  /** Short label used in table and bucket names. */
  readonly label: string;
}

/** A fresh, initialised store (new table, new bucket) for one run or one seeded data set. */
export interface StoreHandle {
  /** The repo that created the store. */
  readonly repo: EventStoreRepo;
  /** Another initialised repo on the same table and blobs, with empty caches and zeroed stats (as a new process). */
  reopen(): Promise<EventStoreRepo>;
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
export interface Backend {
  readonly name: BackendName;
  /** A human description for the report. */
  readonly description: string;
  /** The raw DynamoDB client, for the server-floor probe (absent on the twin). */
  readonly dynamo?: DynamoDBClient;
  /** A fresh store. */
  createStore(settings: StoreSettings): Promise<StoreHandle>;
  /** Stop servers and release clients. */
  stop(): Promise<void>;
}

/** Start a backend: nothing for the twin; DynamoDB Local (JVM) and the S3 server (child process) otherwise. */
export async function startBackend(name: BackendName): Promise<Backend> {
  return name === 'twin' ? twinBackend() : await localAwsBackend();
}

function twinBackend(): Backend {
  return {
    name: 'twin',
    description: 'in-memory twin (MemoryKvDriver + MemoryBlobDriver), capacity metered by AWS rules',
    createStore: async ({ bucketShards }) => {
      const kv = new MemoryKvDriver();
      const blobs = new MemoryBlobDriver();
      return handle(
        () => new EventStoreRepo({ kv, blobs, bucketShards: bucketShards ?? 1 }),
        (repo, batches) => seed(repo, batches),
        async () => undefined,
      );
    },
    stop: async () => undefined,
  };
}

async function localAwsBackend(): Promise<Backend> {
  const [dynamoServer, s3Server] = await Promise.all([startDynamoDbLocal(), startS3Process()]);
  const dynamo: DynamoDBClient = createDynamoClient(dynamoServer.endpoint);
  const s3: S3Client = createS3Client(s3Server.endpoint);
  const kv = new DynamoDbKvDriver(dynamo, { createTable: false });
  return {
    name: 'dynamodb-local',
    dynamo,
    description: 'DynamoDB Local (JVM, in memory) + fauxqs S3 (child process), drop-in constructor; capacity as DynamoDB Local reports it',
    createStore: async ({ bucketShards, label }) => {
      const tableNamePrefix = `${uniqueTableName(`bench-${label}`)}-`;
      const s3BucketName = uniqueBucketName(`bench-${label}`);
      const open = (): EventStoreRepo => new EventStoreRepo(dynamo, s3, { tableNamePrefix, s3BucketName, bucketShards: bucketShards ?? 1 });
      const drop = async (): Promise<void> => {
        await dynamo.send(new DeleteTableCommand({ TableName: `${tableNamePrefix}${DEFAULT_TABLE_BASE_NAME}` }));
      };
      const load = (repo: EventStoreRepo, batches: readonly CreatedEvent[][]): Promise<void> => bulkLoad(kv, repo.options.tableName, repo.options.bucketShards, batches, { idGuards: false });
      return handle(open, load, drop);
    },
    stop: async () => {
      dynamo.destroy();
      s3.destroy();
      await Promise.all([dynamoServer.stop(), s3Server.stop()]);
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
