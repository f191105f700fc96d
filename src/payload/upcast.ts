/**
 * The `upcast` option: a function from a stored event to the event the application reads, applied on every read
 * path after decoding (never on write, never to an erased event). What it throws, or a result that is not an event
 * object, is `CODEC/UPCAST_FAILED` naming the event (an unreadable event: `onUnreadable` receives it on replay).
 */
import type { StoredEvent } from '../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { isErased } from './erased.js';

/** The `upcast` option's type. */
export type Upcaster = (event: StoredEvent) => StoredEvent;

/** `event` upcast by `upcaster` (or as it is without one, or when erased). */
export function upcastEvent(upcaster: Upcaster | undefined, event: StoredEvent, key: Readonly<Record<string, unknown>>): StoredEvent {
  if (upcaster === undefined || isErased(event)) return event;
  let result: unknown;
  try {
    result = upcaster(event);
  } catch (cause) {
    throw upcastFailed(event, key, `the upcaster threw: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result))
    throw upcastFailed(event, key, 'the upcaster returned no event object');
  return result as StoredEvent;
}

function upcastFailed(event: StoredEvent, key: Readonly<Record<string, unknown>>, reason: string, cause?: unknown): EventStoreAdapterError {
  return new EventStoreAdapterError(
    ErrorCodes.CODEC_UPCAST_FAILED,
    `Event ${event.id} (${event.domain}/${event.type}) cannot be upcast: ${reason}`,
    {
      cause,
      details: { eventId: event.id, key, type: event.type, reason },
    },
  );
}
