/**
 * Monthly time buckets, UTC only: the same instant maps to the same bucket under any `TZ`.
 * A bucket is numbered by months since 1970-01 (bucket 0), so 1970..2999 are 0..12,359.
 */

/** The bucket (months since 1970-01, UTC) holding `isoOrDate`. */
export function bucketOf(date: Date): number {
  return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
}

/** The bucket holding a fixed-width ISO-8601 UTC timestamp (`YYYY-MM-…`), without building a Date. */
export function bucketOfIso(iso: string): number {
  return (Number(iso.slice(0, 4)) - 1970) * 12 + (Number(iso.slice(5, 7)) - 1);
}

/** `YYYY-MM` label of a bucket, for humans. */
export function bucketLabel(bucket: number): string {
  const year = 1970 + Math.floor(bucket / 12);
  const month = (bucket % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** Shard (0..shards-1) of an event id: FNV-1a over its UTF-16 code units, so it is stable across processes. */
export function shardOf(eventId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < eventId.length; index++) {
    hash ^= eventId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** Partition key of one shard of a bucket in the global-order index. */
export function bucketShardPk(bucket: number, shard: number): string {
  return `g|${bucket}|${shard}`;
}
