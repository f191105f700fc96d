/**
 * Client-side loops the checks drive a KV driver with (a driver never loops itself): paging a query to its end,
 * and re-sending unprocessed batch keys/requests. Each loop checks the per-call contract as it goes.
 */
import type { Item, ItemKey, KvDriver, QueryRequest, TableSchema, WriteRequest } from '../../src/ports/kv-driver.js';
import { canonical, ensure } from '../harness.js';
import { keyString, primaryKey } from './model.js';

/** Most pages a query loop follows before declaring the cursor chain endless. */
export const MAX_QUERY_PAGES = 10_000;
/** Most calls a batch loop makes before declaring that unprocessed keys never drain. */
export const MAX_BATCH_ATTEMPTS = 200;

/** Every page of a query, followed through cursors to its end. */
export interface QueryRun {
  /** Items of every page, concatenated. */
  readonly items: Item[];
  /** Item count of each page. */
  readonly pageSizes: number[];
}

/**
 * Page `request` (without a cursor) to its end. Checks that each page holds at most `request.limit` items.
 * Throws a ContractViolation when a page is over its limit or the cursor chain does not end.
 */
export async function queryAll(driver: KvDriver, table: string, request: Omit<QueryRequest, 'cursor'>): Promise<QueryRun> {
  const items: Item[] = [];
  const pageSizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.query(table, cursor === undefined ? request : { ...request, cursor });
    ensure(Array.isArray(page.items), 'query page has no items array');
    if (request.limit !== undefined) {
      ensure(page.items.length <= request.limit, () => `query page of ${page.items.length} items exceeds limit ${request.limit}`);
    }
    items.push(...page.items);
    pageSizes.push(page.items.length);
    ensure(pageSizes.length <= MAX_QUERY_PAGES, 'query cursor chain never ends');
    ensure(page.cursor === undefined || typeof page.cursor === 'string', 'query cursor is not a string');
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { items, pageSizes };
}

/**
 * Fetch `keys` by batch-get, in chunks of `maxBatchGetKeys`, re-sending unprocessed keys until none are left.
 * Checks that every returned item and unprocessed key was asked for in that call, and that no key comes back twice.
 */
export async function batchGetEvery(
  driver: KvDriver,
  schema: TableSchema,
  keys: readonly ItemKey[],
  options?: { readonly consistent?: boolean },
): Promise<Item[]> {
  const found = new Map<string, Item>();
  const chunk = Math.max(1, driver.capabilities.maxBatchGetKeys);
  let pending = [...keys];
  for (let attempt = 0; pending.length > 0; attempt++) {
    ensure(attempt < MAX_BATCH_ATTEMPTS, 'batchGet unprocessed keys never drain');
    const sent = pending.slice(0, chunk);
    pending = pending.slice(chunk);
    const asked = new Set(sent.map((key) => keyString(schema, key)));
    const result = await driver.batchGet(schema.name, sent, options);
    for (const item of result.items) {
      const id = keyString(schema, item);
      ensure(asked.has(id), () => `batchGet returned an item that was not asked for: ${id}`);
      ensure(!found.has(id), () => `batchGet returned ${id} twice`);
      found.set(id, item);
    }
    for (const key of result.unprocessedKeys) {
      const id = keyString(schema, key);
      ensure(asked.has(id), () => `batchGet reported an unprocessed key that was not asked for: ${id}`);
      ensure(!found.has(id), () => `batchGet reported ${id} both found and unprocessed`);
      pending.push(primaryKey(schema, key));
    }
  }
  return [...found.values()];
}

/**
 * Apply `requests` by batch-write, in chunks of `maxBatchWriteItems`, re-sending unprocessed requests until none
 * are left. Checks that every unprocessed request is one that was sent in that call.
 */
export async function batchWriteEvery(driver: KvDriver, schema: TableSchema, requests: readonly WriteRequest[]): Promise<void> {
  const chunk = Math.max(1, driver.capabilities.maxBatchWriteItems);
  let pending = [...requests];
  for (let attempt = 0; pending.length > 0; attempt++) {
    ensure(attempt < MAX_BATCH_ATTEMPTS, 'batchWrite unprocessed requests never drain');
    const sent = pending.slice(0, chunk);
    pending = pending.slice(chunk);
    const result = await driver.batchWrite(schema.name, sent);
    // Canonical forms only when needed: for 400 KB items they cost more than the call.
    const sentForms = result.unprocessed.length === 0 ? new Set<string>() : new Set(sent.map(canonical));
    for (const request of result.unprocessed) {
      ensure(sentForms.has(canonical(request)), 'batchWrite reported an unprocessed request that was not sent');
      pending.push(request);
    }
  }
}

/** Compare two item lists as multisets (canonical forms sorted). */
export function sameItemSet(actual: readonly Item[], expected: readonly Item[]): boolean {
  const a = actual.map(canonical).sort();
  const e = expected.map(canonical).sort();
  return a.length === e.length && a.every((form, index) => form === e[index]);
}

/** Pause between attempts of {@link eventually}, in milliseconds. */
export const EVENTUALLY_POLL_MS = 50;

/**
 * Run `assertion` until it stops throwing, retrying every {@link EVENTUALLY_POLL_MS} for about `settleMs` in
 * total: for reads of eventually consistent indexes. `settleMs` 0 runs it once. Rethrows the last failure.
 */
export async function eventually(assertion: () => Promise<void>, settleMs: number): Promise<void> {
  const attempts = 1 + Math.ceil(settleMs / EVENTUALLY_POLL_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, EVENTUALLY_POLL_MS));
    }
  }
}
