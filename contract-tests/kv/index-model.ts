/**
 * The reference view of a global secondary index: which items it holds (sparse), what it projects, and how a
 * paged index query is judged when its sort key has ties (their order is the backend's choice).
 */
import type { IndexSchema, Item, KeyValue, RangeCondition, TableSchema } from '../../src/ports/kv-driver.js';
import { canonical, ensure } from '../harness.js';
import { compareKeyValues, keyString, matchesRange, primaryKey } from './model.js';

/** The items of `items` that `index` holds for `partition` within `range`, projected as the index projects them. */
export function indexPartition(
  table: TableSchema,
  index: IndexSchema,
  items: Iterable<Item>,
  partition: KeyValue,
  range?: RangeCondition,
): Item[] {
  const selected: Item[] = [];
  for (const item of items) {
    const pkValue = item[index.partitionKey.name];
    if (pkValue !== partition) continue;
    if (index.sortKey) {
      const skValue = item[index.sortKey.name];
      if (!isKeyOfType(skValue, index.sortKey.type) || !matchesRange(range, skValue)) continue;
    }
    selected.push(project(table, index, item));
  }
  return selected;
}

function isKeyOfType(value: unknown, type: 'S' | 'N'): value is KeyValue {
  return type === 'S' ? typeof value === 'string' : typeof value === 'number';
}

/** The attributes `index` returns for `item`: everything for `ALL`, table and index keys for `KEYS_ONLY`. */
export function project(table: TableSchema, index: IndexSchema, item: Item): Item {
  if (index.projection === 'ALL') return item;
  const projected: Item = { ...primaryKey(table, item) };
  projected[index.partitionKey.name] = item[index.partitionKey.name]!;
  if (index.sortKey && item[index.sortKey.name] !== undefined) projected[index.sortKey.name] = item[index.sortKey.name]!;
  return projected;
}

/**
 * Judge a paged index query: same items as `expected` (as a multiset of canonical forms), no table key twice,
 * and index sort keys non-decreasing (asc) or non-increasing (desc). Throws a ContractViolation otherwise.
 */
export function ensureIndexResult(
  table: TableSchema,
  index: IndexSchema,
  actual: readonly Item[],
  expected: readonly Item[],
  direction: 'asc' | 'desc',
): void {
  const seen = new Set<string>();
  for (const item of actual) {
    const id = keyString(table, item);
    ensure(!seen.has(id), () => `index ${index.name} returned ${id} twice`);
    seen.add(id);
  }
  const a = actual.map(canonical).sort();
  const e = expected.map(canonical).sort();
  ensure(
    a.length === e.length && a.every((form, i) => form === e[i]),
    () => `index ${index.name} returned ${a.length} items ${a.join(' ')}; expected ${e.length}: ${e.join(' ')}`,
  );
  const sortName = index.sortKey?.name;
  if (sortName === undefined) return;
  for (let i = 1; i < actual.length; i++) {
    const order = compareKeyValues(actual[i - 1]![sortName] as KeyValue, actual[i]![sortName] as KeyValue);
    ensure(direction === 'asc' ? order <= 0 : order >= 0, () => `index ${index.name} items ${i - 1} and ${i} out of ${direction} order`);
  }
}
