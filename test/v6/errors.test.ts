/**
 * The V6 framework's own error classes (issue 11, part 1): for each class `@schemeless/event-store-types` defines,
 * the case that throws it, imported from the TYPES package, asserts `instanceof` with that class, and that the
 * error still carries this adapter's stable code and details (and `instanceof EventStoreAdapterError`, `hasCode`).
 * Then an application's retry-on-conflict written for V6 (it knows only the types package) sees our conflicts.
 */
import { makeAggregateRuntime } from '@schemeless/event-store-aggregate';
import {
  AdapterCapabilityError,
  EventCursorNotFoundError,
  EventStoreError,
  InvalidIdentifierError,
  InvalidStreamBatchError,
  SnapshotError,
  StreamConcurrencyError,
} from '@schemeless/event-store-types';
import { describe, expect, it } from 'vitest';
import { MemoryKvDriver } from '../../drivers/memory/index.js';
import {
  ConcurrencyError,
  DuplicateEventError,
  DuplicateEventIdError,
  ErrorCodes,
  EventStoreAdapterError,
  EventStoreRepo,
  hasCode,
  TransactionScopeError,
  type ErrorCode,
} from '../../src/index.js';
import { accountAggregate, type AccountCommand } from './app.js';
import { rejection } from '../helpers/caught.js';

const at = new Date(Date.UTC(2025, 0, 2));
const event = (identifier: string | undefined, extra: Record<string, unknown> = {}) => ({
  domain: 'acct',
  identifier,
  type: 'deposited',
  payload: { n: 1 },
  created: at,
  ...extra,
});

/** Our side of every error: branded, with its code, a non-retryable one, and a V6 `EventStoreError`. */
function expectOurs(error: unknown, code: ErrorCode): void {
  expect(error).toBeInstanceOf(EventStoreAdapterError);
  expect(error).toBeInstanceOf(EventStoreError);
  expect(hasCode(error, code)).toBe(true);
  expect((error as EventStoreAdapterError).retryable).toBe(false);
}

async function seeded(): Promise<EventStoreRepo> {
  const repo = new EventStoreRepo();
  await repo.appendToStream([event('a1', { id: 'seed-1' }) as never, event('a1', { id: 'seed-2' }) as never], 0);
  return repo;
}

describe("the types package's error classes, for the cases that throw them", () => {
  it('StreamConcurrencyError: appendToStream at a stale version (domain, identifier, both versions; cause: the 3.x ConcurrencyError)', async () => {
    const repo = await seeded();
    const error = await rejection(repo.appendToStream([event('a1') as never], 1));
    expect(error).toBeInstanceOf(StreamConcurrencyError);
    expectOurs(error, ErrorCodes.CONCURRENCY);
    expect(error).toMatchObject({
      name: 'StreamConcurrencyError',
      domain: 'acct',
      identifier: 'a1',
      expectedVersion: 1,
      actualVersion: 2,
      details: { domain: 'acct', identifier: 'a1', expectedVersion: 1, actualVersion: 2 },
    });
    expect((error as Error).cause).toBeInstanceOf(ConcurrencyError);
  });

  it('StreamConcurrencyError: appendBatch with a stale version; a domain-only stream is named with identifier ""', async () => {
    const repo = await seeded();
    await repo.append([event(undefined)]);
    const error = await rejection(
      repo.appendBatch(
        [event('a1')],
        [
          { domain: 'acct', identifier: 'a1', expectedVersion: 2 },
          { domain: 'acct', expectedVersion: 0 },
        ],
      ),
    );
    expect(error).toBeInstanceOf(StreamConcurrencyError);
    expectOurs(error, ErrorCodes.CONCURRENCY);
    expect(error).toMatchObject({ domain: 'acct', identifier: '', expectedVersion: 0, actualVersion: 1 });
  });

  it('EventCursorNotFoundError: getAllEvents after an event that is not stored', async () => {
    const repo = await seeded();
    const error = await rejection(repo.getAllEvents(10, 'never-stored'));
    expect(error).toBeInstanceOf(EventCursorNotFoundError);
    expectOurs(error, ErrorCodes.UNKNOWN_CURSOR);
    expect(error).toMatchObject({ name: 'EventCursorNotFoundError', cursorId: 'never-stored', details: { startFromId: 'never-stored' } });
  });

  it('InvalidIdentifierError: appendToStream with an empty or whitespace identifier', async () => {
    const repo = await seeded();
    for (const identifier of ['', '   ']) {
      const error = await rejection(repo.appendToStream([event(identifier) as never], 2));
      expect(error).toBeInstanceOf(InvalidIdentifierError);
      expectOurs(error, ErrorCodes.INVALID_EVENT);
      expect(error).toMatchObject({ name: 'InvalidIdentifierError', details: { field: 'identifier' } });
    }
    expect(await repo.getStreamSequence('acct', 'a1')).toBe(2);
  });

  it('InvalidStreamBatchError: appendToStream empty or across streams', async () => {
    const repo = await seeded();
    for (const events of [[], [event('a1'), event('a2')]]) {
      const error = await rejection(repo.appendToStream(events as never, 2));
      expect(error).toBeInstanceOf(InvalidStreamBatchError);
      expectOurs(error, ErrorCodes.INVALID_EVENT);
      expect(error).toMatchObject({ name: 'InvalidStreamBatchError', details: { field: 'events' } });
    }
    expect(await repo.getStreamSequence('acct', 'a2')).toBe(0);
  });

  it('AdapterCapabilityError: an event that must be offloaded, with no blob store configured', async () => {
    const repo = new EventStoreRepo({ kv: new MemoryKvDriver() });
    const error = await rejection(repo.append([event('big', { id: 'big', payload: 'x'.repeat(420_000) })]));
    expect(error).toBeInstanceOf(AdapterCapabilityError);
    expectOurs(error, ErrorCodes.BLOB_STORE_REQUIRED);
    expect(error).toMatchObject({ name: 'AdapterCapabilityError', details: { eventId: 'big' } });
    expect(await repo.getEventById('big')).toBeNull();
  });

  it('SnapshotError: an invalid snapshot, and one too large without a blob store', async () => {
    const repo = await seeded();
    const invalid = await rejection(repo.saveSnapshot({ domain: 'acct', identifier: 'a1', state: {}, sequence: -1, created: at }));
    expect(invalid).toBeInstanceOf(SnapshotError);
    expectOurs(invalid, ErrorCodes.INVALID_SNAPSHOT);
    expect(invalid).toMatchObject({ name: 'SnapshotError', details: { field: 'sequence' } });
    const bare = new EventStoreRepo({ kv: new MemoryKvDriver() });
    const large = await rejection(
      bare.saveSnapshot({ domain: 'acct', identifier: 'a1', state: 'x'.repeat(420_000), sequence: 1, created: at }),
    );
    expect(large).toBeInstanceOf(SnapshotError);
    expectOurs(large, ErrorCodes.BLOB_STORE_REQUIRED);
    expect(await repo.getSnapshot('acct', 'a1')).toBeNull();
  });

  it('EventStoreError: every other error of the adapter (3.x ConcurrencyError keeps its name and fields; DuplicateEventError; TransactionScopeError; input errors)', async () => {
    const repo = await seeded();
    const concurrency = await rejection(repo.storeEvents([{ ...event('a1'), id: 'c-1' }], { expectedSequence: 0 }));
    expect(concurrency).toBeInstanceOf(ConcurrencyError);
    expectOurs(concurrency, ErrorCodes.CONCURRENCY);
    expect(concurrency).toMatchObject({ name: 'ConcurrencyError', streamKey: 'acct::a1', expectedSequence: 0, actualSequence: 2 });
    expect(concurrency).not.toBeInstanceOf(StreamConcurrencyError); // the 3.x path keeps the 3.x class

    // (Other content: the identical event again would be an idempotent retry, which succeeds.)
    const duplicate = await rejection(repo.append([event('a1', { id: 'seed-1', payload: 'other' })]));
    expect(duplicate).toBeInstanceOf(DuplicateEventError);
    expect(duplicate).toBeInstanceOf(DuplicateEventIdError);
    expectOurs(duplicate, ErrorCodes.DUPLICATE_EVENT_ID);
    expect(duplicate).toMatchObject({ name: 'DuplicateEventError', eventId: 'seed-1', eventIds: ['seed-1'] });
    const duplicate3x = await rejection(repo.storeEvents([{ ...event('a1'), id: 'seed-1', payload: 'other' }]));
    expect(duplicate3x).toMatchObject({ name: 'DuplicateEventIdError', code: ErrorCodes.DUPLICATE_EVENT_ID });
    expect(duplicate3x).not.toBeInstanceOf(DuplicateEventError);

    const many = Array.from({ length: 40 }, (_, i) => event('bulk', { id: `bulk-${i}`, causationId: 'x' }));
    const scope = await rejection(repo.appendBatch(many, [{ domain: 'acct', identifier: 'bulk', expectedVersion: 0 }]));
    expect(scope).toBeInstanceOf(TransactionScopeError);
    expectOurs(scope, ErrorCodes.BATCH_TOO_LARGE);

    const input = await rejection(repo.append([event('a1', { type: '' })]));
    expectOurs(input, ErrorCodes.INVALID_EVENT);
    // Not ours: a plain Error is not an EventStoreAdapterError (the brand is checked, not the shape).
    expect(Object.assign(new Error('x'), { code: ErrorCodes.CONCURRENCY })).not.toBeInstanceOf(EventStoreAdapterError);
    expect(hasCode(Object.assign(new Error('x'), { code: ErrorCodes.CONCURRENCY }), ErrorCodes.CONCURRENCY)).toBe(false);
  });

  it('TransactionScopeError also by bytes: without a blob store, events that together pass 4 MB are refused, nothing written', async () => {
    const repo = new EventStoreRepo({ kv: new MemoryKvDriver() });
    const events = Array.from({ length: 11 }, (_, i) => event('fat', { id: `fat-${i}`, payload: 'x'.repeat(390_000) }));
    const error = await rejection(repo.appendBatch(events, [{ domain: 'acct', identifier: 'fat', expectedVersion: 0 }]));
    expect(error).toBeInstanceOf(TransactionScopeError);
    expectOurs(error, ErrorCodes.BATCH_TOO_LARGE);
    const details = (error as TransactionScopeError).details as { bytes: number; maxTransactionBytes: number; actions: number };
    expect(details.bytes).toBeGreaterThan(details.maxTransactionBytes);
    expect(details.actions).toBe(24); // 11 events x (item, guard), the head, the instance marker check of a new stream
    expect(await repo.getStreamSequence('acct', 'fat')).toBe(0);
  });

  it('an application retry-on-conflict written for V6 (types package only) retries our conflicts and succeeds', async () => {
    const repo = new EventStoreRepo();
    const runtime = makeAggregateRuntime(repo);
    await runtime.handle(accountAggregate(), { kind: 'open', id: 'r1', owner: 'cy' });
    let interfered = false;
    // The first decision is overtaken by a concurrent write, so its append conflicts.
    const aggregate = accountAggregate(async () => {
      if (interfered) return;
      interfered = true;
      await repo.appendToStream(
        [{ domain: 'account', identifier: 'r1', type: 'Deposited', payload: { amount: 1 }, created: new Date() }],
        1,
      );
    });
    const conflicts: unknown[] = [];
    async function handleWithRetry(command: AccountCommand) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await runtime.handle(aggregate, command);
        } catch (error) {
          if (!(error instanceof StreamConcurrencyError) || attempt >= 3) throw error;
          conflicts.push(error);
        }
      }
    }
    const result = await handleWithRetry({ kind: 'deposit', id: 'r1', amount: 10 });
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    expect(result).toMatchObject({ sequence: 3, state: { balance: 11 } });
  });
});
