/**
 * The waits of one chunk's write (chunk-writer.ts) between its attempts, and their counts: throttles and transient
 * faults against the retry policy's attempts, lost races against `maxConflictRetries`. The delays are the retry
 * module's (`backoffDelay`, `contentionDelay`); each wait is reported to the call's telemetry scope.
 */
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { backoffDelay, contentionDelay, exhausted } from '../runtime/retry.js';
import type { WriteContext } from '../runtime/store-context.js';
import { noteConflict, noteRetry } from '../telemetry/call-scope.js';

/** The operation named in budget errors and retry messages. */
const WHAT = 'storeEvents';

/** The waits of one chunk's write: `new ChunkWaits(ctx)` per write, its counts kept across the write's attempts. */
export class ChunkWaits {
  private readonly ctx: WriteContext;
  /** Races lost so far, against `maxConflictRetries`. */
  private conflicts = 0;
  /** Throttles and transient faults so far, against the retry policy's attempts. */
  private transientFailures = 0;

  constructor(ctx: WriteContext) {
    this.ctx = ctx;
  }

  /** Throttled or a transient fault: counted against the retry policy (`RETRY/EXHAUSTED` after its last attempt), then its backoff. */
  async transient(error: unknown): Promise<void> {
    const { policy } = this.ctx.retry;
    if (++this.transientFailures >= policy.maxAttempts) throw exhausted(policy, error, WHAT);
    noteRetry('transact-write', error);
    await this.ctx.budget.sleep(backoffDelay(policy, this.transientFailures - 1), this.ctx.sleep, WHAT);
  }

  /** A lost race: counted against `maxConflictRetries` (then `RETRY/EXHAUSTED`), then the contention wait (`informed`: see contentionDelay). */
  async contention(informed: boolean, why: string): Promise<void> {
    const { policy } = this.ctx.retry;
    if (++this.conflicts > this.ctx.options.maxConflictRetries) {
      throw exhausted(
        { ...policy, maxAttempts: this.conflicts },
        new EventStoreAdapterError(ErrorCodes.TRANSACTION_CONFLICT, why),
        'storeEvents (contention)',
      );
    }
    noteConflict(why);
    await this.ctx.budget.sleep(contentionDelay(policy, this.conflicts, informed), this.ctx.sleep, WHAT);
  }

  /** A lost race sent again without a wait: counted like the others; false past `maxConflictRetries`, else `why` is reported. */
  lostRace(why: string): boolean {
    if (++this.conflicts > this.ctx.options.maxConflictRetries) return false;
    noteConflict(why);
    return true;
  }
}
