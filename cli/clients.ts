/** The AWS clients and the store target the common flags make (the CLI loads this, and the SDK, only to run a command). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { StoreTarget } from '../ops/store.js';
import { resolveTableName } from '../ops/table-name.js';
import type { CommonFlags } from './context.js';

/**
 * The clients for the flags. `--s3-endpoint` defaults to `--endpoint`; a custom S3 endpoint uses path-style URLs.
 * With `--endpoint` and no region from `--region`, `--profile` or the environment, the region is `us-east-1`.
 */
export function clientsFor(flags: CommonFlags): { dynamodbClient: DynamoDBClient; s3Client: S3Client } {
  // A local endpoint (DynamoDB Local, an S3 server) accepts any region: without one configured anywhere, use us-east-1.
  const region = flags.region ?? (flags.endpoint && !flags.profile && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION ? 'us-east-1' : undefined);
  const shared = { ...(region ? { region } : {}), ...(flags.profile ? { profile: flags.profile } : {}) };
  const s3Endpoint = flags.s3Endpoint ?? flags.endpoint;
  return {
    dynamodbClient: new DynamoDBClient({ ...shared, ...(flags.endpoint ? { endpoint: flags.endpoint } : {}) }),
    s3Client: new S3Client({ ...shared, ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}) }),
  };
}

/** The store the flags name. */
export function targetFor(flags: CommonFlags, clients: { dynamodbClient: DynamoDBClient; s3Client: S3Client }): StoreTarget {
  return {
    dynamodbClient: clients.dynamodbClient,
    tableName: resolveTableName({ ...(flags.table ? { table: flags.table } : {}), ...(flags.tablePrefix ? { tablePrefix: flags.tablePrefix } : {}) }),
    ...(flags.bucket ? { s3Client: clients.s3Client, bucket: flags.bucket } : {}),
    s3KeyPrefix: flags.s3KeyPrefix ?? 'events/',
    ...(flags.changeFeed ? { changeFeed: { shards: flags.changeFeed } } : {}),
  };
}
