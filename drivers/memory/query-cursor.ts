/**
 * Query cursors: opaque base64url JSON naming the index, the partition and the position of the last entry of the
 * page (DynamoDB's LastEvaluatedKey, in our own shape). A cursor from another query is refused.
 */
import type { KeyAttribute, KeyValue } from '../../src/ports/kv-driver.js';
import { keyValueId } from './key-schema.js';
import type { Position } from './sorted-entries.js';

interface CursorPayload {
  readonly i: string | null;
  readonly p: KeyValue;
  readonly k: Position;
}

/** Encode the position after which the next page starts. */
export function encodeCursor(index: string | undefined, partition: KeyValue, position: Position): string {
  const payload: CursorPayload = { i: index ?? null, p: partition, k: position };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The attribute types a cursor's position must carry: (view sort key, table partition key, table sort key). */
export interface CursorShape {
  readonly index: string | undefined;
  readonly partition: KeyValue;
  readonly sortKey: KeyAttribute | undefined;
  readonly tablePartitionKey: KeyAttribute;
  readonly tableSortKey: KeyAttribute | undefined;
}

/** Decode a cursor of the query `shape`; `undefined` when it is malformed or belongs to another query. */
export function decodeCursor(cursor: string, shape: CursorShape): Position | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { i, p, k } = payload as Partial<CursorPayload>;
  if (i !== (shape.index ?? null)) return undefined;
  if ((typeof p !== 'string' && typeof p !== 'number') || keyValueId(p) !== keyValueId(shape.partition)) return undefined;
  if (!Array.isArray(k) || k.length !== 3) return undefined;
  const [sortKey, tablePartition, tableSort] = k as unknown[];
  if (!fits(sortKey, shape.sortKey) || !fits(tablePartition, shape.tablePartitionKey)) return undefined;
  if (!fits(tableSort, shape.tableSortKey)) return undefined;
  return k as unknown as Position;
}

function fits(value: unknown, attribute: KeyAttribute | undefined): boolean {
  if (attribute === undefined) return value === null;
  return attribute.type === 'S' ? typeof value === 'string' : typeof value === 'number' && Number.isFinite(value);
}
