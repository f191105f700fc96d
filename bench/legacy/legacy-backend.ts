/**
 * The third backend, `legacy-dynamodb-local`: the OLD adapter (`@schemeless/event-store-adapter-dynamodb@5.0.0`,
 * constructor `new EventStoreRepo(dynamodbClient, s3Client, { tableNamePrefix, s3BucketName })`) on the SAME
 * DynamoDB Local and S3 server as ours, in the same bench run, with its own SDK clients (same settings as ours:
 * `test/servers/clients.ts`) carrying the metering middlewares of `legacy-meter.ts`.
 *
 * Its `init()` creates its table (`${tableNamePrefix}schemeless-event-store`: key `id` + `created`, GSIs
 * `timeBucketIndex` and `causationIndex`, both KEYS_ONLY) and its bucket; each store gets a fresh table and bucket,
 * like ours. Read workloads seed through its own `storeEvents` (untimed).
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { CreatedEvent, StoreStats } from '../../src/index.js';
import { createDynamoClient, createS3Client } from '../../test/servers/clients.js';
import { uniqueBucketName, uniqueTableName } from '../../test/servers/unique-name.js';
import type { Backend, BenchRepo, LocalServers, StoreHandle, StoreSettings } from '../backends.js';
import { inParallel } from '../harness/timing.js';
import { chunk } from '../workloads/workload.js';
import { loadLegacyAdapter, type LegacyAdapterRepo } from './load-legacy-adapter.js';
import { instrumentClients, LegacyTableMeter } from './legacy-meter.js';

/** Seeding calls in flight (set-up only; batches in flight are on distinct streams, see `timelineBatches`). */
const LEGACY_SEED_CONCURRENCY = 8;
/**
 * Most events per seeding `storeEvents` call. The old adapter splits a batch of more than 25 events into
 * transactions of 25 and passes each an explicit `expectedSequence`, whose condition (`version = :expected`) fails
 * on a stream without a head item: a batch of more than 25 events on a NEW stream is always cancelled (and then
 * reported as a TypeError, see `load-legacy-adapter.ts`). So the seed's 40-event batches go in as 25 + 15, one
 * after the other on their stream: the same events, in the same order, on the same streams.
 */
const LEGACY_SEED_PIECE = 25;

/** The old adapter behind the bench's repo interface: its calls, our meter's figures. */
export class LegacyRepo implements BenchRepo {
  constructor(
    readonly adapter: LegacyAdapterRepo,
    private readonly meter: LegacyTableMeter,
  ) {}

  storeEvents(events: CreatedEvent[], options?: { expectedSequence?: number }): Promise<void> {
    return this.adapter.storeEvents(events, options);
  }

  getAllEvents(pageSize: number): Promise<AsyncIterable<readonly { id: string; created: Date }[]>> {
    return this.adapter.getAllEvents(pageSize);
  }

  /** The old adapter holds no resources of its own (the clients are the backend's). */
  async close(): Promise<void> {}

  settle(): Promise<void> {
    return this.meter.settle();
  }

  resetStats(): void {
    this.meter.reset();
  }

  /** Requests as counted; capacity by AWS's rules (its calls replayed on a shadow twin). */
  stats(): StoreStats {
    return this.meter.stats();
  }

  /** Requests as counted; capacity as DynamoDB Local reported it. */
  reportedStats(): StoreStats {
    return this.meter.reportedStats();
  }
}

/** Start the old adapter's backend on the shared servers. */
export async function startLegacyBackend(servers: () => Promise<LocalServers>): Promise<Backend<LegacyRepo>> {
  const { EventStoreRepo, version } = loadLegacyAdapter();
  const { dynamoEndpoint, s3Endpoint } = await servers();
  const dynamo = createDynamoClient(dynamoEndpoint);
  const s3 = createS3Client(s3Endpoint);
  const meters = new Map<string, LegacyTableMeter>();
  instrumentClients(dynamo, s3, (name) => meters.get(name));
  return {
    name: 'legacy-dynamodb-local',
    description: `old adapter @schemeless/event-store-adapter-dynamodb@${version} on the same DynamoDB Local + S3 server; requests counted by client middleware, capacity by AWS rules from its calls replayed on a shadow twin`,
    createStore: async ({ label }: StoreSettings): Promise<StoreHandle<LegacyRepo>> => {
      const tableNamePrefix = `${uniqueTableName(`bench-legacy-${label}`)}-`;
      const s3BucketName = uniqueBucketName(`bench-legacy-${label}`);
      const open = async (): Promise<LegacyRepo> => {
        const adapter = new EventStoreRepo(dynamo, s3, { tableNamePrefix, s3BucketName });
        let meter = meters.get(adapter.tableName);
        if (!meter) {
          meter = new LegacyTableMeter(adapter.tableName, s3BucketName);
          meters.set(adapter.tableName, meter);
          meters.set(s3BucketName, meter);
        }
        await adapter.init();
        await meter.prepare(dynamo);
        return new LegacyRepo(adapter, meter);
      };
      const repo = await open();
      return {
        repo,
        reopen: open,
        load: async (batches) => {
          await inParallel(batches, LEGACY_SEED_CONCURRENCY, async (batch) => {
            for (const piece of chunk(batch, LEGACY_SEED_PIECE)) await repo.storeEvents(piece);
          });
          await repo.settle();
        },
        dispose: async () => {
          meters.delete(repo.adapter.tableName);
          meters.delete(s3BucketName);
          await dynamo.send(new DeleteTableCommand({ TableName: repo.adapter.tableName }));
        },
      };
    },
    stop: async () => {
      dynamo.destroy();
      s3.destroy();
    },
  };
}
