/**
 * Retries as driver decorators, composed once per call (in `forCall`): every KV and blob primitive the core sends
 * goes through {@link retryingKv} / {@link retryingBlobs}, which retry retryable failures (`DRIVER/THROTTLED`,
 * `DRIVER/TRANSIENT`, `DRIVER/TRANSACTION_CONFLICT`) with the retry module's `retried` (the store's policy,
 * backoff and the call's budget: deadline, abort signals), and race each request against that budget.
 *
 * `transactWrite` is passed through untouched: whether a failed transaction may be retried (and with which token
 * and actions) is the write path's decision, which must also know when an outcome became ambiguous. A transaction
 * its caller declares safe to re-send (a compare-and-swap, a create-if-absent) is sent through
 * {@link resendableTransaction}. So this module is the one place a request is retried.
 */
import type { BlobDriver } from '../ports/blob-driver.js';
import type { KvDriver } from '../ports/kv-driver.js';
import { decorateBlobs, decorateKv, type BlobRequest, type KvRequest } from './decorate.js';
import { retried, type RetryScope } from './retry.js';

/** What the decorators retry with: the policy in force (read at each call), the sleep, and the call's budget. */
export type RetryEnvironment = RetryScope;

/** KV requests passed through unretried: whether a failed transaction may be re-sent is the write path's decision. */
const KV_NOT_RETRIED: ReadonlySet<KvRequest> = new Set(['transactWrite']);

/** What a request is called in errors (`RETRY/EXHAUSTED`: "<what> failed after …"), when not its method's name. */
const KV_NAMES: Partial<Record<KvRequest, string>> = {
  ensureTable: 'ensure table',
  dropTable: 'drop table',
  batchGet: 'batch-get',
  batchWrite: 'batch-write',
};

/** What a blob request is called in errors, when not its method's name. Every blob request is retried (puts and deletes are idempotent). */
const BLOB_NAMES: Partial<Record<BlobRequest, string>> = {
  ensureContainer: 'ensure blob container',
  put: 'blob put',
  get: 'blob get',
  delete: 'blob delete',
  list: 'blob list',
};

/** `inner` with every request but `transactWrite` retried per {@link RetryEnvironment}. Applied to a bound driver: no `withSignal`. */
export function retryingKv(inner: KvDriver, env: RetryEnvironment): KvDriver {
  return decorateKv(
    inner,
    (method, proceed) => (KV_NOT_RETRIED.has(method) ? proceed() : retried(env, KV_NAMES[method] ?? method, proceed)),
    'drop',
  );
}

/** `inner` with every request retried per {@link RetryEnvironment}. Applied to a bound driver: no `withSignal`. */
export function retryingBlobs(inner: BlobDriver, env: RetryEnvironment): BlobDriver {
  return decorateBlobs(inner, (method, proceed) => retried(env, BLOB_NAMES[method] ?? method, proceed), 'drop');
}

/**
 * Send a transaction its caller knows is safe to re-send, retried like the other requests (`what` names it in
 * `RETRY/EXHAUSTED`): its actions are conditioned so that an attempt that committed unanswered makes the re-sent one
 * fail its condition, which the caller reads as a lost race and reads again (a compare-and-swap on a version, a
 * create-if-absent, a tombstone put). The event write path does not send its transactions this way: whether a
 * failed one may be re-sent, and what its outcome was, is the chunk writer's to prove (write/chunk-writer.ts).
 */
export function resendableTransaction<T>(env: RetryEnvironment, what: string, send: () => Promise<T>): Promise<T> {
  return retried(env, what, send);
}
