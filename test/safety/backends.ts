/**
 * The backends the production-safety scenarios run on: the shared test backends (test/helpers/backends.ts: the
 * in-memory twin, and DynamoDB Local + the S3 server through the real drivers). Each backend is ONE key-value driver
 * and ONE bucket shared by every store a scenario opens (so two stores can share a bucket, or reopen a table, as two
 * processes would).
 */
import { EventStore, type EventStoreCoreOptions } from '../../src/event-store.js';
import type { BlobDriver } from '../../src/ports/blob-driver.js';
import type { Item, KvDriver } from '../../src/ports/kv-driver.js';
import type { StoreWarning } from '../../src/runtime/warnings.js';
import { scanTable } from '../../ops/raw-table.js';
import { memoryBackend, realBackend, type Backend } from '../helpers/backends.js';
import { uniqueTableName } from '../servers/index.js';

/** One backend: shared drivers, unique table names, and a way to plant a foreign table. */
export interface SafetyBackend {
  readonly name: string;
  readonly kv: KvDriver;
  readonly blobs: BlobDriver;
  /** A table name no other scenario uses. */
  table(label: string): string;
  /** A store over the shared drivers on `tableName` (warnings collected into `warnings`). */
  store(tableName: string, options?: Partial<EventStoreCoreOptions>): EventStore;
  /** Every warning the stores of this backend reported. */
  readonly warnings: StoreWarning[];
  /** Every blob key in the shared bucket. */
  allBlobKeys(): Promise<string[]>;
  /** Create a table of the OLD adapter's layout (hash `id`, range `created`) holding one item; returns that item. */
  plantForeignTable(tableName: string): Promise<Item>;
  /** Every item of `tableName`, scanned (real DynamoDB only, through the KV port's scan). */
  scanTable?(tableName: string): Promise<Record<string, unknown>[]>;
  /** Read the foreign table's item back (to prove it survived). */
  readForeign(tableName: string, item: Item): Promise<Item | undefined>;
  dispose(): Promise<void>;
}

const noSleep = async (): Promise<void> => undefined;

function makeBackend({ name, kv, blobs, teardown: dispose }: Backend): SafetyBackend {
  const warnings: StoreWarning[] = [];
  const foreignKey = (item: Item) => ({ id: item.id as string, created: item.created as string });
  return {
    name,
    kv,
    blobs,
    warnings,
    table: (label) => uniqueTableName(`safety-${label}`),
    store: (tableName, options = {}) =>
      new EventStore(
        { kv, blobs, tableName, offloadThresholdBytes: 4096, onWarning: (warning) => warnings.push(warning), ...options },
        { sleep: noSleep },
      ),
    async allBlobKeys() {
      await blobs.ensureContainer();
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await blobs.list('', cursor === undefined ? {} : { cursor });
        keys.push(...page.keys);
        cursor = page.cursor;
      } while (cursor !== undefined);
      return keys;
    },
    async plantForeignTable(tableName) {
      await kv.ensureTable({
        name: tableName,
        partitionKey: { name: 'id', type: 'S' },
        sortKey: { name: 'created', type: 'S' },
        indexes: [],
      });
      const item: Item = {
        id: 'EventID#old-1',
        created: '2021-03-04T05:06:07.000Z',
        domain: 'account',
        type: 'opened',
        payload: '{"old":true}',
      };
      await kv.batchWrite(tableName, [{ put: item }]);
      return item;
    },
    async readForeign(tableName, item) {
      return (await kv.get(tableName, foreignKey(item), { consistent: true })).item;
    },
    dispose,
  };
}

/** The in-memory twin (KV + blobs). */
export function memorySafetyBackend(): SafetyBackend {
  return makeBackend(memoryBackend());
}

/** DynamoDB Local + the S3 server (a fresh bucket per backend). */
export function realSafetyBackend(dynamoEndpoint: string, s3Endpoint: string): SafetyBackend {
  const backend = realBackend(dynamoEndpoint, s3Endpoint, 'safety');
  return {
    ...makeBackend(backend),
    async scanTable(tableName) {
      const items: Record<string, unknown>[] = [];
      await scanTable(backend.kv, tableName, (page) => void items.push(...page), { consistent: true });
      return items;
    },
  };
}
