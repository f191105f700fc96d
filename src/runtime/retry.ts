/**
 * The ONE retry module of the core: the retry policy and its waits, the classification of failures, and every
 * retry loop the core runs outside the event write path (append.ts, whose loop decides per outcome, uses the
 * policy, waits and classification from here):
 * - {@link retried}: an operation re-run on retryable failures (the driver decorators of retrying-drivers.ts, the
 *   single-action transactions that may simply be re-sent);
 * - {@link untilProcessed}: a batch's unprocessed requests re-sent in rounds (batch-loops.ts);
 * - {@link backOff} / {@link persistentDelay}: the waits of loops that never give up by count (a subscription's
 *   handler, poll and cursor write; a consumer reset's rounds).
 * Every attempt and wait is bounded by the call's budget (call-budget.ts): its deadline and abort signals.
 */
import { UNBOUNDED, type CallBudget } from './call-budget.js';
import { ErrorCodes, EventStoreAdapterError, RETRYABLE_CODES, type ErrorCode } from '../errors/index.js';
import { mayHaveLanded } from './outcome.js';
import { noteRetry } from '../telemetry/call-scope.js';

/** How the core retries transient failures: exponential backoff with full jitter, capped. */
export interface RetryPolicy {
  /** Total attempts including the first (>= 1). */
  readonly maxAttempts: number;
  /** Backoff base in milliseconds: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs * 2^n)). */
  readonly baseDelayMs: number;
  /** Upper bound of one wait, in milliseconds. */
  readonly maxDelayMs: number;
}

/** Defaults: 8 attempts, 20 ms base, 2 s cap (worst case about 4.5 s of waiting in all). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 2_000 };

/**
 * What a retry loop of one call reads: the policy in force (a box, so the policy composed at `init` is seen by
 * contexts made before), the sleep, and the call's budget. Every store context is one.
 */
export interface RetryScope {
  readonly retry: { readonly policy: RetryPolicy };
  readonly sleep: Sleep;
  readonly budget: CallBudget;
}

/** Sleeps; injectable so tests can run backoff without waiting. */
export type Sleep = (milliseconds: number) => Promise<void>;

/** The real sleep. */
export const realSleep: Sleep = (milliseconds) =>
  milliseconds <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Full-jitter delay for the given 0-based retry number, in milliseconds. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * Doublings of the policy's base a contention wait grows by at most: with the default 20 ms base, waits stay under
 * 320 ms. A contended head or log counter frees within one transaction's latency (tens of milliseconds on AWS), so
 * waits on the fault scale (the policy's 2 s cap) would leave it idle while writers sleep.
 */
export const CONTENTION_MAX_DOUBLINGS = 4;

/**
 * The wait, in milliseconds, before re-trying a write that lost a race for the `loss`-th time (1-based): contention,
 * not a fault. `informed`: the loser learnt the winner's state (a moved head or log counter, from the failed
 * condition's ALL_OLD) and rebuilt its transaction on it, so its first re-try is immediate: it can only lose again
 * to a newer commit, and every such loss is another writer's progress. Later losses, and losses to a transaction
 * still in flight (nothing learnt), wait with full jitter from `policy.baseDelayMs`, doubling per loss up to
 * {@link CONTENTION_MAX_DOUBLINGS} times (and never above `policy.maxDelayMs`).
 */
export function contentionDelay(policy: RetryPolicy, loss: number, informed: boolean, random: () => number = Math.random): number {
  const retry = informed ? loss - 2 : loss - 1;
  if (retry < 0) return 0;
  return backoffDelay(policy, Math.min(retry, CONTENTION_MAX_DOUBLINGS), random);
}

/**
 * Doublings of the policy's base a wait of a loop that never gives up by count grows by at most ({@link
 * persistentDelay}): past it the policy's `maxDelayMs` caps the wait anyway, and `base * 2^n` must stay finite (a
 * zero base times an infinite power is no number at all).
 */
export const PERSISTENT_MAX_DOUBLINGS = 10;

/**
 * The wait, in milliseconds, before re-try `failures` (0-based) of a loop that re-tries until stopped or out of
 * budget (a subscription's handler, poll and cursor write; a consumer reset's rounds): full jitter, doubling per
 * failure at most {@link PERSISTENT_MAX_DOUBLINGS} times, capped by `maxDelayMs`.
 */
export function persistentDelay(scope: Pick<RetryScope, 'retry'>, failures: number, random: () => number = Math.random): number {
  return backoffDelay(scope.retry.policy, Math.min(failures, PERSISTENT_MAX_DOUBLINGS), random);
}

/**
 * Wait {@link persistentDelay} before re-try `failures` (0-based) of `what`, cut by the scope's budget
 * (`STORE/DEADLINE_EXCEEDED`, `STORE/ABORTED` as `CallBudget.sleep`).
 */
export function backOff(scope: RetryScope, failures: number, what: string): Promise<void> {
  return scope.budget.sleep(persistentDelay(scope, failures), scope.sleep, what);
}

/**
 * True when the error is one the policy retries: a typed driver error whose code is retryable. Checked by code,
 * not only by class, so an error from another copy of this package (ESM next to CommonJS) is classified the same.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof EventStoreAdapterError) return error.retryable;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof Error && error.name === 'EventStoreAdapterError' && typeof code === 'string' && RETRYABLE_CODES.has(code as ErrorCode)
  );
}

/**
 * Run `operation`, retrying retryable errors (see {@link isRetryable}) with backoff. A non-retryable error is
 * rethrown at once, unchanged. When attempts run out, throws `RETRY/EXHAUSTED` whose `cause` is the last error,
 * with `details.mayHaveLanded` when ANY attempt's error reported it (the last error alone would hide an earlier
 * attempt that may have been applied). `operation` receives the 0-based attempt number. Each attempt is raced
 * against `budget` and each wait is cut by it: past the deadline `STORE/DEADLINE_EXCEEDED`, after an abort `STORE/ABORTED` (never retried).
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  operation: (attempt: number) => Promise<T>,
  sleep: Sleep = realSleep,
  what = 'operation',
  budget: CallBudget = UNBOUNDED,
): Promise<T> {
  let lastError: unknown;
  let landed = false;
  for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
    if (attempt > 0) await budget.sleep(backoffDelay(policy, attempt - 1), sleep, what);
    try {
      return await budget.race(() => operation(attempt), what);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      lastError = error;
      landed ||= mayHaveLanded(error);
      if (attempt + 1 < policy.maxAttempts) noteRetry(what, error);
    }
  }
  throw exhausted(policy, lastError, what, landed);
}

/**
 * The `RETRY/EXHAUSTED` error for `what` after `policy.maxAttempts` attempts ending in `lastError`;
 * `landed`: some attempt may have been applied (`details.mayHaveLanded: true`).
 */
export function exhausted(policy: RetryPolicy, lastError: unknown, what: string, landed = false): EventStoreAdapterError {
  const lastCode = lastError instanceof EventStoreAdapterError ? lastError.code : undefined;
  return new EventStoreAdapterError(
    ErrorCodes.RETRIES_EXHAUSTED,
    `${what} failed after ${policy.maxAttempts} attempts; last error: ${lastCode ?? String(lastError)}`,
    { cause: lastError, details: { attempts: policy.maxAttempts, lastCode, ...(landed ? { mayHaveLanded: true } : {}) } },
  );
}

/**
 * `operation` re-run on retryable failures with the scope's policy, sleep and budget ({@link withRetry}): what the
 * driver decorators (retrying-drivers.ts) wrap every request in, and what a single-action transaction that may
 * simply be re-sent as it is (a layout record, a snapshot, a consumer's cursor) is sent with.
 */
export function retried<T>(scope: RetryScope, what: string, operation: () => Promise<T>): Promise<T> {
  return withRetry(scope.retry.policy, operation, scope.sleep, what, scope.budget);
}

/**
 * Send `requests` until none is left unprocessed: `send` sends a batch and resolves to the requests of it the
 * backend did not process; round n > 0 first waits the policy's backoff (cut by the budget). After
 * `policy.maxAttempts` rounds with requests left, throws `RETRY/UNPROCESSED_LEFT` naming `what`, with those
 * requests in `details.unprocessed`: never dropped. Whole-request failures are `send`'s to retry.
 */
export async function untilProcessed<R>(
  policy: RetryPolicy,
  loop: { readonly sleep?: Sleep; readonly budget?: CallBudget },
  what: string,
  requests: readonly R[],
  send: (batch: readonly R[]) => Promise<readonly R[]>,
): Promise<void> {
  const sleep = loop.sleep ?? realSleep;
  const budget = loop.budget ?? UNBOUNDED;
  let pending = requests;
  for (let round = 0; pending.length > 0; round++) {
    if (round >= policy.maxAttempts) throw unprocessedLeft(what, pending, policy);
    if (round > 0) await budget.sleep(backoffDelay(policy, round - 1), sleep, what);
    pending = await send(pending);
  }
}

function unprocessedLeft(what: string, unprocessed: readonly unknown[], policy: RetryPolicy): EventStoreAdapterError {
  return new EventStoreAdapterError(
    ErrorCodes.UNPROCESSED_LEFT,
    `${what}: ${unprocessed.length} request(s) still unprocessed after ${policy.maxAttempts} rounds`,
    { details: { unprocessed } },
  );
}
