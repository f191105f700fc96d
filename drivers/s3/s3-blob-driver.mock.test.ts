import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import { S3BlobDriver } from './index.js';
import { caught } from '../../test/helpers/caught.js';

const s3 = mockClient(S3Client);
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const client = new S3Client({ region: 'us-east-1', credentials });

function serviceError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

beforeEach(() => {
  s3.reset();
});
afterAll(() => {
  s3.restore();
  client.destroy();
});

describe('S3BlobDriver with a mocked client', () => {
  it('maps HeadBucket 403 to ACCESS_DENIED naming the bucket, and never calls CreateBucket', async () => {
    s3.on(HeadBucketCommand).rejects(serviceError('Forbidden', 403));
    const error = await caught(new S3BlobDriver(client, { bucket: 'someone-elses' }).ensureContainer());
    expect(error.code).toBe(ErrorCodes.ACCESS_DENIED);
    expect(error.details.bucket).toBe('someone-elses');
    expect(s3.commandCalls(CreateBucketCommand)).toHaveLength(0);
  });

  it('creates the bucket only on not-found, with a location constraint outside us-east-1', async () => {
    const regional = new S3Client({ region: 'eu-west-1', credentials });
    s3.on(HeadBucketCommand).rejects(serviceError('NotFound', 404));
    s3.on(CreateBucketCommand).resolves({});
    await new S3BlobDriver(regional, { bucket: 'mine' }).ensureContainer();
    expect(s3.commandCalls(CreateBucketCommand)[0]?.args[0].input).toEqual({
      Bucket: 'mine',
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    });
    regional.destroy();
  });

  it('accepts BucketAlreadyOwnedByYou from a concurrent creator', async () => {
    s3.on(HeadBucketCommand).rejects(serviceError('NotFound', 404));
    s3.on(CreateBucketCommand).rejects(serviceError('BucketAlreadyOwnedByYou', 409));
    await expect(new S3BlobDriver(client, { bucket: 'mine' }).ensureContainer()).resolves.toBeUndefined();
  });

  it('maps SlowDown/503 to THROTTLED and a connection reset to TRANSIENT, both retryable', async () => {
    s3.on(PutObjectCommand).rejects(serviceError('SlowDown', 503));
    const slow = await caught(new S3BlobDriver(client, { bucket: 'b' }).put('k', new Uint8Array([1])));
    expect(slow.code).toBe(ErrorCodes.THROTTLED);
    expect(slow.retryable).toBe(true);

    s3.on(GetObjectCommand).rejects(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    const reset = await caught(new S3BlobDriver(client, { bucket: 'b' }).get('k'));
    expect(reset.code).toBe(ErrorCodes.TRANSIENT);
    expect(reset.retryable).toBe(true);
  });

  it('maps NoSuchKey to undefined but NoSuchBucket to RESOURCE_NOT_FOUND', async () => {
    s3.on(GetObjectCommand).rejectsOnce(serviceError('NoSuchKey', 404)).rejectsOnce(serviceError('NoSuchBucket', 404));
    const driver = new S3BlobDriver(client, { bucket: 'b' });
    expect(await driver.get('k')).toBeUndefined();
    expect((await caught(driver.get('k'))).code).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
  });

  it('throws when DeleteObjects reports per-key errors, listing them', async () => {
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'p/a', Code: 'AccessDenied', Message: 'Access Denied' }] });
    const error = await caught(new S3BlobDriver(client, { bucket: 'b', keyPrefix: 'p/' }).delete(['a', 'b']));
    expect(error.code).toBe(ErrorCodes.ACCESS_DENIED);
    expect(error.details.failures).toEqual([{ key: 'p/a', code: 'AccessDenied', message: 'Access Denied' }]);
    expect(s3.commandCalls(DeleteObjectsCommand)[0]?.args[0].input.Delete?.Objects).toEqual([{ Key: 'p/a' }, { Key: 'p/b' }]);
  });

  it('refuses more than 1,000 delete keys with LIMIT_EXCEEDED before calling S3', async () => {
    const keys = Array.from({ length: 1001 }, (_, index) => `k${index}`);
    const error = await caught(new S3BlobDriver(client, { bucket: 'b' }).delete(keys));
    expect(error.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(s3.calls()).toHaveLength(0);
  });

  it('lists with the key prefix prepended and stripped, the continuation token as cursor, and caps the limit', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'p/x/1', LastModified: at, Size: 10 },
        { Key: 'p/x/2', LastModified: new Date(at.getTime() + 1), Size: 0 },
      ],
      IsTruncated: true,
      NextContinuationToken: 'next',
    });
    const page = await new S3BlobDriver(client, { bucket: 'b', keyPrefix: 'p/' }).list('x/', { cursor: 'prev', limit: 5000 });
    expect(page).toEqual({ keys: ['x/1', 'x/2'], lastModifiedMs: [at.getTime(), at.getTime() + 1], sizes: [10, 0], cursor: 'next' });
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toEqual({
      Bucket: 'b',
      Prefix: 'p/x/',
      MaxKeys: 1000,
      ContinuationToken: 'prev',
    });
  });

  it('sends the configured content type and ACL with a small put', async () => {
    s3.on(PutObjectCommand).resolves({});
    await new S3BlobDriver(client, { bucket: 'b', acl: 'private' }).put('k', new Uint8Array([1, 2]));
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ Bucket: 'b', Key: 'k', ContentType: 'application/json', ACL: 'private' });
  });

  it('refuses invalid options with INPUT/INVALID_OPTIONS', () => {
    expect(() => new S3BlobDriver(client, { bucket: '' })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS }));
    expect(() => new S3BlobDriver(client, { bucket: 'b', multipartThresholdBytes: 0 })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS }),
    );
  });
});
