/**
 * Deliberately faulty blob drivers, each a decorator around a CORRECT driver that plants one bug, to prove the
 * blob contract suite catches it. Never use them for anything else.
 */
import type { BlobDriver, BlobListPage } from '../../src/ports/blob-driver.js';
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
  { name: 'list-loses-last-page', bug: 'the final page of a multi-page listing is empty', wrap: (inner) => new ListLosesLastPageBlobDriver(inner) },
  { name: 'shares-bytes', bug: 'get returns the very buffer given to put', wrap: (inner) => new SharesBytesBlobDriver(inner) },
  { name: 'lists-in-utf16-order', bug: 'list pages sorted by UTF-16 code units', wrap: (inner) => new ListsInUtf16OrderBlobDriver(inner) },
];
