/**
 * The V6 form of the write path's errors: what the V6 methods (`append`, `appendBatch`, `appendToStream`) throw
 * where the 3.x methods throw this package's own classes. Codes are unchanged; only the classes differ, so that an
 * application written for V6 (it knows only `@schemeless/event-store-types`) recognises them.
 */
import { ConcurrencyError, DuplicateEventError, DuplicateEventIdError, StreamConcurrencyError } from '../errors/index.js';
import type { ListedStream } from './arguments.js';

/**
 * The V6 form of a write error: a duplicate id is a `DuplicateEventError`; with `listed`, a conflict on a listed stream
 * is the types package's `StreamConcurrencyError` naming it. Anything else is returned as it is.
 */
export function v6Error(error: unknown, listed?: ReadonlyMap<string, ListedStream>): unknown {
  if (error instanceof DuplicateEventIdError && !(error instanceof DuplicateEventError)) return new DuplicateEventError(error.eventIds);
  if (listed && error instanceof ConcurrencyError) {
    const stream = [...listed.values()].find((candidate) => candidate.key === error.streamKey);
    if (stream)
      return new StreamConcurrencyError(stream.domain, stream.identifier ?? '', error.expectedSequence, error.actualSequence, error);
  }
  return error;
}

/** `write`, its errors in their V6 form ({@link v6Error}). */
export async function v6Errors<T>(write: Promise<T>, listed?: ReadonlyMap<string, ListedStream>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw v6Error(error, listed);
  }
}

/**
 * `appendToStream`'s form of a write error: a conflict is a `StreamConcurrencyError` on the one stream (domain,
 * identifier) at `expectedVersion`; otherwise as {@link v6Error}.
 */
export function streamWriteError(error: unknown, stream: { domain: string; identifier: string }, expectedVersion: number): unknown {
  if (error instanceof ConcurrencyError)
    return new StreamConcurrencyError(stream.domain, stream.identifier, expectedVersion, error.actualSequence, error);
  return v6Error(error);
}
