/**
 * The backends tests run on, built in ONE place: the in-memory twin, and DynamoDB Local + the S3 server through the
 * real drivers. A backend is the event-store contract suite's fixture (`EventStoreFixture`: the KV driver, the blob
 * driver, a teardown), plus, on the real servers, the AWS clients and the bucket (for the drop-in constructor and for
 * views of the bucket that bypass the store). The contract suites' factories (test/api/event-store-contract*.test.ts),
 * the safety scenarios (test/safety/backends.ts), the end-to-end scenario (test/e2e/backends.ts) and the bench
 * (bench/backends.ts: a backend per store, over clients it shares; the servers from `startLocalServers`) build on it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EventStoreFixture } from '../../contract-tests/event-store/fixture.js';
import { DynamoDbKvDriver } from '../../drivers/dynamodb/index.js';
import { MemoryBlobDriver, MemoryKvDriver, type MemoryKvDriverOptions } from '../../drivers/memory/index.js';
import { S3BlobDriver } from '../../drivers/s3/index.js';
import type { BlobDriver } from '../../src/ports/blob-driver.js';
import type { KvDriver } from '../../src/ports/kv-driver.js';
import { createDynamoClient, createS3Client, startDynamoDbLocal, uniqueBucketName } from '../servers/index.js';
import { startS3Process } from '../servers/s3-process.js';

/** One backend: a driver pair (an event-store contract fixture) with a name, and the AWS side of a real one. */
export interface Backend extends EventStoreFixture {
  readonly name: string;
  readonly kv: KvDriver;
  readonly blobs: BlobDriver;
  /** On the real servers: the clients the drivers use and the backend's bucket (fresh per backend). */
  readonly aws?: { readonly dynamodbClient: DynamoDBClient; readonly s3Client: S3Client; readonly bucket: string };
  /** Release what the backend holds (the clients); the drivers are unusable afterwards. */
  readonly teardown: () => Promise<void>;
}

/** The in-memory twin: a fresh `MemoryKvDriver` (with `kv` options: faults, index lag) and `MemoryBlobDriver`. */
export function memoryBackend(kv: MemoryKvDriverOptions = {}): Backend {
  return { name: 'in-memory twin', kv: new MemoryKvDriver(kv), blobs: new MemoryBlobDriver(), teardown: async () => undefined };
}

/** The AWS clients of a real backend. */
export interface AwsClients {
  readonly dynamodbClient: DynamoDBClient;
  readonly s3Client: S3Client;
}

/**
 * DynamoDB Local + the S3 server (endpoints from the global setup): `DynamoDbKvDriver` (20 ms table polls) and
 * `S3BlobDriver` on a fresh bucket named after `label`, over clients of their own, or over `shared` clients (which
 * the caller keeps and destroys: the teardown then leaves them alone).
 */
export function realBackend(dynamoEndpoint: string, s3Endpoint: string, label: string, shared?: AwsClients): Backend {
  const dynamodbClient = shared?.dynamodbClient ?? createDynamoClient(dynamoEndpoint);
  const s3Client = shared?.s3Client ?? createS3Client(s3Endpoint);
  const bucket = uniqueBucketName(label);
  return {
    name: 'DynamoDB Local + S3 server',
    kv: new DynamoDbKvDriver(dynamodbClient, { pollIntervalMs: 20 }),
    blobs: new S3BlobDriver(s3Client, { bucket }),
    aws: { dynamodbClient, s3Client, bucket },
    teardown: async () => {
      if (shared) return;
      dynamodbClient.destroy();
      s3Client.destroy();
    },
  };
}

/** DynamoDB Local and the S3 server, started outside vitest's global setup. */
export interface LocalServers {
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  /** Stop both. */
  stop(): Promise<void>;
}

/**
 * Start DynamoDB Local and the S3 server for a process that runs without vitest (the bench), in parallel. The S3
 * server runs in a child process (`servers/s3-process.ts`), so the objects it keeps are not in this process's heap
 * (the bench measures that heap). Rejects when either cannot start (stopping the other).
 */
export async function startLocalServers(): Promise<LocalServers> {
  const [dynamo, s3] = await Promise.allSettled([startDynamoDbLocal(), startS3Process()]);
  const stop = async (): Promise<void> => {
    await Promise.all([dynamo, s3].map((server) => (server.status === 'fulfilled' ? server.value.stop() : undefined)));
  };
  if (dynamo.status === 'rejected' || s3.status === 'rejected') {
    await stop();
    throw dynamo.status === 'rejected' ? dynamo.reason : (s3 as PromiseRejectedResult).reason;
  }
  return { dynamoEndpoint: dynamo.value.endpoint, s3Endpoint: s3.value.endpoint, stop };
}
