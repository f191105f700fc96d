/**
 * Whether ANY attempt of one SDK call may have reached the service without a definite answer.
 *
 * The AWS SDK retries a failed request on its own (standard mode: 3 or 4 attempts) and throws only the LAST
 * attempt's error. A transaction whose first attempt committed but whose answer was lost, and whose later attempts
 * were throttled, ends in a throttle: a clear refusal by its last attempt, yet committed. `$metadata.attempts`
 * counts the attempts, it does not say how each ended. So each call gets a middleware BELOW the SDK's retry loop
 * (deserialize step: it runs once per attempt, after signing, around the deserializer) that classifies every
 * attempt's failure; the driver reads the verdict when the call fails.
 *
 * An attempt is a definite refusal (it did not land) when the service answered it with an HTTP 4xx error other
 * than `TransactionInProgressException` (that one says a request with the same token is still being applied), or
 * when the connection was never made (`ECONNREFUSED`, DNS failures). Anything else may have landed: no answer
 * (reset, timeout, abort), a 5xx, or an answer that could not be read.
 *
 * Why a middleware rather than the adapter owning write retries (SDK at one attempt for writes): the client is the
 * caller's (injected, possibly shared, its retry settings theirs), and retry settings are per client, not per
 * command, so owning retries would mean a second client or changing the caller's. The middleware is per command
 * (the command's own stack: the caller's client is untouched) and works whatever the client's `maxAttempts`.
 * Its cost is the one that already exists: store and SDK attempts multiply. Measured on DynamoDB Local under a
 * throttle storm (drivers/dynamodb/attempt-watch.real.test.ts): one failed `storeEvents` with `retry.maxAttempts`
 * 3 sent 12 TransactWriteItems with the DynamoDB client's default 4 attempts, 3 with `maxAttempts: 1`. The store
 * warns about the product (`WARN/RETRIES_MULTIPLY`); a caller who wants one layer of retries sets the client's
 * `maxAttempts: 1`, and the report stays exact either way.
 */
import { awsErrorShape, httpStatusOf } from './aws-error-facts.js';

/** Connection errors raised before any byte reached the service. */
const NEVER_CONNECTED_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** A 4xx that does not prove the request was not applied: a request with the same token is still in progress. */
const IN_PROGRESS_NAMES: ReadonlySet<string> = new Set(['TransactionInProgressException']);

/** Name of the per-call middleware in the command's stack. */
const MIDDLEWARE_NAME = 'eventStoreAttemptWatch';

/** True when one attempt that failed with `error` may have been applied by the service (see the module doc). */
export function attemptMayHaveLanded(error: unknown): boolean {
  const shape = awsErrorShape(error);
  const status = httpStatusOf(shape);
  if (status !== undefined && status >= 400 && status < 500) return IN_PROGRESS_NAMES.has(shape.name ?? '');
  if (status === undefined && shape.code !== undefined && NEVER_CONNECTED_CODES.has(shape.code)) return false;
  return true;
}

/** The verdict on one call's attempts, filled in as they fail. */
export class AttemptWatch {
  /** Attempts seen failing (0 when the middleware never ran, e.g. a mocked `send`). */
  failedAttempts = 0;
  private landed = false;

  /** Note one failed attempt. */
  record(error: unknown): void {
    this.failedAttempts += 1;
    if (attemptMayHaveLanded(error)) this.landed = true;
  }

  /**
   * True when any attempt of the call may have landed: one the middleware saw, or `finalError` itself (the last
   * attempt's error, which is all there is when the middleware did not run).
   */
  mayHaveLanded(finalError: unknown): boolean {
    return this.landed || attemptMayHaveLanded(finalError);
  }
}

/** A command whose own middleware stack can take the watch (every SDK v3 command, lib-dynamodb's included). */
export interface WatchableCommand {
  readonly middlewareStack: {
    add(
      middleware: (next: (args: never) => Promise<unknown>) => (args: never) => Promise<unknown>,
      options: { step: 'deserialize'; priority: 'high'; name: string; override: boolean },
    ): void;
  };
}

/** Attach a fresh {@link AttemptWatch} to `command` (one watch per command object: send each command once). */
export function watchAttempts(command: WatchableCommand): AttemptWatch {
  const watch = new AttemptWatch();
  command.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        watch.record(error);
        throw error;
      }
    },
    // Deserialize step, high priority: below the retry middleware (finalizeRequest), above the deserializer, so it
    // sees each attempt's parsed error (with its HTTP status) or the handler's network error.
    { step: 'deserialize', priority: 'high', name: MIDDLEWARE_NAME, override: true },
  );
  return watch;
}
