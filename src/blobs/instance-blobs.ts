/**
 * Blobs and table instances. An item may only name blobs of its own instance's scope (`<prefix><table>/<generation>/`):
 * `resetStore` clears the old instance's scope ({@link clearInstanceBlobs}), so a write planned before a reset
 * elsewhere keys its blobs under the new instance's scope and uploads them again before committing there
 * ({@link rescope}); the transaction's instance condition (a head's generation or an instance marker) makes sure it
 * cannot commit anywhere else.
 */
import { instanceScope } from './blob-keys.js';
import type { OffloadDecision } from './offload.js';
import type { StoreContext } from '../runtime/store-context.js';
import { A } from '../layout/table-layout.js';

/**
 * `decisions` with every blob key under scope `from` moved under scope `to` (the blob's key and the item's reference
 * to it), unchanged when the scopes are equal. Generations are UUIDs, so scopes of one table have one length and
 * the items' sizes (planned against the limits) do not change. Pure.
 */
export function rescope(decisions: readonly OffloadDecision[], from: string, to: string): readonly OffloadDecision[] {
  if (from === to) return decisions;
  const move = (key: string) => (key.startsWith(from) ? to + key.slice(from.length) : key);
  return decisions.map((decision) => {
    if (!decision.blob) return decision;
    const key = move(decision.blob.key);
    return { item: { ...decision.item, [A.blobKey]: key }, blob: { ...decision.blob, key } };
  });
}

/** Delete every blob under the scope of the table instance `generation` (and nothing outside it): `resetStore`'s clear. */
export async function clearInstanceBlobs(ctx: StoreContext, generation: string): Promise<void> {
  const blobs = ctx.blobs;
  if (!blobs) return;
  const scope = instanceScope(ctx.options.blobKeyPrefix, ctx.options.tableName, generation);
  await blobs.ensureContainer();
  for (;;) {
    const page = await blobs.list(scope);
    if (page.keys.length === 0) return;
    for (let start = 0; start < page.keys.length; start += blobs.capabilities.maxDeleteKeys) {
      const keys = page.keys.slice(start, start + blobs.capabilities.maxDeleteKeys);
      await blobs.delete(keys);
    }
  }
}
