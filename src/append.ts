import { randomUUID } from 'node:crypto';
import { analyseCancellation, buildTransaction, type ChunkTransaction } from './append-actions.js';
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
import { batchWriteAll } from './batch-loops.js';
import { putAgain, rescope } from './instance-blobs.js';
import { InstanceChanged, restartingOnReset } from './instance-markers.js';
import { uploadBlobs } from './write-blobs.js';
import { encodeEvents } from './payload/encode-events.js';
import { writeStamp } from './blob-keys.js';
import { isBudgetError } from './call-budget.js';
import type { StoredEvent } from './contract-types.js';
import { ConcurrencyError, DuplicateEventIdError, ErrorCodes, EventStoreAdapterError, hasCode, TransactionScopeError } from './errors.js';
import { planOffload, type OffloadDecision } from './offload.js';
import { mayHaveLanded } from './outcome.js';
import type { Condition, TransactResult } from './ports/kv-driver.js';
import { backoffDelay, contentionDelay, exhausted, isRetryable } from './retry.js';
import { adoptInstance, callInstance, forWrite, loopOptions, ownBlobScope, type WriteContext } from './store-context.js';
import { noteConflict, noteRetry } from './telemetry/call-scope.js';
import { findStoredBatch } from './stored-batch.js';
import { readGuards } from './guard-reads.js';
import { encodeCatalogEntry } from './codecs/catalog.js';
import { keyId, toStoredEvent } from './codecs/event.js';
import { decodeGuard, guardKey } from './codecs/guard.js';
import { decodeHeadVersion, encodeHead, headKey } from './codecs/head.js';
import { A } from './table-layout.js';
import { readMetadata, writeMarkers } from './table-metadata.js';
import type { ValidatedEvent } from './validation.js';

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
      const written = await writeConfirmedChunk(
        ctx,
        chunk,
        decisions,
        exact,
        writeId,
        chunks.length === 1,
        index === 0 ? checks : new Map(),
        names,
      );
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

/** Write the catalog entries of the batch's months this process has not recorded yet: one plain batch-write, before any transaction. */
async function recordBuckets(ctx: WriteContext, planned: readonly PlannedEvent[]): Promise<void> {
  const fresh = [...new Set(planned.map((event) => event.bucket))].filter((bucket) => !ctx.knownBuckets.has(bucket));
  if (fresh.length === 0) return;
  await batchWriteAll(
    ctx.kv,
    ctx.options.tableName,
    fresh.map((bucket) => ({ put: encodeCatalogEntry(bucket) })),
    ctx.retry.policy,
    loopOptions(ctx),
  );
  for (const bucket of fresh) ctx.knownBuckets.add(bucket);
}

/** Forget this process's beliefs about the table (heads, recorded months, log positions): after a reset elsewhere they are stale. */
function forgetTable(ctx: WriteContext): void {
  ctx.heads.clear();
  ctx.knownBuckets.clear();
  ctx.logPositions.clear();
}

/** Errors after which a transaction is known NOT to have been applied (the request was refused), unless `mayHaveLanded`. */
const REFUSED_CODES: ReadonlySet<string> = new Set([ErrorCodes.THROTTLED, ErrorCodes.TRANSACTION_CONFLICT]);

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

/** Write one chunk as one transaction (its offloads as planned), re-basing on newer heads (soft streams) and retrying transient failures. */
async function writeChunk(
  ctx: WriteContext,
  chunk: Chunk,
  decisions: readonly OffloadDecision[],
  exact: Map<string, number>,
  writeId: string,
  wholeBatch: boolean,
  checks: ReadonlyMap<string, number>,
  names: ReadonlyMap<string, string>,
  note: CommitNote,
): Promise<StoredEvent[]> {
  const { options } = ctx;
  const streams = [...chunk.streams];
  const bases = new Map(streams.map((pk) => [pk, exact.get(pk) ?? ctx.heads.get(pk) ?? 0]));
  // Change feed: each log shard's counter is soft, like a stream without an expectation: a conflict re-bases it.
  const logBases = new Map([...chunk.shards].map((shard) => [shard, ctx.logPositions.get(shard) ?? 0]));
  const streamKeys = new Map([...names, ...chunk.events.map((event) => [event.pk, event.streamKey] as const)]);
  const eventIds = chunk.events.map((event) => event.validated.event.id);

  // The blobs go up once, right before the chunk's first attempt, and serve every attempt (again only when the
  // instance changes: see below). None is ever deleted here.
  let current = decisions;
  await uploadBlobs(ctx, current);

  // Once a request may have been applied without our knowing (a lost response, a call raced out by the deadline),
  // a failure of the call is an unknown outcome (resolved by reading the guards when the budget allows).
  let ambiguous = false;
  let lastAmbiguity: unknown;
  const linkProbes = new Map<number, number>();
  let conflicts = 0;
  let transientFailures = 0;
  /** A lost race: counted against `maxConflictRetries`, then the contention wait (`informed`: see `contentionDelay`). */
  const waitOutContention = async (informed: boolean, why: string): Promise<void> => {
    if (++conflicts > options.maxConflictRetries) {
      throw exhausted(
        { ...ctx.retry.policy, maxAttempts: conflicts },
        new EventStoreAdapterError(ErrorCodes.TRANSACTION_CONFLICT, why),
        'storeEvents (contention)',
      );
    }
    noteConflict(why);
    await ctx.budget.sleep(contentionDelay(ctx.retry.policy, conflicts, informed), ctx.sleep, 'storeEvents');
  };
  // Heads found carrying another (or no) generation although this process's instance was just verified: the
  // condition names what they carry, once (see append-actions.ts InstanceCondition).
  const accepted = new Map<string, string | null>();
  const instance = () => ({ generation: ctx.instance.generation, accepted });
  note.decisions = current;
  // A commit no condition tied to the verified instance (every stream new) is confirmed by the caller.
  const done = (events: StoredEvent[], verified: boolean): StoredEvent[] => {
    note.unverified = !verified;
    return events;
  };
  try {
    let tx: ChunkTransaction = buildTransaction(chunk, current, bases, writeId, linkProbes, { logBases, checks, instance: instance() });
    let token = randomUUID();
    for (;;) {
      let outcome: TransactResult;
      ctx.budget.check('storeEvents');
      try {
        outcome = await ctx.budget.race(() => ctx.kv.transactWrite(options.tableName, tx.actions, { token }), 'storeEvents');
      } catch (error) {
        if (isBudgetError(error)) {
          ambiguous = true;
          lastAmbiguity = error;
          throw error;
        }
        if (!isRetryable(error)) {
          if (mayHaveLanded(error)) {
            ambiguous = true;
            lastAmbiguity = error;
          }
          if (hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) forgetTable(ctx); // being dropped and re-created: caches are stale
          throw error;
        }
        // A refusal only when no attempt of the call (the SDK's own retries included) may have landed.
        if (!REFUSED_CODES.has((error as EventStoreAdapterError).code) || mayHaveLanded(error)) {
          ambiguous = true;
          lastAmbiguity = error;
        }
        if (hasCode(error, ErrorCodes.TRANSACTION_CONFLICT)) {
          // Same token and actions: the request was refused for contention.
          await waitOutContention(false, 'concurrent transactions kept cancelling this one');
          continue;
        }
        if (++transientFailures >= ctx.retry.policy.maxAttempts) throw exhausted(ctx.retry.policy, error, 'storeEvents');
        noteRetry('transact-write', error);
        // Same token and actions: idempotent if an earlier attempt was applied.
        await ctx.budget.sleep(backoffDelay(ctx.retry.policy, transientFailures - 1), ctx.sleep, 'storeEvents');
        continue;
      }
      if (outcome.committed) {
        rememberPositions(ctx, tx);
        return done(commit(ctx, chunk, tx.sequences), tx.verified);
      }

      const analysis = analyseCancellation(tx, outcome.reasons, chunk, writeId);
      if (analysis.ownSequences.size === chunk.events.length) {
        // An earlier attempt of this very write committed (its response was lost): report what it stored.
        return done(
          commit(
            ctx,
            chunk,
            chunk.events.map((_, index) => analysis.ownSequences.get(index)!),
          ),
          false,
        );
      }
      const exactConflict = [...analysis.headConflicts].some(([pk, actual]) => exact.has(pk) && exact.get(pk) !== actual);
      const moved = analysis.headConflicts.size > 0 || analysis.logConflicts.size > 0;
      if (analysis.foreignGuards.length > 0 || exactConflict || (ambiguous && moved)) {
        // Already stored? By this write (an ambiguous attempt) or by an identical earlier call: then it is a success.
        const existing = await findStoredBatch(ctx, chunk.events);
        if (existing.state === 'identical') {
          ambiguous = false;
          return done(
            commit(
              ctx,
              chunk,
              existing.events.map((event) => event.sequence),
            ),
            false,
          );
        }
        if (existing.state === 'conflicting') throw new DuplicateEventIdError(existing.eventIds);
        if (analysis.foreignGuards.length > 0) {
          // The guards vanished between the transaction and the read (a concurrent reset): try again.
          if (++conflicts > options.maxConflictRetries)
            throw new DuplicateEventIdError(analysis.foreignGuards.map((index) => eventIds[index]!));
          noteConflict('the id guards vanished (a concurrent reset)');
          continue;
        }
      }
      if (analysis.validation)
        throw new EventStoreAdapterError(ErrorCodes.VALIDATION, `Transaction rejected: ${analysis.validation}`, {
          details: { reason: analysis.validation },
        });
      for (const [pk, generation] of analysis.headGenerations) if (generation === ctx.instance.generation) accepted.delete(pk); // stamped since
      const foreign = [...analysis.headGenerations].filter(
        ([pk, generation]) => generation !== ctx.instance.generation && !(accepted.has(pk) && accepted.get(pk) === (generation ?? null)),
      );
      const logGone = [...analysis.logConflicts].some(([shard, actual]) => actual === 0 && (logBases.get(shard) ?? 0) > 0);
      if (foreign.length > 0 || logGone || analysis.instanceMoved) {
        // A head of another (or no) generation, a counter gone or a marker naming another instance: the table may
        // have been reset elsewhere. Read its layout record: a new instance is adopted (caches forgotten, this
        // chunk's months recorded there), and the chunk's blobs are keyed under its scope and uploaded before the
        // next attempt, which can only commit there.
        const before = ownBlobScope(ctx);
        if (await confirmInstance(ctx, chunk)) {
          // Encrypted under the old instance's keys (gone with it): the write starts again from its planning.
          if (ctx.options.payload.keyring !== undefined) throw new InstanceChanged('storeEvents');
          accepted.clear();
          current = rescope(current, before, ownBlobScope(ctx));
          note.decisions = current;
          await uploadBlobs(ctx, current);
        } else {
          for (const [pk, generation] of foreign) if ((analysis.headConflicts.get(pk) ?? 0) > 0) accepted.set(pk, generation ?? null);
          // The record names this very instance, yet its marker did not: markers lost (restored or deleted items).
          if (analysis.instanceMoved) await writeMarkers(ctx, ctx.instance.generation);
        }
      }
      for (const [pk, actual] of analysis.headConflicts) {
        ctx.heads.set(pk, actual);
        if (exact.has(pk) && exact.get(pk) !== actual) throw new ConcurrencyError(streamKeys.get(pk)!, exact.get(pk)!, actual);
        if (bases.has(pk)) bases.set(pk, actual); // a read dependency (check) is never written: no head put for it
      }
      for (const [shard, actual] of analysis.logConflicts) {
        ctx.logPositions.set(shard, actual);
        logBases.set(shard, actual);
      }
      for (const index of analysis.linkClashes) linkProbes.set(index, (linkProbes.get(index) ?? 0) + 1);
      if (moved || analysis.sequenceTaken) {
        if (analysis.headConflicts.size === 0 && analysis.sequenceTaken) await refreshHeads(ctx, streams, bases, exact, streamKeys);
        // Rebuilt on what the failed conditions returned (or on heads read again): an informed re-try.
        await waitOutContention(true, 'the stream head kept moving');
      } else if (analysis.throttled) {
        const throttled = new EventStoreAdapterError(ErrorCodes.THROTTLED, 'transaction cancelled: an item was throttled');
        if (++transientFailures >= ctx.retry.policy.maxAttempts) throw exhausted(ctx.retry.policy, throttled, 'storeEvents');
        noteRetry('transact-write', throttled);
        await ctx.budget.sleep(backoffDelay(ctx.retry.policy, transientFailures - 1), ctx.sleep, 'storeEvents');
      } else if (analysis.retryable) {
        // Cancelled by a concurrent transaction on one of its items (a hot head or log counter): contention, not a
        // fault, so it re-tries like a moved head, within maxConflictRetries, not the few attempts of the retry policy.
        await waitOutContention(false, 'concurrent transactions kept cancelling this one');
      } else if (analysis.instanceMoved) {
        // Adopted (or markers written again) above: an informed re-try, counted like a lost race.
        await waitOutContention(true, 'the table instance kept changing');
      } else if (analysis.linkClashes.length === 0) {
        throw new EventStoreAdapterError(ErrorCodes.BACKEND, 'Transaction cancelled without a reason this adapter understands', {
          details: { reasons: outcome.reasons },
        });
      }
      tx = buildTransaction(chunk, current, bases, writeId, linkProbes, { logBases, checks, instance: instance() });
      token = randomUUID();
    }
  } catch (error) {
    // A reset elsewhere: whatever an ambiguous attempt committed went with the old instance; the write starts again.
    if (!ambiguous || error instanceof InstanceChanged) throw error;
    const resolved = await resolveAmbiguous(ctx, chunk, writeId, error, lastAmbiguity, eventIds, wholeBatch);
    if (resolved instanceof CommittedAfterAll) return done(resolved.events, false);
    throw resolved;
  }
}

/** What a chunk's write tells its caller about its commit (see {@link writeConfirmedChunk}). */
interface CommitNote {
  /** The chunk's offload decisions (its blobs), once made. */
  decisions: readonly OffloadDecision[];
  /** True when the commit was not tied to the verified table instance by any condition (every stream new). */
  unverified: boolean;
}

/**
 * {@link writeChunk}, then, for a commit no condition tied to the table instance this process verified, one strongly
 * consistent read of the layout record to confirm it (see {@link confirmInstance}); when the instance changed, the
 * heads the commit created get the new generation. If the confirmation fails, the commit's instance is unknown:
 * `STORE/OUTCOME_UNKNOWN` (the identical retry succeeds, records its months and confirms again).
 */
async function writeConfirmedChunk(
  ctx: WriteContext,
  chunk: Chunk,
  decisions: readonly OffloadDecision[],
  exact: Map<string, number>,
  writeId: string,
  wholeBatch: boolean,
  checks: ReadonlyMap<string, number> = new Map(),
  names: ReadonlyMap<string, string> = new Map(),
): Promise<StoredEvent[]> {
  const note: CommitNote = { decisions: [], unverified: false };
  const events = await writeChunk(ctx, chunk, decisions, exact, writeId, wholeBatch, checks, names, note);
  if (!note.unverified) return events;
  const before = ctx.instance.generation;
  try {
    if (await confirmInstance(ctx, chunk)) {
      // Only for a writer that knew no generation: its items name blobs it keyed before the instance was known.
      await putAgain(
        ctx,
        note.decisions.flatMap((decision) => (decision.blob ? [decision.blob] : [])),
      );
      await restampHeads(ctx, chunk, events, before);
    }
  } catch (error) {
    // Committed, but into which instance is unknown: forget the caches, so that the identical retry the error asks
    // for records its months and confirms again.
    forgetTable(ctx);
    throw new EventStoreAdapterError(
      ErrorCodes.OUTCOME_UNKNOWN,
      `storeEvents: the write committed, but whether into the table instance whose catalog this process recorded could not be confirmed (${describe(error)}); retry the identical batch`,
      {
        cause: error,
        details: { eventIds: chunk.events.map((event) => event.validated.event.id), lastAmbiguity: describe(error) },
      },
    );
  }
  return events;
}

/**
 * Make sure this process writes into the table instance whose layout record it reads now (strongly consistent).
 * When the record names another generation, the table was reset elsewhere: adopt the new instance (forget the heads,
 * recorded months and log positions of the old one) and record the chunk's months in the new catalog; then read
 * again, until the record holds still. A table or record missing (being re-created) is waited for with backoff,
 * within the call's budget. Returns whether the instance changed (the caller re-keys its blobs: see rescope).
 */
async function confirmInstance(ctx: WriteContext, chunk: Chunk): Promise<boolean> {
  let changed = false;
  for (let round = 0; ; round++) {
    ctx.budget.check('storeEvents');
    let record: Awaited<ReturnType<typeof readMetadata>>;
    try {
      record = await readMetadata(ctx);
    } catch (error) {
      if (!hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) throw error;
      record = undefined;
    }
    if (record !== undefined && record.generation === ctx.instance.generation) return changed;
    changed = true;
    if (record === undefined || record.generation === '') {
      await ctx.budget.sleep(backoffDelay(ctx.retry.policy, Math.min(round, 10)), ctx.sleep, 'storeEvents');
      continue;
    }
    adoptInstance(ctx, record.generation);
    await recordBuckets(ctx, chunk.events);
  }
}

/**
 * After a commit that may have landed in a new table instance: the heads it wrote carry the old generation `from`,
 * which another process that has not noticed the reset would take for its own and append to unchecked. Each head
 * still at this commit's version and `from` gets the current generation (a single-action conditional put, 2 WCU;
 * one changed since is left alone: its writer stamped it).
 */
async function restampHeads(ctx: WriteContext, chunk: Chunk, events: readonly StoredEvent[], from: string): Promise<void> {
  const versions = new Map<string, number>();
  events.forEach((stored, index) =>
    versions.set(chunk.events[index]!.pk, Math.max(versions.get(chunk.events[index]!.pk) ?? 0, stored.sequence)),
  );
  for (const [pk, version] of versions) {
    const condition: Condition = {
      kind: 'and',
      conditions: [
        { kind: 'equals', attribute: A.version, value: version },
        { kind: 'equals', attribute: A.generation, value: from },
      ],
    };
    await ctx.kv.transactWrite(ctx.options.tableName, [{ type: 'put', item: encodeHead(pk, version, ctx.instance.generation), condition }]);
  }
}

/**
 * After an ambiguous attempt, the call is ending with `error`. A concurrency, duplicate or validation error is
 * definite and returned as is. Otherwise, if the deadline and signals still allow one more read and the id guards
 * show this write committed, the chunk succeeded after all ({@link CommittedAfterAll}); else the result is
 * `STORE/OUTCOME_UNKNOWN` with the event ids.
 */
async function resolveAmbiguous(
  ctx: WriteContext,
  chunk: Chunk,
  writeId: string,
  error: unknown,
  lastAmbiguity: unknown,
  eventIds: string[],
  wholeBatch: boolean,
): Promise<unknown> {
  if (error instanceof ConcurrencyError || error instanceof DuplicateEventIdError || hasCode(error, ErrorCodes.VALIDATION)) return error;
  if (ctx.budget.violation('storeEvents') === undefined) {
    try {
      const keys = chunk.events.map((event) => guardKey(event.validated.event.id));
      const byId = await readGuards(ctx, keys);
      const guards = chunk.events.map((event, index) => {
        const item = byId.get(keyId(keys[index]!));
        return item ? decodeGuard(event.validated.event.id, item) : undefined;
      });
      if (guards.every((guard) => guard?.writeId === writeId))
        return new CommittedAfterAll(
          commit(
            ctx,
            chunk,
            guards.map((guard) => guard!.sequence),
          ),
        );
    } catch {
      // The check itself failed: the outcome stays unknown.
    }
  }
  return new EventStoreAdapterError(
    ErrorCodes.OUTCOME_UNKNOWN,
    `storeEvents: the outcome of the write of ${eventIds.length} event(s) is unknown (${describe(error)}); retry the identical ${wholeBatch ? 'batch' : 'transaction'}: if it had committed, the retry returns the stored events`,
    { cause: error, details: { eventIds, lastAmbiguity: describe(lastAmbiguity) } },
  );
}

/** Not an error: thrown through the catch path of `writeChunk` when an ambiguous write proves committed. */
class CommittedAfterAll {
  constructor(readonly events: StoredEvent[]) {}
}

async function refreshHeads(
  ctx: WriteContext,
  streams: readonly string[],
  bases: Map<string, number>,
  exact: Map<string, number>,
  streamKeys: Map<string, string>,
): Promise<void> {
  for (const pk of streams) {
    const { item } = await ctx.kv.get(ctx.options.tableName, headKey(pk), { consistent: true });
    const actual = decodeHeadVersion(item);
    if (exact.has(pk) && exact.get(pk) !== actual) throw new ConcurrencyError(streamKeys.get(pk)!, exact.get(pk)!, actual);
    bases.set(pk, actual);
    ctx.heads.set(pk, actual);
  }
}

/** After a commit: each log shard's counter is where this transaction set it (unless another process is known to be further). */
function rememberPositions(ctx: WriteContext, tx: ChunkTransaction): void {
  tx.actions.forEach((action, position) => {
    const role = tx.roles[position]!;
    if (role.kind !== 'log' || action.type !== 'put') return;
    const value = action.item[A.version] as number;
    if ((ctx.logPositions.get(role.shard) ?? 0) < value) ctx.logPositions.set(role.shard, value);
  });
}

function commit(ctx: WriteContext, chunk: Chunk, sequences: readonly number[]): StoredEvent[] {
  chunk.events.forEach((event, index) => {
    const sequence = sequences[index]!;
    if ((ctx.heads.get(event.pk) ?? 0) < sequence) ctx.heads.set(event.pk, sequence);
  });
  return chunk.events.map((event, index) => toStoredEvent(event.validated.event, sequences[index]!));
}

function describe(error: unknown): string {
  if (error instanceof EventStoreAdapterError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
