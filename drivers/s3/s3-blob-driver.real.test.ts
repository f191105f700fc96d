import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import { createS3Client } from '../../test/servers/clients.js';
import { realS3 } from '../../test/servers/real-servers.js';
import { uniqueBucketName } from '../../test/servers/unique-name.js';
import { S3BlobDriver } from './index.js';
import { caught } from '../../test/helpers/caught.js';

const server = realS3('S3BlobDriver against fauxqs');

/** Record the name of every command the client sends (to see a multipart upload happen). */
function recordCommands(client: S3Client): string[] {
  const names: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      names.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandNames' },
  );
  return names;
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

describe.skipIf(server.skip)('S3BlobDriver against fauxqs', () => {
  const client = server.skip ? undefined! : createS3Client(server.endpoint);
  let driver: S3BlobDriver;

  beforeAll(async () => {
    driver = new S3BlobDriver(client, { bucket: uniqueBucketName('blobs'), keyPrefix: 'store/' });
    await driver.ensureContainer();
  });
  afterAll(() => client.destroy());

  it('creates a missing bucket, and ensureContainer is idempotent and safe concurrently', async () => {
    const bucket = uniqueBucketName('ensure');
    const drivers = [0, 1, 2].map(() => new S3BlobDriver(client, { bucket }));
    const results = await Promise.allSettled(drivers.map((each) => each.ensureContainer()));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    await expect(client.send(new HeadBucketCommand({ Bucket: bucket }))).resolves.toBeDefined();
    await expect(drivers[0]!.ensureContainer()).resolves.toBeUndefined();
  });

  it('with createBucket off, refuses a missing bucket with RESOURCE_NOT_FOUND', async () => {
    const error = await caught(new S3BlobDriver(client, { bucket: uniqueBucketName('absent'), createBucket: false }).ensureContainer());
    expect(error.code).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
  });

  it('puts and gets bytes, replaces on put, and copies in and out', async () => {
    const body = new Uint8Array([0, 1, 2, 255, 10, 13]);
    await driver.put('a/one', body);
    body[0] = 99; // mutating the caller's array after put must not change what is stored
    const first = await driver.get('a/one');
    expect(first).toEqual(new Uint8Array([0, 1, 2, 255, 10, 13]));
    first![1] = 42;
    expect(await driver.get('a/one')).toEqual(new Uint8Array([0, 1, 2, 255, 10, 13]));
    await driver.put('a/one', bytes('{"v":2}'), { contentType: 'application/octet-stream' });
    expect(new TextDecoder().decode(await driver.get('a/one'))).toBe('{"v":2}');
    await driver.put('a/empty', new Uint8Array(0));
    expect(await driver.get('a/empty')).toEqual(new Uint8Array(0));
  });

  it('returns undefined for a missing key, and RESOURCE_NOT_FOUND for a missing bucket', async () => {
    expect(await driver.get('never/written')).toBeUndefined();
    const error = await caught(new S3BlobDriver(client, { bucket: uniqueBucketName('nobucket') }).get('x'));
    expect(error.code).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
  });

  it('deletes keys, missing ones included', async () => {
    await driver.put('d/1', bytes('1'));
    await driver.put('d/2', bytes('2'));
    await driver.delete(['d/1', 'd/2', 'd/missing']);
    expect(await driver.get('d/1')).toBeUndefined();
    expect(await driver.get('d/2')).toBeUndefined();
    expect((await driver.list('d/')).keys).toEqual([]);
  });

  it('lists a prefix in pages with a cursor, keys in ascending order without the key prefix', async () => {
    const keys = Array.from({ length: 7 }, (_, index) => `l/${String(index).padStart(2, '0')}`);
    await Promise.all([...keys].reverse().map((key) => driver.put(key, bytes(key))));
    await driver.put('lz/outside', bytes('x'));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await driver.list('l/', { limit: 3, ...(cursor === undefined ? {} : { cursor }) });
      expect(page.keys.length).toBeLessThanOrEqual(3);
      seen.push(...page.keys);
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== undefined);
    expect(seen).toEqual(keys);
    expect(pages).toBe(3);
  });

  it('lists in UTF-8 byte order across pages, as S3 does', async () => {
    const keys = ['u/😀', 'u/a', 'u/B', 'u/～', 'u/é', 'u/Z'];
    await Promise.all(keys.map((key) => driver.put(key, bytes(key))));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await driver.list('u/', { limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.keys);
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(['u/B', 'u/Z', 'u/a', 'u/é', 'u/～', 'u/😀']);
  });

  it('uploads a body above the multipart threshold in parts, and reads it back intact', async () => {
    const multipartClient = createS3Client(server.endpoint);
    const commands = recordCommands(multipartClient);
    const large = new S3BlobDriver(multipartClient, { bucket: uniqueBucketName('multipart'), multipartThresholdBytes: 1024 * 1024 });
    await large.ensureContainer();
    const body = new Uint8Array(6 * 1024 * 1024 + 123);
    for (let index = 0; index < body.length; index += 1) body[index] = (index * 31 + 7) % 251;
    await large.put('big', body);
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(2);
    expect(commands).toContain('CompleteMultipartUploadCommand');
    const back = await large.get('big');
    expect(back?.byteLength).toBe(body.byteLength);
    expect(Buffer.from(back!).equals(Buffer.from(body))).toBe(true);
    multipartClient.destroy();
  });
});
