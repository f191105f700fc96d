/**
 * A change-feed consumer's cursor item `(consumer|<name>, 0)`: the cursor it has delivered up to (JSON text) and a
 * version. `subscribe` advances it by compare-and-swap on the version, so two instances of one consumer never
 * both advance it from the same point; a missing item is a new consumer, at the log's beginning.
 */
import type { ExpectedStreamVersion } from '../../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../../errors/index.js';
import type { Item, ItemKey } from '../../ports/kv-driver.js';
import { A, consumerPk, HEAD_SK } from '../table-layout.js';

/** A consumer's stored state: version 0 and no cursor when it has never advanced. */
export interface ConsumerState {
  readonly cursor: ExpectedStreamVersion[] | undefined;
  readonly version: number;
}

/** The consumer item's key. */
export function consumerKey(name: string): ItemKey {
  return { [A.pk]: consumerPk(name), [A.sk]: HEAD_SK };
}

/** The consumer item at `cursor`, `version`, written at `now` (ms). */
export function encodeConsumer(name: string, cursor: readonly ExpectedStreamVersion[], version: number, now: number): Item {
  return { ...consumerKey(name), [A.cursor]: JSON.stringify(cursor), [A.version]: version, [A.updatedAt]: now };
}

/** Decode a consumer item (absent: a new consumer). Throws `DECODE/INVALID_ITEM` for a malformed one. */
export function decodeConsumer(name: string, item: Item | undefined): ConsumerState {
  if (item === undefined) return { cursor: undefined, version: 0 };
  const version = item[A.version];
  const text = item[A.cursor];
  let cursor: unknown;
  try {
    cursor = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    cursor = undefined;
  }
  if (typeof version !== 'number' || !Array.isArray(cursor)) {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Consumer ${name}: its cursor item is malformed`, {
      details: { key: consumerKey(name) },
    });
  }
  return { cursor: cursor as ExpectedStreamVersion[], version };
}
