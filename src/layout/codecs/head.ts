/**
 * The stream head item `(s|<domain>|<identifier>, 0)`: the stream's version, and the generation of the table
 * instance its last writer had verified (`g`; absent on heads written before). Every append checks-and-bumps it in
 * its transaction, conditioned on both; a failed check returns it (`ALL_OLD`), so a conflict needs no read, and a
 * writer whose table was reset elsewhere learns it from the generation at no extra cost.
 */
import { ErrorCodes, EventStoreAdapterError } from '../../errors/index.js';
import type { Item, ItemKey } from '../../ports/kv-driver.js';
import { A, HEAD_SK } from '../table-layout.js';

/** The head's key for stream pk `pk`. */
export function headKey(pk: string): ItemKey {
  return { [A.pk]: pk, [A.sk]: HEAD_SK };
}

/** The head item of stream `pk` at `version`, written by a writer of table instance `generation` ('' or absent: none recorded). */
export function encodeHead(pk: string, version: number, generation = ''): Item {
  const item: Item = { [A.pk]: pk, [A.sk]: HEAD_SK, [A.version]: version };
  if (generation !== '') item[A.generation] = generation;
  return item;
}

/** The version a head item holds; 0 for an absent item. Throws `DECODE/INVALID_ITEM` for a head without a numeric version. */
export function decodeHeadVersion(item: Item | undefined): number {
  if (item === undefined) return 0;
  const version = item[A.version];
  if (typeof version !== 'number') {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Head item ${String(item[A.pk])} has no numeric version`, {
      details: { key: { pk: item[A.pk], sk: HEAD_SK } },
    });
  }
  return version;
}

/** The version in a failed head condition's stored item (`ALL_OLD`): absent item or attribute read as 0 (a new or vanished stream). */
export function storedHeadVersion(item: Item | undefined): number {
  const version = item?.[A.version];
  return typeof version === 'number' ? version : 0;
}

/** The generation in a head item (`ALL_OLD` of a failed condition): undefined for an absent item or a head written before generations. */
export function storedHeadGeneration(item: Item | undefined): string | undefined {
  const generation = item?.[A.generation];
  return typeof generation === 'string' ? generation : undefined;
}
