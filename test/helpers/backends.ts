/**
 * The backends tests run on, built in ONE place: the in-memory twin, and DynamoDB Local + the S3 server through the
 * real drivers. A backend is the event-store contract suite's fixture (`EventStoreFixture`: the KV driver, the blob
 * driver, a teardown), plus, on the real servers, the AWS clients and the bucket (for the drop-in constructor and for
 * views of the bucket that bypass the store). The contract suites' factories (test/api/event-store-contract*.test.ts),
 * the safety scenarios (test/safety/backends.ts) and the end-to-end scenario (test/e2e/backends.ts) build on it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EventStoreFixture } from '../../contract-tests/event-store/fixture.js';
import { DynamoDbKvDriver } from '../../drivers/dynamodb/index.js';
import { MemoryBlobDriver, MemoryKvDriver, type MemoryKvDriverOptions } from '../../drivers/memory/index.js';
import { S3BlobDriver } from '../../drivers/s3/index.js';
import type { BlobDriver } from '../../src/ports/blob-driver.js';
import type { KvDriver } from '../../src/ports/kv-driver.js';
import { createDynamoClient, createS3Client, uniqueBucketName } from '../servers/index.js';

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

/**
 * DynamoDB Local + the S3 server (endpoints from the global setup): `DynamoDbKvDriver` (20 ms table polls) and
 * `S3BlobDriver` on a fresh bucket named after `label`, over clients of their own.
 */
export function realBackend(dynamoEndpoint: string, s3Endpoint: string, label: string): Backend {
  const dynamodbClient = createDynamoClient(dynamoEndpoint);
  const s3Client = createS3Client(s3Endpoint);
  const bucket = uniqueBucketName(label);
  return {
    name: 'DynamoDB Local + S3 server',
    kv: new DynamoDbKvDriver(dynamodbClient, { pollIntervalMs: 20 }),
    blobs: new S3BlobDriver(s3Client, { bucket }),
    aws: { dynamodbClient, s3Client, bucket },
    teardown: async () => {
      dynamodbClient.destroy();
      s3Client.destroy();
    },
  };
}
