/**
 * The stream head item `(s|<domain>|<identifier>, 0)`: the stream's version. Every append checks-and-bumps it in
 * its transaction; a failed check returns it (`ALL_OLD`), so a conflict needs no read.
 */
import { ErrorCodes, EventStoreAdapterError } from '../errors.js';
import type { Item, ItemKey } from '../ports/kv-driver.js';
import { A, HEAD_SK } from '../table-layout.js';

/** The head's key for stream pk `pk`. */
export function headKey(pk: string): ItemKey {
  return { [A.pk]: pk, [A.sk]: HEAD_SK };
}

/** The head item of stream `pk` at `version`. */
export function encodeHead(pk: string, version: number): Item {
  return { [A.pk]: pk, [A.sk]: HEAD_SK, [A.version]: version };
}

/** The version a head item holds; 0 for an absent item. Throws `DECODE/INVALID_ITEM` for a head without a numeric version. */
export function decodeHeadVersion(item: Item | undefined): number {
  if (item === undefined) return 0;
  const version = item[A.version];
  if (typeof version !== 'number') {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Head item ${String(item[A.pk])} has no numeric version`, { details: { key: { pk: item[A.pk], sk: HEAD_SK } } });
  }
  return version;
}

/** The version in a failed head condition's stored item (`ALL_OLD`): absent item or attribute read as 0 (a new or vanished stream). */
export function storedHeadVersion(item: Item | undefined): number {
  const version = item?.[A.version];
  return typeof version === 'number' ? version : 0;
}
