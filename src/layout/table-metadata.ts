import { randomUUID } from 'node:crypto';
import { ErrorCodes, EventStoreAdapterError, hasCode } from '../errors/index.js';
import { backOff } from '../runtime/retry.js';
import { decodeMetadata, encodeMetadata, METADATA_KEY, type TableMetadata } from './codecs/metadata.js';
import { INSTANCE_MARKERS, markerPuts } from './instance-markers.js';
import type { Condition, TransactAction } from '../ports/kv-driver.js';
import { resendableTransaction } from '../runtime/retrying-drivers.js';
import { adoptInstance, type StoreContext, type WriteContext } from '../runtime/store-context.js';
import { A, CATALOG_PK, LAYOUT_VERSION } from './table-layout.js';
import { WarningCodes } from '../runtime/warnings.js';

export type { TableMetadata } from './codecs/metadata.js';

/** Concurrent initialisers race on the record at most a few times before one of them has written it. */
const MAX_METADATA_ROUNDS = 5;

/**
 * Make sure the table records its layout, and that the record matches this store (`init`):
 * - no record: write one (condition: none exists) with this store's `bucketShards` and `createdByStore` =
 *   `tableCreated` (whether this very `ensureTable` call created the table);
 * - a record: its `layoutVersion`, `bucketShards` and change-feed shards (0 = none) must equal this store's, else `STORE/LAYOUT_MISMATCH`
 *   naming the field (`details.field`, `stored`, `configured`): a different shard count would hide events;
 * - the creator finding a record written by a concurrent non-creator marks it `createdByStore`.
 * A table of our key schema without a record (written by an earlier version) is adopted with
 * `createdByStore: false` and a `WARN/LAYOUT_ADOPTED` warning when it already holds events.
 */
export async function establishLayout(ctx: StoreContext, tableCreated: boolean): Promise<TableMetadata> {
  const wanted: TableMetadata = {
    layoutVersion: LAYOUT_VERSION,
    bucketShards: ctx.options.bucketShards,
    createdByStore: tableCreated,
    feedShards: ctx.options.changeFeed?.shards ?? 0,
    generation: randomUUID(),
    blobLocation: configuredBlobLocation(ctx),
    markers: INSTANCE_MARKERS,
  };
  for (let round = 0; round < MAX_METADATA_ROUNDS; round++) {
    const stored = await readMetadata(ctx);
    if (stored) {
      checkMatches(ctx, stored);
      const blobLocation = configuredBlobLocation(ctx);
      if (stored.generation === '' || (stored.blobLocation === '' && blobLocation !== '') || stored.markers < INSTANCE_MARKERS) {
        // A record predating generations, blob locations or instance markers: give the table instance its identity
        // (blob keys are scoped by it), record where its blobs resolve and write its markers, in one transaction
        // conditioned on the record as read (so markers never carry a generation the table does not have). A record
        // without a generation cannot be compared by it (the port has no attribute-absent condition): two
        // initialisers racing there may each write; the last wins and the next round reads (and checks) it, so
        // blobs keyed under the loser's generation stay referenced (readable) and are only outside the sweeper's
        // scope.
        const generation = stored.generation || randomUUID();
        const upgraded = await writeMetadata(
          ctx,
          { ...stored, generation, blobLocation: stored.blobLocation || blobLocation, markers: INSTANCE_MARKERS },
          stored.generation === '' ? sameRecord(stored) : sameGeneration(stored.generation),
        );
        if (upgraded) await writeMarkers(ctx, generation);
        continue;
      }
      if (!tableCreated || stored.createdByStore) return stored;
      // We created the table; a concurrent initialiser that did not recorded it first: claim it.
      const claimed = { ...stored, createdByStore: true };
      if (await writeMetadata(ctx, claimed, { kind: 'equals', attribute: A.createdByStore, value: false })) return claimed;
      continue;
    }
    if (await writeMetadata(ctx, wanted, { kind: 'notExists' })) {
      await writeMarkers(ctx, wanted.generation);
      if (!tableCreated) await warnIfAdopted(ctx);
      return wanted;
    }
  }
  throw new EventStoreAdapterError(ErrorCodes.BACKEND, `Table ${ctx.options.tableName}: its layout record kept changing during init`, {
    details: { table: ctx.options.tableName },
  });
}

/** The table's layout record, or undefined when it has none (strongly consistent). */
export async function readMetadata(ctx: Pick<StoreContext, 'kv' | 'options'>): Promise<TableMetadata | undefined> {
  const { item } = await ctx.kv.get(ctx.options.tableName, METADATA_KEY, { consistent: true });
  return item ? decodeMetadata(ctx.options.tableName, item) : undefined;
}

/** Where this store's blobs resolve (its blob driver's `location`); '' without a blob store or when the driver cannot say. */
function configuredBlobLocation(ctx: StoreContext): string {
  return ctx.options.blobs?.location ?? '';
}

/**
 * `STORE/LAYOUT_MISMATCH` naming the field (`details.field`, `stored`, `configured`) unless `stored` matches this
 * store's configuration; `blobLocation` too, when both the record and this store's blob driver name one (another
 * bucket or key prefix would make every offloaded event of the table read as missing).
 */
export function checkMatches(ctx: StoreContext, stored: TableMetadata): void {
  const mismatch = (field: string, storedValue: number, configured: number, why: string) =>
    new EventStoreAdapterError(
      ErrorCodes.LAYOUT_MISMATCH,
      `Table ${ctx.options.tableName} was created with ${field} ${storedValue}, this store is configured with ${configured}: ${why}`,
      { details: { table: ctx.options.tableName, field, stored: storedValue, configured } },
    );
  if (stored.layoutVersion !== LAYOUT_VERSION)
    throw mismatch('layoutVersion', stored.layoutVersion, LAYOUT_VERSION, 'its items are of another layout version');
  if (stored.bucketShards !== ctx.options.bucketShards)
    throw mismatch(
      'bucketShards',
      stored.bucketShards,
      ctx.options.bucketShards,
      'replay would miss the events of the other shards; configure the recorded value',
    );
  const feedShards = ctx.options.changeFeed?.shards ?? 0;
  if (stored.feedShards !== feedShards) {
    throw mismatch(
      'changeFeed',
      stored.feedShards,
      feedShards,
      stored.feedShards === 0
        ? 'the table has no change feed (it is chosen when the table is created)'
        : 'every store on the table must keep its change feed with the recorded shards, or the feed would miss its events',
    );
  }
  const blobLocation = configuredBlobLocation(ctx);
  if (stored.blobLocation !== '' && blobLocation !== '' && stored.blobLocation !== blobLocation) {
    throw new EventStoreAdapterError(
      ErrorCodes.LAYOUT_MISMATCH,
      `Table ${ctx.options.tableName} keeps its offloaded payloads at ${stored.blobLocation}, this store is configured with ${blobLocation}: every offloaded event would read as missing; configure the recorded bucket and key prefix (s3BucketName, s3KeyPrefix)`,
      { details: { table: ctx.options.tableName, field: 'blobLocation', stored: stored.blobLocation, configured: blobLocation } },
    );
  }
}

/** The condition that the layout record still holds `stored`'s layout fields. */
function sameRecord(stored: TableMetadata): Condition {
  return {
    kind: 'and',
    conditions: [
      { kind: 'equals', attribute: A.layoutVersion, value: stored.layoutVersion },
      { kind: 'equals', attribute: A.bucketShards, value: stored.bucketShards },
      { kind: 'equals', attribute: A.createdByStore, value: stored.createdByStore },
    ],
  };
}

/** The condition that the layout record names instance `generation`. */
function sameGeneration(generation: string): Condition {
  return { kind: 'equals', attribute: A.generation, value: generation };
}

/** Put the layout record under `condition`; false when the condition did not hold. */
async function writeMetadata(ctx: WriteContext, metadata: TableMetadata, condition: Condition): Promise<boolean> {
  const item = encodeMetadata(metadata);
  const result = await resendableTransaction(ctx, 'write layout record', () =>
    ctx.kv.transactWrite(ctx.options.tableName, [{ type: 'put', item, condition }]),
  );
  return result.committed;
}

/**
 * Write every instance marker of `generation` (see instance-markers.ts), each transaction conditioned on the layout
 * record naming it, so a marker never names an instance the table is not: after the record is written, and again
 * when a marker check failed while the record names the writer's own instance (markers lost, e.g. items restored or
 * deleted by hand). As many transactions as the driver's action limit needs (one on DynamoDB). Returns false when
 * the record names another instance (or none) by then. Cost: 2 WCU per marker and per transaction.
 */
export async function writeMarkers(ctx: WriteContext, generation: string): Promise<boolean> {
  const puts = markerPuts(generation);
  const perTransaction = Math.max(1, ctx.kv.capabilities.maxTransactionActions - 1);
  for (let start = 0; start < puts.length; start += perTransaction) {
    const actions: TransactAction[] = [
      { type: 'conditionCheck', key: METADATA_KEY, condition: sameGeneration(generation) },
      ...puts.slice(start, start + perTransaction),
    ];
    const result = await resendableTransaction(ctx, 'write instance markers', () => ctx.kv.transactWrite(ctx.options.tableName, actions));
    if (!result.committed) return false;
  }
  return true;
}

async function warnIfAdopted(ctx: StoreContext): Promise<void> {
  const page = await ctx.kv.query(ctx.options.tableName, { partition: CATALOG_PK, direction: 'asc', limit: 1, consistent: true });
  if (page.items.length === 0) return;
  ctx.warn({
    code: WarningCodes.LAYOUT_ADOPTED,
    message: `Table ${ctx.options.tableName} holds events but had no layout record: recorded bucketShards ${ctx.options.bucketShards} from this store's options (check it is the value the events were written with)`,
  });
}

/**
 * After a failed instance marker check, the layout record as it is now decides (strongly consistent): another
 * generation means the table was reset elsewhere: it is adopted (the store's caches forgotten) and the answer is
 * true; this very generation means the markers were lost: they are written again, false. A record or table missing
 * (being re-created) is waited for with backoff, within the call's budget.
 */
export async function followInstance(ctx: WriteContext, what: string): Promise<boolean> {
  for (let round = 0; ; round++) {
    ctx.budget.check(what);
    let record: TableMetadata | undefined;
    try {
      record = await readMetadata(ctx);
    } catch (error) {
      if (!hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) throw error;
    }
    if (record !== undefined && record.generation !== '') {
      if (record.generation === ctx.instance.generation) {
        await writeMarkers(ctx, record.generation);
        return false;
      }
      adoptInstance(ctx, record.generation);
      return true;
    }
    await backOff(ctx, round, what);
  }
}
