/** The bucket catalog items `(catalog, <month>)`: one per monthly time bucket that may hold events; replay reads only those. */
import { ErrorCodes, EventStoreAdapterError } from '../../errors/index.js';
import type { Item } from '../../ports/kv-driver.js';
import { A, CATALOG_PK } from '../table-layout.js';

/** The catalog item of `bucket` (months since 1970-01). */
export function encodeCatalogEntry(bucket: number): Item {
  return { [A.pk]: CATALOG_PK, [A.sk]: bucket };
}

/** The bucket a catalog item names. Throws `DECODE/INVALID_ITEM` for a malformed one. */
export function decodeCatalogEntry(item: Item): number {
  const bucket = item[A.sk];
  if (typeof bucket !== 'number' || !Number.isInteger(bucket))
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, 'A catalog item has no month number', {
      details: { key: { pk: CATALOG_PK, sk: bucket } },
    });
  return bucket;
}
