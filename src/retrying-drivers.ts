/**
 * Retries as driver decorators, composed once per call (in `forCall`): every KV and blob primitive the core sends
 * goes through {@link retryingKv} / {@link retryingBlobs}, which retry retryable failures (`DRIVER/THROTTLED`,
 * `DRIVER/TRANSIENT`, `DRIVER/TRANSACTION_CONFLICT`) with the retry module's `retried` (the store's policy,
 * backoff and the call's budget: deadline, abort signals), and race each request against that budget.
 *
 * `transactWrite` is passed through untouched: whether a failed transaction may be retried (and with which token
 * and actions) is the write path's decision, which must also know when an outcome became ambiguous.
 */
import type { BlobDriver } from './ports/blob-driver.js';
import type { KvDriver } from './ports/kv-driver.js';
import { retried, type RetryScope } from './retry.js';

/** What the decorators retry with: the policy in force (read at each call), the sleep, and the call's budget. */
export type RetryEnvironment = RetryScope;

/** `inner` with every primitive but `transactWrite` retried per {@link RetryEnvironment}. */
export function retryingKv(inner: KvDriver, env: RetryEnvironment): KvDriver {
  const retry = <T>(what: string, operation: () => Promise<T>): Promise<T> => retried(env, what, operation);
  return {
    capabilities: inner.capabilities,
    ensureTable: (schema) => retry('ensure table', () => inner.ensureTable(schema)),
    dropTable: (name) => retry('drop table', () => inner.dropTable(name)),
    get: (table, key, options) => retry('get', () => inner.get(table, key, options)),
    query: (table, request) => retry('query', () => inner.query(table, request)),
    batchGet: (table, keys, options) => retry('batch-get', () => inner.batchGet(table, keys, options)),
    batchWrite: (table, requests) => retry('batch-write', () => inner.batchWrite(table, requests)),
    transactWrite: (table, actions, options) => inner.transactWrite(table, actions, options),
    clientMaxAttempts: inner.clientMaxAttempts ? () => inner.clientMaxAttempts!() : undefined,
    close: inner.close ? () => inner.close!() : undefined,
  };
}

/** `inner` with every primitive retried per {@link RetryEnvironment} (puts and deletes are idempotent). */
export function retryingBlobs(inner: BlobDriver, env: RetryEnvironment): BlobDriver {
  const retry = <T>(what: string, operation: () => Promise<T>): Promise<T> => retried(env, what, operation);
  return {
    capabilities: inner.capabilities,
    ensureContainer: () => retry('ensure blob container', () => inner.ensureContainer()),
    put: (key, body, options) => retry('blob put', () => inner.put(key, body, options)),
    get: (key) => retry('blob get', () => inner.get(key)),
    delete: (keys) => retry('blob delete', () => inner.delete(keys)),
    list: (prefix, options) => retry('blob list', () => inner.list(prefix, options)),
    clientMaxAttempts: inner.clientMaxAttempts ? () => inner.clientMaxAttempts!() : undefined,
    close: inner.close ? () => inner.close!() : undefined,
  };
}
