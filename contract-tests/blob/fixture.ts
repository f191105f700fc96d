/**
 * What a blob contract check runs against, and the bookkeeping every check shares: a unique key prefix per
 * check (and per property run), the container ensured first, and every key written deleted at the end.
 */
import type { BlobCapabilities, BlobDriver } from '../../src/ports/blob-driver.js';
import { ensure, uniqueToken, type ContractCheck } from '../harness.js';

/** A fresh blob driver for one check, bound to a container the suite may write under `keyPrefix`. */
export interface BlobFixture {
  /** The driver under test. */
  readonly driver: BlobDriver;
  /** Prefix of every key the suite writes (default `'contract/'`). The suite deletes what it wrote. */
  readonly keyPrefix?: string;
  /** Called once the check is done with the driver. */
  readonly teardown?: () => Promise<void>;
}

/** Creates a fresh {@link BlobFixture}; called once per check. */
export type BlobDriverFactory = () => Promise<BlobFixture>;

/** A blob contract check. */
export type BlobCheck = ContractCheck<BlobDriverFactory, BlobCapabilities>;

/** Most pages a listing loop follows before declaring the cursor chain endless. */
export const MAX_LIST_PAGES = 10_000;

/** A scope of keys under one unique prefix: hands out the prefix and remembers nothing (cleanup lists it). */
export interface KeyScope {
  /** The unique prefix, ending in `/`. */
  readonly prefix: string;
}

/**
 * Create a fixture, ensure the container, run `body` with the driver and a function making fresh unique key
 * prefixes, then delete every key under the check's prefix and tear down, also when `body` throws.
 */
export async function withContainer<T>(
  factory: BlobDriverFactory,
  body: (driver: BlobDriver, newScope: () => KeyScope) => Promise<T>,
): Promise<T> {
  const fixture = await factory();
  const root = `${fixture.keyPrefix ?? 'contract/'}${uniqueToken()}/`;
  let count = 0;
  try {
    await fixture.driver.ensureContainer();
    return await body(fixture.driver, () => ({ prefix: `${root}${(count++).toString(36)}/` }));
  } finally {
    try {
      await deleteUnder(fixture.driver, root);
    } finally {
      await fixture.teardown?.();
    }
  }
}

/** Delete every key under `prefix` (best effort cleanup, in chunks of `maxDeleteKeys`). */
async function deleteUnder(driver: BlobDriver, prefix: string): Promise<void> {
  for (let round = 0; round < MAX_LIST_PAGES; round++) {
    const page = await driver.list(prefix);
    if (page.keys.length === 0) return;
    for (let start = 0; start < page.keys.length; start += driver.capabilities.maxDeleteKeys) {
      await driver.delete(page.keys.slice(start, start + driver.capabilities.maxDeleteKeys));
    }
  }
}

/** Every page of a listing, followed through cursors to its end. */
export interface ListRun {
  readonly keys: string[];
  readonly pageSizes: number[];
}

/**
 * List `prefix` to its end with page size `limit`. Checks every page holds at most `limit` and `maxListKeys`
 * keys, carries one finite last-modified time per key when it carries any, and that the cursor chain ends.
 * Throws a ContractViolation otherwise.
 */
export async function listAll(driver: BlobDriver, prefix: string, limit?: number): Promise<ListRun> {
  const keys: string[] = [];
  const pageSizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list(prefix, {
      ...(cursor === undefined ? {} : { cursor }),
      ...(limit === undefined ? {} : { limit }),
    });
    const max = Math.min(limit ?? Infinity, driver.capabilities.maxListKeys);
    ensure(page.keys.length <= max, () => `list page of ${page.keys.length} keys exceeds ${max}`);
    if (page.lastModifiedMs !== undefined) {
      const times = page.lastModifiedMs;
      ensure(
        times.length === page.keys.length,
        () => `a list page of ${page.keys.length} keys carries ${times.length} last-modified times`,
      );
      ensure(
        times.every((time) => typeof time === 'number' && Number.isFinite(time)),
        'a list page carries a last-modified time that is not a finite number',
      );
    }
    if (page.sizes !== undefined) {
      const sizes = page.sizes;
      ensure(sizes.length === page.keys.length, () => `a list page of ${page.keys.length} keys carries ${sizes.length} sizes`);
      ensure(
        sizes.every((size) => Number.isInteger(size) && size >= 0),
        'a list page carries a size that is not an integer >= 0',
      );
    }
    keys.push(...page.keys);
    pageSizes.push(page.keys.length);
    ensure(pageSizes.length <= MAX_LIST_PAGES, 'list cursor chain never ends');
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { keys, pageSizes };
}
