/**
 * The `sweepOrphanBlobs` method (this adapter's own): it checks its arguments, opens a call with its long default
 * deadline, reads the table's current instance and runs the sweep (blobs/sweeper.ts) under it. Contract: the
 * `EventStore` method.
 */
import { checkCallOptions, type CallOptions } from '../runtime/call-budget.js';
import { ErrorCodes, hasCode } from '../errors/index.js';
import { readMetadata } from '../layout/table-metadata.js';
import { forgetTable } from '../runtime/store-context.js';
import { sweepOrphanBlobs as sweepInstance, type SweepOptions, type SweepResult } from '../blobs/sweeper.js';
import type { StoreAccess } from './store-access.js';

/** Least default deadline of a sweep (the store's `deadlineMs` when larger), in ms: it lists and reads the whole scope. */
const SWEEP_DEADLINE_MS = 3_600_000;

/** `sweepOrphanBlobs`: the orphaned blobs of the table's current instance deleted (with `dryRun`, listed). */
export async function sweepOrphanBlobs(access: StoreAccess, options: SweepOptions & CallOptions): Promise<SweepResult> {
  checkCallOptions(options ?? {}, 'sweepOrphanBlobs');
  const deadlineMs = options?.deadlineMs ?? Math.max(access.options.deadlineMs, SWEEP_DEADLINE_MS);
  const ctx = access.call({ deadlineMs, ...(options?.signal ? { signal: options.signal } : {}) });
  await access.ready(ctx.budget);
  // Sweep the table's current instance: it may have been reset elsewhere since this process verified it.
  const layout = await readMetadata(ctx).catch((error: unknown) => {
    if (hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) return undefined;
    throw error;
  });
  // No table or record (a reset in progress): nothing of the current instance to sweep yet.
  if (layout === undefined || layout.generation === '')
    return options?.dryRun ? { deleted: [], kept: 0, wouldDelete: [] } : { deleted: [], kept: 0 };
  if (layout.generation !== access.state.instance.generation) forgetTable(access.state, layout.generation);
  // The instance read here, whatever a concurrent reset of this store does to the shared one meanwhile.
  return sweepInstance({ ...ctx, instance: { generation: layout.generation } }, options);
}
