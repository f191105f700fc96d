/**
 * The end of a chunk write whose outcome is uncertain (an attempt may have landed unanswered): proof by the id
 * guards, or `STORE/OUTCOME_UNKNOWN`, whose identical retry succeeds if the write had committed.
 */
import type { Chunk } from './append-plan.js';
import { keyId } from '../layout/codecs/event.js';
import { decodeGuard, guardKey } from '../layout/codecs/guard.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { readGuards } from './guard-reads.js';
import type { WriteContext } from '../runtime/store-context.js';

/**
 * The sequences the chunk's events were stored at when EVERY one's id guard names the write `writeId` (it
 * committed), else undefined. One strongly consistent read of the guards; its errors are thrown.
 */
export async function guardedSequences(ctx: WriteContext, chunk: Chunk, writeId: string): Promise<number[] | undefined> {
  const keys = chunk.events.map((event) => guardKey(event.validated.event.id));
  const byId = await readGuards(ctx, keys);
  const guards = chunk.events.map((event, index) => {
    const item = byId.get(keyId(keys[index]!));
    return item ? decodeGuard(event.validated.event.id, item) : undefined;
  });
  return guards.every((guard) => guard?.writeId === writeId) ? guards.map((guard) => guard!.sequence) : undefined;
}

/**
 * `STORE/OUTCOME_UNKNOWN` for the chunk's events, the write ending with `error` after `lastAmbiguity` (the error
 * that made it uncertain); `wholeBatch`: the retry asked for is the batch's, else the transaction's.
 */
export function outcomeUnknown(chunk: Chunk, error: unknown, lastAmbiguity: unknown, wholeBatch: boolean): EventStoreAdapterError {
  const eventIds = chunk.events.map((event) => event.validated.event.id);
  return new EventStoreAdapterError(
    ErrorCodes.OUTCOME_UNKNOWN,
    `storeEvents: the outcome of the write of ${eventIds.length} event(s) is unknown (${describe(error)}); retry the identical ${wholeBatch ? 'batch' : 'transaction'}: if it had committed, the retry returns the stored events`,
    { cause: error, details: { eventIds, lastAmbiguity: describe(lastAmbiguity) } },
  );
}

/** An error as one line for messages and details: `code: message` for the adapter's errors. */
export function describe(error: unknown): string {
  if (error instanceof EventStoreAdapterError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
