/**
 * The blob port: an S3-shaped driver. One backend call per primitive (large puts may be multipart),
 * failures thrown as `EventStoreAdapterError` with `DRIVER/*` codes. Bytes are copied in and out.
 *
 * Unlike KV writes, a blob driver need not report whether a failed put or delete may have landed
 * (`details.mayHaveLanded`): the core writes every blob under a unique, never reused key before any item names it,
 * so a put that landed unanswered is an unreferenced orphan (the sweeper's), a retried put rewrites the same bytes,
 * and a delete is idempotent. Nothing the core decides depends on whether a failed blob call was applied.
 */

/** A blob driver's limits and flags. */
export interface BlobCapabilities {
  /** Driver name, used in error messages. */
  readonly name: string;
  /** Largest object in bytes the driver accepts (S3: 5 TB via multipart). */
  readonly maxObjectBytes: number;
  /** Most keys in one `delete` call (S3 DeleteObjects: 1,000). */
  readonly maxDeleteKeys: number;
  /** Most keys in one `list` page (S3 ListObjectsV2: 1,000). */
  readonly maxListKeys: number;
}

/** One page of a listing. */
export interface BlobListPage {
  /** Keys under the prefix, in ascending UTF-8 byte order. */
  readonly keys: string[];
  /** Present when more keys may follow: pass it back as `cursor`. */
  readonly cursor?: string;
  /**
   * Last-modified time of each key (same length and order as `keys`), in milliseconds since the epoch by the
   * blob store's own clock (S3's `LastModified`). Optional: the orphan sweeper falls back to the time written in
   * the key, and keeps blobs whose age it cannot tell.
   */
  readonly lastModifiedMs?: readonly number[];
  /** Size in bytes of each key's object (same length and order as `keys`). Optional: for the operations tools' statistics. */
  readonly sizes?: readonly number[];
}

/** The requests of the blob driver contract: each method performs one backend call (see {@link KvRequests} for why apart). */
export interface BlobRequests {
  /**
   * Make the container (bucket) usable: create it when it does not exist, and only then.
   * Idempotent and safe to call concurrently. No permission throws `DRIVER/ACCESS_DENIED`.
   */
  ensureContainer(): Promise<void>;

  /** Store `body` under `key`, replacing any object there. */
  put(key: string, body: Uint8Array, options?: { readonly contentType?: string }): Promise<void>;

  /** The bytes under `key`, or `undefined` when there is no such object. */
  get(key: string): Promise<Uint8Array | undefined>;

  /** Delete up to `maxDeleteKeys` keys. Missing keys are not an error. */
  delete(keys: readonly string[]): Promise<void>;

  /**
   * One page of keys under `prefix`: min(`limit`, `maxListKeys`) keys while more follow (as S3 fills its pages),
   * fewer only on the last page, which has no cursor.
   */
  list(prefix: string, options?: { readonly cursor?: string; readonly limit?: number }): Promise<BlobListPage>;
}

/** The blob driver contract: its requests, its limits, and optional members the core checks for. */
export interface BlobDriver extends BlobRequests {
  /** Limits and flags; constant for the driver's lifetime. */
  readonly capabilities: BlobCapabilities;
  /**
   * Where this driver's keys resolve (S3: `s3://<bucket>/<keyPrefix>`), when it can say. The core records it in the
   * table's layout record and refuses a store whose blobs would resolve elsewhere (another bucket or key prefix),
   * since every offloaded event would then read as missing. Absent: not recorded, not checked.
   */
  readonly location?: string;

  /** Attempts the backend client itself makes per call (the AWS SDK's `maxAttempts`), when the driver knows it. */
  clientMaxAttempts?(): Promise<number>;

  /** This driver with every request bound to `signal` (see `KvDriver.withSignal`). Optional. */
  withSignal?(signal: AbortSignal): BlobDriver;

  /** Release resources. */
  close?(): Promise<void>;
}
