/**
 * Blobs that must survive a reset landing between their upload and the commit naming them. `resetStore` clears the
 * old instance's blob scope after dropping the table and before the new instance's layout record exists, so a
 * writer that reads the new generation knows that clear is over: whatever it puts again then stays.
 */
import { mapWithConcurrency } from './concurrency.js';
import { ErrorCodes, hasCode } from './errors.js';
import type { WriteContext } from './store-context.js';
import { readMetadata } from './table-metadata.js';

/** A blob of a committed write: its key (named by the committed item) and its bytes. */
export interface CommittedBlob {
  readonly key: string;
  readonly body: Uint8Array;
}

/**
 * After a commit naming `blobs` (keyed under this process's instance scope): one strongly consistent read of the
 * layout record; when it names another generation than the one this process verified (the table was reset
 * elsewhere, and the commit may have landed in the new instance), put the blobs again under their keys (same bytes:
 * idempotent; never a delete) and return true. A table or record missing (being re-created) counts as changed, and
 * the blobs are put again too. Cost: 1 RCU, plus the puts when changed.
 */
export async function keepBlobsAcrossReset(ctx: WriteContext, blobs: readonly CommittedBlob[]): Promise<boolean> {
  if (blobs.length === 0 || !ctx.blobs) return false;
  let generation: string | undefined;
  try {
    generation = (await readMetadata(ctx))?.generation;
  } catch (error) {
    if (!hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) throw error;
  }
  if (generation === ctx.instance.generation) return false;
  await putAgain(ctx, blobs);
  return true;
}

/** Put committed blobs again under their own keys (same bytes: idempotent; never a delete), a few at a time. */
export async function putAgain(ctx: WriteContext, blobs: readonly CommittedBlob[]): Promise<void> {
  const driver = ctx.blobs;
  if (!driver || blobs.length === 0) return;
  await mapWithConcurrency(blobs, ctx.options.hydrationConcurrency, (blob) =>
    driver.put(blob.key, blob.body, { contentType: 'application/json' }),
  );
}
