/**
 * Key attributes: validation against a table's key schema, ordering (numbers numerically, strings by UTF-8 bytes
 * as DynamoDB sorts them) and canonical text ids used as map keys.
 */
import type { Item, ItemKey, KeyAttribute, KeyValue, TableSchema } from '../../src/ports/kv-driver.js';
import { utf8Length } from '../../src/layout/item-size.js';
import { compareUtf8 } from '../../src/layout/utf8-order.js';

export { DYNAMODB_MAX_PARTITION_KEY_BYTES, DYNAMODB_MAX_SORT_KEY_BYTES } from '../../src/layout/limits.js';

/**
 * Why `value` is not a valid value for key attribute `attribute`, or `undefined` when it is.
 * `'S'`: a non-empty string of at most `maxBytes` UTF-8 bytes; `'N'`: a finite number.
 */
export function keyValueProblem(attribute: KeyAttribute, value: unknown, maxBytes: number): string | undefined {
  if (attribute.type === 'S') {
    if (typeof value !== 'string') return `key attribute '${attribute.name}' must be a string`;
    if (value.length === 0) return `key attribute '${attribute.name}' must not be empty`;
    if (utf8Length(value) > maxBytes) return `key attribute '${attribute.name}' exceeds ${maxBytes} bytes`;
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `key attribute '${attribute.name}' must be a finite number`;
  }
  return undefined;
}

/** Order of two key values of one attribute: numbers numerically, strings by UTF-8 bytes. */
export function compareKeyValues(a: KeyValue, b: KeyValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return compareUtf8(String(a), String(b));
}

/** Canonical text of a key value (`-0` and `0` agree). */
export function keyValueId(value: KeyValue): string {
  return typeof value === 'number' ? `N${value === 0 ? 0 : value}` : `S${value}`;
}

/** Canonical text of an item's primary key, unique per item in a table. */
export function primaryKeyId(schema: TableSchema, key: Readonly<Record<string, unknown>>): string {
  const partition = keyValueId(key[schema.partitionKey.name] as KeyValue);
  if (schema.sortKey === undefined) return partition;
  return `${partition}\u0000${keyValueId(key[schema.sortKey.name] as KeyValue)}`;
}

/** The primary key attributes of an item (assumed valid). */
export function extractKey(schema: TableSchema, item: Item): ItemKey {
  const key: Record<string, KeyValue> = { [schema.partitionKey.name]: item[schema.partitionKey.name] as KeyValue };
  if (schema.sortKey !== undefined) key[schema.sortKey.name] = item[schema.sortKey.name] as KeyValue;
  return key;
}
