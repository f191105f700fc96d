import { joinKey } from './keys.js';
import type { TableSchema } from './ports/kv-driver.js';

/**
 * The single-table layout. Partition key `pk` (S), sort key `sk` (N). Item kinds:
 *
 * | item      | pk                         | sk       | purpose                                              |
 * |-----------|----------------------------|----------|------------------------------------------------------|
 * | head      | `s|<domain>|<identifier>`  | 0        | the stream's version: every append checks-and-bumps it |
 * | event     | `s|<domain>|<identifier>`  | sequence | the event; in the global-order index                 |
 * | snapshot  | `s|<domain>|<identifier>`  | -1       | the stream's latest snapshot                           |
 * | id guard  | `e|<event id>`             | 0        | makes ids unique store-wide; locates the event by id   |
 * | link      | `c|<causation id>`         | slot     | one per caused event, in the event's own transaction: causation lookups read it strongly consistent |
 * | catalog   | `catalog`                  | bucket   | one item per monthly time bucket that holds events     |
 * | metadata  | `meta`                     | 0        | the layout: version, `bucketShards`, who created the table |
 *
 * Key components are percent-encoded (see keys.ts), so any domain/identifier/id works and keys are never split.
 */
export const INDEX_GLOBAL_ORDER = 'global-order';

/** Sort key of a stream's head item. */
export const HEAD_SK = 0;
/** Sort key of a stream's snapshot item. */
export const SNAPSHOT_SK = -1;
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
  /** metadata: true when an event store created the table (only then may `resetStore` delete it) */
  createdByStore: 'cb',
} as const;

/** The table and index definitions for `tableName`. */
export function tableSchema(tableName: string): TableSchema {
  return {
    name: tableName,
    partitionKey: { name: A.pk, type: 'S' },
    sortKey: { name: A.sk, type: 'N' },
    indexes: [
      { name: INDEX_GLOBAL_ORDER, partitionKey: { name: A.globalPk, type: 'S' }, sortKey: { name: A.globalSk, type: 'S' }, projection: 'ALL' },
    ],
  };
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
