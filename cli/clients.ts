/** The AWS clients and the store target the common flags make (the CLI loads this, and the SDK, only to run a command). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { StoreTarget } from '../ops/store.js';
import { DEFAULT_CHANGE_FEED_SHARDS } from '../src/inspection.js';
import { resolveTableName } from '../ops/table-name.js';
import type { CommonFlags } from './context.js';
import { boundRequests, DEFAULT_TIMEOUT_MS, StallRecord, type Endpoint } from './request-timeout.js';

/** The CLI's clients, each request bounded by `--timeout`, and where they connect. */
export interface CliClients {
  readonly dynamodbClient: DynamoDBClient;
  readonly s3Client: S3Client;
  /** Where each client connects, for messages (an AWS endpoint names its region once {@link resolveRegion} ran). */
  readonly endpoints: { readonly dynamodb: Endpoint; readonly s3: Endpoint };
  /** Which endpoint left a request unanswered, if one did, and which endpoint each failed request went to. */
  readonly stalls: StallRecord;
  /** The `--profile` given, for messages. */
  readonly profile: string | undefined;
  /**
   * Resolve the region of an AWS endpoint (from `--region`, the environment or the profile; no request is sent) and
   * name it in {@link endpoints}. Throws the SDK's `Region is missing` when there is none (the CLI reports `OPS/REGION`).
   */
  resolveRegion(): Promise<void>;
}

/** An environment variable, unset when empty. */
const env = (name: string) => (process.env[name] === '' ? undefined : process.env[name]);

/**
 * The clients for the flags. `--s3-endpoint` defaults to `--endpoint`; a custom S3 endpoint uses path-style URLs.
 * With `--endpoint` and no region from `--region`, `--profile` or the environment, the region is `us-east-1`.
 * Every request is abandoned after `timeoutMs` without an answer (see request-timeout.ts).
 */
export function clientsFor(flags: CommonFlags, timeoutMs: number = DEFAULT_TIMEOUT_MS): CliClients {
  // A local endpoint (DynamoDB Local, an S3 server) accepts any region: without one configured anywhere, use us-east-1.
  const region =
    flags.region ?? (flags.endpoint && !flags.profile && !env('AWS_REGION') && !env('AWS_DEFAULT_REGION') ? 'us-east-1' : undefined);
  const shared = { ...(region ? { region } : {}), ...(flags.profile ? { profile: flags.profile } : {}) };
  const s3Endpoint = flags.s3Endpoint ?? flags.endpoint;
  const dynamodbClient = new DynamoDBClient({ ...shared, ...(flags.endpoint ? { endpoint: flags.endpoint } : {}) });
  const s3Client = new S3Client({ ...shared, ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}) });
  const profile = flags.profile ? `, profile ${flags.profile}` : '';
  const aws = (name: string) => `AWS (region ${name}${profile})`;
  // Mutable here only: `resolveRegion` names the region once known; the bounded clients share these objects.
  const endpoints = {
    dynamodb: { service: 'DynamoDB', where: flags.endpoint ?? aws(region ?? '?') },
    s3: { service: 'S3', where: s3Endpoint ?? aws(region ?? '?') },
  };
  const stalls = new StallRecord();
  return {
    dynamodbClient: boundRequests(dynamodbClient, timeoutMs, endpoints.dynamodb, stalls),
    s3Client: boundRequests(s3Client, timeoutMs, endpoints.s3, stalls),
    endpoints,
    stalls,
    profile: flags.profile,
    async resolveRegion() {
      if (flags.endpoint && s3Endpoint) return; // both local: the region is only a signing detail
      const resolved = await dynamodbClient.config.region();
      if (!flags.endpoint) endpoints.dynamodb.where = aws(resolved);
      if (!s3Endpoint) endpoints.s3.where = aws(resolved);
    },
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
    ...(flags.changeFeed ? { changeFeed: { shards: flags.changeFeed === true ? DEFAULT_CHANGE_FEED_SHARDS : flags.changeFeed } } : {}),
  };
}
