/**
 * Defect 4 (issue 16), shared by its twin test (sdk-retry-outcome.test.ts) and its real-server test
 * (sdk-retry-outcome.real.test.ts): offloaded events and snapshots, a write's outcome, and the checks that the write
 * is whole afterwards (readable everywhere, an identical retry succeeds).
 */
import { expect } from 'vitest';
import type { CreatedEvent, SnapshotEntry, StoredEvent } from '../../src/compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/event-store.js';

/** A retry wait that does not wait. */
export const noSleep = async (): Promise<void> => undefined;
/** The store's own attempts per write (the SDK multiplies them on the real driver). */
export const STORE_ATTEMPTS = 2;
/** The offload threshold: the events and snapshots below are twice its size, so they are offloaded. */
export const THRESHOLD = 4096;
let counter = 0;

/** A new event of `identifier` (unique id) whose payload is offloaded. */
export function bigEvent(identifier: string): CreatedEvent {
  counter += 1;
  return {
    id: `d4-${identifier}-${counter}`,
    domain: 'acct',
    type: 'deposited',
    identifier,
    payload: { filler: 'p'.repeat(THRESHOLD * 2), n: counter },
    created: new Date(Date.UTC(2025, 3, 1)),
  };
}

/** A snapshot of `identifier` whose state is offloaded. */
export function bigSnapshot(identifier: string): SnapshotEntry<{ filler: string; at: number }> {
  return {
    domain: 'acct',
    identifier,
    state: { filler: 's'.repeat(THRESHOLD * 2), at: 7 },
    sequence: 7,
    created: new Date(Date.UTC(2025, 3, 2)),
  };
}

/** Every event, by a full replay. */
async function replayAll(store: EventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const page of await store.getAllEvents(100)) all.push(...page);
  return all;
}

/** The call's outcome: resolved, or the typed error it threw. */
export async function outcome(call: Promise<unknown>): Promise<'ok' | EventStoreAdapterError> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(EventStoreAdapterError);
    return error as EventStoreAdapterError;
  }
}

/** Success or `STORE/OUTCOME_UNKNOWN`; on old code this is `RETRY/EXHAUSTED` (the throttle taken for a refusal). */
export function expectSuccessOrUnknown(result: 'ok' | EventStoreAdapterError): void {
  const code = result === 'ok' ? 'ok' : result.code;
  expect(['ok', ErrorCodes.OUTCOME_UNKNOWN], `ended with ${code}: ${result === 'ok' ? '' : result.message}`).toContain(code);
}

/** After the faulty write: the event is readable by id, in its stream and in replay, payload hydrated; an identical retry succeeds. */
export async function expectEventWhole(store: EventStore, event: CreatedEvent): Promise<void> {
  expect((await store.getEventById(event.id))?.payload).toEqual(event.payload);
  expect((await store.getStreamEvents(event.domain, event.identifier!)).map((stored) => [stored.id, stored.payload])).toEqual([
    [event.id, event.payload],
  ]);
  expect((await replayAll(store)).filter((stored) => stored.id === event.id).map((stored) => stored.payload)).toEqual([event.payload]);
  await expect(store.storeEvents([event])).resolves.toBeUndefined();
  expect(await store.getStreamSequence(event.domain, event.identifier!)).toBe(1);
}

/** After the faulty save: the snapshot readable, an identical save succeeds and reads the same. */
export async function expectSnapshotWhole(store: EventStore, snapshot: SnapshotEntry<{ filler: string; at: number }>): Promise<void> {
  expect((await store.getSnapshot(snapshot.domain, snapshot.identifier))?.state).toEqual(snapshot.state);
  await expect(store.saveSnapshot(snapshot)).resolves.toBeUndefined();
  expect((await store.getSnapshot(snapshot.domain, snapshot.identifier))?.state).toEqual(snapshot.state);
}
