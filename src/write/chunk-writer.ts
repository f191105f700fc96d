/**
 * The write of ONE chunk of a batch as one transaction (append.ts splits the batch): attempts until an outcome is
 * proven, each attempt's outcome handled by its own method. A cancelled transaction is rebuilt on what its failed
 * conditions returned (its {@link ChunkBasis}) and sent with a new token; a refused request is sent again as it was
 * (same token: idempotent should an earlier attempt have landed).
 */
import { randomUUID } from 'node:crypto';
import { analyseCancellation, type CancellationAnalysis, type ChunkTransaction } from './append-actions.js';
import type { Chunk } from './append-plan.js';
import { isBudgetError } from '../runtime/call-budget.js';
import { ChunkBasis, type ChunkExpectations } from './chunk-basis.js';
import { ChunkWaits } from './chunk-waits.js';
import { toStoredEvent } from '../layout/codecs/event.js';
import type { StoredEvent } from '../compat/contract-types.js';
import { ConcurrencyError, DuplicateEventIdError, ErrorCodes, EventStoreAdapterError, hasCode } from '../errors/index.js';
import { rescope } from '../blobs/instance-blobs.js';
import { InstanceChanged } from '../layout/instance-markers.js';
import type { OffloadDecision } from '../blobs/offload.js';
import { mayHaveLanded } from '../runtime/outcome.js';
import { guardedSequences, outcomeUnknown } from './outcome-proof.js';
import type { ActionFailure, TransactResult } from '../ports/kv-driver.js';
import { isRetryable } from '../runtime/retry.js';
import { forgetTable, ownBlobScope, type WriteContext } from '../runtime/store-context.js';
import { findStoredBatch } from './stored-batch.js';
import { writeMarkers } from '../layout/table-metadata.js';
import { uploadBlobs } from '../blobs/write-blobs.js';
import { confirmInstance, rememberHeads, rememberPositions } from './write-instance.js';

/** The operation named in budget errors and retry messages. */
const WHAT = 'storeEvents';

/** Errors after which a transaction is known NOT to have been applied (the request was refused), unless `mayHaveLanded`. */
const REFUSED_CODES: ReadonlySet<string> = new Set([ErrorCodes.THROTTLED, ErrorCodes.TRANSACTION_CONFLICT]);

/** What a chunk's write must honour besides its events and their offloads. */
export interface ChunkTerms extends ChunkExpectations {
  /** The batch's write id: its guards carry it, so this write's own commit is recognised. */
  readonly writeId: string;
  /** The chunk is the whole batch (an `STORE/OUTCOME_UNKNOWN` then asks to retry the batch, else the transaction). */
  readonly wholeBatch: boolean;
}

/** The write of one chunk: `new ChunkWriter(ctx, chunk, decisions, terms).write()`, once. */
export class ChunkWriter {
  /** The chunk's offload decisions (its blobs), re-keyed when the table instance changes. */
  private decisions: readonly OffloadDecision[];
  /** What the next transaction is built on. */
  private readonly basis: ChunkBasis;
  /** The transaction sent next, and its idempotency token (new with every rebuilt transaction). */
  private tx!: ChunkTransaction;
  private token = '';
  /** The waits between attempts, and their counts (lost races, transient faults). */
  private readonly waits: ChunkWaits;
  /**
   * Once a request may have been applied without our knowing (a lost response, a call raced out by the deadline),
   * a failure of the write is an unknown outcome (resolved by reading the guards when the budget allows).
   */
  private uncertain = false;
  /** The error that last made the write uncertain (reported with `STORE/OUTCOME_UNKNOWN`). */
  private lastAmbiguity: unknown;

  /** The basis is taken from `terms.exact` and this process's caches now, before the blobs are uploaded. */
  constructor(
    private readonly ctx: WriteContext,
    private readonly chunk: Chunk,
    decisions: readonly OffloadDecision[],
    private readonly terms: ChunkTerms,
  ) {
    this.decisions = decisions;
    this.basis = new ChunkBasis(ctx, chunk, terms.writeId, terms);
    this.waits = new ChunkWaits(ctx);
  }

  /**
   * Upload the chunk's blobs (once: they serve every attempt; again only under a new instance's scope), attempt
   * until an outcome is proven, and return the stored events in chunk order. Every attempt (like an identical
   * earlier call's) is tied to the instance it was built under (buildTransaction): a commit, proven or recovered
   * from the guards, needs no confirmation of its instance after it. Throws the definite errors (`ConcurrencyError`,
   * `DuplicateEventIdError`, `DRIVER/VALIDATION`, `DRIVER/BACKEND`), `RETRY/EXHAUSTED`, budget errors, or
   * `STORE/OUTCOME_UNKNOWN` when an attempt may have landed and the guards do not prove it did.
   */
  async write(): Promise<StoredEvent[]> {
    await uploadBlobs(this.ctx, this.decisions);
    return this.attempts();
  }

  /** Attempt until an outcome; an error after an attempt that may have landed is resolved by {@link ambiguous}. */
  private async attempts(): Promise<StoredEvent[]> {
    try {
      this.rebuild();
      for (;;) {
        const events = await this.attempt();
        if (events !== undefined) return events;
      }
    } catch (error) {
      // A reset elsewhere: whatever an ambiguous attempt committed went with the old instance; the write starts again.
      if (!this.uncertain || error instanceof InstanceChanged) throw error;
      return this.ambiguous(error);
    }
  }

  /** Send the transaction once: the stored events, or undefined to attempt again. */
  private async attempt(): Promise<StoredEvent[] | undefined> {
    const { ctx, tx, token } = this;
    ctx.budget.check(WHAT);
    let outcome: TransactResult;
    try {
      outcome = await ctx.budget.race(() => ctx.kv.transactWrite(ctx.options.tableName, tx.actions, { token }), WHAT);
    } catch (error) {
      await this.failed(error);
      return undefined;
    }
    return outcome.committed ? this.committed() : this.cancelled(outcome.reasons);
  }

  /** Outcome: committed. The log counters and heads it set are remembered; the events at their sequences. */
  private committed(): StoredEvent[] {
    rememberPositions(this.ctx, this.tx);
    return this.settle(this.tx.sequences);
  }

  /**
   * The request threw. A budget error or a non-retryable one ends the write (a missing table: caches forgotten).
   * A refused request is sent again as it was: `TRANSACTION_CONFLICT` as contention, anything else as a fault.
   */
  private async failed(error: unknown): Promise<void> {
    if (isBudgetError(error)) {
      this.mayHaveApplied(error);
      throw error;
    }
    if (!isRetryable(error)) {
      if (mayHaveLanded(error)) this.mayHaveApplied(error);
      if (hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) forgetTable(this.ctx); // being dropped and re-created: caches are stale
      throw error;
    }
    // A refusal only when no attempt of the call (the SDK's own retries included) may have landed.
    if (!REFUSED_CODES.has((error as EventStoreAdapterError).code) || mayHaveLanded(error)) this.mayHaveApplied(error);
    if (hasCode(error, ErrorCodes.TRANSACTION_CONFLICT))
      return this.waits.contention(false, 'concurrent transactions kept cancelling this one');
    return this.waits.transient(error);
  }

  /** The transaction was cancelled: its reasons say which outcome it was. The stored events, or undefined to attempt again. */
  private async cancelled(reasons: readonly ActionFailure[]): Promise<StoredEvent[] | undefined> {
    const { chunk } = this;
    const analysis = analyseCancellation(this.tx, reasons, chunk, this.terms.writeId);
    if (analysis.ownSequences.size === chunk.events.length) {
      // An earlier attempt of this very write committed (its response was lost): report what it stored.
      return this.settle(chunk.events.map((_, index) => analysis.ownSequences.get(index)!));
    }
    const stored = await this.storedBefore(analysis);
    if (stored !== 'rebase') return stored;
    if (analysis.validation)
      throw new EventStoreAdapterError(ErrorCodes.VALIDATION, `Transaction rejected: ${analysis.validation}`, {
        details: { reason: analysis.validation },
      });
    await this.instanceMoved(analysis);
    await this.conflict(analysis, reasons);
    this.rebuild();
    return undefined;
  }

  /**
   * Outcome, part of a conflict: an id guard of another write, an exact stream moved, or (the write uncertain) a
   * head or counter moved. Stored already, by this write or an identical earlier call: the stored events; other
   * content: `DuplicateEventIdError`. Guards gone by the read (a concurrent reset): undefined, to send the same
   * transaction again (`DuplicateEventIdError` past `maxConflictRetries`). Otherwise 'rebase'.
   */
  private async storedBefore(analysis: CancellationAnalysis): Promise<StoredEvent[] | undefined | 'rebase'> {
    const moved = analysis.headConflicts.size > 0 || analysis.logConflicts.size > 0;
    if (analysis.foreignGuards.length === 0 && !this.basis.exactConflict(analysis) && !(this.uncertain && moved)) return 'rebase';
    const existing = await findStoredBatch(this.ctx, this.chunk.events);
    if (existing.state === 'identical') {
      this.uncertain = false;
      return this.settle(existing.events.map((event) => event.sequence));
    }
    if (existing.state === 'conflicting') throw new DuplicateEventIdError(existing.eventIds);
    if (analysis.foreignGuards.length === 0) return 'rebase';
    if (!this.waits.lostRace('the id guards vanished (a concurrent reset)'))
      throw new DuplicateEventIdError(analysis.foreignGuards.map((index) => this.chunk.events[index]!.validated.event.id));
    return undefined;
  }

  /**
   * Outcome, when the cancellation shows signs of a reset elsewhere (a head of another or no generation, a log
   * counter gone, a failed instance marker check): read the layout record. A new instance is adopted (caches
   * forgotten, this chunk's months recorded there) and the chunk's blobs are keyed under its scope and uploaded
   * before the next attempt, which can only commit there. The same instance: the foreign heads are accepted as
   * they are, and a failed marker check means markers were lost (restored or deleted items): written again.
   */
  private async instanceMoved(analysis: CancellationAnalysis): Promise<void> {
    const { ctx } = this;
    const foreign = this.basis.foreignHeads(analysis);
    if (foreign.length === 0 && !this.basis.logGone(analysis) && !analysis.instanceMoved) return;
    const before = ownBlobScope(ctx);
    if (await confirmInstance(ctx, this.chunk)) {
      // Encrypted under the old instance's keys (gone with it): the write starts again from its planning.
      if (ctx.options.payload.keyring !== undefined) throw new InstanceChanged(WHAT);
      this.basis.acceptNone();
      this.decisions = rescope(this.decisions, before, ownBlobScope(ctx));
      await uploadBlobs(ctx, this.decisions);
    } else {
      this.basis.accept(foreign, analysis);
      if (analysis.instanceMoved) await writeMarkers(ctx, ctx.instance.generation);
    }
  }

  /**
   * Outcome: a conflict (or a refusal of some action). Re-base on what the failed conditions returned (an exact
   * stream elsewhere is `ConcurrencyError`; a sequence taken under a matching head: heads read again), then wait as
   * the cause asks: an informed re-try, a throttle's backoff, or contention. A cancellation with no reason this
   * adapter understands is `DRIVER/BACKEND`.
   */
  private async conflict(analysis: CancellationAnalysis, reasons: readonly ActionFailure[]): Promise<void> {
    this.basis.rebase(analysis);
    if (analysis.headConflicts.size > 0 || analysis.logConflicts.size > 0 || analysis.sequenceTaken) {
      if (analysis.headConflicts.size === 0 && analysis.sequenceTaken) await this.basis.readHeads();
      // Rebuilt on what the failed conditions returned (or on heads read again): an informed re-try.
      await this.waits.contention(true, 'the stream head kept moving');
    } else if (analysis.throttled) {
      await this.waits.transient(new EventStoreAdapterError(ErrorCodes.THROTTLED, 'transaction cancelled: an item was throttled'));
    } else if (analysis.retryable) {
      // Cancelled by a concurrent transaction on one of its items (a hot head or log counter): contention, not a
      // fault, so it re-tries like a moved head, within maxConflictRetries, not the few attempts of the retry policy.
      await this.waits.contention(false, 'concurrent transactions kept cancelling this one');
    } else if (analysis.instanceMoved) {
      // Adopted (or markers written again) by instanceMoved: an informed re-try, counted like a lost race.
      await this.waits.contention(true, 'the table instance kept changing');
    } else if (analysis.linkClashes.length === 0) {
      throw new EventStoreAdapterError(ErrorCodes.BACKEND, 'Transaction cancelled without a reason this adapter understands', {
        details: { reasons },
      });
    }
  }

  /**
   * Outcome: ambiguous. The write is ending with `error` after an attempt that may have landed. A concurrency,
   * duplicate or validation error is definite and thrown as is. Otherwise, if the deadline and signals still allow
   * one more read and the id guards show this write committed, the chunk succeeded after all; else
   * `STORE/OUTCOME_UNKNOWN` with the event ids.
   */
  private async ambiguous(error: unknown): Promise<StoredEvent[]> {
    if (error instanceof ConcurrencyError || error instanceof DuplicateEventIdError || hasCode(error, ErrorCodes.VALIDATION)) throw error;
    if (this.ctx.budget.violation(WHAT) === undefined) {
      try {
        const sequences = await guardedSequences(this.ctx, this.chunk, this.terms.writeId);
        if (sequences !== undefined) return this.settle(sequences);
      } catch {
        // The check itself failed: the outcome stays unknown.
      }
    }
    throw outcomeUnknown(this.chunk, error, this.lastAmbiguity, this.terms.wholeBatch);
  }

  /** The chunk's events stored at `sequences` (heads remembered). */
  private settle(sequences: readonly number[]): StoredEvent[] {
    rememberHeads(this.ctx, this.chunk, sequences);
    return this.chunk.events.map((event, index) => toStoredEvent(event.validated.event, sequences[index]!));
  }

  /** The write may have been applied although the call failed: its end is resolved by {@link ambiguous}. */
  private mayHaveApplied(error: unknown): void {
    this.uncertain = true;
    this.lastAmbiguity = error;
  }

  /** The next transaction: on the current basis, decisions and instance, with a new token. */
  private rebuild(): void {
    this.tx = this.basis.transaction(this.decisions);
    this.token = randomUUID();
  }
}
