/**
 * The libraries of the peer bench behind one small interface, each on its OWN SDK clients (same settings:
 * `test/servers/clients.ts`) carrying the rules meter, all on the same DynamoDB Local (and S3 server):
 *
 * - ours, once per entry of `OUR_VARIANTS` (`variants.ts`: `{ name, options }`: an option under construction elsewhere, such
 *   as `compression`, is one more entry; an entry whose options the constructor rejects is skipped with a note);
 * - the old adapter (`@schemeless/event-store-adapter-dynamodb@5.0.0`, loaded as in `bench/legacy/`);
 * - Equinox's DynamoStore (`@equinox-js/dynamo-store` with `@equinox-js/core`), configured as its docs'
 *   `equinox-config` recommends for DynamoDB: `Codec.compress(Codec.json())` (brotli of bodies over 48 bytes), a
 *   memory cache, `AccessStrategy.Unoptimized()`, default tip options (32 KB tip before calving);
 * - castore's `DynamoDBSingleTableEventStorageAdapter` (`@castore/event-storage-adapter-dynamodb` with
 *   `@castore/core` for `GroupedEvent`), on the table its README describes (key `aggregateId` + `version`, GSI
 *   `initialEvents` KEYS_ONLY).
 *
 * "Append with a known version" means what each library offers for it: ours `expectedSequence`; the old adapter
 * `expectedSequence` from the stream's second append on (on a new stream its condition `version = :expected` fails
 * for want of a head item, so a first append goes without, reading the head); Equinox a decider whose state is the
 * cached token of the previous write (`LoadOption.AnyCachedValue`; `AssumeEmpty` for a new stream); castore the
 * event's `version`, which it always takes.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DynamoDB,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { GroupedEvent } from '@castore/core';
import { DynamoDBSingleTableEventStorageAdapter } from '@castore/event-storage-adapter-dynamodb';
import { CachingStrategy, Codec, Decider, LoadOption, MemoryCache, StreamId, StreamName } from '@equinox-js/core';
import {
  AccessStrategy,
  DynamoStoreCategory,
  DynamoStoreClient,
  DynamoStoreContext,
  EventsContext,
  QueryOptions,
  TipOptions,
} from '@equinox-js/dynamo-store';
import { type AwsEventStoreOptions, type CreatedEvent, EventStoreAdapterError, EventStoreRepo } from '../../src/index.js';
import { createDynamoClient, createS3Client, TEST_REGION } from '../../test/servers/clients.js';
import { uniqueBucketName, uniqueTableName } from '../../test/servers/unique-name.js';
import { loadLegacyAdapter, type LegacyAdapterRepo } from '../legacy/load-legacy-adapter.js';
import { RulesMeter } from './rules-meter.js';
import type { StorageLocation } from './storage.js';
import type { OurVariant } from './variants.js';

/** The domain (ours, old adapter), category (Equinox) and event store id (castore) of every peer-bench event. */
export const PEER_DOMAIN = 'account';

/** One event as the bench plans it; each library stores it in its own form. */
export interface PeerEvent {
  readonly id: string;
  readonly stream: string;
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly meta: Record<string, unknown>;
  readonly correlationId: string;
  readonly created: Date;
}

/** A fresh store of one library (its own table, and bucket where it has one). */
export interface PeerStore {
  /** Append `events`, all on `stream`, in one call of the library (atomically where it can); the stream holds `knownVersion` events. */
  append(stream: string, events: readonly PeerEvent[], knownVersion: number): Promise<void>;
  /** A reader with empty caches, as a new process would have (the same store where the library caches nothing). */
  fresh(): Promise<PeerStore>;
  /** Read `stream` whole, decoding every event; returns how many. Absent: the library has no stream read. */
  readonly readStream?: (stream: string) => Promise<number>;
  /** Read the whole store in its global order, pages of `pageSize`; returns how many. Absent: no whole-store read. */
  readonly readAll?: (pageSize: number) => Promise<number>;
  /** Where its data is, for the storage scan. */
  location(): StorageLocation;
  /** Delete its table (the bucket stays, as in the main bench). */
  dispose(): Promise<void>;
}

/** A library under test. */
export interface PeerLibrary {
  /** Short name in tables and charts (`ours`, `ours+compression`, `old adapter`, `Equinox`, `castore`). */
  readonly name: string;
  /** Package and version, and how it is configured. */
  readonly description: string;
  /** Its meter (requests, units by AWS's rules). */
  readonly meter: RulesMeter;
  createStore(label: string): Promise<PeerStore>;
  /** Release its clients. */
  stop(): void;
}

/** Endpoints and unmetered clients the libraries share (table creation, deletion, scans). */
export interface PeerServers {
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  /** Unmetered: the bench's own calls (DescribeTable for the meter, scans, deletes). */
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
}

/**
 * Why the constructor refuses `variant`'s options (an `INPUT/…` error naming one of them), or undefined when it
 * accepts them. Other errors are thrown: they are bugs, not a missing feature.
 */
export function unsupportedVariant(variant: OurVariant, servers: Pick<PeerServers, 'dynamo' | 's3'>): string | undefined {
  const names = Object.keys(variant.options);
  if (names.length === 0) return undefined;
  try {
    const probe = new EventStoreRepo(servers.dynamo, servers.s3, {
      tableNamePrefix: 'peer-probe-',
      s3BucketName: 'peer-probe-bucket',
      ...variant.options,
    } as AwsEventStoreOptions);
    void probe.close();
    return undefined;
  } catch (error) {
    const text = error instanceof EventStoreAdapterError ? `${error.message} ${JSON.stringify(error.details ?? {})}` : '';
    if (error instanceof EventStoreAdapterError && error.code.startsWith('INPUT/') && names.some((name) => text.includes(name)))
      return `${error.code}: ${error.message}`;
    throw error;
  }
}

/** Our adapter with `variant`'s options, through the drop-in constructor. */
export function ourLibrary(variant: OurVariant, servers: PeerServers): PeerLibrary {
  const { dynamo, s3, meter } = meteredClients(servers);
  return {
    name: variant.name,
    description: `this package, drop-in constructor${Object.keys(variant.options).length ? ` with ${JSON.stringify(variant.options)}` : ''}`,
    meter,
    async createStore(label) {
      const tableNamePrefix = `${uniqueTableName(`peer-${label}`)}-`;
      const s3BucketName = uniqueBucketName(`peer-${label}`);
      const open = async (): Promise<EventStoreRepo> => {
        const repo = new EventStoreRepo(dynamo, s3, { tableNamePrefix, s3BucketName, ...variant.options } as AwsEventStoreOptions);
        await repo.init();
        return repo;
      };
      const first = await open();
      const table = first.options.tableName;
      const schema = await meter.track(table);
      const opened: EventStoreRepo[] = [first];
      const store = (repo: EventStoreRepo): PeerStore => ({
        append: (_stream, events, knownVersion) => repo.storeEvents(events.map(createdEvent), { expectedSequence: knownVersion }),
        fresh: async () => {
          const again = await open();
          opened.push(again);
          return store(again);
        },
        readStream: async (stream) => (await repo.getStreamEvents(PEER_DOMAIN, stream)).length,
        readAll: async (pageSize) => {
          let count = 0;
          for await (const page of await repo.getAllEvents(pageSize)) count += page.length;
          return count;
        },
        location: () => ({ tables: [schema], bucket: s3BucketName }),
        dispose: async () => {
          await Promise.all(opened.map((each) => each.close()));
          await servers.dynamo.send(new DeleteTableCommand({ TableName: table }));
          meter.forget(table);
        },
      });
      return store(first);
    },
    stop: () => {
      dynamo.destroy();
      s3.destroy();
    },
  };
}

/** The old adapter, loaded with the bench's runtime shim (see `bench/legacy/load-legacy-adapter.ts`). */
export function oldAdapterLibrary(servers: PeerServers): PeerLibrary {
  const { EventStoreRepo: LegacyRepo, version } = loadLegacyAdapter();
  const { dynamo, s3, meter } = meteredClients(servers);
  return {
    name: 'old adapter',
    description: `@schemeless/event-store-adapter-dynamodb@${version}, its own init() (table with 2 KEYS_ONLY GSIs, bucket)`,
    meter,
    async createStore(label) {
      const tableNamePrefix = `${uniqueTableName(`peer-old-${label}`)}-`;
      const s3BucketName = uniqueBucketName(`peer-old-${label}`);
      const adapter: LegacyAdapterRepo = new LegacyRepo(dynamo, s3, { tableNamePrefix, s3BucketName });
      await adapter.init();
      const schema = await meter.track(adapter.tableName);
      const store: PeerStore = {
        append: (_stream, events, knownVersion) =>
          adapter.storeEvents(events.map(createdEvent), knownVersion === 0 ? undefined : { expectedSequence: knownVersion }),
        fresh: async () => store,
        readAll: async (pageSize) => {
          let count = 0;
          for await (const page of await adapter.getAllEvents(pageSize)) count += page.length;
          return count;
        },
        location: () => ({ tables: [schema], bucket: s3BucketName }),
        dispose: async () => {
          await servers.dynamo.send(new DeleteTableCommand({ TableName: adapter.tableName }));
          meter.forget(adapter.tableName);
        },
      };
      return store;
    },
    stop: () => {
      dynamo.destroy();
      s3.destroy();
    },
  };
}

/** An Equinox event: its type, body and metadata (the store keeps no event id). */
type EquinoxEvent = { type: string; data: Record<string, unknown>; meta: Record<string, unknown> };

/** Equinox's DynamoStore, as its docs configure it for DynamoDB. */
export function equinoxLibrary(servers: PeerServers): PeerLibrary {
  const meter = new RulesMeter(servers.dynamo);
  const client = new DynamoDB({
    endpoint: servers.dynamoEndpoint,
    region: TEST_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
  meter.instrument(client);
  const codec = Codec.compress(Codec.json<EquinoxEvent>());
  return {
    name: 'Equinox',
    description:
      '@equinox-js/dynamo-store 1.2.0 + @equinox-js/core: Codec.compress(Codec.json()), memory cache, AccessStrategy.Unoptimized, default tip (32 KB)',
    meter,
    async createStore(label) {
      const table = uniqueTableName(`peer-eqx-${label}`);
      await createTable(servers.dynamo, {
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: 'p', AttributeType: 'S' },
          { AttributeName: 'i', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'p', KeyType: 'HASH' },
          { AttributeName: 'i', KeyType: 'RANGE' },
        ],
      });
      const schema = await meter.track(table);
      const context = DynamoStoreContext.create({
        client: new DynamoStoreClient(client),
        tableName: table,
        tip: TipOptions.create({}),
        query: QueryOptions.create({}),
      });
      const category = DynamoStoreCategory.create(
        context,
        PEER_DOMAIN,
        codec,
        (state: number, events: EquinoxEvent[]) => state + events.length,
        0,
        CachingStrategy.Cache(new MemoryCache()),
        AccessStrategy.Unoptimized(),
      );
      const events = new EventsContext(context);
      const store: PeerStore = {
        append: async (stream, batch, knownVersion) => {
          const decider = Decider.forStream(category, StreamId.create(stream), null);
          const encoded = batch.map((event) => ({
            type: event.type,
            data: event.payload,
            meta: { ...event.meta, correlationId: event.correlationId },
          }));
          await decider.transact(() => encoded, knownVersion === 0 ? LoadOption.AssumeEmpty : LoadOption.AnyCachedValue);
        },
        fresh: async () => store,
        readStream: async (stream) => {
          const timeline = await events.read(StreamName.create(PEER_DOMAIN, StreamId.create(stream)));
          for (const event of timeline) {
            // Decoded as the codec would, meta included (Codec.json's decode keeps only the body).
            if (event.data) JSON.parse(Codec.smartDecompress(event.data)!.toString());
            if (event.meta) JSON.parse(Codec.smartDecompress(event.meta)!.toString());
          }
          return timeline.length;
        },
        location: () => ({ tables: [schema] }),
        dispose: async () => {
          await servers.dynamo.send(new DeleteTableCommand({ TableName: table }));
          meter.forget(table);
        },
      };
      return store;
    },
    stop: () => client.destroy(),
  };
}

/** castore's single-table adapter, on the table its README describes. */
export function castoreLibrary(servers: PeerServers): PeerLibrary {
  const meter = new RulesMeter(servers.dynamo);
  const client = createDynamoClient(servers.dynamoEndpoint);
  meter.instrument(client);
  const context = { eventStoreId: PEER_DOMAIN };
  return {
    name: 'castore',
    description: '@castore/event-storage-adapter-dynamodb 2.4.2 (DynamoDBSingleTableEventStorageAdapter) + @castore/core GroupedEvent',
    meter,
    async createStore(label) {
      const table = uniqueTableName(`peer-castore-${label}`);
      await createTable(servers.dynamo, {
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: 'aggregateId', AttributeType: 'S' },
          { AttributeName: 'version', AttributeType: 'N' },
          { AttributeName: 'eventStoreId', AttributeType: 'S' },
          { AttributeName: 'timestamp', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'aggregateId', KeyType: 'HASH' },
          { AttributeName: 'version', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'initialEvents',
            KeySchema: [
              { AttributeName: 'eventStoreId', KeyType: 'HASH' },
              { AttributeName: 'timestamp', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      });
      const schema = await meter.track(table);
      const adapter = new DynamoDBSingleTableEventStorageAdapter({ tableName: table, dynamoDBClient: client });
      const detail = (event: PeerEvent, version: number) => ({
        aggregateId: event.stream,
        version,
        type: event.type,
        timestamp: event.created.toISOString(),
        payload: event.payload,
        metadata: { ...event.meta, correlationId: event.correlationId },
      });
      const store: PeerStore = {
        append: async (_stream, events, knownVersion) => {
          if (events.length === 1) {
            await adapter.pushEvent(detail(events[0]!, knownVersion + 1), context);
            return;
          }
          const grouped = events.map(
            (event, index) => new GroupedEvent({ event: detail(event, knownVersion + index + 1), eventStorageAdapter: adapter, context }),
          );
          await adapter.pushEventGroup({}, ...(grouped as [GroupedEvent, ...GroupedEvent[]]));
        },
        fresh: async () => store,
        readStream: async (stream) => (await adapter.getEvents(stream, context)).events.length,
        location: () => ({ tables: [schema] }),
        dispose: async () => {
          await servers.dynamo.send(new DeleteTableCommand({ TableName: table }));
          meter.forget(table);
        },
      };
      return store;
    },
    stop: () => client.destroy(),
  };
}

/** The drop-in's and the old adapter's event shape. */
function createdEvent(event: PeerEvent): CreatedEvent {
  return {
    id: event.id,
    domain: PEER_DOMAIN,
    identifier: event.stream,
    type: event.type,
    payload: event.payload,
    meta: event.meta,
    correlationId: event.correlationId,
    created: event.created,
  };
}

/** A library's own clients (same settings as the tests'), metered. */
function meteredClients(servers: PeerServers): { dynamo: DynamoDBClient; s3: S3Client; meter: RulesMeter } {
  const dynamo = createDynamoClient(servers.dynamoEndpoint);
  const s3 = createS3Client(servers.s3Endpoint);
  const meter = new RulesMeter(servers.dynamo);
  meter.instrument(dynamo, s3);
  return { dynamo, s3, meter };
}

/** Create an on-demand table (DynamoDB Local makes it ACTIVE at once). */
async function createTable(dynamo: DynamoDBClient, input: Omit<CreateTableCommandInput, 'BillingMode'>): Promise<void> {
  await dynamo.send(new CreateTableCommand({ ...input, BillingMode: 'PAY_PER_REQUEST' }));
}
