/**
 * Classifying the outcome of a failed write: a refusal (nothing was applied) or ambiguous (it may have been).
 *
 * A driver's error code describes the LAST attempt of a call; the AWS SDK retries on its own, so an earlier
 * attempt may have committed while the last was throttled. Drivers report that in `details.mayHaveLanded` (the KV
 * port's contract, `src/ports/kv-driver.ts`). A write that failed with such an error is ambiguous whatever its code.
 */

/** How deep {@link mayHaveLanded} follows `cause` (a `RETRY/EXHAUSTED` wrapping the driver's error, and so on). */
const MAX_CAUSE_DEPTH = 8;

/**
 * True when `error`, or an error in its `cause` chain, reports `details.mayHaveLanded: true`: some attempt of the
 * failed write may have been applied, so its code (even `DRIVER/THROTTLED` or `DRIVER/TRANSACTION_CONFLICT`) does
 * not prove a refusal. Read by shape, so an error from another copy of this package counts too. Never throws.
 */
export function mayHaveLanded(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const details = (current as { details?: unknown }).details;
    if (typeof details === 'object' && details !== null && (details as { mayHaveLanded?: unknown }).mayHaveLanded === true) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
