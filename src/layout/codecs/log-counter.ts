/**
 * The change feed's per-shard position counter `(log|<shard>, 0)`: the last position allocated in the shard's log.
 * Every append to a stream of the shard checks it at the position it believes (`notExists` for 0) and sets it to
 * that position + the number of its events in the shard, in the append's own transaction. So positions are
 * allocated atomically with the events that hold them: each shard's log is gapless, and a position at or below
 * the counter is always a committed event. A failed check returns the counter (`ALL_OLD`): no extra read.
 */
import { ErrorCodes, EventStoreAdapterError } from '../../errors/index.js';
import type { Item, ItemKey } from '../../ports/kv-driver.js';
import { A, HEAD_SK, logPk } from '../table-layout.js';
import { shardOf } from '../time-buckets.js';

/** The counter's key for `shard`. */
export function logCounterKey(shard: number): ItemKey {
  return { [A.pk]: logPk(shard), [A.sk]: HEAD_SK };
}

/** The counter item of `shard` at `position`. */
export function encodeLogCounter(shard: number, position: number): Item {
  return { ...logCounterKey(shard), [A.version]: position };
}

/** The position a counter item holds; 0 for an absent item. Throws `DECODE/INVALID_ITEM` for one without a numeric position. */
export function decodeLogCounter(shard: number, item: Item | undefined): number {
  if (item === undefined) return 0;
  const position = item[A.version];
  if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Log counter of shard ${shard} has no valid position`, {
      details: { key: logCounterKey(shard) },
    });
  }
  return position;
}

/** The position in a failed counter condition's stored item (`ALL_OLD`): an absent item reads as 0 (a new or reset table). */
export function storedLogPosition(item: Item | undefined): number {
  const position = item?.[A.version];
  return typeof position === 'number' ? position : 0;
}

/** The log shard (0..shards-1) of the stream whose pk is `streamPk`: every event of a stream goes to one shard, so the feed keeps its order. */
export function logShardOf(streamPk: string, shards: number): number {
  return shardOf(streamPk, shards);
}
