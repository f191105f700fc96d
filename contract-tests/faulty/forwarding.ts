/**
 * Pass-through decorators: a KV or blob driver that forwards every call to an inner driver unchanged. The faulty
 * variants extend these and override the one behaviour they break.
 */
import type { BlobCapabilities, BlobDriver, BlobListPage } from '../../src/ports/blob-driver.js';
import type {
  ConsumedCapacity,
  EnsureTableResult,
  Item,
  ItemKey,
  KvCapabilities,
  KvDriver,
  QueryPage,
  QueryRequest,
  TableSchema,
  TransactAction,
  TransactResult,
  WriteRequest,
} from '../../src/ports/kv-driver.js';

/** A KV driver forwarding everything to `inner`; remembers table schemas so subclasses can compute keys. */
export class ForwardingKvDriver implements KvDriver {
  protected readonly schemas = new Map<string, TableSchema>();

  constructor(protected readonly inner: KvDriver) {}

  get capabilities(): KvCapabilities {
    return this.inner.capabilities;
  }
  async ensureTable(schema: TableSchema): Promise<EnsureTableResult> {
    const result = await this.inner.ensureTable(schema);
    this.schemas.set(schema.name, schema);
    return result;
  }
  dropTable(tableName: string): Promise<void> {
    return this.inner.dropTable(tableName);
  }
  get(
    table: string,
    key: ItemKey,
    options?: { readonly consistent?: boolean },
  ): Promise<{ readonly item: Item | undefined; readonly consumed: ConsumedCapacity }> {
    return this.inner.get(table, key, options);
  }
  query(table: string, request: QueryRequest): Promise<QueryPage> {
    return this.inner.query(table, request);
  }
  batchGet(
    table: string,
    keys: readonly ItemKey[],
    options?: { readonly consistent?: boolean },
  ): Promise<{ readonly items: Item[]; readonly unprocessedKeys: ItemKey[]; readonly consumed: ConsumedCapacity }> {
    return this.inner.batchGet(table, keys, options);
  }
  batchWrite(
    table: string,
    requests: readonly WriteRequest[],
  ): Promise<{ readonly unprocessed: WriteRequest[]; readonly consumed: ConsumedCapacity }> {
    return this.inner.batchWrite(table, requests);
  }
  transactWrite(table: string, actions: readonly TransactAction[], options?: { readonly token?: string }): Promise<TransactResult> {
    return this.inner.transactWrite(table, actions, options);
  }
  async clientMaxAttempts(): Promise<number> {
    return (await this.inner.clientMaxAttempts?.()) ?? 1;
  }
  async close(): Promise<void> {
    await this.inner.close?.();
  }
}

/** A blob driver forwarding everything to `inner`. */
export class ForwardingBlobDriver implements BlobDriver {
  constructor(protected readonly inner: BlobDriver) {}

  get capabilities(): BlobCapabilities {
    return this.inner.capabilities;
  }
  ensureContainer(): Promise<void> {
    return this.inner.ensureContainer();
  }
  put(key: string, body: Uint8Array, options?: { readonly contentType?: string }): Promise<void> {
    return this.inner.put(key, body, options);
  }
  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }
  delete(keys: readonly string[]): Promise<void> {
    return this.inner.delete(keys);
  }
  list(prefix: string, options?: { readonly cursor?: string; readonly limit?: number }): Promise<BlobListPage> {
    return this.inner.list(prefix, options);
  }
  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
