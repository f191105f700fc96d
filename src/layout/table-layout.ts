import { joinKey } from './keys.js';
import type { TableSchema } from '../ports/kv-driver.js';

/** Default table name (after `tableNamePrefix`), the one the existing adapter's users know. */
export const DEFAULT_TABLE_BASE_NAME = 'schemeless-event-store';

/**
 * The single-table layout. Partition key `pk` (S), sort key `sk` (N). Item kinds:
 *
 * | item      | pk                         | sk       | purpose                                              |
 * |-----------|----------------------------|----------|------------------------------------------------------|
 * | head      | `s|<domain>|<identifier>`  | 0        | the stream's version: every append checks-and-bumps it |
 * | event     | `s|<domain>|<identifier>`  | sequence | the event; in the global-order index                 |
 * | snapshot  | `s|<domain>|<identifier>`  | -1       | the stream's latest snapshot                           |
 * | stream key | `s|<domain>|<identifier>` | -2       | encryption only: the stream's data key, wrapped by the table key; a tombstone once erased |
 * | table key | `tablekey`                 | 0        | encryption only: the table key, wrapped by the key provider |
 * | id guard  | `e|<event id>`             | 0        | makes ids unique store-wide; locates the event by id   |
 * | link      | `c|<causation id>`         | slot     | one per caused event, in the event's own transaction: causation lookups read it strongly consistent |
 * | catalog   | `catalog`                  | bucket   | one item per monthly time bucket that holds events     |
 * | metadata  | `meta`                     | 0        | the layout: version, `bucketShards`, change-feed shards, generation, who created the table |
 * | log counter | `log|<shard>`            | 0        | change feed only: the shard's last position; every append to the shard checks-and-bumps it |
 * | consumer  | `consumer|<name>`          | 0        | change feed only: a `subscribe` consumer's cursor, advanced by compare-and-swap |
 * | marker    | `instance|<n>`             | 0        | the instance's generation: transactions nothing else ties to the instance check one (instance-markers.ts) |
 *
 * With the change feed, each event item also carries `lpk` (`log|<shard>`) and `lsk` (its position in the shard),
 * the keys of the `log` index.
 *
 * Key components are percent-encoded (see keys.ts), so any domain/identifier/id works and keys are never split.
 */
export const INDEX_GLOBAL_ORDER = 'global-order';
/** The change feed's index (tables with `changeFeed` only): partition `lpk` = log shard, sort `lsk` = position. */
export const INDEX_LOG = 'log';

/** Sort key of a stream's head item. */
export const HEAD_SK = 0;
/** Sort key of a stream's snapshot item. */
export const SNAPSHOT_SK = -1;
/** Sort key of a stream's data-key item (encryption; src/payload/keyring.ts). */
export const STREAM_KEY_SK = -2;
/** Partition key of the table key item (encryption; sort key 0): the key that wraps every stream's data key. */
export const TABLE_KEY_PK = 'tablekey';
/** Partition key of the bucket catalog. */
export const CATALOG_PK = 'catalog';
/** Partition key of the table's metadata item (sort key 0). */
export const METADATA_PK = 'meta';
/**
 * Version of this layout, recorded in the metadata item. Bumped when items change incompatibly; `init` refuses a
 * table recorded with another version.
 */
export const LAYOUT_VERSION = 1;

/** Attribute names: short, because every byte of a name is paid for in every item and capacity unit. */
export const A = {
  pk: 'pk',
  sk: 'sk',
  /** head: version */
  version: 'v',
  id: 'id',
  domain: 'd',
  identifier: 'i',
  type: 't',
  /** payload JSON text (absent when offloaded) */
  payload: 'p',
  /** meta JSON text (absent when meta is absent or offloaded) */
  meta: 'm',
  correlationId: 'co',
  causationId: 'ca',
  /** created, ISO-8601 UTC, fixed width */
  created: 'c',
  /** global-order index partition: time bucket and shard */
  globalPk: 'gpk',
  /** global-order index sort key: `<created ISO>|<id>` */
  globalSk: 'gsk',
  /** blob key of offloaded fields */
  blobKey: 'bk',
  /** which fields are offloaded: 'p', 'm' or 'pm' */
  blobFields: 'bf',
  /** guard and link: stream pk of the event */
  stream: 's',
  /** guard, link and snapshot: sequence */
  sequence: 'q',
  /** guard and snapshot: id of the write that stored it */
  writeToken: 'w',
  /** snapshot: state JSON text (absent when offloaded) */
  state: 'st',
  /** metadata: layout version */
  layoutVersion: 'lv',
  /** metadata: write shards per time bucket */
  bucketShards: 'bs',
  /** metadata: where the table's blobs resolve (the blob driver's `location`, e.g. `s3://<bucket>/<keyPrefix>`) */
  blobLocation: 'bl',
  /** metadata: true when an event store created the table (only then may `resetStore` delete it) */
  createdByStore: 'cb',
  /** metadata: change-feed shards (absent: no change feed) */
  feedShards: 'lf',
  /** metadata: the table's generation, a random id written with the record (a reset makes a new one) */
  generation: 'g',
  /** metadata: instance markers written with the record (see instance-markers.ts) */
  markers: 'mk',
  /** event (change feed): log index partition `log|<shard>` */
  logPk: 'lpk',
  /** event (change feed): position in the shard's log, 1-based and gapless */
  logSk: 'lsk',
  /** consumer: its cursor, JSON text */
  cursor: 'cu',
  /** consumer: when it was last advanced, ms since the epoch (the writer's clock; informational) */
  updatedAt: 'at',
  /** event and snapshot: how payload/meta (or the state) are encoded, steps in write order (src/payload/marker.ts); absent: plain JSON text */
  encoding: 'en',
  /** table key and stream key: the wrapped key (binary) */
  wrappedKey: 'wk',
  /** stream key: when `eraseStream` destroyed the key (ms since the epoch); the wrapped key is gone */
  erased: 'er',
  /** table key: the id of the key provider that wrapped it */
  keyProvider: 'kp',
} as const;

/** The table and index definitions for `tableName`; with `changeFeed`, also the `log` index. */
export function tableSchema(tableName: string, changeFeed = false): TableSchema {
  return {
    name: tableName,
    partitionKey: { name: A.pk, type: 'S' },
    sortKey: { name: A.sk, type: 'N' },
    indexes: [
      {
        name: INDEX_GLOBAL_ORDER,
        partitionKey: { name: A.globalPk, type: 'S' },
        sortKey: { name: A.globalSk, type: 'S' },
        projection: 'ALL',
      },
      ...(changeFeed
        ? [
            {
              name: INDEX_LOG,
              partitionKey: { name: A.logPk, type: 'S' as const },
              sortKey: { name: A.logSk, type: 'N' as const },
              projection: 'ALL' as const,
            },
          ]
        : []),
    ],
  };
}

/** Partition key of log shard `shard`: of its counter item in the table, and of its events in the `log` index. */
export function logPk(shard: number): string {
  return joinKey('log', String(shard));
}

/** Partition key of the consumer `name`'s cursor item. */
export function consumerPk(name: string): string {
  return joinKey('consumer', name);
}

/** Partition key of the stream (domain, identifier); a missing identifier is ''. */
export function streamPk(domain: string, identifier: string | undefined): string {
  return joinKey('s', domain, identifier ?? '');
}

/** Partition key of an event id's guard item. */
export function guardPk(eventId: string): string {
  return joinKey('e', eventId);
}

/** Partition key of the causation links of `causationId`. */
export function causationPk(causationId: string): string {
  return joinKey('c', causationId);
}

/** Global-order sort key: fixed-width ISO timestamp, then the id, so text order is `created ASC, id ASC`. */
export function globalSk(createdIso: string, eventId: string): string {
  return `${createdIso}|${eventId}`;
}
