/**
 * The two backends the framework scenario runs on: the in-memory twin (`new EventStoreRepo()`) and DynamoDB Local +
 * the S3 server through the drop-in constructor (a fresh table prefix and bucket per backend).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { EventStoreRepo } from '../../src/index.js';
import { createDynamoClient, createS3Client, uniqueBucketName, uniqueTableName } from '../servers/index.js';

/** An offloaded object: its key and size in bytes. */
export interface OffloadedObject {
  key: string;
  bytes: number;
}

/** A repo plus an independent view of its blob storage. */
export interface E2eBackend {
  readonly repo: EventStoreRepo;
  /** Every object in the blob storage, read without going through the repo's read path. */
  offloadedObjects(): Promise<OffloadedObject[]>;
  /** For a durable backend: a NEW repo over the same table and bucket (as another process would open it). */
  reopen?(): EventStoreRepo;
  /** Release clients (not the repo: the scenario closes it through the framework). */
  dispose(): void;
}

/** The in-memory twin, built exactly as users get it: `new EventStoreRepo()`. Blobs are listed through its blob driver. */
export function memoryBackend(): E2eBackend {
  const repo = new EventStoreRepo();
  return {
    repo,
    async offloadedObjects() {
      const blobs = repo.options.blobs;
      if (!blobs) return [];
      const objects: OffloadedObject[] = [];
      let cursor: string | undefined;
      do {
        const page = await blobs.list(repo.options.blobKeyPrefix, cursor === undefined ? {} : { cursor });
        for (const key of page.keys) objects.push({ key, bytes: (await blobs.get(key))?.byteLength ?? 0 });
        cursor = page.cursor;
      } while (cursor !== undefined);
      return objects;
    },
    dispose() {},
  };
}

/** DynamoDB Local + the S3 server via `new EventStoreRepo(dynamodbClient, s3Client, { tableNamePrefix, s3BucketName })`. Objects are listed with the S3 API. */
export function realBackend(dynamoEndpoint: string, s3Endpoint: string): E2eBackend {
  const dynamoClient: DynamoDBClient = createDynamoClient(dynamoEndpoint);
  const s3Client: S3Client = createS3Client(s3Endpoint);
  const s3BucketName = uniqueBucketName('e2e-bank');
  const options = { tableNamePrefix: `${uniqueTableName('e2e-bank')}-`, s3BucketName };
  const repo = new EventStoreRepo(dynamoClient, s3Client, options);
  return {
    repo,
    reopen: () => new EventStoreRepo(dynamoClient, s3Client, options),
    async offloadedObjects() {
      const objects: OffloadedObject[] = [];
      let token: string | undefined;
      do {
        const page = await s3Client.send(new ListObjectsV2Command({ Bucket: s3BucketName, ContinuationToken: token }));
        for (const object of page.Contents ?? []) objects.push({ key: object.Key ?? '', bytes: object.Size ?? 0 });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return objects;
    },
    dispose() {
      dynamoClient.destroy();
      s3Client.destroy();
    },
  };
}
