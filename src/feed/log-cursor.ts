/**
 * The change feed's cursor: what a consumer persists between `getLogPage` calls. A plain JSON array of
 * `ExpectedStreamVersion` entries (it survives `JSON.stringify` / `JSON.parse`):
 * - first `{ domain: '$table', identifier: '<table name>/<generation>', expectedVersion: <shards> }`: which table,
 *   which generation of it (a `resetStore` makes a new one), how many log shards;
 * - then per shard `k` (0..shards-1) `{ domain: '$log', identifier: '<k>', expectedVersion: <last position delivered> }`.
 * Its length is the table's shard count + 1: at most 64, whatever the number of streams.
 */
import type { ExpectedStreamVersion } from '../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { MAX_CHANGE_FEED_SHARDS } from '../options/defaults.js';

/** Domain of the cursor entry naming the table. */
export const CURSOR_TABLE_DOMAIN = '$table';
/** Domain of a cursor entry holding a shard's position. */
export const CURSOR_SHARD_DOMAIN = '$log';
/** Most entries a cursor has (the V6 line's bound). */
export const MAX_CURSOR_ENTRIES = MAX_CHANGE_FEED_SHARDS + 1;

/** Which log a cursor is for. */
export interface LogIdentity {
  readonly tableName: string;
  readonly generation: string;
  readonly shards: number;
}

/** The cursor at `positions` (one per shard) of the log `identity`. */
export function encodeCursor(identity: LogIdentity, positions: readonly number[]): ExpectedStreamVersion[] {
  return [
    { domain: CURSOR_TABLE_DOMAIN, identifier: `${identity.tableName}/${identity.generation}`, expectedVersion: identity.shards },
    ...positions.map((position, shard) => ({ domain: CURSOR_SHARD_DOMAIN, identifier: String(shard), expectedVersion: position })),
  ];
}

/**
 * The positions (one per shard) a cursor holds, checked against the log it is used on. Absent cursor: the
 * beginning (all 0).
 * @throws `INPUT/INVALID_CURSOR` for anything that is not a cursor this store makes (`details.reason`).
 * @throws `STORE/STALE_CURSOR` for a cursor of another table (`other-table`) or of an earlier generation of this
 *   one (`table-reset`).
 */
export function decodeCursor(cursor: readonly ExpectedStreamVersion[] | undefined, identity: LogIdentity): number[] {
  if (cursor === undefined) return new Array<number>(identity.shards).fill(0);
  if (!Array.isArray(cursor))
    throw invalid(
      `must be an array of { domain, identifier, expectedVersion } (as getLogPage returned it), got ${cursor === null ? 'null' : typeof cursor}`,
      'not-an-array',
    );
  if (cursor.length < 2 || cursor.length > MAX_CURSOR_ENTRIES)
    throw invalid(`must have 2 to ${MAX_CURSOR_ENTRIES} entries, got ${cursor.length}`, 'length');
  cursor.forEach((entry, index) => {
    if (
      typeof entry !== 'object' ||
      entry === null ||
      typeof entry.domain !== 'string' ||
      typeof entry.identifier !== 'string' ||
      !Number.isSafeInteger(entry.expectedVersion) ||
      entry.expectedVersion < 0
    ) {
      throw invalid(`entry #${index} must be { domain: string, identifier: string, expectedVersion: integer >= 0 }`, 'entry', index);
    }
  });
  const [table, ...shards] = cursor as ExpectedStreamVersion[];
  if (table!.domain !== CURSOR_TABLE_DOMAIN) throw invalid(`entry #0 must name the table (domain '${CURSOR_TABLE_DOMAIN}')`, 'entry', 0);
  const [tableName, generation, ...rest] = table!.identifier!.split('/');
  if (generation === undefined || rest.length > 0) throw invalid(`entry #0's identifier must be '<table>/<generation>'`, 'entry', 0);
  if (tableName !== identity.tableName || table!.expectedVersion !== identity.shards) {
    throw new EventStoreAdapterError(
      ErrorCodes.STALE_CURSOR,
      `The cursor is for table ${tableName} with ${table!.expectedVersion} log shards, not this store's table ${identity.tableName} with ${identity.shards}`,
      {
        details: { reason: 'other-table', cursorTable: tableName, table: identity.tableName },
      },
    );
  }
  if (generation !== identity.generation) {
    throw new EventStoreAdapterError(
      ErrorCodes.STALE_CURSOR,
      `The cursor is from before table ${identity.tableName} was reset (generation ${generation}, now ${identity.generation}): its positions mean nothing in the new log; start again without a cursor`,
      {
        details: { reason: 'table-reset', cursorGeneration: generation, generation: identity.generation },
      },
    );
  }
  if (shards.length !== identity.shards) throw invalid(`must hold ${identity.shards} shard entries, got ${shards.length}`, 'length');
  return shards.map((entry, shard) => {
    if (entry.domain !== CURSOR_SHARD_DOMAIN || entry.identifier !== String(shard))
      throw invalid(
        `entry #${shard + 1} must be shard ${shard} (domain '${CURSOR_SHARD_DOMAIN}', identifier '${shard}')`,
        'entry',
        shard + 1,
      );
    return entry.expectedVersion;
  });
}

function invalid(message: string, reason: string, index?: number): EventStoreAdapterError {
  return new EventStoreAdapterError(ErrorCodes.INVALID_CURSOR, `Invalid change-feed cursor: ${message}`, {
    details: { field: 'cursor', reason, ...(index === undefined ? {} : { index }) },
  });
}
