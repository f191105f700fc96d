import { keyId } from '../layout/codecs/event.js';
import type { Item, ItemKey } from '../ports/kv-driver.js';
import { readItems, type WriteContext } from '../runtime/store-context.js';

/**
 * The guards stored at `keys`, by key id, as of one instant. One batch-get is not a snapshot: its keys are read in
 * rounds (unprocessed keys re-requested), so a transaction that commits between rounds shows some of its guards
 * and hides others (found live: seed -1629364456, where a retry reported 3 of 5 stored ids as the duplicates).
 * Guards only ever appear (only `resetStore` removes them), so the keys still missing are re-read until a pass finds
 * none of them: every key found then exists at the start of that last pass, and every key missing was missing at
 * its start (a transaction committing during the pass would have shown a guard read after its commit). At most one
 * pass per key; one request per pass in the usual case, and a second only when some keys were found and some not.
 * Every guard read that decides something goes through here: the stored-batch check, the check after an ambiguous
 * write, and the sweeper (which must not take a guard that landed mid-read for a missing one).
 */
export async function readGuards(ctx: WriteContext, keys: readonly ItemKey[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  let missing = keys;
  for (;;) {
    const items = await readItems(ctx, missing);
    for (const item of items) found.set(keyId(item), item);
    if (items.length === 0 || found.size === keys.length) return found;
    missing = missing.filter((key) => !found.has(keyId(key)));
  }
}
