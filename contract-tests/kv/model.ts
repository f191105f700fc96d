/**
 * The reference model of a KV table: a plain `Map` from primary key to item, with DynamoDB's condition
 * evaluation, sort-key order (numbers numerically, strings by UTF-8 bytes) and range conditions.
 */
import type { Condition, Item, ItemKey, KeyValue, RangeCondition, TableSchema, TransactAction } from '../../src/ports/kv-driver.js';
import { canonical, compareUtf8 } from '../harness.js';

/** Order two key values: numbers numerically, strings by UTF-8 bytes (DynamoDB's order). */
export function compareKeyValues(a: KeyValue, b: KeyValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return compareUtf8(String(a), String(b));
}

/** True when `value` satisfies the sort-key range condition (DynamoDB semantics; beginsWith on strings only). */
export function matchesRange(range: RangeCondition | undefined, value: KeyValue): boolean {
  if (range === undefined) return true;
  switch (range.op) {
    case 'eq':
      return compareKeyValues(value, range.value) === 0;
    case 'lt':
      return compareKeyValues(value, range.value) < 0;
    case 'lte':
      return compareKeyValues(value, range.value) <= 0;
    case 'gt':
      return compareKeyValues(value, range.value) > 0;
    case 'gte':
      return compareKeyValues(value, range.value) >= 0;
    case 'between':
      return compareKeyValues(value, range.low) >= 0 && compareKeyValues(value, range.high) <= 0;
    case 'beginsWith':
      return typeof value === 'string' && value.startsWith(range.prefix);
  }
}

/** Evaluate an abstract condition against the stored item (`undefined` when absent). */
export function evaluateCondition(condition: Condition | undefined, stored: Item | undefined): boolean {
  if (condition === undefined) return true;
  switch (condition.kind) {
    case 'notExists':
      return stored === undefined;
    case 'exists':
      return stored !== undefined;
    case 'equals':
      return stored !== undefined && stored[condition.attribute] === condition.value;
    case 'or':
      return condition.conditions.some((inner) => evaluateCondition(inner, stored));
    case 'and':
      return condition.conditions.every((inner) => evaluateCondition(inner, stored));
  }
}

/** The primary key of an item or key under `schema`. */
export function primaryKey(schema: TableSchema, itemOrKey: Item | ItemKey): ItemKey {
  const key: ItemKey = { [schema.partitionKey.name]: itemOrKey[schema.partitionKey.name] as KeyValue };
  if (schema.sortKey) key[schema.sortKey.name] = itemOrKey[schema.sortKey.name] as KeyValue;
  return key;
}

/** A stable string for a primary key (its canonical form). */
export function keyString(schema: TableSchema, itemOrKey: Item | ItemKey): string {
  return canonical(primaryKey(schema, itemOrKey));
}

/** The key an action targets. */
export function actionKey(schema: TableSchema, action: TransactAction): ItemKey {
  return action.type === 'put' ? primaryKey(schema, action.item) : primaryKey(schema, action.key);
}

/** Deep copy of an item (binary copied too), so the model never aliases driver or caller data. */
export function cloneItem<T extends Item>(item: T): T {
  return structuredClone(item);
}

/** Outcome the model predicts for a transaction: committed, or the indexes of the actions whose condition fails. */
export type ModelTransactOutcome = { committed: true } | { committed: false; failing: number[] };

/** The reference table: a `Map` keyed by primary key string. */
export class TableModel {
  readonly items = new Map<string, Item>();

  constructor(readonly schema: TableSchema) {}

  /** The stored item at `key`, or undefined. */
  get(key: ItemKey | Item): Item | undefined {
    return this.items.get(keyString(this.schema, key));
  }

  /** Store a copy of `item` whole. */
  put(item: Item): void {
    this.items.set(keyString(this.schema, item), cloneItem(item));
  }

  /** Set attributes on the item at `key`, creating it from the key if absent. */
  update(key: ItemKey, set: Item): void {
    const existing = this.get(key);
    this.put({ ...(existing ?? {}), ...cloneItem(set), ...primaryKey(this.schema, key) });
  }

  /** Remove the item at `key` if present. */
  delete(key: ItemKey): void {
    this.items.delete(keyString(this.schema, key));
  }

  /** Evaluate every action's condition; when all hold, apply every action and report committed. */
  transact(actions: readonly TransactAction[]): ModelTransactOutcome {
    const failing = actions.flatMap((action, index) =>
      evaluateCondition(action.condition, this.get(actionKey(this.schema, action))) ? [] : [index],
    );
    if (failing.length > 0) return { committed: false, failing };
    for (const action of actions) {
      if (action.type === 'put') this.put(action.item);
      else if (action.type === 'update') this.update(action.key, action.set);
      else if (action.type === 'delete') this.delete(action.key);
    }
    return { committed: true };
  }

  /** The items of one table partition matching `range`, in sort-key order for `direction`. */
  partition(partition: KeyValue, direction: 'asc' | 'desc', range?: RangeCondition): Item[] {
    const pk = this.schema.partitionKey.name;
    const sk = this.schema.sortKey?.name;
    const selected = [...this.items.values()].filter(
      (item) => item[pk] === partition && (sk === undefined || matchesRange(range, item[sk] as KeyValue)),
    );
    if (sk !== undefined) selected.sort((a, b) => compareKeyValues(a[sk] as KeyValue, b[sk] as KeyValue));
    return direction === 'asc' ? selected : selected.reverse();
  }
}
