import { randomUUID } from 'node:crypto';
import { deleteBlobsQuietly } from './write-blobs.js';
import { snapshotBlobKey, writeStamp } from './blob-keys.js';
import { isBudgetError } from './call-budget.js';
import type { SnapshotEntry } from './contract-types.js';
import { ErrorCodes, EventStoreAdapterError, SnapshotError } from './errors.js';
import { invalidItem } from './codecs/event.js';
import { itemSize } from './item-size.js';
import type { Condition, Item } from './ports/kv-driver.js';
import { isRetryable } from './retry.js';
import { keepBlobsAcrossReset } from './instance-blobs.js';
import { ownBlobScope, retryingTransaction, type StoreContext } from './store-context.js';
import { A, streamPk } from './table-layout.js';
import { decodeSnapshot, encodeSnapshot, snapshotKey } from './codecs/snapshot.js';
import { validateSnapshot } from './validation.js';

/** Concurrent savers of one stream's snapshot race at most this many rounds of read-then-compare-and-swap. */
const MAX_SAVE_ROUNDS = 8;
/** A reader that finds a snapshot's blob gone (replaced meanwhile) re-reads the item at most this many times. */
const MAX_READ_ROUNDS = 3;


/**
 * Save a stream's snapshot so that it never tears and never goes back in time:
 * 1. a state over the offload threshold is written first to a blob of its own, keyed by table, stream, sequence
 *    and write id (never overwritten);
 * 2. the snapshot item (its state or blob key, and its `sequence`, together) is then written with a
 *    compare-and-swap on the item it replaces (its write id), after a strongly consistent read: a snapshot whose
 *    `sequence` is older than the stored one is dropped instead (and its blob deleted), so an older snapshot never
 *    replaces a newer one, whatever the interleaving of concurrent saves;
 * 3. the replaced snapshot's blob, if any, is deleted afterwards.
 * Cost: one strongly consistent read and one single-action transaction (2 WCU per KB); plus a blob put when
 * offloaded. Throws `INPUT/INVALID_SNAPSHOT` for a bad snapshot and `STORE/BLOB_STORE_REQUIRED` for an oversized
 * one without a blob store. A blob whose item write may have committed (an ambiguous failure) is kept for the sweeper.
 */
export async function saveSnapshot(ctx: StoreContext, snapshot: SnapshotEntry): Promise<void> {
  const { stateJson, createdIso } = validateSnapshot(snapshot);
  const pk = streamPk(snapshot.domain, snapshot.identifier);
  const writeId = randomUUID();
  const base = { sequence: snapshot.sequence, createdIso, writeId };
  let item: Item = encodeSnapshot(pk, { ...base, stateJson });
  const limit = ctx.blobs ? ctx.options.offloadThresholdBytes : ctx.kv.capabilities.maxItemBytes;
  let ownBlob: string | undefined;
  let ownBody: Uint8Array | undefined;
  if (itemSize(item) > limit) {
    if (!ctx.blobs) {
      throw new SnapshotError(ErrorCodes.BLOB_STORE_REQUIRED, `Snapshot of ${snapshot.domain}::${snapshot.identifier} is ${itemSize(item)} bytes: configure a blob store to offload it`, { details: { size: itemSize(item) } });
    }
    const blobs = ctx.blobs;
    ownBlob = snapshotBlobKey(ownBlobScope(ctx), pk, snapshot.sequence, writeStamp(ctx.clock(), writeId));
    const key = ownBlob;
    ownBody = new Uint8Array(Buffer.from(stateJson, 'utf8'));
    await blobs.put(key, ownBody, { contentType: 'application/json' });
    item = encodeSnapshot(pk, { ...base, blobKey: ownBlob });
  }

  let ambiguous = false;
  let writeSent = false;
  let replacedBlob: string | undefined;
  try {
    for (let round = 0; round < MAX_SAVE_ROUNDS; round++) {
      const { item: currentItem } = await ctx.kv.get(ctx.options.tableName, snapshotKey(pk), { consistent: true });
      const current = currentItem ? decodeSnapshot(currentItem) : undefined;
      if (current?.writeId === writeId) {
        // An ambiguous attempt of ours committed (the retry then found its own write id in the way).
        ambiguous = false;
        if (replacedBlob !== undefined && replacedBlob !== ownBlob) await deleteBlobsQuietly(ctx, [replacedBlob]);
        return;
      }
      if (current && current.sequence > snapshot.sequence) {
        await deleteBlobsQuietly(ctx, ownBlob === undefined ? [] : [ownBlob]); // a newer snapshot is stored: ours is dropped, its blob never referenced
        return;
      }
      replacedBlob = current?.blobKey;
      const condition: Condition = !current
        ? { kind: 'notExists' }
        : current.writeId !== undefined
          ? { kind: 'equals', attribute: A.writeToken, value: current.writeId }
          : { kind: 'equals', attribute: A.sequence, value: current.sequence }; // written before write ids
      writeSent = true;
      const result = await retryingTransaction(ctx, 'save snapshot', async () => {
        try {
          return await ctx.kv.transactWrite(ctx.options.tableName, [{ type: 'put', item, condition }]);
        } catch (error) {
          if (isRetryable(error) && (error as EventStoreAdapterError).code === ErrorCodes.TRANSIENT) ambiguous = true;
          throw error;
        }
      });
      if (result.committed) {
        // A reset elsewhere may have cleared our blob between its upload and this commit (issue 16, suspected b).
        // Committed: should that check fail, the blob stays (kept like an ambiguous outcome's).
        ambiguous = true;
        if (ownBlob !== undefined) await keepBlobsAcrossReset(ctx, [{ key: ownBlob, body: ownBody! }]);
        ambiguous = false;
        if (replacedBlob !== undefined && replacedBlob !== ownBlob) await deleteBlobsQuietly(ctx, [replacedBlob]);
        return;
      }
    }
    throw new EventStoreAdapterError(ErrorCodes.TRANSACTION_CONFLICT, `Snapshot of ${snapshot.domain}::${snapshot.identifier}: concurrent saves kept replacing it`, { details: { domain: snapshot.domain, identifier: snapshot.identifier } });
  } catch (error) {
    // A deadline or abort that cut a sent write short leaves its outcome unknown, like a lost response.
    if (writeSent && isBudgetError(error)) ambiguous = true;
    if (!ambiguous) await deleteBlobsQuietly(ctx, ownBlob === undefined ? [] : [ownBlob]);
    throw error;
  }
}


/**
 * The stream's latest snapshot, or null; a strongly consistent read. The state returned is always the one saved
 * with the returned `sequence` (they live in one item, or in one immutable blob the item names). A blob replaced
 * between reading the item and reading the blob makes it read the item again. Throws `DECODE/*` for a malformed
 * item or a blob that is really missing.
 */
export async function readSnapshot<State>(ctx: StoreContext, domain: string, identifier: string): Promise<SnapshotEntry<State> | null> {
  const key = snapshotKey(streamPk(domain, identifier));
  for (let round = 0; ; round++) {
    const { item } = await ctx.kv.get(ctx.options.tableName, key, { consistent: true });
    if (!item) return null;
    const record = decodeSnapshot(item);
    let stateJson = record.stateJson;
    if (stateJson === undefined) {
      const blobKey = record.blobKey!;
      const blobs = ctx.blobs;
      const body = blobs ? await blobs.get(blobKey) : undefined;
      if (body === undefined) {
        if (blobs && round + 1 < MAX_READ_ROUNDS) continue; // replaced meanwhile? read the item again
        throw new EventStoreAdapterError(ErrorCodes.MISSING_BLOB, `Snapshot of ${domain}::${identifier} references blob ${blobKey}, which is missing`, { details: { blobKey, key } });
      }
      stateJson = Buffer.from(body).toString('utf8');
    }
    let state: State;
    try {
      state = JSON.parse(stateJson) as State;
    } catch (cause) {
      throw invalidItem(item, 'state is not valid JSON', cause);
    }
    return { domain, identifier, state, sequence: record.sequence, created: new Date(record.createdIso) };
  }
}
