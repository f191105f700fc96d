import { randomUUID } from 'node:crypto';
import {
  chunkCost,
  headSize,
  MARKER_CHECK,
  LOG_COUNTER_BYTES,
  planChunks,
  planEvent,
  type Chunk,
  type ChunkReserve,
  type PlannedEvent,
} from './append-plan.js';
import { writeStamp } from '../blobs/blob-keys.js';
import { ChunkWriter } from './chunk-writer.js';
import type { StoredEvent } from '../compat/contract-types.js';
import { DuplicateEventIdError, ErrorCodes, EventStoreAdapterError, hasCode, TransactionScopeError } from '../errors/index.js';
import { rescope } from '../blobs/instance-blobs.js';
import { restartingOnReset } from '../layout/instance-markers.js';
import { encodeEvents } from '../payload/encode-events.js';
import { planOffload, type OffloadDecision } from '../blobs/offload.js';
import { callInstance, forWrite, ownBlobScope, type WriteContext } from '../runtime/store-context.js';
import { findStoredBatch } from './stored-batch.js';
import type { ValidatedEvent } from './validation.js';
import { recordBuckets } from './write-instance.js';

/**
 * The write path of `storeEvents`. Semantics (README "Write semantics"):
 * - a batch that fits one transaction (per event its item, id guard and causation link; per stream its head; with
 *   a change feed, per log shard its position counter; within the driver's action and byte limits after
 *   offloading) is written in ONE atomic transaction;
 * - a larger batch is written as consecutive transactions in order. A stream without an expectation re-bases on
 *   contention in every transaction (so a concurrent writer interleaves, it does not break the batch); the
 *   expected stream stays exact (contiguous). A later failure throws `STORE/PARTIAL_BATCH` listing what was stored;
 * - `expectedSequence` applies to the stream of the first event; a mismatch throws `ConcurrencyError` with the
 *   real sequence (from the failed condition: no extra read) and writes nothing;
 * - an identical batch that is already stored whole (a retry after `STORE/OUTCOME_UNKNOWN`, from any process)
 *   succeeds and returns the stored events; the same ids with other content, or a batch stored in part, throw
 *   `STORE/DUPLICATE_EVENT_ID`;
 * - the write is planned whole before anything is written: every event validated (by the caller), keyed, sized,
 *   chunked, and the offload decisions of EVERY transaction made, so an event no transaction can hold
 *   (`STORE/ITEM_TOO_LARGE`, `STORE/BLOB_STORE_REQUIRED`) anywhere in the batch fails the call with nothing written;
 *   each transaction's blobs are uploaded right before it;
 * - an outcome that cannot be proven (lost responses until the attempts, the deadline or an abort ran out)
 *   throws `STORE/OUTCOME_UNKNOWN` with the event ids;
 * - the write path never deletes a blob (it gets a {@link WriteContext}, whose blob driver has no `delete`): a blob
 *   left unreferenced by a write refused, failed or of unknown outcome, or by an identical retry that found its
 *   batch stored, is the orphan sweeper's (`sweepOrphanBlobs`: older than its grace period, no item naming it);
 * - a transaction cancelled by a concurrent one (a hot head or log counter) is contention: re-tried within
 *   `maxConflictRetries`, like a moved head; throttling and transient errors count against the retry policy;
 * - each month's catalog entry is written once per process, before the first transaction writing there, as a
 *   plain write outside every transaction (so writers never conflict on it);
 * - `options.expectations` (storeEvents `expectedSequences`, appendBatch): every listed stream must be at its
 *   version. A written one is exact like the expected stream (its head put is conditioned on it); one the batch
 *   does not write (a read dependency) gets a condition check on its head in the FIRST transaction. A mismatch
 *   throws `ConcurrencyError` naming the stream;
 * - `options.oneTransaction` (appendBatch): a batch that does not fit one transaction is refused with
 *   `TransactionScopeError` before anything is written, instead of being chunked.
 */
export async function appendEvents(
  given: WriteContext,
  batch: readonly ValidatedEvent[],
  expectedSequence: number | undefined,
  options: AppendOptions = {},
): Promise<StoredEvent[]> {
  if (batch.length === 0) return [];
  // The instance this call plans under (blob keys, head conditions): its own view, so a change is always noticed.
  const ctx: WriteContext = { ...forWrite(given), instance: callInstance(given.instance) };
  rejectDuplicatesInBatch(batch);
  // A reset elsewhere before the first commit makes an encrypted write start again under the new instance (its keys).
  return restartingOnReset(() => appendOnce(ctx, batch, expectedSequence, options));
}

/** {@link appendEvents} under the call's current instance view: encoded, planned and written from the start. */
async function appendOnce(
  ctx: WriteContext,
  given: readonly ValidatedEvent[],
  expectedSequence: number | undefined,
  options: AppendOptions,
): Promise<StoredEvent[]> {
  // Payload and meta through the pipeline (compression, encryption) BEFORE sizing, so offload decisions see what is stored.
  const batch = await encodeEvents(ctx, given);
  const writeId = randomUUID();
  const scope = ownBlobScope(ctx);
  const stamp = writeStamp(ctx.clock(), writeId);
  const planned = batch.map((validated) => planEvent(ctx, validated, scope, stamp));
  const expectations = options.expectations ?? [];
  const writtenPks = new Set(planned.map((event) => event.pk));
  const reads = expectations.filter((expectation) => !writtenPks.has(expectation.pk));
  const reserve: ChunkReserve = { actions: reads.length, bytes: reads.reduce((sum, expectation) => sum + headSize(expectation.pk), 0) };
  const chunks = planChunks(ctx, planned, reserve);
  if (options.oneTransaction) refuseUnlessOneTransaction(ctx, planned, chunks, reserve);
  // Every transaction's offloads are decided before the first write (they do not depend on sequences), so an event
  // that fits no transaction fails the whole call here, not after earlier transactions committed. Only the first
  // chunk's decisions are kept (their blob bodies copy the payloads): a later chunk's are made again, identically
  // (planOffload is pure), when its turn comes, so a large import holds one chunk's bodies at a time.
  const readPks = reads.map((expectation) => expectation.pk);
  const firstOffloads = planChunkOffload(ctx, chunks[0]!, readPks);
  for (const chunk of chunks.slice(1)) planChunkOffload(ctx, chunk, []);
  if (chunks.length > 1) {
    const existing = await findStoredBatch(ctx, planned);
    if (existing.state === 'identical') return existing.events;
    if (existing.state === 'conflicting') throw new DuplicateEventIdError(existing.eventIds);
  }
  await recordBuckets(ctx, planned);

  const stored: StoredEvent[] = [];
  const expectedPk = expectedSequence === undefined ? undefined : planned[0]!.pk;
  const exact = new Map<string, number>();
  if (expectedPk !== undefined) exact.set(expectedPk, expectedSequence!);
  for (const expectation of expectations) exact.set(expectation.pk, expectation.version);
  const names = new Map(expectations.map((expectation) => [expectation.pk, expectation.streamKey]));
  const checks = new Map(reads.map((expectation) => [expectation.pk, expectation.version]));
  for (const [index, chunk] of chunks.entries()) {
    try {
      // Keyed under the scope the call planned in; moved to its instance's current one should an earlier chunk have
      // found the table reset elsewhere (an item names blobs of its own instance only).
      const decisions = rescope(index === 0 ? firstOffloads : planChunkOffload(ctx, chunk, []), scope, ownBlobScope(ctx));
      const written = await new ChunkWriter(ctx, chunk, decisions, {
        writeId,
        exact,
        wholeBatch: chunks.length === 1,
        checks: index === 0 ? checks : new Map(),
        names,
      }).write();
      stored.push(...written);
      // An expected stream continues exactly where this chunk left it, so its part of the batch stays contiguous.
      written.forEach((event, position) => {
        const pk = chunk.events[position]!.pk;
        if (exact.has(pk)) exact.set(pk, event.sequence);
      });
    } catch (error) {
      if (index === 0) throw error;
      const unknown = hasCode(error, ErrorCodes.OUTCOME_UNKNOWN) ? chunk.events.map((event) => event.validated.event.id) : [];
      throw new EventStoreAdapterError(
        ErrorCodes.PARTIAL_BATCH,
        `Batch of ${batch.length} events needed ${chunks.length} transactions; ${stored.length} events were stored before transaction ${index + 1} failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
          details: {
            storedEventIds: stored.map((event) => event.id),
            outcomeUnknownEventIds: unknown,
            failedChunk: index,
            chunks: chunks.length,
          },
        },
      );
    }
  }
  return stored;
}

/** A stream the batch expects at a version besides the first event's (`expectedSequences`, appendBatch's list). */
export interface StreamExpectation {
  /** The stream's partition key (`streamPk`). */
  readonly pk: string;
  /** `${domain}::${identifier}`, for the error. */
  readonly streamKey: string;
  /** The version (sequence) the stream must be at before the write; 0: empty. */
  readonly version: number;
}

/** Extra inputs of {@link appendEvents}. */
export interface AppendOptions {
  /** Streams that must be at their versions (written or only read); see {@link appendEvents}. */
  readonly expectations?: readonly StreamExpectation[];
  /** Refuse, with `TransactionScopeError` and nothing written, a batch that needs more than one transaction. */
  readonly oneTransaction?: boolean;
}

/** `TransactionScopeError` unless the whole batch (with its read-dependency checks) fits one transaction of the driver. */
function refuseUnlessOneTransaction(
  ctx: WriteContext,
  planned: readonly PlannedEvent[],
  chunks: readonly Chunk[],
  reserve: ChunkReserve,
): void {
  const { maxTransactionActions, maxTransactionBytes } = ctx.kv.capabilities;
  const shards = new Set(planned.flatMap((event) => (event.logShard === undefined ? [] : [event.logShard])));
  const whole = chunkCost(ctx, { events: [...planned], streams: new Set(planned.map((event) => event.pk)), shards });
  const actions = whole.actions + reserve.actions;
  const bytes = whole.bytes + reserve.bytes;
  if (chunks.length === 1 && actions <= maxTransactionActions && bytes <= maxTransactionBytes) return;
  throw new TransactionScopeError(
    `appendBatch: ${planned.length} events need ${actions} transaction actions and ${bytes} bytes (payloads offloaded where a blob store allows), over one transaction's ${maxTransactionActions} actions / ${maxTransactionBytes} bytes; nothing was written (split the decision, or use storeEvents, which chunks)`,
    { events: planned.length, actions, bytes, maxTransactionActions, maxTransactionBytes },
  );
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

/**
 * The offload decisions of one chunk's transaction (see `planOffload`): besides its event items, the transaction
 * holds their guards and links, one head per stream, one condition check per `readPks` head, one counter per log
 * shard. Throws `STORE/ITEM_TOO_LARGE` or `STORE/BLOB_STORE_REQUIRED` for an event it cannot hold.
 */
function planChunkOffload(ctx: WriteContext, chunk: Chunk, readPks: readonly string[]): OffloadDecision[] {
  const { maxItemBytes, maxTransactionBytes } = ctx.kv.capabilities;
  const companions = chunk.events.reduce((sum, event) => sum + event.companionBytes, 0);
  const heads = [...chunk.streams, ...readPks].reduce((sum, pk) => sum + headSize(pk), 0);
  const candidates = chunk.events.map((event) => ({
    eventId: event.validated.event.id,
    item: event.draft,
    blobKey: event.blobKey,
    size: event.draftBytes,
  }));
  return planOffload(candidates, companions + heads + chunk.shards.size * LOG_COUNTER_BYTES + MARKER_CHECK.bytes, {
    thresholdBytes: ctx.options.offloadThresholdBytes,
    maxItemBytes,
    maxTransactionBytes,
    canOffload: ctx.blobs !== undefined,
  });
}
