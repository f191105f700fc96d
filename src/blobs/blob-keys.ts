import { createHash } from 'node:crypto';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { utf8Length } from '../layout/item-size.js';

/**
 * The blob key layout. Every blob a store writes lives under its SCOPE, `<blobKeyPrefix><tableName>/<generation>/`:
 * the table INSTANCE, not only its name. `<generation>` is the random id of the table's layout record (written when
 * the record is created; a `resetStore` makes a new one), so two tables of the same name (two regions, two accounts,
 * two developers' DynamoDB Local) sharing one bucket never list, sweep or reset each other's blobs, and neither do
 * stores with other prefixes or names (a table name cannot contain `/`, so no scope is a prefix of another's).
 * Under the scope:
 *
 * | blob                | key (after the scope)                                   |
 * |---------------------|---------------------------------------------------------|
 * | offloaded event     | `e/<encodeURIComponent(event id)>/<stamp>`              |
 * | offloaded snapshot  | `s/<encodeURIComponent(stream pk)>/<sequence>/<stamp>`  |
 *
 * `<stamp>` is `<write time, ms since the epoch, base 36, 9 digits>.<write id>`: unique per write, so a blob is
 * never overwritten, and datable when the blob store gives no last-modified time. A key that would pass S3's
 * 1,024-byte limit uses `#<sha-256 of the id or stream pk>` instead of the encoded component (such blobs are still
 * read through their item; the sweeper cannot resolve them, so it keeps them).
 *
 * Items store the full key of their blob, so blobs written under earlier layouts stay readable: the name-only scope
 * `<blobKeyPrefix><tableName>/e/...` and `.../s/...` (before the generation was part of the key), and
 * `<prefix><id>/<write id>`, `<prefix>snapshots/<stream>` (before scopes). They are outside every instance scope
 * (a generation is never `e` or `s`), so reset and sweep leave them alone: such a key cannot tell this table's blob
 * from one of a same-named table elsewhere sharing the bucket, so deleting it could destroy a neighbour's payload.
 */

/** S3 object keys are at most 1,024 bytes of UTF-8. */
export const MAX_BLOB_KEY_BYTES = 1024;

/**
 * The prefix shared by every table named `tableName` under `blobKeyPrefix`, whatever its instance:
 * `<blobKeyPrefix><tableName>/`. Not a scope to delete under (see {@link instanceScope}): other tables of that
 * name elsewhere may keep their blobs there too. Blobs written before the generation was part of the key live
 * directly under it.
 */
export function blobScope(blobKeyPrefix: string, tableName: string): string {
  return `${blobKeyPrefix}${tableName}/`;
}

/**
 * The scope of ONE table instance's blobs: `<blobKeyPrefix><tableName>/<generation>/`, `generation` being its
 * layout record's (a non-empty id without `/`). Every blob the store writes is keyed under it; the sweeper and
 * `resetStore` list and delete under it only. Throws `INPUT/INVALID_ARGUMENT` for an empty generation or one
 * containing `/` (a scope must never be a prefix of another instance's).
 */
export function instanceScope(blobKeyPrefix: string, tableName: string, generation: string): string {
  if (generation === '' || generation.includes('/')) {
    throw new EventStoreAdapterError(
      ErrorCodes.INVALID_ARGUMENT,
      `A blob scope needs the table's generation (a non-empty id without '/'), got ${JSON.stringify(generation)}`,
      { details: { field: 'generation' } },
    );
  }
  return `${blobScope(blobKeyPrefix, tableName)}${generation}/`;
}

/** A write's stamp: its time (base 36, fixed width, so stamps sort by time) and its id. */
export function writeStamp(timeMs: number, writeId: string): string {
  return `${Math.max(0, Math.floor(timeMs)).toString(36).padStart(9, '0')}.${writeId}`;
}

/** Key of an offloaded event's blob. */
export function eventBlobKey(scope: string, eventId: string, stamp: string): string {
  return fitting(`${scope}e/`, eventId, `/${stamp}`);
}

/** Key of an offloaded snapshot's blob (unique per stream, sequence and write). */
export function snapshotBlobKey(scope: string, streamPk: string, sequence: number, stamp: string): string {
  return fitting(`${scope}s/`, streamPk, `/${sequence}/${stamp}`);
}

/** What a key under `scope` says about its blob; undefined for keys this layout did not produce. */
export type ParsedBlobKey =
  | { readonly kind: 'event'; readonly eventId: string | undefined; readonly writtenAtMs: number }
  | { readonly kind: 'snapshot'; readonly streamPk: string | undefined; readonly sequence: number; readonly writtenAtMs: number };

/** Parse a key of this layout (the scope already known). `eventId`/`streamPk` are undefined for hashed keys. */
export function parseBlobKey(scope: string, key: string): ParsedBlobKey | undefined {
  if (!key.startsWith(scope)) return undefined;
  const parts = key.slice(scope.length).split('/');
  const stampTime = (stamp: string | undefined): number | undefined => {
    const match = /^([0-9a-z]{9})\./.exec(stamp ?? '');
    return match ? parseInt(match[1]!, 36) : undefined;
  };
  const component = (text: string): string | undefined => {
    if (text.startsWith('#')) return undefined;
    try {
      return decodeURIComponent(text);
    } catch {
      return undefined;
    }
  };
  if (parts[0] === 'e' && parts.length === 3) {
    const writtenAtMs = stampTime(parts[2]);
    return writtenAtMs === undefined ? undefined : { kind: 'event', eventId: component(parts[1]!), writtenAtMs };
  }
  if (parts[0] === 's' && parts.length === 4 && /^\d+$/.test(parts[2]!)) {
    const writtenAtMs = stampTime(parts[3]);
    return writtenAtMs === undefined
      ? undefined
      : { kind: 'snapshot', streamPk: component(parts[1]!), sequence: Number(parts[2]), writtenAtMs };
  }
  return undefined;
}

function fitting(head: string, component: string, tail: string): string {
  const key = `${head}${encodeURIComponent(component)}${tail}`;
  if (utf8Length(key) <= MAX_BLOB_KEY_BYTES) return key;
  return `${head}#${createHash('sha256').update(component, 'utf8').digest('hex')}${tail}`;
}
