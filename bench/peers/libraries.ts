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

/** A table a library needs created for it, as its docs describe (on demand; DynamoDB Local makes it ACTIVE at once). */
type TableDefinition = Omit<CreateTableCommandInput, 'BillingMode' | 'TableName'>;

/** A library's own SDK clients (same settings as the tests'), which its meter instruments. */
interface LibraryClients {
  readonly dynamo: DynamoDBClient;
  readonly s3?: S3Client;
}

/** A store of one library as its definition opens it; {@link peerLibrary} adds the metering, location and clean-up. */
interface OpenedStore extends Pick<PeerStore, 'append' | 'readStream' | 'readAll'> {
  /** The table it writes (the meter tracks it; deleted on dispose). */
  readonly table: string;
  /** Its bucket, where it has one. */
  readonly bucket?: string;
  /** Another instance on the same data with empty caches; absent: the library caches nothing, the same store reads fresh. */
  fresh?(): Promise<OpenedStore>;
  /** Release what the instance holds (before its table is deleted). */
  close?(): Promise<void>;
}

/** What differs between the libraries; everything else is {@link peerLibrary}'s. */
interface LibraryDefinition<C extends LibraryClients> {
  readonly name: string;
  readonly description: string;
  /** Prefix of its table and bucket names (then the store's label). */
  readonly label: string;
  /** The table to create before opening a store; absent: the library's own init creates it. */
  readonly table?: TableDefinition;
  clients(servers: PeerServers): C;
  /**
   * Open a store. `unique` is a fresh table name (a library that adds its own base name takes `${unique}-` as its
   * prefix); `bucket` a fresh bucket name, for a library that has one.
   */
  open(names: { readonly unique: string; readonly bucket: string }, clients: C): Promise<OpenedStore>;
}

/** A library from its definition: its own metered clients; each store on fresh names, its table tracked by the meter. */
function peerLibrary<C extends LibraryClients>(definition: LibraryDefinition<C>, servers: PeerServers): PeerLibrary {
  const meter = new RulesMeter(servers.dynamo);
  const clients = definition.clients(servers);
  meter.instrument(clients.dynamo, clients.s3);
  return {
    name: definition.name,
    description: definition.description,
    meter,
    async createStore(label) {
      const unique = uniqueTableName(`${definition.label}-${label}`);
      const bucket = uniqueBucketName(`${definition.label}-${label}`);
      if (definition.table) await createTable(servers.dynamo, { TableName: unique, ...definition.table });
      const first = await definition.open({ unique, bucket }, clients);
      const schema = await meter.track(first.table);
      const opened: OpenedStore[] = [first];
      const wrap = (instance: OpenedStore): PeerStore => {
        const store: PeerStore = {
          append: instance.append,
          ...(instance.readStream ? { readStream: instance.readStream } : {}),
          ...(instance.readAll ? { readAll: instance.readAll } : {}),
          fresh: async () => {
            if (!instance.fresh) return store;
            const again = await instance.fresh();
            opened.push(again);
            return wrap(again);
          },
          location: () => ({ tables: [schema], ...(first.bucket !== undefined ? { bucket: first.bucket } : {}) }),
          dispose: async () => {
            await Promise.all(opened.map((each) => each.close?.()));
            await servers.dynamo.send(new DeleteTableCommand({ TableName: first.table }));
            meter.forget(first.table);
          },
        };
        return store;
      };
      return wrap(first);
    },
    stop: () => {
      clients.dynamo.destroy();
      clients.s3?.destroy();
    },
  };
}

/** Our adapter with `variant`'s options, through the drop-in constructor. */
export function ourLibrary(variant: OurVariant, servers: PeerServers): PeerLibrary {
  return peerLibrary(
    {
      name: variant.name,
      description: `this package, drop-in constructor${Object.keys(variant.options).length ? ` with ${JSON.stringify(variant.options)}` : ''}`,
      label: 'peer',
      clients: dropInClients,
      open: async ({ unique, bucket }, { dynamo, s3 }) => {
        const open = async (): Promise<OpenedStore> => {
          const repo = new EventStoreRepo(dynamo, s3, {
            tableNamePrefix: `${unique}-`,
            s3BucketName: bucket,
            ...variant.options,
          } as AwsEventStoreOptions);
          await repo.init();
          return {
            table: repo.options.tableName,
            bucket,
            append: (_stream, events, knownVersion) => repo.storeEvents(events.map(createdEvent), { expectedSequence: knownVersion }),
            readStream: async (stream) => (await repo.getStreamEvents(PEER_DOMAIN, stream)).length,
            readAll: async (pageSize) => countEvents(await repo.getAllEvents(pageSize)),
            fresh: open,
            close: () => repo.close(),
          };
        };
        return open();
      },
    },
    servers,
  );
}

/** The old adapter, loaded with the bench's runtime shim (see `bench/legacy/load-legacy-adapter.ts`). */
export function oldAdapterLibrary(servers: PeerServers): PeerLibrary {
  const { EventStoreRepo: LegacyRepo, version } = loadLegacyAdapter();
  return peerLibrary(
    {
      name: 'old adapter',
      description: `@schemeless/event-store-adapter-dynamodb@${version}, its own init() (table with 2 KEYS_ONLY GSIs, bucket)`,
      label: 'peer-old',
      clients: dropInClients,
      open: async ({ unique, bucket }, { dynamo, s3 }) => {
        const adapter: LegacyAdapterRepo = new LegacyRepo(dynamo, s3, { tableNamePrefix: `${unique}-`, s3BucketName: bucket });
        await adapter.init();
        return {
          table: adapter.tableName,
          bucket,
          append: (_stream, events, knownVersion) =>
            adapter.storeEvents(events.map(createdEvent), knownVersion === 0 ? undefined : { expectedSequence: knownVersion }),
          readAll: async (pageSize) => countEvents(await adapter.getAllEvents(pageSize)),
        };
      },
    },
    servers,
  );
}

/** An Equinox event: its type, body and metadata (the store keeps no event id). */
type EquinoxEvent = { type: string; data: Record<string, unknown>; meta: Record<string, unknown> };

/** Equinox's DynamoStore, as its docs configure it for DynamoDB. */
export function equinoxLibrary(servers: PeerServers): PeerLibrary {
  const codec = Codec.compress(Codec.json<EquinoxEvent>());
  return peerLibrary(
    {
      name: 'Equinox',
      description:
        '@equinox-js/dynamo-store 1.2.0 + @equinox-js/core: Codec.compress(Codec.json()), memory cache, AccessStrategy.Unoptimized, default tip (32 KB)',
      label: 'peer-eqx',
      table: {
        AttributeDefinitions: [
          { AttributeName: 'p', AttributeType: 'S' },
          { AttributeName: 'i', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'p', KeyType: 'HASH' },
          { AttributeName: 'i', KeyType: 'RANGE' },
        ],
      },
      // Its docs build the aggregated `DynamoDB` client (same settings as the tests' clients).
      clients: ({ dynamoEndpoint }) => ({
        dynamo: new DynamoDB({
          endpoint: dynamoEndpoint,
          region: TEST_REGION,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          maxAttempts: 2,
        }),
      }),
      open: async ({ unique: table }, { dynamo }) => {
        const context = DynamoStoreContext.create({
          client: new DynamoStoreClient(dynamo),
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
        return {
          table,
          append: async (stream, batch, knownVersion) => {
            const decider = Decider.forStream(category, StreamId.create(stream), null);
            const encoded = batch.map((event) => ({
              type: event.type,
              data: event.payload,
              meta: { ...event.meta, correlationId: event.correlationId },
            }));
            await decider.transact(() => encoded, knownVersion === 0 ? LoadOption.AssumeEmpty : LoadOption.AnyCachedValue);
          },
          readStream: async (stream) => {
            const timeline = await events.read(StreamName.create(PEER_DOMAIN, StreamId.create(stream)));
            for (const event of timeline) {
              // Decoded as the codec would, meta included (Codec.json's decode keeps only the body).
              if (event.data) JSON.parse(Codec.smartDecompress(event.data)!.toString());
              if (event.meta) JSON.parse(Codec.smartDecompress(event.meta)!.toString());
            }
            return timeline.length;
          },
        };
      },
    },
    servers,
  );
}

/** castore's single-table adapter, on the table its README describes. */
export function castoreLibrary(servers: PeerServers): PeerLibrary {
  const context = { eventStoreId: PEER_DOMAIN };
  return peerLibrary(
    {
      name: 'castore',
      description: '@castore/event-storage-adapter-dynamodb 2.4.2 (DynamoDBSingleTableEventStorageAdapter) + @castore/core GroupedEvent',
      label: 'peer-castore',
      table: {
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
      },
      clients: ({ dynamoEndpoint }) => ({ dynamo: createDynamoClient(dynamoEndpoint) }),
      open: async ({ unique: table }, { dynamo }) => {
        const adapter = new DynamoDBSingleTableEventStorageAdapter({ tableName: table, dynamoDBClient: dynamo });
        const detail = (event: PeerEvent, version: number) => ({
          aggregateId: event.stream,
          version,
          type: event.type,
          timestamp: event.created.toISOString(),
          payload: event.payload,
          metadata: { ...event.meta, correlationId: event.correlationId },
        });
        return {
          table,
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
          readStream: async (stream) => (await adapter.getEvents(stream, context)).events.length,
        };
      },
    },
    servers,
  );
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

/** Events in every page of a whole-store read. */
async function countEvents(pages: AsyncIterable<readonly unknown[]>): Promise<number> {
  let count = 0;
  for await (const page of pages) count += page.length;
  return count;
}

/** The drop-in constructor's clients (ours, the old adapter): DynamoDB and S3, same settings as the tests'. */
function dropInClients({ dynamoEndpoint, s3Endpoint }: PeerServers): Required<LibraryClients> {
  return { dynamo: createDynamoClient(dynamoEndpoint), s3: createS3Client(s3Endpoint) };
}

/** Create an on-demand table (DynamoDB Local makes it ACTIVE at once). */
async function createTable(dynamo: DynamoDBClient, input: TableDefinition & { TableName: string }): Promise<void> {
  await dynamo.send(new CreateTableCommand({ ...input, BillingMode: 'PAY_PER_REQUEST' }));
}
