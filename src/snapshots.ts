import { z } from 'zod';
import { batchWriteAll } from './batch-loops.js';
import type { SnapshotEntry } from './contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from './errors.js';
import { invalidItem } from './event-codec.js';
import { itemSize } from './item-size.js';
import { joinKey } from './keys.js';
import type { Item } from './ports/kv-driver.js';
import { withRetry } from './retry.js';
import type { StoreContext } from './store-context.js';
import { A, SNAPSHOT_SK, streamPk } from './table-layout.js';
import { validateSnapshot } from './validation.js';

/**
 * Save a stream's snapshot (last write wins), one plain write. A state over the offload threshold goes to the blob
 * store under a key fixed per stream. Throws `INPUT/INVALID_SNAPSHOT` for a bad snapshot and
 * `STORE/BLOB_STORE_REQUIRED` for an oversized one without a blob store.
 */
export async function saveSnapshot(ctx: StoreContext, snapshot: SnapshotEntry): Promise<void> {
  const { stateJson, createdIso } = validateSnapshot(snapshot);
  const pk = streamPk(snapshot.domain, snapshot.identifier);
  let item: Item = { [A.pk]: pk, [A.sk]: SNAPSHOT_SK, [A.state]: stateJson, [A.sequence]: snapshot.sequence, [A.created]: createdIso };
  const limit = ctx.blobs ? ctx.options.offloadThresholdBytes : ctx.kv.capabilities.maxItemBytes;
  if (itemSize(item) > limit) {
    if (!ctx.blobs) {
      throw new EventStoreAdapterError(ErrorCodes.BLOB_STORE_REQUIRED, `Snapshot of ${snapshot.domain}::${snapshot.identifier} is ${itemSize(item)} bytes: configure a blob store to offload it`, { details: { size: itemSize(item) } });
    }
    const blobKey = `${ctx.options.blobKeyPrefix}snapshots/${joinKey('s', snapshot.domain, snapshot.identifier)}`;
    const blobs = ctx.blobs;
    await withRetry(ctx.options.retry, () => blobs.put(blobKey, new Uint8Array(Buffer.from(stateJson, 'utf8')), { contentType: 'application/json' }), ctx.sleep, 'blob put');
    item = { [A.pk]: pk, [A.sk]: SNAPSHOT_SK, [A.blobKey]: blobKey, [A.sequence]: snapshot.sequence, [A.created]: createdIso };
  }
  await batchWriteAll(ctx.kv, ctx.options.tableName, [{ put: item }], ctx.options.retry, { sleep: ctx.sleep });
}

const snapshotItemSchema = z.object({
  st: z.string().optional(),
  bk: z.string().optional(),
  q: z.number().int().nonnegative(),
  c: z.string(),
});

/** The stream's latest snapshot, or null; a strongly consistent read. Throws `DECODE/*` for a malformed item or a missing blob. */
export async function readSnapshot<State>(ctx: StoreContext, domain: string, identifier: string): Promise<SnapshotEntry<State> | null> {
  const key = { [A.pk]: streamPk(domain, identifier), [A.sk]: SNAPSHOT_SK };
  const { item } = await withRetry(ctx.options.retry, () => ctx.kv.get(ctx.options.tableName, key, { consistent: true }), ctx.sleep, 'get');
  if (!item) return null;
  const parsed = snapshotItemSchema.safeParse(item);
  if (!parsed.success || (parsed.data.st === undefined && parsed.data.bk === undefined)) throw invalidItem(item, 'not a snapshot item');
  let stateJson = parsed.data.st;
  if (stateJson === undefined) {
    const blobKey = parsed.data.bk!;
    const body = ctx.blobs ? await withRetry(ctx.options.retry, () => ctx.blobs!.get(blobKey), ctx.sleep, 'blob get') : undefined;
    if (body === undefined) throw new EventStoreAdapterError(ErrorCodes.MISSING_BLOB, `Snapshot of ${domain}::${identifier} references blob ${blobKey}, which is missing`, { details: { blobKey } });
    stateJson = Buffer.from(body).toString('utf8');
  }
  let state: State;
  try {
    state = JSON.parse(stateJson) as State;
  } catch (cause) {
    throw invalidItem(item, 'state is not valid JSON', cause);
  }
  return { domain, identifier, state, sequence: parsed.data.q, created: new Date(parsed.data.c) };
}
