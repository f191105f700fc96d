/**
 * Warnings: things the caller should know that must not change an operation's outcome (a user callback that
 * threw, retries that multiply). They go to the `onWarning` option; a
 * warning handler that throws is ignored. Without `onWarning`, the first warning of each code is logged once
 * with `console.warn`, later ones of that code are dropped.
 */

import type { Logger } from '../telemetry/options.js';

/** Every warning code, namespaced `WARN/`. */
export const WarningCodes = {
  /** A user callback (`onCapacity`, `onUnreadable`) threw; the operation went on unchanged. `cause` is what it threw. */
  CALLBACK_FAILED: 'WARN/CALLBACK_FAILED',
  /** No longer emitted: the write path deletes no blob (orphans are the sweeper's). Kept so handlers matching it compile. */
  BLOB_CLEANUP_FAILED: 'WARN/BLOB_CLEANUP_FAILED',
  /** The backend client retries on its own and the adapter's explicit `retry.maxAttempts` multiplies it. */
  RETRIES_MULTIPLY: 'WARN/RETRIES_MULTIPLY',
  /** The table had no layout record (written by an earlier version): one was written from this store's options. */
  LAYOUT_ADOPTED: 'WARN/LAYOUT_ADOPTED',
  /** A `subscribe` handler threw: the page is retried with backoff, the cursor stays. `cause` is what it threw. */
  HANDLER_FAILED: 'WARN/HANDLER_FAILED',
  /** A `subscribe` poll or cursor write failed with a retryable error: retried with backoff. */
  FEED_RETRY: 'WARN/FEED_RETRY',
  /**
   * A `subscribe` consumer's stored cursor is of an earlier generation of the table (a `resetStore` elsewhere, or a
   * cursor write that landed after one): the consumer restarts at the beginning of the table's current log.
   */
  CONSUMER_RESTARTED: 'WARN/CONSUMER_RESTARTED',
} as const;

/** A warning code: one of the values of {@link WarningCodes}. */
export type WarningCode = (typeof WarningCodes)[keyof typeof WarningCodes];

/** One warning. */
export interface StoreWarning {
  /** Stable code; see {@link WarningCodes}. */
  readonly code: WarningCode;
  /** Human-readable text. */
  readonly message: string;
  /** The underlying error, when there is one. */
  readonly cause?: unknown;
}

/** Reports a warning; never throws. */
export type Warn = (warning: StoreWarning) => void;

/**
 * The reporter for the `onWarning` and `logger` options: each warning goes to `logger.warn` (every one) and to
 * `onWarning` (ignoring what either throws); with neither, each code is logged once with `console.warn`.
 */
export function makeWarn(onWarning: ((warning: StoreWarning) => void) | undefined, logger?: Logger): Warn {
  if (logger) {
    const handler = onWarning ? makeWarn(onWarning) : undefined;
    return (warning) => {
      try {
        logger.warn(`[event-store-adapter-dynamodb] ${warning.code}: ${warning.message}`, { code: warning.code, cause: warning.cause });
      } catch {
        // A logger must not change an outcome either.
      }
      handler?.(warning);
    };
  }
  if (onWarning) {
    return (warning) => {
      try {
        onWarning(warning);
      } catch {
        // A warning handler must not change an outcome either.
      }
    };
  }
  const logged = new Set<WarningCode>();
  return (warning) => {
    if (logged.has(warning.code)) return;
    logged.add(warning.code);
    console.warn(
      `[event-store-adapter-dynamodb] ${warning.code}: ${warning.message} (further ${warning.code} warnings are not logged; pass onWarning to see them all)`,
    );
  };
}

/**
 * Call a user callback so that it cannot change an outcome: a throw (or a rejected promise) is reported as
 * `WARN/CALLBACK_FAILED` naming `what`, never propagated.
 */
export function callSafely(warn: Warn, what: string, callback: () => unknown): void {
  try {
    const result = callback();
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as Promise<unknown>).then(undefined, (cause: unknown) =>
        warn({ code: WarningCodes.CALLBACK_FAILED, message: `${what} callback rejected: ${describe(cause)}`, cause }),
      );
    }
  } catch (cause) {
    warn({ code: WarningCodes.CALLBACK_FAILED, message: `${what} callback threw: ${describe(cause)}`, cause });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
