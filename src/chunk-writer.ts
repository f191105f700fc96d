/**
 * The write of ONE chunk of a batch as one transaction (see append.ts for the batch): attempts until an outcome is
 * proven, each attempt's outcome handled by its own method. A cancelled transaction is re-based on what its failed
 * conditions returned and sent again with a new token; a refused request is sent again as it was (same token).
 */
import { randomUUID } from 'node:crypto';
import { analyseCancellation, buildTransaction, type CancellationAnalysis, type ChunkTransaction } from './append-actions.js';
import type { Chunk } from './append-plan.js';
import { isBudgetError } from './call-budget.js';
import { keyId, toStoredEvent } from './codecs/event.js';
import { decodeGuard, guardKey } from './codecs/guard.js';
import { decodeHeadVersion, headKey } from './codecs/head.js';
import type { StoredEvent } from './contract-types.js';
import { ConcurrencyError, DuplicateEventIdError, ErrorCodes, EventStoreAdapterError, hasCode } from './errors.js';
import { readGuards } from './guard-reads.js';
import { putAgain, rescope } from './instance-blobs.js';
import type { OffloadDecision } from './offload.js';
import { mayHaveLanded } from './outcome.js';
import type { ActionFailure, TransactResult } from './ports/kv-driver.js';
import { backoffDelay, contentionDelay, exhausted, isRetryable } from './retry.js';
import { ownBlobScope, type WriteContext } from './store-context.js';
import { findStoredBatch } from './stored-batch.js';
import { A } from './table-layout.js';
import { writeMarkers } from './table-metadata.js';
import { uploadBlobs } from './write-blobs.js';
import { confirmInstance, forgetTable, restampHeads } from './write-instance.js';

/** The operation named in budget errors and retry messages. */
const WHAT = 'storeEvents';

/** Errors after which a transaction is known NOT to have been applied (the request was refused), unless `mayHaveLanded`. */
const REFUSED_CODES: ReadonlySet<string> = new Set([ErrorCodes.THROTTLED, ErrorCodes.TRANSACTION_CONFLICT]);

/** What a chunk's write must honour besides its events and their offloads. */
export interface ChunkTerms {
  /** The batch's write id: its guards carry it, so this write's own commit is recognised. */
  readonly writeId: string;
  /** Streams held to an exact version (pk -> the version the chunk must find): a different head is `ConcurrencyError`. */
  readonly exact: ReadonlyMap<string, number>;
  /** The chunk is the whole batch (an `STORE/OUTCOME_UNKNOWN` then asks to retry the batch, else the transaction). */
  readonly wholeBatch: boolean;
  /** Read dependencies (pk -> expected version): streams the chunk does not write, checked on their heads. */
  readonly checks: ReadonlyMap<string, number>;
  /** `${domain}::${identifier}` by pk of the streams named in expectations, for errors. */
  readonly names: ReadonlyMap<string, string>;
}

/** Write one chunk: `new ChunkWriter(ctx, chunk, decisions, terms).write()` (one writer per chunk, used once). */
export class ChunkWriter {
  /** The chunk's offload decisions (its blobs), re-keyed when the table instance changes. */
  private decisions: readonly OffloadDecision[];
  /** pk -> the head version the next transaction builds on (exact for expected streams, else the last known). */
  private readonly bases: Map<string, number>;
  /** Change feed: shard -> the counter position the next transaction builds on (soft: a conflict re-bases it). */
  private readonly logBases: Map<number, number>;
  /** pk -> `${domain}::${identifier}`, for `ConcurrencyError`. */
  private readonly streamKeys: Map<string, string>;
  /** Chunk index -> how many causation-link slots past its first one the event's link probes (hash clashes). */
  private readonly linkProbes = new Map<number, number>();
  /**
   * Heads found carrying another (or no) generation although this process's instance was just verified: the
   * condition names what they carry, once (see append-actions.ts InstanceCondition).
   */
  private readonly accepted = new Map<string, string | null>();
  /** Races lost so far, against `maxConflictRetries`. */
  private conflicts = 0;
  /** Throttles and transient faults so far, against the retry policy's attempts. */
  private transientFailures = 0;
  /**
   * Once a request may have been applied without our knowing (a lost response, a call raced out by the deadline),
   * a failure of the call is an unknown outcome (resolved by reading the guards when the budget allows).
   */
  private uncertain = false;
  /** The error that made the write uncertain most recently (reported with `STORE/OUTCOME_UNKNOWN`). */
  private lastAmbiguity: unknown;
  /** False when the commit was not tied to the verified table instance by any condition: it is confirmed after. */
  private verified = true;
  /** The transaction sent next, and its idempotency token (new with every rebuilt transaction). */
  private tx!: ChunkTransaction;
  private token = '';

  /** The bases are taken from `terms.exact` and this process's caches now, before the blobs are uploaded. */
  constructor(
    private readonly ctx: WriteContext,
    private readonly chunk: Chunk,
    decisions: readonly OffloadDecision[],
    private readonly terms: ChunkTerms,
  ) {
    this.decisions = decisions;
    this.bases = new Map([...chunk.streams].map((pk) => [pk, terms.exact.get(pk) ?? ctx.heads.get(pk) ?? 0]));
    this.logBases = new Map([...chunk.shards].map((shard) => [shard, ctx.logPositions.get(shard) ?? 0]));
    this.streamKeys = new Map([...terms.names, ...chunk.events.map((event) => [event.pk, event.streamKey] as const)]);
  }

  /**
   * Upload the chunk's blobs (once: they serve every attempt, and are uploaded again only under a new instance's
   * scope), attempt until an outcome is proven, and return the stored events in chunk order. A commit no condition
   * tied to the verified instance is confirmed by one strongly consistent read of the layout record; when the
   * instance changed, its blobs are put again and its heads get the new generation; when the confirmation fails,
   * `STORE/OUTCOME_UNKNOWN`. Throws the definite errors (`ConcurrencyError`, `DuplicateEventIdError`,
   * `STORE/VALIDATION`), `RETRY/EXHAUSTED`, budget errors, or `STORE/OUTCOME_UNKNOWN` when an attempt may have
   * landed and the guards do not prove it did.
   */
  async write(): Promise<StoredEvent[]> {
    await uploadBlobs(this.ctx, this.decisions);
    const events = await this.attempts();
    return this.verified ? events : this.confirm(events);
  }

  /** Attempt until a verdict; any error after an attempt that may have landed is resolved by {@link ambiguous}. */
  private async attempts(): Promise<StoredEvent[]> {
    try {
      this.rebuild();
      for (;;) {
        const events = await this.attempt();
        if (events !== undefined) return events;
      }
    } catch (error) {
      if (!this.uncertain) throw error;
      return this.ambiguous(error);
    }
  }

  /** Send the transaction once: the stored events, or undefined to attempt again. */
  private async attempt(): Promise<StoredEvent[] | undefined> {
    const { ctx } = this;
    const tx = this.tx;
    ctx.budget.check(WHAT);
    let outcome: TransactResult;
    try {
      outcome = await ctx.budget.race(() => ctx.kv.transactWrite(ctx.options.tableName, tx.actions, { token: this.token }), WHAT);
    } catch (error) {
      await this.failed(error);
      return undefined;
    }
    return outcome.committed ? this.committed() : this.cancelled(outcome.reasons);
  }

  /** Outcome: committed. Log positions and heads remembered; the events at the transaction's sequences. */
  private committed(): StoredEvent[] {
    const tx = this.tx;
    tx.actions.forEach((action, position) => {
      const role = tx.roles[position]!;
      if (role.kind !== 'log' || action.type !== 'put') return;
      // Each shard's counter is where this transaction set it, unless another process is known to be further.
      const value = action.item[A.version] as number;
      if ((this.ctx.logPositions.get(role.shard) ?? 0) < value) this.ctx.logPositions.set(role.shard, value);
    });
    return this.settle(tx.sequences, tx.verified);
  }

  /**
   * The request threw. A budget error, or a non-retryable one, ends the write (the table missing: caches
   * forgotten). A refused request is sent again as it was (same token: idempotent should an earlier attempt have
   * landed): `TRANSACTION_CONFLICT` as contention, anything else as a transient fault.
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
    if (hasCode(error, ErrorCodes.TRANSACTION_CONFLICT)) return this.contention(false, 'concurrent transactions kept cancelling this one');
    return this.transient(error);
  }

  /** The transaction was cancelled: read its reasons and take the outcome they show; undefined to attempt again. */
  private async cancelled(reasons: readonly ActionFailure[]): Promise<StoredEvent[] | undefined> {
    const { chunk } = this;
    const analysis = analyseCancellation(this.tx, reasons, chunk, this.terms.writeId);
    if (analysis.ownSequences.size === chunk.events.length) {
      // An earlier attempt of this very write committed (its response was lost): report what it stored.
      return this.settle(
        chunk.events.map((_, index) => analysis.ownSequences.get(index)!),
        false,
      );
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
   * Outcome, part of a conflict: an id guard of another write, an exact stream moved, or (after an uncertain
   * attempt) a moved head or counter. Stored already, by this write or an identical earlier call: the stored events;
   * other content: `DuplicateEventIdError`. Guards gone by the read (a concurrent reset): undefined, to send the same
   * transaction again (`DuplicateEventIdError` past `maxConflictRetries`). Otherwise 'rebase'.
   */
  private async storedBefore(analysis: CancellationAnalysis): Promise<StoredEvent[] | undefined | 'rebase'> {
    const { exact } = this.terms;
    const exactConflict = [...analysis.headConflicts].some(([pk, actual]) => exact.has(pk) && exact.get(pk) !== actual);
    const moved = analysis.headConflicts.size > 0 || analysis.logConflicts.size > 0;
    if (analysis.foreignGuards.length === 0 && !exactConflict && !(this.uncertain && moved)) return 'rebase';
    const existing = await findStoredBatch(this.ctx, this.chunk.events);
    if (existing.state === 'identical') {
      this.uncertain = false;
      return this.settle(
        existing.events.map((event) => event.sequence),
        false,
      );
    }
    if (existing.state === 'conflicting') throw new DuplicateEventIdError(existing.eventIds);
    if (analysis.foreignGuards.length === 0) return 'rebase';
    if (++this.conflicts > this.ctx.options.maxConflictRetries)
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
    for (const [pk, generation] of analysis.headGenerations) if (generation === ctx.instance.generation) this.accepted.delete(pk); // stamped since
    const foreign = [...analysis.headGenerations].filter(
      ([pk, generation]) =>
        generation !== ctx.instance.generation && !(this.accepted.has(pk) && this.accepted.get(pk) === (generation ?? null)),
    );
    const logGone = [...analysis.logConflicts].some(([shard, actual]) => actual === 0 && (this.logBases.get(shard) ?? 0) > 0);
    if (foreign.length === 0 && !logGone && !analysis.instanceMoved) return;
    const before = ownBlobScope(ctx);
    if (await confirmInstance(ctx, this.chunk)) {
      this.accepted.clear();
      this.decisions = rescope(this.decisions, before, ownBlobScope(ctx));
      await uploadBlobs(ctx, this.decisions);
    } else {
      for (const [pk, generation] of foreign) if ((analysis.headConflicts.get(pk) ?? 0) > 0) this.accepted.set(pk, generation ?? null);
      if (analysis.instanceMoved) await writeMarkers(ctx, ctx.instance.generation);
    }
  }

  /**
   * Outcome: a conflict. Re-base on what the failed conditions returned (heads, log counters; an exact stream
   * elsewhere is `ConcurrencyError`), probe the next slot of clashing links, read the heads again when a sequence
   * was taken under a matching head; then wait as the cause asks: an informed re-try, a throttle's backoff, or
   * contention. A cancellation with no reason this adapter understands is `STORE/BACKEND`.
   */
  private async conflict(analysis: CancellationAnalysis, reasons: readonly ActionFailure[]): Promise<void> {
    const { ctx } = this;
    const { exact } = this.terms;
    for (const [pk, actual] of analysis.headConflicts) {
      ctx.heads.set(pk, actual);
      if (exact.has(pk) && exact.get(pk) !== actual) throw new ConcurrencyError(this.streamKeys.get(pk)!, exact.get(pk)!, actual);
      if (this.bases.has(pk)) this.bases.set(pk, actual); // a read dependency (check) is never written: no head put for it
    }
    for (const [shard, actual] of analysis.logConflicts) {
      ctx.logPositions.set(shard, actual);
      this.logBases.set(shard, actual);
    }
    for (const index of analysis.linkClashes) this.linkProbes.set(index, (this.linkProbes.get(index) ?? 0) + 1);
    if (analysis.headConflicts.size > 0 || analysis.logConflicts.size > 0 || analysis.sequenceTaken) {
      if (analysis.headConflicts.size === 0 && analysis.sequenceTaken) await this.readHeads();
      // Rebuilt on what the failed conditions returned (or on heads read again): an informed re-try.
      await this.contention(true, 'the stream head kept moving');
    } else if (analysis.throttled) {
      await this.transient(new EventStoreAdapterError(ErrorCodes.THROTTLED, 'transaction cancelled: an item was throttled'));
    } else if (analysis.retryable) {
      // Cancelled by a concurrent transaction on one of its items (a hot head or log counter): contention, not a
      // fault, so it re-tries like a moved head, within maxConflictRetries, not the few attempts of the retry policy.
      await this.contention(false, 'concurrent transactions kept cancelling this one');
    } else if (analysis.instanceMoved) {
      // Adopted (or markers written again) by instanceMoved: an informed re-try, counted like a lost race.
      await this.contention(true, 'the table instance kept changing');
    } else if (analysis.linkClashes.length === 0) {
      throw new EventStoreAdapterError(ErrorCodes.BACKEND, 'Transaction cancelled without a reason this adapter understands', {
        details: { reasons },
      });
    }
  }

  /** Outcome: throttled or a transient fault. Counted against the retry policy (`RETRY/EXHAUSTED` after its last attempt), then its backoff. */
  private async transient(error: unknown): Promise<void> {
    const { policy } = this.ctx.retry;
    if (++this.transientFailures >= policy.maxAttempts) throw exhausted(policy, error, WHAT);
    await this.ctx.budget.sleep(backoffDelay(policy, this.transientFailures - 1), this.ctx.sleep, WHAT);
  }

  /** A lost race: counted against `maxConflictRetries` (then `RETRY/EXHAUSTED`), then the contention wait (`informed`: see `contentionDelay`). */
  private async contention(informed: boolean, why: string): Promise<void> {
    const { policy } = this.ctx.retry;
    if (++this.conflicts > this.ctx.options.maxConflictRetries) {
      throw exhausted(
        { ...policy, maxAttempts: this.conflicts },
        new EventStoreAdapterError(ErrorCodes.TRANSACTION_CONFLICT, why),
        'storeEvents (contention)',
      );
    }
    await this.ctx.budget.sleep(contentionDelay(policy, this.conflicts, informed), this.ctx.sleep, WHAT);
  }

  /**
   * Outcome: ambiguous. The write is ending with `error` after an attempt that may have landed. A concurrency,
   * duplicate or validation error is definite and thrown as is. Otherwise, if the deadline and signals still allow
   * one more read and the id guards show this write committed, the chunk succeeded after all; else
   * `STORE/OUTCOME_UNKNOWN` with the event ids.
   */
  private async ambiguous(error: unknown): Promise<StoredEvent[]> {
    if (error instanceof ConcurrencyError || error instanceof DuplicateEventIdError || hasCode(error, ErrorCodes.VALIDATION)) throw error;
    const { ctx, chunk } = this;
    if (ctx.budget.violation(WHAT) === undefined) {
      try {
        const keys = chunk.events.map((event) => guardKey(event.validated.event.id));
        const byId = await readGuards(ctx, keys);
        const guards = chunk.events.map((event, index) => {
          const item = byId.get(keyId(keys[index]!));
          return item ? decodeGuard(event.validated.event.id, item) : undefined;
        });
        if (guards.every((guard) => guard?.writeId === this.terms.writeId))
          return this.settle(
            guards.map((guard) => guard!.sequence),
            false,
          );
      } catch {
        // The check itself failed: the outcome stays unknown.
      }
    }
    const eventIds = chunk.events.map((event) => event.validated.event.id);
    throw new EventStoreAdapterError(
      ErrorCodes.OUTCOME_UNKNOWN,
      `storeEvents: the outcome of the write of ${eventIds.length} event(s) is unknown (${describe(error)}); retry the identical ${this.terms.wholeBatch ? 'batch' : 'transaction'}: if it had committed, the retry returns the stored events`,
      { cause: error, details: { eventIds, lastAmbiguity: describe(this.lastAmbiguity) } },
    );
  }

  /**
   * After a commit no condition tied to the instance this process verified (every stream new, no generation
   * known): confirm the instance (see confirmInstance); when it changed, put the blobs again and restamp the heads
   * the commit created. A failed confirmation leaves the commit's instance unknown: `STORE/OUTCOME_UNKNOWN` (the
   * identical retry succeeds, records its months and confirms again).
   */
  private async confirm(events: StoredEvent[]): Promise<StoredEvent[]> {
    const { ctx, chunk } = this;
    const before = ctx.instance.generation;
    try {
      if (await confirmInstance(ctx, chunk)) {
        // Only for a writer that knew no generation: its items name blobs it keyed before the instance was known.
        await putAgain(
          ctx,
          this.decisions.flatMap((decision) => (decision.blob ? [decision.blob] : [])),
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

  /** The chunk's events stored at `sequences` (heads remembered); `verified`: the commit was tied to the verified instance. */
  private settle(sequences: readonly number[], verified: boolean): StoredEvent[] {
    const { ctx, chunk } = this;
    chunk.events.forEach((event, index) => {
      const sequence = sequences[index]!;
      if ((ctx.heads.get(event.pk) ?? 0) < sequence) ctx.heads.set(event.pk, sequence);
    });
    const events = chunk.events.map((event, index) => toStoredEvent(event.validated.event, sequences[index]!));
    this.verified = verified;
    return events;
  }

  /** A sequence slot was taken under a matching head (a head out of step with its events): read every head again. */
  private async readHeads(): Promise<void> {
    const { ctx } = this;
    const { exact } = this.terms;
    for (const pk of [...this.bases.keys()]) {
      const { item } = await ctx.kv.get(ctx.options.tableName, headKey(pk), { consistent: true });
      const actual = decodeHeadVersion(item);
      if (exact.has(pk) && exact.get(pk) !== actual) throw new ConcurrencyError(this.streamKeys.get(pk)!, exact.get(pk)!, actual);
      this.bases.set(pk, actual);
      ctx.heads.set(pk, actual);
    }
  }

  /** The write may have been applied although the call failed: its end is resolved by {@link ambiguous}. */
  private mayHaveApplied(error: unknown): void {
    this.uncertain = true;
    this.lastAmbiguity = error;
  }

  /** The transaction at the current bases, probes, decisions and instance, with a new token. */
  private rebuild(): void {
    this.tx = buildTransaction(this.chunk, this.decisions, this.bases, this.terms.writeId, this.linkProbes, {
      logBases: this.logBases,
      checks: this.terms.checks,
      instance: { generation: this.ctx.instance.generation, accepted: this.accepted },
    });
    this.token = randomUUID();
  }
}

function describe(error: unknown): string {
  if (error instanceof EventStoreAdapterError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
