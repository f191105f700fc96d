import { randomUUID } from 'node:crypto';
import { snapshotBlobKey, writeStamp } from '../blobs/blob-keys.js';
import { isBudgetError } from '../runtime/call-budget.js';
import type { SnapshotEntry } from '../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError, SnapshotError } from '../errors/index.js';
import { invalidItem } from '../layout/codecs/event.js';
import { itemSize } from '../layout/item-size.js';
import type { Condition, Item, TransactAction } from '../ports/kv-driver.js';
import { mayHaveLanded } from '../runtime/outcome.js';
import { isRetryable } from '../runtime/retry.js';
import { resendableTransaction } from '../runtime/retrying-drivers.js';
import { InstanceChanged, markerCheck, restartingOnReset } from '../layout/instance-markers.js';
import { followInstance } from '../layout/table-metadata.js';
import { callInstance, forWrite, ownBlobScope, type StoreContext, type WriteContext } from '../runtime/store-context.js';
import { A, streamPk } from '../layout/table-layout.js';
import { decodeSnapshot, encodeSnapshot, snapshotKey } from '../layout/codecs/snapshot.js';
import { validateSnapshot } from '../write/validation.js';
import { decodeState, encodeState } from '../payload/snapshot-state.js';

/** Concurrent savers of one stream's snapshot race at most this many rounds of read-then-compare-and-swap. */
const MAX_SAVE_ROUNDS = 8;
/** A reader that finds a snapshot's blob gone (swept after a replacement) re-reads the item at most this many times. */
const MAX_READ_ROUNDS = 3;

/**
 * Save a stream's snapshot so that it never tears and never goes back in time:
 * 1. the stored snapshot is read (strongly consistent); one whose `sequence` is newer than ours stays, and ours is
 *    dropped;
 * 2. otherwise a state over the offload threshold is written first to a blob of its own, keyed by table, stream,
 *    sequence and write id (never overwritten, never deleted by a save);
 * 3. the snapshot item (its state or blob key, and its `sequence`, together) is written with a compare-and-swap on
 *    the item it replaces (its write id); if another save got in between, back to 1.
 * Equal sequences: a save at the stored `sequence` replaces it (the last to commit wins), except when an earlier
 * attempt of this very save may have committed (its answer was lost): then the stored one at that sequence stands,
 * since ours may already have been stored and replaced. So of concurrent saves at one sequence either state may be
 * the stored one, and whichever it is reads back whole: no save deletes a blob, so the blob a stored item names is
 * there. A blob left unreferenced (a save dropped, failed or replaced) is the orphan sweeper's.
 * The transaction also checks an instance marker (see instance-markers.ts), so a save begun before a reset elsewhere
 * never lands in the re-created table naming a blob of the old scope: it adopts the new instance and saves there.
 * Cost: one strongly consistent read and one transaction of the put and the marker check (2 WCU per KB each);
 * plus a blob put when offloaded. Throws `INPUT/INVALID_SNAPSHOT` for a bad snapshot and `STORE/BLOB_STORE_REQUIRED` for an oversized
 * one without a blob store; `STORE/TRANSACTION_CONFLICT` when concurrent saves win {@link MAX_SAVE_ROUNDS} rounds.
 */
export async function saveSnapshot(given: WriteContext, snapshot: SnapshotEntry): Promise<void> {
  // The instance this save plans its blob key under: its own view, so a reset since is always noticed.
  const ctx: WriteContext = { ...forWrite(given), instance: callInstance(given.instance) };
  // A reset elsewhere makes an encrypted save start again under the new instance (its keys).
  await restartingOnReset(() => saveOnce(ctx, snapshot));
}

/** {@link saveSnapshot} under the call's current instance view, from the start. */
async function saveOnce(ctx: WriteContext, snapshot: SnapshotEntry): Promise<void> {
  const { stateJson, createdIso } = validateSnapshot(snapshot);
  const pk = streamPk(snapshot.domain, snapshot.identifier);
  const writeId = randomUUID();
  const base = { sequence: snapshot.sequence, createdIso, writeId };
  // Through the payload pipeline (compression, encryption) before sizing, like an event's payload.
  const encoded = await encodeState(ctx, pk, snapshot.sequence, stateJson);
  let item: Item = encoded
    ? encodeSnapshot(pk, { ...base, encoded: { marker: encoded.marker, bytes: encoded.fields[0]! } })
    : encodeSnapshot(pk, { ...base, stateJson });
  const limit = ctx.blobs ? ctx.options.offloadThresholdBytes : ctx.kv.capabilities.maxItemBytes;
  let upload: (() => Promise<void>) | undefined;
  /** The item naming the state's blob keyed under this save's current instance scope (set when offloaded). */
  let offload: (() => void) | undefined;
  if (itemSize(item) > limit) {
    if (!ctx.blobs) {
      throw new SnapshotError(
        ErrorCodes.BLOB_STORE_REQUIRED,
        `Snapshot of ${snapshot.domain}::${snapshot.identifier} is ${itemSize(item)} bytes: configure a blob store to offload it`,
        { details: { size: itemSize(item) } },
      );
    }
    const blobs = ctx.blobs;
    const stamp = writeStamp(ctx.clock(), writeId);
    const body = encoded ? encoded.fields[0]! : new Uint8Array(Buffer.from(stateJson, 'utf8'));
    offload = () => {
      const key = snapshotBlobKey(ownBlobScope(ctx), pk, snapshot.sequence, stamp);
      upload = () => blobs.put(key, body, { contentType: encoded ? 'application/octet-stream' : 'application/json' });
      item = encodeSnapshot(pk, { ...base, blobKey: key, ...(encoded ? { encoded: { marker: encoded.marker } } : {}) });
    };
    offload();
  }

  // Set once an attempt of ours may have committed without our hearing of it (a lost response).
  let ambiguous = false;
  try {
    for (let round = 0; round < MAX_SAVE_ROUNDS; round++) {
      const { item: currentItem } = await ctx.kv.get(ctx.options.tableName, snapshotKey(pk), { consistent: true });
      const current = currentItem ? decodeSnapshot(currentItem) : undefined;
      if (current?.writeId === writeId) return; // an ambiguous attempt of ours committed (the retry found it in the way)
      if (current && current.sequence > snapshot.sequence) return; // a newer snapshot is stored: ours is dropped
      if (current && current.sequence === snapshot.sequence && ambiguous) return; // ours may have landed and been replaced at its own sequence
      if (upload) {
        await upload();
        upload = undefined;
      }
      const condition: Condition = !current
        ? { kind: 'notExists' }
        : current.writeId !== undefined
          ? { kind: 'equals', attribute: A.writeToken, value: current.writeId }
          : { kind: 'equals', attribute: A.sequence, value: current.sequence }; // written before write ids
      // Tied to the instance this save planned under (its blob's scope): it never lands in a table reset since.
      const actions: TransactAction[] = [{ type: 'put', item, condition }];
      if (ctx.instance.generation !== '') actions.push(markerCheck(pk, ctx.instance.generation));
      const result = await resendableTransaction(ctx, 'save snapshot', async () => {
        try {
          return await ctx.kv.transactWrite(ctx.options.tableName, actions);
        } catch (error) {
          // Ambiguous: a transient failure, or any failure of a call one of whose attempts may have landed.
          const transient = isRetryable(error) && (error as EventStoreAdapterError).code === ErrorCodes.TRANSIENT;
          if (transient || mayHaveLanded(error)) ambiguous = true;
          throw error;
        }
      });
      if (result.committed) return;
      if (result.reasons[1]?.kind === 'conditionFailed') {
        // The marker names another instance: the table was reset elsewhere. The new instance is adopted and the
        // blob keyed under its scope (the reset cleared the old one), then saved again there; an encrypted state
        // (under the old instance's keys) starts again from its encoding. Lost markers are written again.
        if (await followInstance(ctx, 'saveSnapshot')) {
          if (ctx.options.payload.keyring !== undefined) throw new InstanceChanged('saveSnapshot');
          offload?.();
        }
      }
    }
  } catch (error) {
    // A deadline or abort is reported as such (its outcome is unknown by its nature); any other ending of an
    // ambiguous save is resolved by one more read, or is STORE/OUTCOME_UNKNOWN. A reset elsewhere took whatever an
    // ambiguous attempt saved with the old instance: the save starts again.
    if (ambiguous && !isBudgetError(error) && !(error instanceof InstanceChanged)) {
      if (await savedAfterAll(ctx, pk, writeId)) return;
      throw outcomeUnknown(snapshot, error);
    }
    throw error;
  }
  throw new EventStoreAdapterError(
    ErrorCodes.TRANSACTION_CONFLICT,
    `Snapshot of ${snapshot.domain}::${snapshot.identifier}: concurrent saves kept replacing it`,
    { details: { domain: snapshot.domain, identifier: snapshot.identifier } },
  );
}

/**
 * After a save whose last write may have landed failed: true when the stored item is this save's (its write id),
 * read once, strongly consistent, if the call's deadline and signals still allow; false when it is not or the
 * read fails (the outcome then stays unknown: a late attempt may still land).
 */
async function savedAfterAll(ctx: WriteContext, pk: string, writeId: string): Promise<boolean> {
  if (ctx.budget.violation('saveSnapshot') !== undefined) return false;
  try {
    const { item } = await ctx.kv.get(ctx.options.tableName, snapshotKey(pk), { consistent: true });
    return item !== undefined && decodeSnapshot(item).writeId === writeId;
  } catch {
    return false;
  }
}

/** `STORE/OUTCOME_UNKNOWN` for a save that may have been applied: saving the identical snapshot again is safe. */
function outcomeUnknown(snapshot: SnapshotEntry, cause: unknown): EventStoreAdapterError {
  return new EventStoreAdapterError(
    ErrorCodes.OUTCOME_UNKNOWN,
    `saveSnapshot: the outcome of saving the snapshot of ${snapshot.domain}::${snapshot.identifier} at sequence ` +
      `${snapshot.sequence} is unknown; save it again`,
    { cause, details: { domain: snapshot.domain, identifier: snapshot.identifier, sequence: snapshot.sequence } },
  );
}

/**
 * The stream's latest snapshot, or null; a strongly consistent read. The state returned is always the one saved
 * with the returned `sequence` (they live in one item, or in one immutable blob the item names). A blob gone
 * between reading the item and reading the blob (replaced, then swept) makes it read the item again. Throws `DECODE/*` for a malformed
 * item or a blob that is really missing.
 */
export async function readSnapshot<State>(ctx: StoreContext, domain: string, identifier: string): Promise<SnapshotEntry<State> | null> {
  const key = snapshotKey(streamPk(domain, identifier));
  for (let round = 0; ; round++) {
    const { item } = await ctx.kv.get(ctx.options.tableName, key, { consistent: true });
    if (!item) return null;
    const record = decodeSnapshot(item);
    let stateJson = record.stateJson;
    let stateBytes = record.stateBytes;
    if (stateJson === undefined && stateBytes === undefined) {
      const blobKey = record.blobKey!;
      const blobs = ctx.blobs;
      const body = blobs ? await blobs.get(blobKey) : undefined;
      if (body === undefined) {
        if (blobs && round + 1 < MAX_READ_ROUNDS) continue; // replaced meanwhile? read the item again
        throw new EventStoreAdapterError(
          ErrorCodes.MISSING_BLOB,
          `Snapshot of ${domain}::${identifier} references blob ${blobKey}, which is missing`,
          { details: { blobKey, key } },
        );
      }
      if (record.marker === undefined) stateJson = Buffer.from(body).toString('utf8');
      else stateBytes = body;
    }
    if (stateJson === undefined) {
      // Encoded (src/payload/): an erased stream's snapshot reads as none.
      const decoded = await decodeState(ctx, key[A.pk] as string, record.sequence, record.marker!, stateBytes!);
      if (decoded === 'erased') return null;
      stateJson = decoded;
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
