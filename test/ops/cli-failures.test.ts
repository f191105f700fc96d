/**
 * The CLI's explanations of failures the local servers cannot produce (AWS refusing credentials or a permission,
 * an unknown host on AWS, an option error of the store the flags configure): each with our code and the flag.
 * The failures the servers can produce are tested through the packed bin in test/ops/cli.real.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { explainFailure, type FailureContext } from '../../cli/failures.js';
import { StallRecord } from '../../cli/request-timeout.js';
import { ErrorCodes, EventStoreAdapterError } from '../../src/index.js';
import { OpsErrorCodes } from '../../ops/errors.js';

const aws = {
  dynamodb: { service: 'DynamoDB', where: 'AWS (region eu-west-1, profile prod)' },
  s3: { service: 'S3', where: 'AWS (region eu-west-1, profile prod)' },
};
const context = (extra: Partial<FailureContext> = {}): FailureContext => ({
  command: 'stats',
  flags: { tablePrefix: 'prod-', profile: 'prod', region: 'eu-west-1', bucket: 'my-archive' },
  endpoints: aws,
  stalls: new StallRecord(),
  tableName: 'prod-schemeless-event-store',
  ...extra,
});
/** An AWS SDK service error as the SDK throws it. */
const sdkError = (name: string, message: string, status: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('CLI failure messages', () => {
  it('credentials AWS refuses, through the store (a driver error wrapping the SDK error): OPS/CREDENTIALS naming the profile', () => {
    const cause = sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
    const wrapped = new EventStoreAdapterError(ErrorCodes.BACKEND, 'DynamoDB DescribeTable failed', {
      cause,
      details: { driver: 'dynamodb', awsErrorName: 'UnrecognizedClientException' },
    });
    expect(explainFailure(wrapped, context())).toEqual({
      code: OpsErrorCodes.CREDENTIALS,
      message:
        'DynamoDB at AWS (region eu-west-1, profile prod) rejected the credentials (--profile prod) (UnrecognizedClientException): check the keys, renew a session token, or give another --profile',
      usage: false,
      details: { errorName: 'UnrecognizedClientException', profile: 'prod' },
    });
  });

  it('a permission AWS refuses: ACCESS_DENIED naming the endpoint, the profile and the iam command that prints the policy', () => {
    const stalls = new StallRecord();
    const error = sdkError('AccessDenied', 'Access Denied', 403);
    stalls.recordFailure(error, aws.s3);
    const failure = explainFailure(error, context({ stalls }));
    expect(failure.code).toBe(ErrorCodes.ACCESS_DENIED);
    expect(failure.message).toBe(
      'S3 at AWS (region eu-west-1, profile prod) denied the credentials of profile prod a request (Access Denied): grant the policy that event-store-dynamodb iam --operations --table-prefix prod- --bucket my-archive prints',
    );
  });

  it('an unknown host on AWS: OPS/CONNECTION naming the region to check', () => {
    const error = Object.assign(new Error('getaddrinfo ENOTFOUND dynamodb.eu-west-1.amazonaws.com'), {
      code: 'ENOTFOUND',
      hostname: 'dynamodb.eu-west-1.amazonaws.com',
    });
    const failure = explainFailure(new EventStoreAdapterError(ErrorCodes.RETRIES_EXHAUSTED, 'retries', { cause: error }), context());
    expect(failure).toMatchObject({ code: OpsErrorCodes.CONNECTION, usage: false });
    expect(failure.message).toBe(
      'cannot connect to DynamoDB at AWS (region eu-west-1, profile prod): host not found (ENOTFOUND dynamodb.eu-west-1.amazonaws.com): check the network, --region and any proxy settings',
    );
  });

  it("the store's option errors in flag terms (every issue), and a blob location other than the table's naming --bucket and --s3-key-prefix", () => {
    const options = new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, 'Invalid options', {
      details: {
        issues: [
          { path: 's3BucketName', message: 'must be a bucket name (3+ characters)' },
          { path: 'changeFeed.shards', message: 'must be an integer from 1 to 63, got 99' },
        ],
      },
    });
    expect(explainFailure(options, context())).toMatchObject({
      code: OpsErrorCodes.USAGE,
      usage: true,
      message: '--bucket: must be a bucket name (3+ characters); --change-feed: must be an integer from 1 to 63, got 99',
    });
    const location = new EventStoreAdapterError(ErrorCodes.LAYOUT_MISMATCH, 'x', {
      details: { table: 't', field: 'blobLocation', stored: 's3://old/events/', configured: 's3://new/events/' },
    });
    expect(explainFailure(location, context()).message).toBe(
      'table t keeps its offloaded payloads at s3://old/events/, not s3://new/events/: give that bucket and key prefix with --bucket and --s3-key-prefix',
    );
  });

  it('anything else keeps a code of ours: an AWS answer is DRIVER/BACKEND naming the endpoint, the rest OPS/FAILED', () => {
    expect(explainFailure(sdkError('InternalFailure', 'boom', 500), context())).toMatchObject({
      code: ErrorCodes.BACKEND,
      message: 'DynamoDB at AWS (region eu-west-1, profile prod) answered InternalFailure: boom',
    });
    expect(explainFailure(new TypeError('x is not a function'), context())).toMatchObject({
      code: OpsErrorCodes.FAILED,
      message: 'TypeError: x is not a function',
    });
  });
});
