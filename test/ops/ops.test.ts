/** The server-free parts of `/ops` and the CLI: the NDJSON codec, IAM/CloudFormation/Terraform, prices, flags, progress lines. */
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  cloudFormation,
  estimateMonthlyCost,
  eventIdentity,
  eventToLine,
  iamPolicy,
  lineToEvent,
  terraform,
  USD_PER_MILLION_WRITE_UNITS,
  OpsErrorCodes,
} from '../../ops/index.js';
import { clientsFor, targetFor } from '../../cli/clients.js';
import { parseDuration, parsePositiveInt, UsageError } from '../../cli/context.js';
import { progressDisplay } from '../../cli/progress.js';

describe('NDJSON event lines', () => {
  const event = {
    id: 'e-1',
    domain: 'account',
    identifier: 'a|1',
    type: 'Opened',
    payload: { n: 0 },
    meta: { at: 'x' },
    causationId: 'c-0',
    created: new Date('2019-01-02T03:04:05.678Z'),
    sequence: 3,
  };

  it('round-trips an event, with created as ISO text and the sequence kept', () => {
    const line = eventToLine(event);
    expect(JSON.parse(line)).toEqual({ ...event, created: '2019-01-02T03:04:05.678Z' });
    const parsed = lineToEvent(line, 1);
    expect(parsed.sequence).toBe(3);
    expect(eventIdentity(parsed.event)).toBe(eventIdentity(event));
  });

  it('falsy payloads survive (0, false, "", null)', () => {
    for (const payload of [0, false, '', null]) expect(lineToEvent(eventToLine({ ...event, payload }), 1).event.payload).toBe(payload);
  });

  it('names the line and the reason of a line that is not an event', () => {
    const cases: [string, RegExp][] = [
      ['{', /not JSON/],
      ['[1]', /not a JSON object/],
      [JSON.stringify({ domain: 'd', type: 't', payload: 1, created: '2020-01-01T00:00:00.000Z' }), /id must be a non-empty string/],
      [JSON.stringify({ id: 'x', domain: 'd', type: 't', payload: 1, created: 'yesterday' }), /created is not a date/],
      [JSON.stringify({ id: 'x', domain: 'd', type: 't', created: '2020-01-01T00:00:00.000Z' }), /payload is missing/],
    ];
    for (const [text, reason] of cases) {
      let caught: unknown;
      try {
        lineToEvent(text, 7);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: OpsErrorCodes.INVALID_LINE, details: { line: 7, reason: expect.stringMatching(reason) } });
    }
  });

  it('identity differs when any field the store compares differs', () => {
    const base = eventIdentity(event);
    for (const change of [
      { type: 'Other' },
      { payload: { n: 1 } },
      { meta: undefined },
      { identifier: 'other' },
      { created: new Date(0) },
      { causationId: undefined },
      { correlationId: 'k' },
    ]) {
      expect(eventIdentity({ ...event, ...change })).not.toBe(base);
    }
    expect(eventIdentity({ ...event, correlationId: null })).toBe(base); // null means absent
  });
});

describe('infrastructure', () => {
  it('IAM: the table, its indexes and the store scope; create, reset, ACL, tools and migration source only when asked', () => {
    const minimal = iamPolicy({ tableName: 'prod-schemeless-event-store' });
    expect(minimal.Statement).toHaveLength(1);
    expect(minimal.Statement[0]!.Action).not.toContain('dynamodb:CreateTable');
    expect(minimal.Statement[0]!.Action).not.toContain('dynamodb:Scan');
    expect(minimal.Statement[0]!.Resource).toEqual([
      'arn:aws:dynamodb:*:*:table/prod-schemeless-event-store',
      'arn:aws:dynamodb:*:*:table/prod-schemeless-event-store/index/*',
    ]);
    const full = iamPolicy({
      tableName: 't',
      bucket: 'b',
      s3KeyPrefix: 'archive/',
      storeCreatesResources: true,
      reset: true,
      acl: true,
      operations: true,
      migrationSource: { tableName: 'old', bucket: 'old-b' },
    });
    const bySid = Object.fromEntries(full.Statement.map((statement) => [statement.Sid, statement]));
    expect(bySid.EventStoreTable!.Action).toEqual(
      expect.arrayContaining(['dynamodb:CreateTable', 'dynamodb:DeleteTable', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem']),
    );
    expect(bySid.EventStorePayloads).toMatchObject({
      Action: expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:PutObjectAcl']),
      Resource: ['arn:aws:s3:::b/archive/*'],
    });
    expect(bySid.EventStoreBucket!.Action).toEqual(['s3:ListBucket', 's3:CreateBucket']);
    expect(bySid.MigrationSourcePayloads).toMatchObject({ Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::old-b/*'] });
  });

  it('CloudFormation and Terraform carry the layout: keys, the global-order index, billing, streams', () => {
    const yaml = cloudFormation({ tableName: 'p-schemeless-event-store', bucket: 'b', streamViewType: 'NEW_IMAGE' });
    for (const text of [
      'TableName: p-schemeless-event-store',
      'BillingMode: PAY_PER_REQUEST',
      '- { AttributeName: pk, AttributeType: S }',
      '- { AttributeName: sk, AttributeType: N }',
      'IndexName: global-order',
      'Projection: { ProjectionType: ALL }',
      'StreamViewType: NEW_IMAGE',
      'BucketName: b',
    ])
      expect(yaml).toContain(text);
    expect(cloudFormation({ tableName: 't' })).not.toContain('AWS::S3::Bucket');
    const hcl = terraform({ tableName: 't', capacity: { read: 4, write: 2 } });
    for (const text of [
      'billing_mode = "PROVISIONED"',
      'read_capacity  = 4',
      'hash_key     = "pk"',
      'range_key    = "sk"',
      'projection_type = "ALL"',
    ])
      expect(hcl).toContain(text);
    expect(hcl).not.toContain('aws_s3_bucket');
    // A store with a change feed: its log index too, in both outputs.
    const feedYaml = cloudFormation({ tableName: 't', changeFeed: true });
    for (const text of [
      'IndexName: global-order',
      'IndexName: log',
      '- { AttributeName: lpk, AttributeType: S }',
      '- { AttributeName: lsk, AttributeType: N }',
    ])
      expect(feedYaml).toContain(text);
    expect(cloudFormation({ tableName: 't' })).not.toContain('IndexName: log');
    const feedHcl = terraform({ tableName: 't', changeFeed: true });
    expect(feedHcl.match(/global_secondary_index \{/g)).toHaveLength(2);
    for (const text of ['name            = "log"', 'hash_key        = "lpk"', 'range_key       = "lsk"']) expect(feedHcl).toContain(text);
    const withBucket = terraform({ tableName: 't', bucket: 'b' });
    for (const text of [
      'resource "aws_s3_bucket" "event_archive"',
      'block_public_acls       = true',
      'sse_algorithm = "AES256"',
      'prevent_destroy = true',
    ])
      expect(withBucket).toContain(text);
  });
});

describe('prices', () => {
  it('estimates storage, appends and replays from the dated constants', () => {
    const gib = 1024 ** 3;
    const cost = estimateMonthlyCost({
      storageBytes: 4 * gib,
      blobBytes: 100 * gib,
      events: 10_000_000,
      appendsPerMonth: 2_000_000,
      replaysPerMonth: 1,
    });
    expect(cost).toMatchObject({
      dynamodbStorageUsd: 1,
      s3StorageUsd: 2.3,
      usdPerMillionAppends: 7 * USD_PER_MILLION_WRITE_UNITS,
      appendsUsd: 8.75,
      region: 'us-east-1',
      pricesDate: '2024-11-14',
    });
    expect(cost.replaysUsd).toBeCloseTo((10_000 * 32.2 * 0.125) / 1e6, 8);
    expect(cost.totalUsd).toBeCloseTo(1 + 2.3 + 8.75 + cost.replaysUsd, 6);
    // A table with a change feed pays 10 write units per single-event append (counter + log index entry).
    const withFeed = estimateMonthlyCost({ storageBytes: 0, blobBytes: 0, events: 0, appendsPerMonth: 2_000_000, changeFeed: true });
    expect(withFeed).toMatchObject({ usdPerMillionAppends: 10 * USD_PER_MILLION_WRITE_UNITS, appendsUsd: 12.5 });
  });
});

describe('CLI flags and progress lines', () => {
  it('--s3-endpoint defaults to --endpoint (path-style), else AWS; --region and --profile reach both clients; --table beats --table-prefix', async () => {
    const local = clientsFor({ endpoint: 'http://127.0.0.1:8000', region: 'eu-west-1', profile: 'ops' });
    expect(await local.s3Client.config.endpoint?.()).toMatchObject({ hostname: '127.0.0.1', port: 8000 });
    expect(local.s3Client.config.forcePathStyle).toBe(true);
    expect(await local.dynamodbClient.config.region()).toBe('eu-west-1');
    expect((local.dynamodbClient.config as { profile?: string }).profile).toBe('ops');
    expect((local.s3Client.config as { profile?: string }).profile).toBe('ops');
    const split = clientsFor({ endpoint: 'http://127.0.0.1:8000', s3Endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1' });
    expect(await split.s3Client.config.endpoint?.()).toMatchObject({ port: 9000 });
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    const noRegion = clientsFor({ endpoint: 'http://127.0.0.1:8000' });
    Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, value]) => value !== undefined)));
    expect(await noRegion.dynamodbClient.config.region()).toBe('us-east-1');
    noRegion.dynamodbClient.destroy();
    noRegion.s3Client.destroy();
    const aws = clientsFor({ region: 'eu-west-1' });
    expect(aws.s3Client.config.endpoint).toBeUndefined();
    expect(aws.s3Client.config.forcePathStyle).toBe(false);
    expect(targetFor({ tablePrefix: 'prod-' }, aws).tableName).toBe('prod-schemeless-event-store');
    expect(targetFor({ tablePrefix: 'prod-', table: 'exact' }, aws)).toMatchObject({ tableName: 'exact' });
    expect(targetFor({ tablePrefix: 'prod-' }, aws).bucket).toBeUndefined();
    for (const clients of [local, split, aws]) {
      clients.dynamodbClient.destroy();
      clients.s3Client.destroy();
    }
  });

  it('durations and counts parse, or are usage errors', () => {
    expect([
      parseDuration('250'),
      parseDuration('500ms'),
      parseDuration('30s'),
      parseDuration('15m'),
      parseDuration('1h'),
      parseDuration('7d'),
    ]).toEqual([250, 500, 30_000, 900_000, 3_600_000, 604_800_000]);
    expect(() => parseDuration('soon')).toThrow(UsageError);
    expect(parsePositiveInt('8')).toBe(8);
    // Commander's InvalidArgumentError: commander then names the flag and the value (`option '--page-size <n>' argument '0' is invalid`).
    for (const bad of ['0', '-1', '1.5', 'x']) expect(() => parsePositiveInt(bad)).toThrow(InvalidArgumentError);
  });

  it('without a terminal: a line at the start of each phase, then every 5 s, and its last state when it ends', () => {
    const lines: string[] = [];
    const display = progressDisplay({ interactive: false, write: (text) => lines.push(text) });
    display.listener({ phase: 'scan', done: 10, unit: 'items' });
    display.listener({ phase: 'scan', done: 20, unit: 'items' }); // within 5 s of the last line: not printed
    display.listener({ phase: 'write', done: 0, total: 40, unit: 'events' });
    display.listener({ phase: 'write', done: 40, total: 40, unit: 'events' });
    display.listener({ phase: 'verify', done: 1, total: 3, unit: 'streams' });
    display.listener({ phase: 'verify', done: 2, total: 3, unit: 'streams' });
    display.stop();
    expect(lines.map((line) => line.replace(/\(.*\)/, '(…)'))).toEqual([
      'scan: 10 items (…)\n',
      'scan: 20 items (…)\n',
      'write: 0 of 40 events (…)\n',
      'write: 40 of 40 events (…)\n',
      'verify: 1 of 3 streams (…)\n',
      'verify: 2 of 3 streams (…)\n',
    ]);
    expect(lines[3]).toMatch(/events \(\d+\/s, ETA 0 s\)/);
    const quiet: string[] = [];
    const silent = progressDisplay({ quiet: true, interactive: false, write: (text) => quiet.push(text) });
    silent.listener({ phase: 'scan', done: 1, unit: 'items' });
    silent.stop();
    expect(quiet).toEqual([]);
  });
});
