/** Reading this package's own table raw (for `stats` and `verify`): which kind each item is. See src/table-layout.ts. */
import { A, CATALOG_PK, HEAD_SK, METADATA_PK, SNAPSHOT_SK, STREAM_KEY_SK, TABLE_KEY_PK } from '../src/table-layout.js';
import type { RawItem } from './raw-table.js';

/** The kinds of item of the layout. */
export type ItemKind =
  | 'event'
  | 'head'
  | 'snapshot'
  | 'stream-key'
  | 'table-key'
  | 'guard'
  | 'link'
  | 'catalog'
  | 'metadata'
  | 'log-counter'
  | 'consumer'
  | 'instance-marker'
  | 'unknown';

/** The kind of a raw item of our table, by its key. */
export function itemKind(item: RawItem): ItemKind {
  const pk = item[A.pk];
  const sk = item[A.sk];
  if (typeof pk !== 'string' || typeof sk !== 'number') return 'unknown';
  if (pk === CATALOG_PK) return 'catalog';
  if (pk === METADATA_PK) return 'metadata';
  // Encryption (docs/codecs.md): the table key, and each stream's data key (or its erasure tombstone).
  if (pk === TABLE_KEY_PK) return sk === 0 ? 'table-key' : 'unknown';
  if (pk.startsWith('s|')) {
    if (sk === STREAM_KEY_SK) return 'stream-key';
    return sk === HEAD_SK ? 'head' : sk === SNAPSHOT_SK ? 'snapshot' : sk > 0 ? 'event' : 'unknown';
  }
  if (pk.startsWith('e|')) return 'guard';
  if (pk.startsWith('c|')) return 'link';
  // Change feed (`changeFeed`): a log shard's position counter, a `subscribe` consumer's cursor.
  if (pk.startsWith('log|')) return sk === HEAD_SK ? 'log-counter' : 'unknown';
  if (pk.startsWith('consumer|')) return sk === HEAD_SK ? 'consumer' : 'unknown';
  // Instance markers (src/instance-markers.ts): the table instance's generation, written with the layout record.
  if (pk.startsWith('instance|')) return sk === HEAD_SK ? 'instance-marker' : 'unknown';
  return 'unknown';
}

/** The shard of a global-order partition key `g|<bucket>|<shard>`, or undefined. */
export function shardOfGlobalPk(gpk: unknown): number | undefined {
  if (typeof gpk !== 'string') return undefined;
  const match = /^g\|\d+\|(\d+)$/.exec(gpk);
  return match ? Number(match[1]) : undefined;
}
