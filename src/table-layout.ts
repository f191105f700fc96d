import { joinKey } from './keys.js';
import type { TableSchema } from './ports/kv-driver.js';

/**
 * The single-table layout. Partition key `pk` (S), sort key `sk` (N). Item kinds:
 *
 * | item      | pk                         | sk       | purpose                                              |
 * |-----------|----------------------------|----------|------------------------------------------------------|
 * | head      | `s|<domain>|<identifier>`  | 0        | the stream's version: every append checks-and-bumps it |
 * | event     | `s|<domain>|<identifier>`  | sequence | the event; in the global-order and causation indexes |
 * | snapshot  | `s|<domain>|<identifier>`  | -1       | the stream's latest snapshot                           |
 * | id guard  | `e|<event id>`             | 0        | makes ids unique store-wide; locates the event by id   |
 * | catalog   | `catalog`                  | bucket   | one item per monthly time bucket that holds events     |
 *
 * Key components are percent-encoded (see keys.ts), so any domain/identifier/id works and keys are never split.
 */
export const INDEX_GLOBAL_ORDER = 'global-order';
/** The causation index: events by `causationId`, sorted like the global order. */
export const INDEX_CAUSATION = 'causation';

/** Sort key of a stream's head item. */
export const HEAD_SK = 0;
/** Sort key of a stream's snapshot item. */
export const SNAPSHOT_SK = -1;
/** Partition key of the bucket catalog. */
export const CATALOG_PK = 'catalog';

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
  /** global-order and causation index sort key: `<created ISO>|<id>` */
  globalSk: 'gsk',
  /** causation index partition */
  causationPk: 'cpk',
  /** blob key of offloaded fields */
  blobKey: 'bk',
  /** which fields are offloaded: 'p', 'm' or 'pm' */
  blobFields: 'bf',
  /** guard and snapshot: stream pk of the event */
  stream: 's',
  /** guard and snapshot: sequence */
  sequence: 'q',
  /** guard: token of the write that stored the event */
  writeToken: 'w',
  /** snapshot: state JSON text (absent when offloaded) */
  state: 'st',
} as const;

/** The table and index definitions for `tableName`. */
export function tableSchema(tableName: string): TableSchema {
  return {
    name: tableName,
    partitionKey: { name: A.pk, type: 'S' },
    sortKey: { name: A.sk, type: 'N' },
    indexes: [
      { name: INDEX_GLOBAL_ORDER, partitionKey: { name: A.globalPk, type: 'S' }, sortKey: { name: A.globalSk, type: 'S' }, projection: 'ALL' },
      { name: INDEX_CAUSATION, partitionKey: { name: A.causationPk, type: 'S' }, sortKey: { name: A.globalSk, type: 'S' }, projection: 'ALL' },
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

/** Partition key of the causation index for `causationId`. */
export function causationPk(causationId: string): string {
  return joinKey('c', causationId);
}

/** Global-order sort key: fixed-width ISO timestamp, then the id, so text order is `created ASC, id ASC`. */
export function globalSk(createdIso: string, eventId: string): string {
  return `${createdIso}|${eventId}`;
}
