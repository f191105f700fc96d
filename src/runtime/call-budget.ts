import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';

/** Default time one store call may take, retries, backoff and conflict re-bases included: under API Gateway's 29 s. */
export const DEFAULT_DEADLINE_MS = 20_000;

/**
 * Longest deadline a store (`deadlineMs` option) or one call (`{ deadlineMs }`) may set, in ms: an hour. A call
 * that legitimately needs longer (a sweep of a large scope) is paged by its caller; a larger number is a unit mistake.
 */
export const MAX_DEADLINE_MS = 3_600_000;

/** Per-call limits a caller may pass. */
export interface CallOptions {
  /** This call's deadline, in ms from now (1..{@link MAX_DEADLINE_MS}; default: the store's `deadlineMs`). */
  readonly deadlineMs?: number;
  /** Aborts this call (the store's own `signal` applies too). */
  readonly signal?: AbortSignal;
}

/**
 * Check the per-call options `call` was given: `deadlineMs` an integer from 1 to {@link MAX_DEADLINE_MS} (the store
 * option's bound) and `signal` an `AbortSignal`, each when present. `INPUT/INVALID_OPTIONS` naming every bad field
 * (`details.issues`: `{ path, message }[]`) otherwise.
 */
export function checkCallOptions(options: CallOptions | undefined, call: string): void {
  const { deadlineMs, signal } = options ?? {};
  const issues: { path: string; message: string }[] = [];
  if (deadlineMs !== undefined && !(Number.isInteger(deadlineMs) && deadlineMs > 0 && deadlineMs <= MAX_DEADLINE_MS))
    issues.push({ path: 'deadlineMs', message: `must be an integer from 1 to ${MAX_DEADLINE_MS.toLocaleString('en-US')}` });
  if (signal !== undefined && !(signal instanceof AbortSignal)) issues.push({ path: 'signal', message: 'must be an AbortSignal' });
  if (issues.length === 0) return;
  throw new EventStoreAdapterError(
    ErrorCodes.INVALID_OPTIONS,
    `${call}: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
    { details: { issues } },
  );
}

/**
 * The time and cancellation limits of ONE store call: a deadline (ms since the epoch, by the store's clock) and
 * any number of `AbortSignal`s (the store's, for shutdown, and the call's). Retries, backoff waits and conflict
 * re-bases consult it; a driver call in flight is raced against it, so a call returns by its deadline even when
 * a request hangs (the request itself may still complete: a write raced out is an unknown outcome).
 */
export class CallBudget {
  private readonly signals: readonly AbortSignal[];
  /** Aborted once this budget has run out or a signal fired: see {@link requestSignal}. */
  private readonly spent = new AbortController();

  /** @param deadline ms since the epoch (`Infinity`: none). */
  constructor(
    readonly deadline: number,
    signals: readonly (AbortSignal | undefined)[] = [],
    private readonly clock: () => number = Date.now,
  ) {
    this.signals = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  }

  /** A budget of `deadlineMs` from now under the given signals. */
  static of(deadlineMs: number, signals: readonly (AbortSignal | undefined)[], clock: () => number = Date.now): CallBudget {
    return new CallBudget(clock() + deadlineMs, signals, clock);
  }

  /** Milliseconds left (0 when past the deadline). */
  remaining(): number {
    return Math.max(0, this.deadline - this.clock());
  }

  /**
   * Fires when this budget's call gives up (its deadline passed or one of its signals fired, as seen by
   * {@link check} or {@link race}): drivers abort their requests in flight with it (the AWS SDK's `abortSignal`),
   * so no socket outlives the call. A request aborted this way may still have reached the server.
   */
  get requestSignal(): AbortSignal {
    return this.spent.signal;
  }

  /** Throws `STORE/ABORTED` when a signal has fired, `STORE/DEADLINE_EXCEEDED` when the deadline has passed. */
  check(what: string): void {
    const fired = this.signals.find((signal) => signal.aborted);
    if (fired) throw this.giveUp(aborted(what, fired.reason));
    if (this.clock() >= this.deadline) throw this.giveUp(deadlineExceeded(what, this.deadline));
  }

  /** The error the budget would throw now, or undefined while it holds. */
  violation(what: string): EventStoreAdapterError | undefined {
    try {
      this.check(what);
      return undefined;
    } catch (error) {
      return error as EventStoreAdapterError;
    }
  }

  /**
   * `operation()` raced against the deadline and the signals: rejects with `STORE/DEADLINE_EXCEEDED` or
   * `STORE/ABORTED` as soon as either happens (the operation's own late result is then ignored).
   */
  race<T>(operation: () => Promise<T>, what: string): Promise<T> {
    this.check(what);
    const pending = operation();
    if (this.deadline === Infinity && this.signals.length === 0) return pending;
    return new Promise<T>((resolve, reject) => {
      const cleanups: (() => void)[] = [];
      const settle = (action: () => void) => {
        for (const cleanup of cleanups) cleanup();
        action();
      };
      if (this.deadline !== Infinity) {
        const timer = setTimeout(() => settle(() => reject(this.giveUp(deadlineExceeded(what, this.deadline)))), this.remaining());
        cleanups.push(() => clearTimeout(timer));
      }
      for (const signal of this.signals) {
        const onAbort = () => settle(() => reject(this.giveUp(aborted(what, signal.reason))));
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      pending.then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  /** `error`, after aborting the requests in flight under this budget ({@link requestSignal}). */
  private giveUp(error: EventStoreAdapterError): EventStoreAdapterError {
    if (!this.spent.signal.aborted) this.spent.abort(error);
    return error;
  }

  /** Wait `milliseconds` (cut short by the deadline or a signal, which then throw as {@link check}). */
  async sleep(milliseconds: number, sleep: (ms: number) => Promise<void>, what: string): Promise<void> {
    this.check(what);
    const wait = Math.min(milliseconds, this.remaining());
    if (wait > 0) await this.race(() => sleep(wait), what);
    this.check(what);
  }
}

/** A budget that never runs out and cannot be aborted (internal work that must finish, such as tests' helpers). */
export const UNBOUNDED: CallBudget = new CallBudget(Infinity);

/** True for the two budget errors (deadline, abort). */
export function isBudgetError(error: unknown): error is EventStoreAdapterError {
  return error instanceof EventStoreAdapterError && (error.code === ErrorCodes.DEADLINE_EXCEEDED || error.code === ErrorCodes.ABORTED);
}

function deadlineExceeded(what: string, deadline: number): EventStoreAdapterError {
  return new EventStoreAdapterError(
    ErrorCodes.DEADLINE_EXCEEDED,
    `${what}: the call's deadline passed (${new Date(deadline).toISOString()})`,
    { details: { deadline } },
  );
}

function aborted(what: string, reason: unknown): EventStoreAdapterError {
  return new EventStoreAdapterError(ErrorCodes.ABORTED, `${what}: aborted${reason instanceof Error ? ` (${reason.message})` : ''}`, {
    cause: reason,
  });
}
