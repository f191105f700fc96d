import { randomUUID } from 'node:crypto';
import { batchGetAll } from './batch-loops.js';
import { mapWithConcurrency } from './concurrency.js';
import type { StoredEvent } from './contract-types.js';
import { ConcurrencyError, DuplicateEventIdError, ErrorCodes, EventStoreAdapterError } from './errors.js';
import { encodeEventItem, orderFields, storedShape } from './event-codec.js';
import { itemSize } from './item-size.js';
import { streamKey } from './keys.js';
import { minimalItemSize, planOffload, type OffloadDecision } from './offload.js';
import type { ActionFailure, Item, TransactAction, TransactResult } from './ports/kv-driver.js';
import { backoffDelay, exhausted, isRetryable, withRetry } from './retry.js';
import type { StoreContext } from './store-context.js';
import { A, CATALOG_PK, HEAD_SK, guardPk, streamPk } from './table-layout.js';
import { bucketOfIso } from './time-buckets.js';
import type { ValidatedEvent } from './validation.js';

/** A sequence number wide enough to size items before their sequence is known (15 significant digits). */
const SIZING_SEQUENCE = 123_456_789_012_345;

interface PlannedEvent {
  readonly validated: ValidatedEvent;
  readonly pk: string;
  readonly streamKey: string;
  readonly bucket: number;
  readonly blobKey: string;
  /** The event item sized with a placeholder sequence (for planning only). */
  readonly draft: Item;
}

interface Chunk {
  readonly events: PlannedEvent[];
  readonly streams: Set<string>;
  readonly newBuckets: Set<number>;
}

/**
 * The write path of `storeEvents`. Semantics:
 * - a batch that fits one transaction (2 actions per event + 1 per stream + 1 per new time bucket, within the
 *   driver's action and byte limits after offloading) is written in ONE atomic transaction, across streams;
 * - a larger batch is written as consecutive transactions in order; ids are checked for duplicates before the
 *   first; each later chunk requires every stream it shares with earlier chunks to be exactly where the batch left
 *   it, so a batch's events stay contiguous. A later failure throws `STORE/PARTIAL_BATCH` listing what was stored;
 * - `expectedSequence` applies to the stream of the first event; a mismatch throws `ConcurrencyError` with the
 *   real current sequence (from the failed condition: no extra read) and writes nothing;
 * - without it, the last known head of each stream is assumed; a conflict re-bases on the head the failed
 *   condition returned and tries again (one request per append in the steady state, at most one more per conflict).
 */
export async function appendEvents(ctx: StoreContext, batch: readonly ValidatedEvent[], expectedSequence: number | undefined): Promise<StoredEvent[]> {
  if (batch.length === 0) return [];
  rejectDuplicatesInBatch(batch);
  const writeId = randomUUID();
  const planned = batch.map((validated) => planEvent(ctx, validated, writeId));
  const chunks = planChunks(ctx, planned);
  if (chunks.length > 1) await rejectStoredDuplicates(ctx, planned);

  const stored: StoredEvent[] = [];
  const exact = new Map<string, number>();
  if (expectedSequence !== undefined) exact.set(planned[0]!.pk, expectedSequence);
  for (const [index, chunk] of chunks.entries()) {
    try {
      const written = await writeChunk(ctx, chunk, exact, writeId);
      stored.push(...written);
      // Later chunks continue exactly where this one left each stream, so the batch stays contiguous.
      written.forEach((event, position) => exact.set(chunk.events[position]!.pk, event.sequence));
    } catch (error) {
      if (index === 0) throw error;
      throw new EventStoreAdapterError(
        ErrorCodes.PARTIAL_BATCH,
        `Batch of ${batch.length} events needed ${chunks.length} transactions; ${stored.length} events were stored before transaction ${index + 1} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error, details: { storedEventIds: stored.map((event) => event.id), failedChunk: index, chunks: chunks.length } },
      );
    }
  }
  return stored;
}

function rejectDuplicatesInBatch(batch: readonly ValidatedEvent[]): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { event } of batch) {
    if (seen.has(event.id)) duplicates.add(event.id);
    seen.add(event.id);
  }
  if (duplicates.size > 0) throw new DuplicateEventIdError([...duplicates]);
}

async function rejectStoredDuplicates(ctx: StoreContext, planned: readonly PlannedEvent[]): Promise<void> {
  const keys = planned.map((event) => ({ [A.pk]: guardPk(event.validated.event.id), [A.sk]: 0 }));
  const found = await batchGetAll(ctx.kv, ctx.options.tableName, keys, ctx.options.retry, { consistent: true, sleep: ctx.sleep });
  if (found.length > 0) throw new DuplicateEventIdError(found.map((guard) => planned.find((event) => guardPk(event.validated.event.id) === guard[A.pk])!.validated.event.id));
}

function planEvent(ctx: StoreContext, validated: ValidatedEvent, writeId: string): PlannedEvent {
  const { event } = validated;
  const pk = streamPk(event.domain, event.identifier);
  return {
    validated,
    pk,
    streamKey: streamKey(event.domain, event.identifier),
    bucket: bucketOfIso(validated.createdIso),
    blobKey: `${ctx.options.blobKeyPrefix}${encodeURIComponent(event.id)}/${writeId}`,
    draft: encodeEventItem(validated, pk, SIZING_SEQUENCE, ctx.options.bucketShards),
  };
}

/** Greedy chunking by the driver's action and byte limits, counting each event at its smallest (offloaded) size when a blob store exists. */
function planChunks(ctx: StoreContext, planned: readonly PlannedEvent[]): Chunk[] {
  const { maxTransactionActions, maxTransactionBytes } = ctx.kv.capabilities;
  const chunks: Chunk[] = [];
  let current: Chunk = { events: [], streams: new Set(), newBuckets: new Set() };
  let bytes = 0;
  for (const event of planned) {
    const eventBytes = (ctx.blobs ? minimalItemSize(event.draft, event.blobKey) : itemSize(event.draft)) + guardSize(event);
    const addsStream = !current.streams.has(event.pk);
    const addsBucket = !ctx.knownBuckets.has(event.bucket) && !current.newBuckets.has(event.bucket);
    const actions = 2 * (current.events.length + 1) + current.streams.size + (addsStream ? 1 : 0) + current.newBuckets.size + (addsBucket ? 1 : 0);
    const extraBytes = eventBytes + (addsStream ? headSize(event.pk) : 0) + (addsBucket ? catalogSize() : 0);
    if (current.events.length > 0 && (actions > maxTransactionActions || bytes + extraBytes > maxTransactionBytes)) {
      chunks.push(current);
      current = { events: [], streams: new Set(), newBuckets: new Set() };
      bytes = 0;
    }
    if (!current.streams.has(event.pk)) bytes += headSize(event.pk);
    if (!ctx.knownBuckets.has(event.bucket) && !current.newBuckets.has(event.bucket)) {
      current.newBuckets.add(event.bucket);
      bytes += catalogSize();
    }
    current.events.push(event);
    current.streams.add(event.pk);
    bytes += eventBytes;
  }
  chunks.push(current);
  return chunks;
}

const guardSize = (event: PlannedEvent): number => itemSize(guardItem(event, SIZING_SEQUENCE, '00000000-0000-0000-0000-000000000000'));
const headSize = (pk: string): number => itemSize({ [A.pk]: pk, [A.sk]: HEAD_SK, [A.version]: SIZING_SEQUENCE });
const catalogSize = (): number => itemSize({ [A.pk]: CATALOG_PK, [A.sk]: 12_359 });

function guardItem(event: PlannedEvent, sequence: number, writeId: string): Item {
  return {
    [A.pk]: guardPk(event.validated.event.id),
    [A.sk]: 0,
    [A.stream]: event.pk,
    [A.sequence]: sequence,
    [A.created]: event.validated.createdIso,
    [A.writeToken]: writeId,
  };
}

/** Write one chunk as one transaction, re-basing on newer heads (soft streams) and retrying transient failures. */
async function writeChunk(ctx: StoreContext, chunk: Chunk, exact: Map<string, number>, writeId: string): Promise<StoredEvent[]> {
  const { options } = ctx;
  const streams = [...chunk.streams];
  const bases = new Map(streams.map((pk) => [pk, exact.get(pk) ?? ctx.heads.get(pk) ?? 0]));
  const streamKeys = new Map(chunk.events.map((event) => [event.pk, event.streamKey]));

  // Offload decisions do not depend on sequences: make them once, upload blobs once, reuse across attempts.
  const otherBytes = chunk.events.reduce((sum, event) => sum + guardSize(event), 0) + streams.reduce((sum, pk) => sum + headSize(pk), 0) + chunk.newBuckets.size * catalogSize();
  const decisions = planOffload(
    chunk.events.map((event) => ({ eventId: event.validated.event.id, item: event.draft, blobKey: event.blobKey })),
    otherBytes,
    { thresholdBytes: options.offloadThresholdBytes, maxItemBytes: ctx.kv.capabilities.maxItemBytes, maxTransactionBytes: ctx.kv.capabilities.maxTransactionBytes, canOffload: ctx.blobs !== undefined },
  );
  const blobs = decisions.flatMap((decision) => (decision.blob ? [decision.blob] : []));
  await uploadBlobs(ctx, blobs);

  let conflicts = 0;
  let transientFailures = 0;
  let keepBlobs = false;
  try {
    let { actions, sequences } = buildActions(chunk, decisions, bases, writeId);
    let token = randomUUID();
    for (;;) {
      let outcome: TransactResult;
      try {
        outcome = await ctx.kv.transactWrite(options.tableName, actions, { token });
      } catch (error) {
        if (!isRetryable(error)) throw error;
        // Ambiguous: the request may have committed with its response lost. Retrying with the SAME token and
        // actions is idempotent; once attempts run out, the guards say whether an attempt committed.
        if (++transientFailures >= options.retry.maxAttempts) {
          const check = await checkCommitted(ctx, chunk, writeId);
          if (check.state === 'committed') return commit(ctx, chunk, check.sequences);
          if (check.state === 'unknown') {
            // Neither outcome is proven: keep the blobs (a committed write references them) and say so.
            keepBlobs = true;
            throw new EventStoreAdapterError(ErrorCodes.RETRIES_EXHAUSTED, `storeEvents: outcome unknown after ${options.retry.maxAttempts} attempts; retry the same batch (ids make it idempotent: a stored batch fails with DUPLICATE_EVENT_ID)`, {
              cause: error,
              details: { outcome: 'unknown', eventIds: chunk.events.map((event) => event.validated.event.id), checkError: check.error },
            });
          }
          throw exhausted(options.retry, error, 'storeEvents');
        }
        await ctx.sleep(backoffDelay(options.retry, transientFailures - 1));
        continue;
      }
      if (outcome.committed) return commit(ctx, chunk, sequences);

      const analysis = analyse(actions, outcome.reasons, writeId, chunk);
      if (analysis.foreignGuards.length > 0) throw new DuplicateEventIdError(analysis.foreignGuards);
      if (analysis.ownSequences.size === chunk.events.length) {
        // An earlier attempt of this very write committed (its response was lost): report what it stored.
        return commit(ctx, chunk, chunk.events.map((event) => analysis.ownSequences.get(event.validated.event.id)!));
      }
      if (analysis.validation) throw new EventStoreAdapterError(ErrorCodes.VALIDATION, `Transaction rejected: ${analysis.validation}`, { details: { reason: analysis.validation } });
      for (const [pk, actual] of analysis.headConflicts) {
        ctx.heads.set(pk, actual);
        if (exact.has(pk)) throw new ConcurrencyError(streamKeys.get(pk)!, exact.get(pk)!, actual);
        bases.set(pk, actual);
      }
      if (analysis.headConflicts.size > 0 || analysis.sequenceTaken) {
        if (analysis.headConflicts.size === 0) await refreshHeads(ctx, streams, bases, exact, streamKeys);
        if (++conflicts > options.maxConflictRetries) {
          throw exhausted({ ...options.retry, maxAttempts: conflicts }, new EventStoreAdapterError(ErrorCodes.TRANSACTION_CONFLICT, 'the stream head kept moving'), 'storeEvents (stream contention)');
        }
        await ctx.sleep(backoffDelay(options.retry, Math.min(conflicts - 1, 6)));
      } else if (analysis.retryable) {
        const conflict = new EventStoreAdapterError(ErrorCodes.TRANSACTION_CONFLICT, 'transaction cancelled by a concurrent transaction or throttling');
        if (++transientFailures >= options.retry.maxAttempts) throw exhausted(options.retry, conflict, 'storeEvents');
        await ctx.sleep(backoffDelay(options.retry, transientFailures - 1));
      } else {
        throw new EventStoreAdapterError(ErrorCodes.BACKEND, 'Transaction cancelled without a reason this adapter understands', { details: { reasons: outcome.reasons } });
      }
      ({ actions, sequences } = buildActions(chunk, decisions, bases, writeId));
      token = randomUUID();
    }
  } catch (error) {
    if (!keepBlobs) await deleteBlobsQuietly(ctx, blobs.map((blob) => blob.key));
    throw error;
  }
}

function buildActions(chunk: Chunk, decisions: readonly OffloadDecision[], bases: Map<string, number>, writeId: string) {
  const next = new Map(bases);
  const sequences: number[] = [];
  const eventActions: TransactAction[] = [];
  const guardActions: TransactAction[] = [];
  chunk.events.forEach((event, index) => {
    const sequence = next.get(event.pk)! + 1;
    next.set(event.pk, sequence);
    sequences.push(sequence);
    eventActions.push({ type: 'put', item: { ...decisions[index]!.item, [A.sk]: sequence }, condition: { kind: 'notExists' } });
    guardActions.push({ type: 'put', item: guardItem(event, sequence, writeId), condition: { kind: 'notExists' } });
  });
  const headActions: TransactAction[] = [...bases].map(([pk, base]) => ({
    type: 'put',
    item: { [A.pk]: pk, [A.sk]: HEAD_SK, [A.version]: next.get(pk)! },
    condition: base === 0 ? { kind: 'notExists' } : { kind: 'equals', attribute: A.version, value: base },
  }));
  const catalogActions: TransactAction[] = [...chunk.newBuckets].map((bucket) => ({ type: 'put', item: { [A.pk]: CATALOG_PK, [A.sk]: bucket } }));
  return { actions: [...headActions, ...eventActions, ...guardActions, ...catalogActions], sequences };
}

interface Analysis {
  /** Head pk -> the version it is really at. */
  readonly headConflicts: Map<string, number>;
  /** Ids whose guard belongs to another write. */
  readonly foreignGuards: string[];
  /** Event id -> sequence, for guards this very write already stored (an earlier attempt committed). */
  readonly ownSequences: Map<string, number>;
  /** An event's sequence slot was taken although its head matched (a head out of step with its events). */
  readonly sequenceTaken: boolean;
  readonly retryable: boolean;
  readonly validation: string | undefined;
}

function analyse(actions: readonly TransactAction[], reasons: readonly ActionFailure[], writeId: string, chunk: Chunk): Analysis {
  const idsByGuardPk = new Map(chunk.events.map((event) => [guardPk(event.validated.event.id), event.validated.event.id]));
  const analysis = { headConflicts: new Map<string, number>(), foreignGuards: [] as string[], ownSequences: new Map<string, number>(), sequenceTaken: false, retryable: false, validation: undefined as string | undefined };
  reasons.forEach((reason, index) => {
    const action = actions[index];
    if (!action || action.type !== 'put') return;
    const pk = String(action.item[A.pk]);
    if (reason.kind === 'conflict' || reason.kind === 'throttled') analysis.retryable = true;
    if (reason.kind === 'validation') analysis.validation = reason.message;
    if (reason.kind !== 'conditionFailed') return;
    if (pk.startsWith('s|') && action.item[A.sk] === HEAD_SK) {
      const stored = reason.item?.[A.version];
      analysis.headConflicts.set(pk, typeof stored === 'number' ? stored : 0);
    } else if (idsByGuardPk.has(pk)) {
      const storedSequence = reason.item?.[A.sequence];
      if (reason.item?.[A.writeToken] === writeId && typeof storedSequence === 'number') analysis.ownSequences.set(idsByGuardPk.get(pk)!, storedSequence);
      else analysis.foreignGuards.push(idsByGuardPk.get(pk)!);
    } else {
      analysis.sequenceTaken = true;
    }
  });
  return analysis;
}

/** What the guards say about an ambiguous write: committed (with its sequences), not committed, or unknown (unreadable). */
type CommitCheck = { readonly state: 'committed'; readonly sequences: number[] } | { readonly state: 'absent' } | { readonly state: 'unknown'; readonly error: unknown };

/** After ambiguous failures: did an attempt of this write commit? Read from its id guards (strongly consistent). */
async function checkCommitted(ctx: StoreContext, chunk: Chunk, writeId: string): Promise<CommitCheck> {
  try {
    const keys = chunk.events.map((event) => ({ [A.pk]: guardPk(event.validated.event.id), [A.sk]: 0 }));
    const guards = await batchGetAll(ctx.kv, ctx.options.tableName, keys, ctx.options.retry, { consistent: true, sleep: ctx.sleep });
    const byPk = new Map(guards.filter((guard) => guard[A.writeToken] === writeId).map((guard) => [guard[A.pk], guard[A.sequence]]));
    const sequences = chunk.events.map((event) => byPk.get(guardPk(event.validated.event.id)));
    if (sequences.every((sequence) => typeof sequence === 'number')) return { state: 'committed', sequences: sequences as number[] };
    return { state: 'absent' };
  } catch (error) {
    return { state: 'unknown', error };
  }
}

async function refreshHeads(ctx: StoreContext, streams: readonly string[], bases: Map<string, number>, exact: Map<string, number>, streamKeys: Map<string, string>): Promise<void> {
  for (const pk of streams) {
    const { item } = await ctx.kv.get(ctx.options.tableName, { [A.pk]: pk, [A.sk]: HEAD_SK }, { consistent: true });
    const version = item?.[A.version];
    const actual = typeof version === 'number' ? version : 0;
    if (exact.has(pk) && exact.get(pk) !== actual) throw new ConcurrencyError(streamKeys.get(pk)!, exact.get(pk)!, actual);
    bases.set(pk, actual);
    ctx.heads.set(pk, actual);
  }
}

function commit(ctx: StoreContext, chunk: Chunk, sequences: readonly number[]): StoredEvent[] {
  chunk.events.forEach((event, index) => {
    const sequence = sequences[index]!;
    if ((ctx.heads.get(event.pk) ?? 0) < sequence) ctx.heads.set(event.pk, sequence);
  });
  for (const bucket of chunk.newBuckets) ctx.knownBuckets.add(bucket);
  return chunk.events.map((event, index) => orderFields(storedShape(event.validated.event, sequences[index]!)));
}

async function uploadBlobs(ctx: StoreContext, blobs: readonly { key: string; body: Uint8Array }[]): Promise<void> {
  if (blobs.length === 0) return;
  const driver = ctx.blobs!;
  const uploaded: string[] = [];
  try {
    await mapWithConcurrency(blobs, ctx.options.hydrationConcurrency, async (blob) => {
      await retrying(ctx, () => driver.put(blob.key, blob.body, { contentType: 'application/json' }), 'blob put');
      uploaded.push(blob.key);
    });
  } catch (error) {
    await deleteBlobsQuietly(ctx, uploaded);
    throw error;
  }
}

/** Delete blobs of a failed write. A failure here must not hide the write's own error, so it is swallowed. */
async function deleteBlobsQuietly(ctx: StoreContext, keys: readonly string[]): Promise<void> {
  if (keys.length === 0 || !ctx.blobs) return;
  const driver = ctx.blobs;
  try {
    for (let start = 0; start < keys.length; start += driver.capabilities.maxDeleteKeys) {
      const slice = keys.slice(start, start + driver.capabilities.maxDeleteKeys);
      await retrying(ctx, () => driver.delete(slice), 'blob delete');
    }
  } catch {
    // Orphaned blobs cost storage only; they are never referenced and `resetStore` removes them.
  }
}

function retrying<T>(ctx: StoreContext, operation: () => Promise<T>, what: string): Promise<T> {
  return withRetry(ctx.options.retry, operation, ctx.sleep, what);
}
