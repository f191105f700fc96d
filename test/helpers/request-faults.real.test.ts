/** The request fault injector (request-faults.md) below the SDK's retry loop, on DynamoDB Local and the S3 server. */
import { CreateTableCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDynamoDb, realS3 } from '../servers/real-servers.js';
import { uniqueBucketName, uniqueTableName } from '../servers/unique-name.js';
import { dynamoClientWithFaults, RequestFaultInjector, s3ClientWithFaults } from './request-faults.js';
import { rejection } from './caught.js';

const dynamo = realDynamoDb('request fault injector on DynamoDB Local');
const s3 = realS3('request fault injector on the S3 server');

const PUT_ITEM = { operation: 'PutItem' } as const;

describe.skipIf(dynamo.skip)('RequestFaultInjector below the SDK retry loop (DynamoDB Local)', () => {
  const faults = new RequestFaultInjector();
  const client: DynamoDBClient = dynamo.skip ? undefined! : dynamoClientWithFaults(dynamo.endpoint, faults);
  const table = uniqueTableName('request-faults');
  let sdkAttempts = 0;

  beforeAll(async () => {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    sdkAttempts = await client.config.maxAttempts();
  });
  afterAll(() => client.destroy());

  const putOnce = (pk: string) =>
    client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } }, ConditionExpression: 'attribute_not_exists(pk)' }));
  const stored = async (pk: string) =>
    (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item !== undefined;

  it('keeps the SDK default retry strategy (more than one attempt per call)', () => {
    expect(sdkAttempts).toBeGreaterThan(1);
  });

  it('commitThenLose: the first attempt is applied, its answer lost; the SDK retry then meets its own write', async () => {
    faults.clear().script(PUT_ITEM, [{ kind: 'commitThenLose' }]);
    const from = faults.records.length;
    const error = (await rejection(putOnce('lost-1'))) as { name: string; $metadata: { attempts: number } };
    // The retry of a put-if-absent is refused by the item the first attempt wrote: proof the first one landed.
    expect(error.name).toBe('ConditionalCheckFailedException');
    expect(error.$metadata.attempts).toBe(2);
    const records = faults.records.slice(from);
    expect(records.map((record) => [record.operation, record.attempt, record.forwarded, record.serverStatus, record.errorName])).toEqual([
      ['PutItem', 1, true, 200, 'ECONNRESET'],
      ['PutItem', 2, true, 400, undefined],
    ]);
    expect(records[0]!.invocationId).toBe(records[1]!.invocationId);
    expect(await stored('lost-1')).toBe(true);
  });

  it('commitThenLose with a timeout error is retried too', async () => {
    faults.clear().script(PUT_ITEM, [{ kind: 'commitThenLose', error: 'timeout' }]);
    const from = faults.records.length;
    const error = (await rejection(putOnce('lost-2'))) as { name: string };
    expect(error.name).toBe('ConditionalCheckFailedException');
    expect(faults.records.slice(from).map((record) => record.errorName)).toEqual(['ETIMEDOUT', undefined]);
  });

  it('throttle on every attempt: the SDK gives up with the throttle after its attempts; nothing reached the server', async () => {
    faults.clear().script(PUT_ITEM, [], { kind: 'throttle', errorName: 'ProvisionedThroughputExceededException' });
    const from = faults.records.length;
    const error = (await rejection(putOnce('throttled'))) as { name: string; $metadata: { attempts: number; httpStatusCode: number } };
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.attempts).toBe(sdkAttempts);
    const records = faults.records.slice(from);
    expect(records).toHaveLength(sdkAttempts);
    expect(records.every((record) => !record.forwarded && record.answeredStatus === 400)).toBe(true);
    faults.clear();
    expect(await stored('throttled')).toBe(false);
  });

  it('lost then throttled (defect 4 at the SDK level): the last error is a throttle, yet the first attempt committed', async () => {
    faults.clear().script({ operation: 'PutItem' }, [{ kind: 'commitThenLose' }], { kind: 'throttle' });
    const error = (await rejection(putOnce('lost-then-throttled'))) as { name: string; $metadata: { attempts: number } };
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata.attempts).toBe(sdkAttempts);
    faults.clear();
    expect(await stored('lost-then-throttled')).toBe(true);
  });

  it('reset and serverError without forwarding never reach the server; the SDK retries both', async () => {
    faults.clear().script(PUT_ITEM, [{ kind: 'reset' }, { kind: 'serverError' }]);
    const from = faults.records.length;
    await putOnce('reset-then-ok');
    const records = faults.records.slice(from);
    expect(records.map((record) => [record.fault.kind, record.forwarded, record.answeredStatus ?? record.errorName])).toEqual([
      ['reset', false, 'ECONNRESET'],
      ['serverError', false, 500],
      ['pass', true, 200],
    ]);
    expect(await stored('reset-then-ok')).toBe(true);
  });

  it('serverError after forwarding: applied, then a 5xx the SDK retries', async () => {
    faults.clear().script(PUT_ITEM, [{ kind: 'serverError', forward: true }]);
    const error = (await rejection(putOnce('applied-500'))) as { name: string };
    expect(error.name).toBe('ConditionalCheckFailedException');
  });

  it('hang: never answers until the caller aborts; nothing is forwarded', async () => {
    faults.clear().script(PUT_ITEM, [{ kind: 'hang' }]);
    const from = faults.records.length;
    const controller = new AbortController();
    const pending = rejection(
      client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'hung' } } }), { abortSignal: controller.signal }),
    );
    while (faults.records.length === from) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = (await pending) as { name: string };
    expect(error.name).toBe('AbortError');
    expect(faults.records.slice(from).map((record) => [record.fault.kind, record.forwarded, record.errorName])).toEqual([
      ['hang', false, 'AbortError'],
    ]);
    expect(await stored('hung')).toBe(false);
  });

  it('hang is ended by releaseHung (ECONNRESET), after which the SDK retries and succeeds', async () => {
    faults.clear().script(PUT_ITEM, [{ kind: 'hang' }]);
    const from = faults.records.length;
    const pending = putOnce('released');
    while (faults.records.length === from) await new Promise((resolve) => setImmediate(resolve));
    faults.releaseHung();
    await pending;
    expect(faults.records.slice(from).map((record) => record.errorName ?? record.answeredStatus)).toEqual(['ECONNRESET', 200]);
  });

  it('delay: a caller that gave up leaves the request behind; it lands later (settled)', async () => {
    faults.clear().script(PUT_ITEM, [{ kind: 'delay', ms: 200 }]);
    const from = faults.records.length;
    const call = putOnce('late');
    // The caller's own deadline: it stops waiting as soon as the request has reached the injector.
    while (faults.records.length === from) await new Promise((resolve) => setImmediate(resolve));
    const record = faults.records[from]!;
    expect(record.forwarded).toBe(false);
    await faults.settled();
    await call;
    expect(record.forwarded).toBe(true);
    expect(record.serverStatus).toBe(200);
    expect(await stored('late')).toBe(true);
  });

  it('enabled = false passes everything (still recorded)', async () => {
    faults.clear().script(PUT_ITEM, [], { kind: 'reset' });
    faults.enabled = false;
    try {
      await putOnce('disabled');
    } finally {
      faults.enabled = true;
    }
    expect(faults.records.at(-1)!.fault.kind).toBe('pass');
  });
});

describe.skipIf(s3.skip)('RequestFaultInjector below the SDK retry loop (S3 server)', () => {
  const faults = new RequestFaultInjector();
  const client: S3Client = s3.skip ? undefined! : s3ClientWithFaults(s3.endpoint, faults);
  const bucket = uniqueBucketName('request-faults');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(() => client.destroy());

  it('names S3 operations and throttles with 503 SlowDown', async () => {
    faults.clear().script({ service: 's3', operation: 'PutObject' }, [], { kind: 'throttle' });
    const from = faults.records.length;
    const error = (await rejection(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/b', Body: 'x' })))) as {
      name: string;
      $metadata: { httpStatusCode: number };
    };
    expect(error.name).toBe('SlowDown');
    expect(error.$metadata.httpStatusCode).toBe(503);
    const records = faults.records.slice(from);
    expect(records.length).toBeGreaterThan(1);
    expect(records.every((record) => record.operation === 'PutObject' && record.path === `/${bucket}/a/b` && !record.forwarded)).toBe(true);
  });

  it('commitThenLose on a put: stored, then the SDK retry stores it again', async () => {
    faults.clear().script({ service: 's3', operation: 'PutObject' }, [{ kind: 'commitThenLose' }]);
    const from = faults.records.length;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'lost', Body: 'payload' }));
    expect(faults.records.slice(from).map((record) => [record.forwarded, record.errorName ?? record.answeredStatus])).toEqual([
      [true, 'ECONNRESET'],
      [true, 200],
    ]);
    const body = await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'lost' }))).Body!.transformToString();
    expect(body).toBe('payload');
    expect(faults.recordsOf({ operation: 'GetObject' }).length).toBeGreaterThan(0);
  });
});
