/**
 * Instance markers: small items `(instance|<n>, 0)` holding the table instance's generation, written right after
 * the layout record that names it, in transactions conditioned on that record (table-metadata.ts `writeMarkers`), so
 * a marker never names an instance the table is not. A transaction nothing else ties to the instance its writer verified
 * (every stream new, a snapshot save) checks one of them, so it commits only into that instance: a write planned
 * before a reset elsewhere can never land in the re-created table naming blobs of the old instance's scope (which the
 * reset cleared) or heads stamped with the old generation. Without this tie, such a commit had to be repaired after
 * the fact, leaving a window (and a crash window) in which the event read as `DECODE/MISSING_BLOB`.
 */
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { joinKey } from './keys.js';
import type { Condition, Item, ItemKey, TransactAction } from '../ports/kv-driver.js';
import { shardOf } from './time-buckets.js';
import { A, HEAD_SK } from './table-layout.js';

/**
 * Markers per table instance. Each marker check is one more item in the transaction; spreading the checks over many
 * items keeps concurrent stream creations from conflicting on one item (DynamoDB cancels transactions touching an
 * item another transaction holds: `TransactionConflict`) and from one partition's 1,000 WCU/s, while all markers
 * and the record's check still fit one DynamoDB transaction (100 actions at most): writing them is one request.
 */
export const INSTANCE_MARKERS = 32;

/** Partition key of marker `index`. */
export function markerPk(index: number): string {
  return joinKey('instance', String(index));
}

/** The key of marker `index`. */
export function markerKey(index: number): ItemKey {
  return { [A.pk]: markerPk(index), [A.sk]: HEAD_SK };
}

/** The marker a transaction of stream `pk` checks (stable per stream, spread over {@link INSTANCE_MARKERS}). */
export function markerIndexOf(pk: string): number {
  return shardOf(pk, INSTANCE_MARKERS);
}

/** The puts of every marker of instance `generation` (for `writeMarkers`). */
export function markerPuts(generation: string): TransactAction[] {
  return Array.from({ length: INSTANCE_MARKERS }, (_, index) => ({ type: 'put' as const, item: markerItem(index, generation) }));
}

/** Marker `index` of instance `generation`. */
export function markerItem(index: number, generation: string): Item {
  return { ...markerKey(index), [A.generation]: generation };
}

/** The condition check tying a transaction of stream `pk` to instance `generation`. */
export function markerCheck(pk: string, generation: string): TransactAction {
  const condition: Condition = { kind: 'equals', attribute: A.generation, value: generation };
  return { type: 'conditionCheck', key: markerKey(markerIndexOf(pk)), condition };
}

/**
 * The table was reset elsewhere while a write planned under the old instance: what it encrypted (keys of the old
 * instance) or created cannot be carried over, so the write starts again from its planning under the new instance
 * (appendEvents, saveSnapshot). Should it reach a caller, it is a typed, retryable `DRIVER/TRANSACTION_CONFLICT`
 * (`details.reason` 'table-reset').
 */
export class InstanceChanged extends EventStoreAdapterError {
  constructor(what: string) {
    super(ErrorCodes.TRANSACTION_CONFLICT, `${what}: the table was reset elsewhere meanwhile; retry`, {
      details: { reason: 'table-reset' },
    });
  }
}

/** A write restarted after an {@link InstanceChanged} at most this many times (a reset per attempt would be needed to exhaust it). */
export const MAX_INSTANCE_RESTARTS = 3;

/** `attempt()` again from its start each time it throws {@link InstanceChanged}, at most {@link MAX_INSTANCE_RESTARTS} times. */
export async function restartingOnReset<T>(attempt: () => Promise<T>): Promise<T> {
  for (let restart = 0; ; restart++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof InstanceChanged) || restart >= MAX_INSTANCE_RESTARTS) throw error;
    }
  }
}
