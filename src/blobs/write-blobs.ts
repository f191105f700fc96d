/**
 * The blobs of a write (events' and snapshots'): uploaded before the item that names them, never deleted by the
 * write path. A blob key is unique per write (blob-keys.ts) and a blob is never changed, so one the write path
 * leaves unreferenced (a write refused, failed or of unknown outcome; an identical retry that found its batch
 * stored; a snapshot dropped or replaced) harms nothing: the sweeper (`sweeper.ts`) deletes it once it is older
 * than its grace period and no item references it. Deleting here would be a guess: a write whose answer was lost
 * may have committed, and a replaced snapshot's blob may be named again by an ambiguous save's retry.
 */
import { mapWithConcurrency } from '../runtime/concurrency.js';
import type { OffloadDecision } from './offload.js';
import type { WriteContext } from '../runtime/store-context.js';

/**
 * Upload the offloaded blobs of `decisions` (at most `hydrationConcurrency` at a time). A failed upload throws
 * that driver's error before any transaction naming these blobs is sent; the blobs already uploaded are left for
 * the sweeper.
 */
export async function uploadBlobs(ctx: WriteContext, decisions: readonly OffloadDecision[]): Promise<void> {
  const blobs = decisions.flatMap((decision) => (decision.blob ? [decision.blob] : []));
  if (blobs.length === 0) return;
  const driver = ctx.blobs!;
  await mapWithConcurrency(blobs, ctx.options.hydrationConcurrency, async (blob) => {
    await driver.put(blob.key, blob.body, { contentType: 'application/json' });
  });
}
