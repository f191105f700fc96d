/**
 * Deliberately faulty blob drivers, each a decorator around a CORRECT driver that plants one bug, to prove the
 * blob contract suite catches it. Never use them for anything else.
 */
import type { BlobCapabilities, BlobDriver, BlobListPage } from '../../src/ports/blob-driver.js';
import { ForwardingBlobDriver } from './forwarding.js';

/** Bug: the last page of a multi-page listing comes back empty (its keys are lost). */
export class ListLosesLastPageBlobDriver extends ForwardingBlobDriver {
  override async list(prefix: string, options?: { readonly cursor?: string; readonly limit?: number }): Promise<BlobListPage> {
    const page = await this.inner.list(prefix, options);
    return options?.cursor !== undefined && page.cursor === undefined ? { keys: [] } : page;
  }
}

/** Bug: shares references: keeps the very buffer given to `put` and returns it from `get` (no copy in or out). */
export class SharesBytesBlobDriver extends ForwardingBlobDriver {
  private readonly bodies = new Map<string, Uint8Array>();
  override async put(key: string, body: Uint8Array, options?: { readonly contentType?: string }): Promise<void> {
    await this.inner.put(key, body, options);
    this.bodies.set(key, body);
  }
  override async get(key: string): Promise<Uint8Array | undefined> {
    const stored = await this.inner.get(key);
    if (stored === undefined) return undefined;
    const shared = this.bodies.get(key) ?? stored;
    this.bodies.set(key, shared);
    return shared;
  }
  override async delete(keys: readonly string[]): Promise<void> {
    await this.inner.delete(keys);
    for (const key of keys) this.bodies.delete(key);
  }
}

/** Bug: sorts each listing page by UTF-16 code units (JavaScript's default sort), not UTF-8 bytes. */
export class ListsInUtf16OrderBlobDriver extends ForwardingBlobDriver {
  override async list(prefix: string, options?: { readonly cursor?: string; readonly limit?: number }): Promise<BlobListPage> {
    const page = await this.inner.list(prefix, options);
    return { ...page, keys: [...page.keys].sort() };
  }
}

/** Bug: lists last-modified times in SECONDS since the epoch (a stray division by 1,000), not milliseconds. */
export class LastModifiedInSecondsBlobDriver extends ForwardingBlobDriver {
  override async list(prefix: string, options?: { readonly cursor?: string; readonly limit?: number }): Promise<BlobListPage> {
    const page = await this.inner.list(prefix, options);
    return page.lastModifiedMs === undefined ? page : { ...page, lastModifiedMs: page.lastModifiedMs.map((ms) => Math.floor(ms / 1000)) };
  }
}

/** Size of the chunks {@link SwapsLargeObjectPartsBlobDriver} swaps: S3's smallest multipart part, 5 MiB. */
export const SWAPPED_PART_BYTES = 5 * 1024 * 1024;

/** Bug: an object larger than two 5 MiB parts comes back with its first two parts swapped (a multipart mix-up). */
export class SwapsLargeObjectPartsBlobDriver extends ForwardingBlobDriver {
  override async get(key: string): Promise<Uint8Array | undefined> {
    const body = await this.inner.get(key);
    if (body === undefined || body.byteLength <= 2 * SWAPPED_PART_BYTES) return body;
    const swapped = new Uint8Array(body);
    swapped.set(body.subarray(SWAPPED_PART_BYTES, 2 * SWAPPED_PART_BYTES), 0);
    swapped.set(body.subarray(0, SWAPPED_PART_BYTES), SWAPPED_PART_BYTES);
    return swapped;
  }
}

/** The object-size limit {@link AcceptsOversizeObjectsBlobDriver} declares (it enforces its inner driver's). */
export const DECLARED_OBJECT_BYTES = 1024 * 1024;

/** Bug: declares a `maxObjectBytes` of 1 MiB but accepts larger objects (its inner driver's limit). */
export class AcceptsOversizeObjectsBlobDriver extends ForwardingBlobDriver {
  override get capabilities(): BlobCapabilities {
    return { ...this.inner.capabilities, maxObjectBytes: DECLARED_OBJECT_BYTES };
  }
}

/** A named faulty blob driver: the bug it plants and how to wrap a correct driver with it. */
export interface FaultyBlobVariant {
  /** Short stable name. */
  readonly name: string;
  /** The planted bug, in words. */
  readonly bug: string;
  /** Wrap a correct driver. */
  readonly wrap: (inner: BlobDriver) => BlobDriver;
}

/** Every faulty blob variant. */
export const faultyBlobVariants: readonly FaultyBlobVariant[] = [
  {
    name: 'list-loses-last-page',
    bug: 'the final page of a multi-page listing is empty',
    wrap: (inner) => new ListLosesLastPageBlobDriver(inner),
  },
  { name: 'shares-bytes', bug: 'get returns the very buffer given to put', wrap: (inner) => new SharesBytesBlobDriver(inner) },
  { name: 'lists-in-utf16-order', bug: 'list pages sorted by UTF-16 code units', wrap: (inner) => new ListsInUtf16OrderBlobDriver(inner) },
  {
    name: 'swaps-large-object-parts',
    bug: 'the first two 5 MiB parts of a large object come back swapped',
    wrap: (inner) => new SwapsLargeObjectPartsBlobDriver(inner),
  },
  {
    name: 'accepts-oversize-objects',
    bug: 'declares maxObjectBytes 1 MiB but stores larger objects',
    wrap: (inner) => new AcceptsOversizeObjectsBlobDriver(inner),
  },
  {
    name: 'last-modified-in-seconds',
    bug: 'listed last-modified times are seconds, not milliseconds',
    wrap: (inner) => new LastModifiedInSecondsBlobDriver(inner),
  },
];
