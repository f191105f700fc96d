/** The V6 form of the write path's errors, and the V6 events' missing fields. */
import { StreamConcurrencyError as V6StreamConcurrencyError } from '@schemeless/event-store-types';
import { describe, expect, it } from 'vitest';
import { ConcurrencyError, DuplicateEventError, DuplicateEventIdError, ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { listedVersions } from './arguments.js';
import type { StoreAccess } from './store-access.js';
import { createdEvent } from './v6-methods.js';
import { streamWriteError, v6Error, v6Errors } from './v6-errors.js';

describe('compat/v6-errors', () => {
  it('a duplicate id becomes a DuplicateEventError with the same ids and code', () => {
    const error = v6Error(new DuplicateEventIdError(['a', 'b']));
    expect(error).toBeInstanceOf(DuplicateEventError);
    expect(error).toMatchObject({ code: ErrorCodes.DUPLICATE_EVENT_ID, eventIds: ['a', 'b'], eventId: 'a' });
    const already = new DuplicateEventError(['c']);
    expect(v6Error(already)).toBe(already);
  });

  it('a conflict on a listed stream becomes the types package StreamConcurrencyError naming it; others stay', () => {
    const listed = listedVersions([{}], [{ domain: 'acct', identifier: 'x', expectedVersion: 1 }]);
    const conflict = new ConcurrencyError('acct::x', 1, 3);
    const translated = v6Error(conflict, listed);
    expect(translated).toBeInstanceOf(V6StreamConcurrencyError);
    expect(translated).toMatchObject({
      code: ErrorCodes.CONCURRENCY,
      domain: 'acct',
      identifier: 'x',
      expectedVersion: 1,
      actualVersion: 3,
    });
    expect(v6Error(new ConcurrencyError('other::y', 1, 2), listed)).toBeInstanceOf(ConcurrencyError);
    expect(v6Error(conflict)).toBe(conflict);
    const other = new EventStoreAdapterError(ErrorCodes.THROTTLED, 'slow');
    expect(v6Error(other, listed)).toBe(other);
    expect(streamWriteError(conflict, { domain: 'acct', identifier: 'x' }, 1)).toMatchObject({ expectedVersion: 1, actualVersion: 3 });
    expect(streamWriteError(new DuplicateEventIdError(['z']), { domain: 'acct', identifier: 'x' }, 1)).toBeInstanceOf(DuplicateEventError);
  });

  it('v6Errors rethrows in V6 form and passes results through', async () => {
    await expect(v6Errors(Promise.resolve(7))).resolves.toBe(7);
    await expect(v6Errors(Promise.reject(new DuplicateEventIdError(['a'])))).rejects.toBeInstanceOf(DuplicateEventError);
  });

  it('createdEvent: a V6 event gets an id and created when missing, and loses its sequence', () => {
    const access = { nextId: () => 'generated', options: { clock: () => 5_000 } } as unknown as StoreAccess;
    const event = createdEvent(access, { domain: 'd', type: 't', payload: 1, sequence: 9 } as never);
    expect(event).toEqual({ domain: 'd', type: 't', payload: 1, id: 'generated', created: new Date(5_000) });
    const created = new Date(1);
    expect(createdEvent(access, { id: 'mine', domain: 'd', type: 't', payload: 1, created })).toMatchObject({ id: 'mine', created });
  });
});
