/** The AWS clients and the store target the common flags make (the CLI loads this, and the SDK, only to run a command). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { StoreTarget } from '../ops/store.js';
import { resolveTableName } from '../ops/table-name.js';
import type { CommonFlags } from './context.js';
import { boundRequests, DEFAULT_TIMEOUT_MS, StallRecord, type Endpoint } from './request-timeout.js';

/** The CLI's clients, each request bounded by `--timeout`, and where they connect. */
export interface CliClients {
  readonly dynamodbClient: DynamoDBClient;
  readonly s3Client: S3Client;
  /** Where each client connects, for messages. */
  readonly endpoints: { readonly dynamodb: Endpoint; readonly s3: Endpoint };
  /** Which endpoint left a request unanswered, if one did. */
  readonly stalls: StallRecord;
}

/**
 * The clients for the flags. `--s3-endpoint` defaults to `--endpoint`; a custom S3 endpoint uses path-style URLs.
 * With `--endpoint` and no region from `--region`, `--profile` or the environment, the region is `us-east-1`.
 * Every request is abandoned after `timeoutMs` without an answer (see request-timeout.ts).
 */
export function clientsFor(flags: CommonFlags, timeoutMs: number = DEFAULT_TIMEOUT_MS): CliClients {
  // A local endpoint (DynamoDB Local, an S3 server) accepts any region: without one configured anywhere, use us-east-1.
  const region =
    flags.region ??
    (flags.endpoint && !flags.profile && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION ? 'us-east-1' : undefined);
  const shared = { ...(region ? { region } : {}), ...(flags.profile ? { profile: flags.profile } : {}) };
  const s3Endpoint = flags.s3Endpoint ?? flags.endpoint;
  const dynamodbClient = new DynamoDBClient({ ...shared, ...(flags.endpoint ? { endpoint: flags.endpoint } : {}) });
  const s3Client = new S3Client({ ...shared, ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}) });
  const aws = `AWS (region ${region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "of the SDK's configuration"})`;
  const endpoints = { dynamodb: { service: 'DynamoDB', where: flags.endpoint ?? aws }, s3: { service: 'S3', where: s3Endpoint ?? aws } };
  const stalls = new StallRecord();
  return {
    dynamodbClient: boundRequests(dynamodbClient, timeoutMs, endpoints.dynamodb, stalls),
    s3Client: boundRequests(s3Client, timeoutMs, endpoints.s3, stalls),
    endpoints,
    stalls,
  };
}

/** The store the flags name. */
export function targetFor(
  flags: CommonFlags,
  clients: { dynamodbClient: DynamoDBClient; s3Client: S3Client },
  timeoutMs: number = DEFAULT_TIMEOUT_MS,
): StoreTarget {
  return {
    dynamodbClient: clients.dynamodbClient,
    deadlineMs: timeoutMs,
    tableName: resolveTableName({
      ...(flags.table ? { table: flags.table } : {}),
      ...(flags.tablePrefix ? { tablePrefix: flags.tablePrefix } : {}),
    }),
    ...(flags.bucket ? { s3Client: clients.s3Client, bucket: flags.bucket } : {}),
    s3KeyPrefix: flags.s3KeyPrefix ?? 'events/',
    ...(flags.changeFeed ? { changeFeed: { shards: flags.changeFeed } } : {}),
  };
}
