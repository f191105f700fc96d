/**
 * The constructor's errors as a newcomer meets them: every problem listed at once (a typo'd option no longer hides
 * behind another problem), unknown options named with the closest known name, a client or an options object in
 * the wrong argument, and `changeFeed` values explained. Each is `INPUT/INVALID_OPTIONS` with `details.issues`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryKvDriver } from '../../drivers/memory/index.js';
import { closestName } from '../../src/options/did-you-mean.js';
import { ErrorCodes, EventStoreRepo } from '../../src/index.js';

const dynamodb = new DynamoDBClient({ region: 'us-east-1' });
const s3 = new S3Client({ region: 'us-east-1' });
afterAll(() => {
  dynamodb.destroy();
  s3.destroy();
});

interface OptionsError {
  code: string;
  message: string;
  details: { issues: { path: string; message: string }[] };
}

/** The error `construct` throws (fails the test when it throws none). */
function refusal(construct: () => unknown): OptionsError {
  try {
    construct();
  } catch (error) {
    return error as OptionsError;
  }
  throw new Error('the constructor accepted it');
}

const paths = (error: OptionsError) => error.details.issues.map((issue) => issue.path);

describe('constructor errors', () => {
  it('lists every problem at once: a typo with a suggestion, a bad value and a bad changeFeed, in one error', () => {
    const error = refusal(() => new EventStoreRepo({ kv: new MemoryKvDriver(), tableNmae: 'x', bucketShards: 0, changeFeed: 4 } as never));
    expect(error.code).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(paths(error).sort()).toEqual(['bucketShards', 'changeFeed', 'tableNmae']);
    expect(error.message).toContain('tableNmae: unknown option (did you mean tableName?)');
    expect(error.message).toContain('bucketShards: Too small');
    expect(error.message).toContain('got 0');
  });

  it('changeFeed: 4 says what is expected, and how to ask for 4 shards', () => {
    const error = refusal(() => new EventStoreRepo({ changeFeed: 4 } as never));
    expect(error.code).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(error.message).toContain(
      'changeFeed: expected true, false or { shards: 1..63 } (true: 4 shards), got 4 (for 4 shards: { shards: 4 })',
    );
    const shards = refusal(() => new EventStoreRepo({ changeFeed: { shards: 99 } }));
    expect(shards.message).toContain('changeFeed.shards: must be an integer from 1 to 63, got 99');
    const typo = refusal(() => new EventStoreRepo({ changeFeed: { shard: 2 } } as never));
    expect(typo.message).toContain('changeFeed.shard: unknown option (did you mean shards?)');
  });

  it('drop-in: a typo is reported with the missing bucket, not after it', () => {
    const error = refusal(() => new EventStoreRepo(dynamodb, s3, { s3BuckName: 'my-archive', tablNamePrefix: 'p-' } as never));
    expect(error.code).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(paths(error).sort()).toEqual(['s3BuckName', 's3BucketName', 'tablNamePrefix']);
    expect(error.message).toContain('s3BuckName: unknown option (did you mean s3BucketName?)');
    expect(error.message).toContain('tablNamePrefix: unknown option (did you mean tableNamePrefix?)');
  });

  it('drop-in: options given where the S3 client goes are named as such (and checked as options too)', () => {
    const error = refusal(() => new EventStoreRepo(dynamodb, { s3BucketName: 'my-archive', tableNmePrefix: 'p-' } as never));
    expect(error.code).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(paths(error)).toEqual(['s3Client (2nd argument)', 'tableNmePrefix']);
    expect(error.message).toContain(
      's3Client (2nd argument): expected an S3 client or undefined, got an options object: the options go third, new EventStoreRepo(dynamodbClient, s3Client, options)',
    );
    expect(error.message).not.toContain('s3BucketName: is required');
  });

  it('drop-in: an S3 client where the DynamoDB client goes, a DynamoDB client where the S3 client goes, a client as options', () => {
    const swapped = refusal(() => new EventStoreRepo(s3 as never, dynamodb as never, { s3BucketName: 'my-archive' }));
    expect(swapped.code).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(swapped.message).toContain('dynamodbClient (1st argument): expected a DynamoDB client, got an S3 client');
    expect(swapped.message).toContain('s3Client (2nd argument): expected an S3 client or undefined, got a DynamoDB client');
    const third = refusal(() => new EventStoreRepo(dynamodb, undefined, s3 as never));
    expect(third.message).toContain('options (3rd argument): expected an options object, got an S3 client');
  });

  it('an options object first and a client second; a DynamoDB client as the kv driver; drivers in the drop-in options', () => {
    const first = refusal(() => new EventStoreRepo({ tableNamePrefix: 'p-' } as never, s3));
    expect(first.code).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(first.message).toContain('dynamodbClient (1st argument): expected a DynamoDB client, got an object');
    const kv = refusal(() => new EventStoreRepo({ kv: dynamodb as never }));
    expect(kv.message).toContain(
      'kv: must be a KvDriver (capabilities + transactWrite…), got a DynamoDB client: AWS clients are passed as new EventStoreRepo(dynamodbClient, s3Client, options)',
    );
    const drivers = refusal(() => new EventStoreRepo(dynamodb, undefined, { kv: new MemoryKvDriver() } as never));
    expect(drivers.message).toContain('kv: not an option of new EventStoreRepo(dynamodbClient, s3Client, options)');
  });

  it('the core options checked by the drop-in form in the same error as its own (retry typo, capacity pair, replayOrder)', () => {
    const error = refusal(
      () =>
        new EventStoreRepo(dynamodb, undefined, {
          eventStoreTableReadCapacityUnits: 5,
          retry: { maxAtempts: 3 },
          replayOrder: 'log',
        } as never),
    );
    expect(paths(error).sort()).toEqual(['eventStoreTableWriteCapacityUnits', 'replayOrder', 'retry.maxAtempts']);
    expect(error.message).toContain('retry.maxAtempts: unknown option (did you mean maxAttempts?)');
  });

  it('suggestions: close spellings and contained names only', () => {
    expect(closestName('tableNmae', ['tableName', 'tableNamePrefix'])).toBe('tableName');
    expect(closestName('bucket', ['s3BucketName', 'tableName'])).toBe('s3BucketName');
    expect(closestName('TABLENAME', ['tableName'])).toBe('tableName');
    expect(closestName('colour', ['tableName', 's3BucketName'])).toBeUndefined();
  });
});
