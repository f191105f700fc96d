/**
 * The blobs of a write (events' and snapshots'): uploaded before the item that names them, deleted only when no
 * item can reference them (the caller decides: a write proven not committed, a snapshot replaced or dropped). A
 * failed clean-up is a warning, never the write's error.
 */
import { mapWithConcurrency } from './concurrency.js';
import type { OffloadDecision } from './offload.js';
import type { StoreContext } from './store-context.js';
import { WarningCodes } from './warnings.js';

/** Upload the chunk's blobs. If one fails, no transaction was sent, so the uploaded ones are certainly unreferenced: deleted. */
export async function uploadBlobs(ctx: StoreContext, decisions: readonly OffloadDecision[]): Promise<void> {
  const blobs = decisions.flatMap((decision) => (decision.blob ? [decision.blob] : []));
  if (blobs.length === 0) return;
  const driver = ctx.blobs!;
  const attempted: string[] = [];
  try {
    await mapWithConcurrency(blobs, ctx.options.hydrationConcurrency, async (blob) => {
      attempted.push(blob.key);
      await driver.put(blob.key, blob.body, { contentType: 'application/json' });
    });
  } catch (error) {
    await deleteBlobsQuietly(ctx, attempted);
    throw error;
  }
}

/** Delete blobs no item references. A failure here must not hide the write's own outcome: it is a warning. */
export async function deleteBlobsQuietly(ctx: StoreContext, keys: readonly string[]): Promise<void> {
  if (keys.length === 0 || !ctx.blobs) return;
  const driver = ctx.blobs;
  try {
    for (let start = 0; start < keys.length; start += driver.capabilities.maxDeleteKeys) {
      const slice = keys.slice(start, start + driver.capabilities.maxDeleteKeys);
      await driver.delete(slice);
    }
  } catch (cause) {
    ctx.warn({ code: WarningCodes.BLOB_CLEANUP_FAILED, message: `Could not delete ${keys.length} blob(s) that no item references; sweepOrphanBlobs will remove them`, cause });
  }
}
