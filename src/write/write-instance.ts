/**
 * The table instance a write commits into, and this process's beliefs about it (heads, recorded months, log
 * positions): recording months in its catalog, remembering what a commit set, confirming the instance against the
 * layout record (adopting a new one after a reset elsewhere), and forgetting stale beliefs.
 */
import type { ChunkTransaction } from './append-actions.js';
import { batchWriteAll } from '../runtime/batch-loops.js';
import type { PlannedEvent, Chunk } from './append-plan.js';
import { encodeCatalogEntry } from '../layout/codecs/catalog.js';
import { ErrorCodes, hasCode } from '../errors/index.js';
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
