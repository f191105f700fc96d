/**
 * Pass-through decorators: a KV or blob driver that forwards every call to an inner driver unchanged. The faulty
 * variants extend these and override the one behaviour they break. The request methods are the core's generic
 * forwarders (src/runtime/decorate.ts `forwardRequests`, from the port's one list of methods): a new port method needs no
 * edit here.
 */
import { BLOB_REQUESTS, forwardRequests, KV_REQUESTS } from '../../src/runtime/decorate.js';
import type { BlobCapabilities, BlobDriver, BlobRequests } from '../../src/ports/blob-driver.js';
import type { EnsureTableResult, KvCapabilities, KvDriver, KvRequests, TableSchema } from '../../src/ports/kv-driver.js';

// Declaration merging: the request methods are installed on the prototype below (forwardRequests), and typed as
// the port's methods (not properties), so that a subclass may override one with a method of its own.
export interface ForwardingKvDriver extends KvRequests {}

/** A KV driver forwarding everything to `inner`; remembers table schemas so subclasses can compute keys. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface's methods are installed by forwardRequests below
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
  async clientMaxAttempts(): Promise<number> {
    return (await this.inner.clientMaxAttempts?.()) ?? 1;
  }
  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
forwardRequests(ForwardingKvDriver.prototype, KV_REQUESTS, 'inner');

export interface ForwardingBlobDriver extends BlobRequests {}

/** A blob driver forwarding everything to `inner`. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface's methods are installed by forwardRequests below
export class ForwardingBlobDriver implements BlobDriver {
  constructor(protected readonly inner: BlobDriver) {}

  get capabilities(): BlobCapabilities {
    return this.inner.capabilities;
  }
  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
forwardRequests(ForwardingBlobDriver.prototype, BLOB_REQUESTS, 'inner');
