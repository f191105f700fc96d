import { createHash } from 'node:crypto';
import { utf8Length } from './item-size.js';

/**
 * The blob key layout. Every blob a store writes lives under its SCOPE, `<blobKeyPrefix><tableName>/`, so stores
 * sharing one bucket (say `prod-` and `staging-` tables) never list, sweep or reset each other's blobs (a table
 * name cannot contain `/`, so no scope is a prefix of another's). Under the scope:
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
 * Items store the full key of their blob, so blobs written under earlier layouts (`<prefix><id>/<write id>`,
 * `<prefix>snapshots/<stream>`) stay readable; they are outside every scope, so reset and sweep leave them alone.
 */

/** S3 object keys are at most 1,024 bytes of UTF-8. */
export const MAX_BLOB_KEY_BYTES = 1024;

/** The scope of a store's blobs: `<blobKeyPrefix><tableName>/`. */
export function blobScope(blobKeyPrefix: string, tableName: string): string {
  return `${blobKeyPrefix}${tableName}/`;
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
    return writtenAtMs === undefined ? undefined : { kind: 'snapshot', streamPk: component(parts[1]!), sequence: Number(parts[2]), writtenAtMs };
  }
  return undefined;
}

function fitting(head: string, component: string, tail: string): string {
  const key = `${head}${encodeURIComponent(component)}${tail}`;
  if (utf8Length(key) <= MAX_BLOB_KEY_BYTES) return key;
  return `${head}#${createHash('sha256').update(component, 'utf8').digest('hex')}${tail}`;
}
