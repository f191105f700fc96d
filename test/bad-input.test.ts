/**
 * The bad-input catalogue: every bad input tried, the typed error it gets, and proof that nothing was written.
 * `BAD_INPUT_TABLE=1` prints the catalogue as the README's markdown table.
 */
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';
import { S3BlobDriver } from '../drivers/s3/index.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ErrorCodes, EventStoreRepo, type CreatedEvent, type ErrorCode } from '../src/index.js';
import { A } from '../src/table-layout.js';

interface Entry {
  readonly area: string;
  readonly input: string;
  readonly code: ErrorCode;
  /** Provoke the error on a store holding one event of stream acct::1 (id `seed`). */
  readonly provoke: (world: World) => Promise<unknown>;
  /** Whether the provocation could have written (then the test proves nothing was). */
  readonly writes?: boolean;
}

interface World {
  readonly repo: EventStoreRepo;
  readonly kv: MemoryKvDriver;
  readonly blobs: MemoryBlobDriver;
}

const at = new Date(Date.UTC(2025, 6, 1));
let counter = 0;
const good = (extra: Record<string, unknown> = {}): CreatedEvent => ({ id: `bad-${++counter}`, domain: 'acct', identifier: '1', type: 'deposited', payload: { amount: 1 }, created: at, ...extra }) as CreatedEvent;
const circular: Record<string, unknown> = {};
circular.self = circular;
const batchWith = (world: World, extra: Record<string, unknown>) => world.repo.storeEvents([good(), good(extra)]);

const catalogue: Entry[] = [
  { area: 'options', input: 'unknown option (`tableNmePrefix`)', code: ErrorCodes.INVALID_OPTIONS, provoke: async () => new EventStoreRepo({ tableNmePrefix: 'x' } as never) },
  { area: 'options', input: '`offloadThresholdBytes` above the driver item limit', code: ErrorCodes.INVALID_OPTIONS, provoke: async () => new EventStoreRepo({ offloadThresholdBytes: 500_000 }) },
  { area: 'options', input: '`bucketShards: 0`, `retry.maxAttempts: 0`', code: ErrorCodes.INVALID_OPTIONS, provoke: async () => new EventStoreRepo({ bucketShards: 0, retry: { maxAttempts: 0 } }) },
  { area: 'options', input: 'drop-in: S3 client without `s3BucketName`', code: ErrorCodes.INVALID_OPTIONS, provoke: async () => new EventStoreRepo(new DynamoDBClient({ region: 'us-east-1' }), new S3Client({ region: 'us-east-1' }), {}) },
  { area: 'options', input: 'drop-in: read capacity units without write units', code: ErrorCodes.INVALID_OPTIONS, provoke: async () => new EventStoreRepo(new DynamoDBClient({ region: 'us-east-1' }), undefined, { eventStoreTableReadCapacityUnits: 5 }) },
  { area: 'event', input: 'empty or missing `id`', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => batchWith(world, { id: '' }) },
  { area: 'event', input: 'missing `domain`', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => batchWith(world, { domain: undefined }) },
  { area: 'event', input: 'missing `type`', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => batchWith(world, { type: undefined }) },
  { area: 'event', input: '`created` is Invalid Date', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => batchWith(world, { created: new Date(Number.NaN) }) },
  { area: 'event', input: '`created` is a string, or before 1970, or after 2999', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: async (world) => Promise.any([batchWith(world, { created: '2024-01-01' }), batchWith(world, { created: new Date(Date.UTC(1969, 11, 31)) }), batchWith(world, { created: new Date(Date.UTC(3000, 0, 1)) })]).catch((all: AggregateError) => { if (all.errors.every((error: { code?: string }) => error.code === ErrorCodes.INVALID_EVENT)) throw all.errors[0]; throw all; }) },
  { area: 'event', input: 'circular payload', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => batchWith(world, { payload: circular }) },
  { area: 'event', input: 'BigInt payload', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => batchWith(world, { payload: 10n }) },
  { area: 'event', input: '`payload: undefined`', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => batchWith(world, { payload: undefined }) },
  { area: 'event', input: '`meta` that is not an object (array)', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => batchWith(world, { meta: [1] }) },
  { area: 'event', input: '`identifier` that is not a string', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => batchWith(world, { identifier: 7 }) },
  { area: 'event', input: 'id over 255 UTF-8 bytes; domain+identifier over the 2 KB key limit', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: async (world) => { const first = await batchWith(world, { domain: 'd'.repeat(3000) }).catch((error: unknown) => error); if ((first as { code?: string })?.code !== ErrorCodes.INVALID_EVENT) throw new Error('a 3 KB domain was not refused'); return batchWith(world, { id: '😀'.repeat(64) }); } },
  { area: 'event', input: 'id, domain or identifier with a lone UTF-16 surrogate (no UTF-8 form)', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => batchWith(world, { id: 'a\uD800b' }) },
  { area: 'event', input: '`expectedSequence` negative or fractional', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => world.repo.storeEvents([good()], { expectedSequence: 1.5 }) },
  { area: 'event', input: 'the same id twice in one batch', code: ErrorCodes.DUPLICATE_EVENT_ID, writes: true, provoke: (world) => { const event = good(); return world.repo.storeEvents([event, { ...event, identifier: '2' }]); } },
  { area: 'event', input: 'an id already stored (any date)', code: ErrorCodes.DUPLICATE_EVENT_ID, writes: true, provoke: (world) => world.repo.storeEvents([good(), good({ id: 'seed', created: new Date(Date.UTC(2030, 0, 1)) })]) },
  { area: 'event', input: 'wrong `expectedSequence`', code: ErrorCodes.CONCURRENCY, writes: true, provoke: (world) => world.repo.storeEvents([good(), good({ identifier: '2' })], { expectedSequence: 5 }) },
  { area: 'event', input: 'event over the item limit with no blob store', code: ErrorCodes.BLOB_STORE_REQUIRED, writes: true, provoke: async () => { const repo = new EventStoreRepo({ kv: new MemoryKvDriver() }); await repo.storeEvents([good({ payload: 'x'.repeat(420_000) })]); } },
  { area: 'event', input: '6.x `appendToStream` across two streams, or empty', code: ErrorCodes.INVALID_EVENT, writes: true, provoke: (world) => world.repo.appendToStream([good(), good({ identifier: '2' })] as never, 1) },
  { area: 'snapshot', input: 'snapshot with empty domain or negative sequence', code: ErrorCodes.INVALID_SNAPSHOT, provoke: (world) => world.repo.saveSnapshot({ domain: '', identifier: '1', state: {}, sequence: -1, created: at }) },
  { area: 'read', input: 'page size 0, -1, 1.5, NaN or over 10,000', code: ErrorCodes.INVALID_PAGE_SIZE, provoke: (world) => world.repo.getAllEvents(0) },
  { area: 'read', input: '`startFromId` of an event never stored', code: ErrorCodes.UNKNOWN_CURSOR, provoke: (world) => world.repo.getAllEvents(10, 'never-stored') },
  { area: 'storage', input: 'a stored item that fails to decode', code: ErrorCodes.INVALID_ITEM, provoke: async (world) => { await world.kv.batchWrite(world.repo.options.tableName, [{ put: { [A.pk]: 's|acct|1', [A.sk]: 1, [A.id]: 'seed', [A.domain]: 'acct', [A.type]: 't', [A.created]: 'not a date' } }]); return world.repo.getStreamEvents('acct', '1'); } },
  { area: 'storage', input: 'a missing blob behind an offloaded event', code: ErrorCodes.MISSING_BLOB, provoke: async (world) => { const big = good({ payload: 'y'.repeat(400_000) }); await world.repo.storeEvents([big]); await world.blobs.delete((await world.blobs.list('')).keys); return world.repo.getEventById(big.id); } },
  { area: 'storage', input: 'an existing table with another layout (e.g. the old adapter\'s)', code: ErrorCodes.SCHEMA_MISMATCH, provoke: async () => { const kv = new MemoryKvDriver(); await kv.ensureTable({ name: 'schemeless-event-store', partitionKey: { name: 'id', type: 'S' }, indexes: [] }); return new EventStoreRepo({ kv }).init(); } },
  { area: 'storage', input: 'a bucket the credentials may not access (HeadBucket 403)', code: ErrorCodes.ACCESS_DENIED, provoke: async () => { const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }); const mock = mockClient(s3); mock.on(HeadBucketCommand).rejects(Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } })); try { return await new EventStoreRepo({ kv: new MemoryKvDriver(), blobs: new S3BlobDriver(s3, { bucket: 'locked' }) }).init(); } finally { mock.restore(); } } },
  { area: 'lifecycle', input: 'any call after `close()`', code: ErrorCodes.CLOSED, provoke: async (world) => { await world.repo.close(); return world.repo.getStreamSequence('acct', '1'); } },
];

describe('bad input catalogue', () => {
  afterAll(() => {
    if (process.env.BAD_INPUT_TABLE) {
      console.info(['| area | bad input | error code |', '|---|---|---|', ...catalogue.map((entry) => `| ${entry.area} | ${entry.input} | \`${entry.code}\` |`)].join('\n'));
    }
  });

  for (const entry of catalogue) {
    it(`${entry.area}: ${entry.input} -> ${entry.code}`, async () => {
      const kv = new MemoryKvDriver();
      const blobs = new MemoryBlobDriver();
      const repo = new EventStoreRepo({ kv, blobs });
      await repo.storeEvents([good({ id: 'seed' })]);
      const error = await entry.provoke({ repo, kv, blobs }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, 'it must fail').toBeDefined();
      expect((error as { code?: string }).code).toBe(entry.code);
      expect((error as Error).message.length).toBeGreaterThan(10);
      if (entry.writes) {
        const reader = new EventStoreRepo({ kv, blobs, tableName: repo.options.tableName });
        const all: string[] = [];
        for await (const page of await reader.getAllEvents(100)) all.push(...page.map((event) => event.id));
        expect(all, 'nothing but the seed event is stored').toEqual(['seed']);
        expect(await reader.getStreamSequence('acct', '1')).toBe(1);
        expect(await reader.getStreamSequence('acct', '2')).toBe(0);
      }
    });
  }
});
