/**
 * The table instance a write commits into, and this process's beliefs about it (heads, recorded months, log
 * positions): recording months in its catalog, remembering what a commit set, confirming the instance against the
 * layout record (adopting a new one after a reset elsewhere), forgetting stale beliefs, and stamping heads a commit
 * may have carried into a new instance.
 */
import type { ChunkTransaction } from './append-actions.js';
import { batchWriteAll } from '../runtime/batch-loops.js';
import type { PlannedEvent, Chunk } from './append-plan.js';
import { encodeCatalogEntry } from '../layout/codecs/catalog.js';
import { encodeHead } from '../layout/codecs/head.js';
import type { StoredEvent } from '../compat/contract-types.js';
import { ErrorCodes, hasCode } from '../errors/index.js';
import { putAgain, type CommittedBlob } from '../blobs/instance-blobs.js';
import { instanceUnconfirmed } from './outcome-proof.js';
import type { Condition } from '../ports/kv-driver.js';
import { backOff } from '../runtime/retry.js';
import { adoptInstance, loopOptions, type WriteContext } from '../runtime/store-context.js';
import { A } from '../layout/table-layout.js';
import { readMetadata } from '../layout/table-metadata.js';

/** Write the catalog entries of the batch's months this process has not recorded yet: one plain batch-write, before any transaction. */
export async function recordBuckets(ctx: WriteContext, planned: readonly PlannedEvent[]): Promise<void> {
  const fresh = [...new Set(planned.map((event) => event.bucket))].filter((bucket) => !ctx.knownBuckets.has(bucket));
  if (fresh.length === 0) return;
  await batchWriteAll(
    ctx.kv,
    ctx.options.tableName,
    fresh.map((bucket) => ({ put: encodeCatalogEntry(bucket) })),
    ctx.retry.policy,
    loopOptions(ctx),
  );
  for (const bucket of fresh) ctx.knownBuckets.add(bucket);
}

/** Forget this process's beliefs about the table (heads, recorded months, log positions): after a reset elsewhere they are stale. */
export function forgetTable(ctx: WriteContext): void {
  ctx.heads.clear();
  ctx.knownBuckets.clear();
  ctx.logPositions.clear();
}

/** After a commit: each log shard's counter is where `tx` set it (unless another process is known to be further). */
export function rememberPositions(ctx: WriteContext, tx: ChunkTransaction): void {
  tx.actions.forEach((action, position) => {
    const role = tx.roles[position]!;
    if (role.kind !== 'log' || action.type !== 'put') return;
    const value = action.item[A.version] as number;
    if ((ctx.logPositions.get(role.shard) ?? 0) < value) ctx.logPositions.set(role.shard, value);
  });
}

/** After a commit storing the chunk's events at `sequences`: each stream's head is at least its last one. */
export function rememberHeads(ctx: WriteContext, chunk: Chunk, sequences: readonly number[]): void {
  chunk.events.forEach((event, index) => {
    const sequence = sequences[index]!;
    if ((ctx.heads.get(event.pk) ?? 0) < sequence) ctx.heads.set(event.pk, sequence);
  });
}

/**
 * Make sure this process writes into the table instance whose layout record it reads now (strongly consistent).
 * When the record names another generation, the table was reset elsewhere: adopt the new instance (forget the heads,
 * recorded months and log positions of the old one) and record the chunk's months in the new catalog; then read
 * again, until the record holds still. A table or record missing (being re-created) is waited for with backoff,
 * within the call's budget. Returns whether the instance changed (the caller re-keys its blobs: see rescope).
 */
export async function confirmInstance(ctx: WriteContext, chunk: Chunk): Promise<boolean> {
  let changed = false;
  for (let round = 0; ; round++) {
    ctx.budget.check('storeEvents');
    let record: Awaited<ReturnType<typeof readMetadata>>;
    try {
      record = await readMetadata(ctx);
    } catch (error) {
      if (!hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) throw error;
      record = undefined;
    }
    if (record !== undefined && record.generation === ctx.instance.generation) return changed;
    changed = true;
    if (record === undefined || record.generation === '') {
      await backOff(ctx, round, 'storeEvents');
      continue;
    }
    adoptInstance(ctx, record.generation);
    await recordBuckets(ctx, chunk.events);
  }
}

/**
 * After a commit that may have landed in a new table instance: the heads it wrote carry the old generation `from`,
 * which another process that has not noticed the reset would take for its own and append to unchecked. Each head
 * still at this commit's version and `from` gets the current generation (a single-action conditional put, 2 WCU;
 * one changed since is left alone: its writer stamped it).
 */
async function restampHeads(ctx: WriteContext, chunk: Chunk, events: readonly StoredEvent[], from: string): Promise<void> {
  const versions = new Map<string, number>();
  events.forEach((stored, index) =>
    versions.set(chunk.events[index]!.pk, Math.max(versions.get(chunk.events[index]!.pk) ?? 0, stored.sequence)),
  );
  for (const [pk, version] of versions) {
    const condition: Condition = {
      kind: 'and',
      conditions: [
        { kind: 'equals', attribute: A.version, value: version },
        { kind: 'equals', attribute: A.generation, value: from },
      ],
    };
    await ctx.kv.transactWrite(ctx.options.tableName, [{ type: 'put', item: encodeHead(pk, version, ctx.instance.generation), condition }]);
  }
}

/**
 * After a commit no condition tied to the instance this process verified (every stream new, no generation known):
 * confirm the instance ({@link confirmInstance}); when it changed, put the commit's `blobs` again (they were keyed
 * before the instance was known) and restamp the heads it created. A failed confirmation leaves the commit's
 * instance unknown: the caches are forgotten and `STORE/OUTCOME_UNKNOWN` is thrown (the identical retry succeeds,
 * records its months and confirms again).
 */
export async function confirmCommit(
  ctx: WriteContext,
  chunk: Chunk,
  events: readonly StoredEvent[],
  blobs: readonly CommittedBlob[],
): Promise<void> {
  const before = ctx.instance.generation;
  try {
    if (await confirmInstance(ctx, chunk)) {
      await putAgain(ctx, blobs);
      await restampHeads(ctx, chunk, events, before);
    }
  } catch (error) {
    forgetTable(ctx);
    throw instanceUnconfirmed(chunk, error);
  }
}
