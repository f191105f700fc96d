/**
 * The two backends the framework scenario runs on: the in-memory twin (`new EventStoreRepo()`) and DynamoDB Local +
 * the S3 server through the drop-in constructor over the shared real backend's clients and bucket
 * (test/helpers/backends.ts; a fresh table prefix and bucket per backend).
 */
import { EventStoreRepo } from '../../src/index.js';
import { realBackend as sharedRealBackend } from '../helpers/backends.js';
import { uniqueTableName } from '../servers/index.js';

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

/**
 * DynamoDB Local + the S3 server via `new EventStoreRepo(dynamodbClient, s3Client, { tableNamePrefix, s3BucketName })`.
 * Objects are listed by the shared backend's own S3 driver (the whole bucket, no key prefix), not the repo's.
 */
export function realBackend(dynamoEndpoint: string, s3Endpoint: string): E2eBackend {
  const shared = sharedRealBackend(dynamoEndpoint, s3Endpoint, 'e2e-bank');
  const { dynamodbClient, s3Client, bucket } = shared.aws!;
  const options = { tableNamePrefix: `${uniqueTableName('e2e-bank')}-`, s3BucketName: bucket };
  const repo = new EventStoreRepo(dynamodbClient, s3Client, options);
  return {
    repo,
    reopen: () => new EventStoreRepo(dynamodbClient, s3Client, options),
    async offloadedObjects() {
      const objects: OffloadedObject[] = [];
      let cursor: string | undefined;
      do {
        const page = await shared.blobs.list('', cursor === undefined ? {} : { cursor });
        page.keys.forEach((key, index) => objects.push({ key, bytes: page.sizes?.[index] ?? 0 }));
        cursor = page.cursor;
      } while (cursor !== undefined);
      return objects;
    },
    dispose() {
      void shared.teardown();
    },
  };
}
