import type { BoundedCache } from './concurrency.js';
import type { Meter } from './metering.js';
import type { ResolvedOptions } from './options.js';
import type { BlobDriver } from './ports/blob-driver.js';
import type { KvDriver } from './ports/kv-driver.js';
import type { Sleep } from './retry.js';

/** What the write and read paths share: metered drivers, resolved options and the process-local caches. */
export interface StoreContext {
  readonly kv: KvDriver;
  readonly blobs: BlobDriver | undefined;
  readonly options: ResolvedOptions;
  readonly meter: Meter;
  readonly sleep: Sleep;
  /** Last known head version per stream pk: lets an append cost one request in the steady state. */
  readonly heads: BoundedCache<string, number>;
  /** Time buckets this process knows are in the catalog (a bucket's catalog item is written with its first event). */
  readonly knownBuckets: Set<number>;
}
