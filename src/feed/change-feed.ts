/**
 * The change feed's reader (`getLogPage`; README "Change feed"). One call:
 * 1. one strongly consistent batch read of the layout record and every shard's counter (the table's generation
 *    and each shard's last allocated position: an idle poll costs this read only);
 * 2. for each shard with positions past the cursor, one query of the `log` index from the cursor on, the page
 *    size shared between those shards;
 * 3. per shard, only the contiguous run after the cursor is delivered (see log-runs.ts): positions are gapless,
 *    so a missing one is still on its way to the index, and the cursor stops before it.
 * Every committed event is delivered exactly once across calls chained by their cursors, each stream in sequence
 * order, whatever its `created`, whichever writer or clock wrote it, however late its index item arrives.
 */
import { mapWithConcurrency } from '../runtime/concurrency.js';
import type { ExpectedStreamVersion, StoredEvent } from '../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { decodeLogCounter, logCounterKey } from '../layout/codecs/log-counter.js';
import { decodeMetadata, METADATA_KEY } from '../layout/codecs/metadata.js';
import { keyId } from '../layout/codecs/event.js';
import { decodeCursor, encodeCursor, type LogIdentity } from './log-cursor.js';
import { contiguousRun } from './log-runs.js';
import type { Item } from '../ports/kv-driver.js';
import { hydrate } from '../read/hydrate.js';
import { checkPageSize } from '../read/read-arguments.js';
import { readItems, type StoreContext } from '../runtime/store-context.js';
import { checkMatches } from '../layout/table-metadata.js';
import { A, INDEX_LOG, logPk } from '../layout/table-layout.js';

/** Default `pageSize` of `getLogPage`. */
export const DEFAULT_LOG_PAGE_SIZE = 100;
/** Parallel index queries of one call (one per shard with new positions). */
const QUERY_CONCURRENCY = 8;

/** What one read of the log found: the page, and how far the cursor is behind the counters after it. */
export interface LogRead {
  readonly events: StoredEvent[];
  readonly cursor: ExpectedStreamVersion[];
  /** Positions allocated but not yet delivered, after this page (events committed and still to come). */
  readonly behind: number;
}

/**
 * Read the next page after `cursor` (absent: the log's beginning), at most `pageSize` events.
 * @throws `INPUT/INVALID_PAGE_SIZE`, `INPUT/INVALID_CURSOR`, `STORE/STALE_CURSOR` (see log-cursor.ts).
 */
export async function readLogPage(
  ctx: StoreContext,
  cursor: readonly ExpectedStreamVersion[] | undefined,
  pageSize: number,
): Promise<LogRead> {
  checkPageSize('getLogPage', pageSize);
  const shards = ctx.options.changeFeed!.shards;
  const { identity, counters } = await readCounters(ctx, shards);
  const positions = checkedPositions(cursor, identity, counters);
  const pending = positions.flatMap((position, shard) => (counters[shard]! > position ? [shard] : []));
  const limits = shareLimit(pageSize, pending, positions);
  const runs = await mapWithConcurrency(pending, QUERY_CONCURRENCY, (shard, index) =>
    limits[index]! > 0 ? readRun(ctx, shard, positions[shard]!, limits[index]!) : Promise.resolve([]),
  );
  const next = [...positions];
  const items: Item[] = [];
  pending.forEach((shard, index) => {
    const run = runs[index]!;
    if (run.length > 0) next[shard] = run[run.length - 1]![A.logSk] as number;
    items.push(...runs[index]!);
  });
  // Unreadable events are thrown (the cursor then stays before them) or, with `onUnreadable`, reported and passed.
  const events = await hydrate(ctx, items, ctx.options.onUnreadable);
  const behind = counters.reduce((sum, counter, shard) => sum + counter - next[shard]!, 0);
  return { events, cursor: encodeCursor(identity, next), behind };
}

/** Where `resetConsumer` puts a consumer: the log's beginning, its current end (skip the backlog), or a cursor `getLogPage` returned. */
export type ConsumerStart = 'start' | 'end' | readonly ExpectedStreamVersion[];

/**
 * The cursor of `from` in this table's current log (one consistent batch read of the layout record and counters):
 * `'start'` all positions 0, `'end'` every shard's last allocated position, a given cursor checked as `getLogPage`
 * checks it.
 * @throws `INPUT/INVALID_CURSOR`, `STORE/STALE_CURSOR` (another table, before a `resetStore`, ahead of the log).
 */
export async function consumerStartCursor(ctx: StoreContext, from: ConsumerStart): Promise<ExpectedStreamVersion[]> {
  const { identity, counters } = await readCounters(ctx, ctx.options.changeFeed!.shards);
  if (from === 'start')
    return encodeCursor(
      identity,
      counters.map(() => 0),
    );
  if (from === 'end') return encodeCursor(identity, counters);
  return encodeCursor(identity, checkedPositions(from, identity, counters));
}

/** The positions of `cursor` in the log `identity`, none past its shard's counter (`STORE/STALE_CURSOR`, `ahead-of-log`). */
function checkedPositions(
  cursor: readonly ExpectedStreamVersion[] | undefined,
  identity: LogIdentity,
  counters: readonly number[],
): number[] {
  const positions = decodeCursor(cursor, identity);
  positions.forEach((position, shard) => {
    if (position > counters[shard]!) {
      throw new EventStoreAdapterError(
        ErrorCodes.STALE_CURSOR,
        `The cursor is at position ${position} of log shard ${shard}, which has only ${counters[shard]}: it is not a cursor of this table's log`,
        {
          details: { reason: 'ahead-of-log', shard, position, counter: counters[shard] },
        },
      );
    }
  });
  return positions;
}

/** The table's log identity (generation from the layout record) and each shard's counter, in one consistent batch read. */
async function readCounters(ctx: StoreContext, shards: number): Promise<{ identity: LogIdentity; counters: number[] }> {
  const keys = [METADATA_KEY, ...Array.from({ length: shards }, (_, shard) => logCounterKey(shard))];
  const found = new Map((await readItems(ctx, keys)).map((item) => [keyId(item), item]));
  const record = found.get(keyId(METADATA_KEY));
  if (!record) {
    throw new EventStoreAdapterError(
      ErrorCodes.TRANSIENT,
      `Table ${ctx.options.tableName} has no layout record: it is being created or re-created (a reset); try again`,
      { details: { table: ctx.options.tableName } },
    );
  }
  const metadata = decodeMetadata(ctx.options.tableName, record);
  checkMatches(ctx, metadata); // re-created since init by a store configured otherwise: STORE/LAYOUT_MISMATCH
  const counters = Array.from({ length: shards }, (_, shard) => decodeLogCounter(shard, found.get(keyId(logCounterKey(shard)))));
  return { identity: { tableName: ctx.options.tableName, generation: metadata.generation, shards }, counters };
}

/**
 * Share `pageSize` between the shards with new positions: equal parts, the remainder (and, when there are more
 * shards than events to read, the whole page) to the shards from a rotating start, so no shard starves.
 */
function shareLimit(pageSize: number, pending: readonly number[], positions: readonly number[]): number[] {
  if (pending.length === 0) return [];
  const base = Math.floor(pageSize / pending.length);
  const remainder = pageSize % pending.length;
  const start = positions.reduce((sum, position) => sum + position, 0) % pending.length;
  return pending.map((_, index) => base + ((index - start + pending.length) % pending.length < remainder ? 1 : 0));
}

/** The items of the contiguous run of shard `shard` after `after`, at most `limit`, from one index query. */
async function readRun(ctx: StoreContext, shard: number, after: number, limit: number): Promise<Item[]> {
  const page = await ctx.kv.query(ctx.options.tableName, {
    index: INDEX_LOG,
    partition: logPk(shard),
    range: { op: 'gt', value: after },
    direction: 'asc',
    limit,
  });
  const run = contiguousRun(
    after,
    page.items.map((item) => item[A.logSk] as number),
  );
  return page.items.slice(0, run);
}
