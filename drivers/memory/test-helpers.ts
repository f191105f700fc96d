/** Helpers shared by the in-memory drivers' tests. */
import { EventStoreAdapterError } from '../../src/errors/index.js';
import type { TableSchema } from '../../src/ports/kv-driver.js';

/** The `code` of the error `action` rejects with, or `'resolved'` when it does not reject. */
export async function codeOf(action: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof action === 'function' ? action() : action);
    return 'resolved';
  } catch (error) {
    return error instanceof EventStoreAdapterError ? error.code : `not an EventStoreAdapterError: ${String(error)}`;
  }
}

/** The thrown EventStoreAdapterError of `action` (fails the test when it resolves). */
export async function errorOf(action: Promise<unknown>): Promise<EventStoreAdapterError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof EventStoreAdapterError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** A table keyed by (pk: S, sk: N) with a sparse ALL index (gpk: S, gsk: S) and a KEYS_ONLY index (kpk: S). */
export const EVENTS_TABLE: TableSchema = {
  name: 'events',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
  indexes: [
    { name: 'byGroup', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gsk', type: 'S' }, projection: 'ALL' },
    { name: 'keysOnly', partitionKey: { name: 'kpk', type: 'S' }, projection: 'KEYS_ONLY' },
  ],
};

/** A table keyed by (pk: S, sk: S) without indexes. */
export const STRINGS_TABLE: TableSchema = {
  name: 'strings',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: [],
};

/** A table keyed by pk: S only. */
export const SIMPLE_TABLE: TableSchema = {
  name: 'simple',
  partitionKey: { name: 'pk', type: 'S' },
  indexes: [],
};

/** A string of `n` ASCII characters. */
export function text(n: number): string {
  return 'x'.repeat(n);
}
