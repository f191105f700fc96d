/** The public methods' argument checks: each bad argument named, with its code and class, before any request. */
import {
  InvalidIdentifierError as V6InvalidIdentifierError,
  InvalidStreamBatchError as V6InvalidStreamBatchError,
} from '@schemeless/event-store-types';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors/index.js';
import { validateEvents } from '../write/validation.js';
import {
  checkEveryStreamListed,
  checkExpectedSequence,
  eventArray,
  expectedSequenceList,
  listedVersions,
  oneStream,
  streamReferences,
} from './arguments.js';

const created = new Date(Date.UTC(2025, 0, 1));
const thrown = (run: () => unknown): { code?: string; details?: Record<string, unknown> } & Error => {
  try {
    run();
  } catch (error) {
    return error as never;
  }
  throw new Error('did not throw');
};

describe('compat/arguments', () => {
  it('eventArray: an array of objects, else INPUT/INVALID_EVENT naming the call and the entry', () => {
    expect(thrown(() => eventArray(null as never, 'append'))).toMatchObject({
      code: ErrorCodes.INVALID_EVENT,
      details: { field: 'events' },
    });
    expect(thrown(() => eventArray([{}, 3] as never, 'append'))).toMatchObject({ details: { index: 1, field: '(event)' } });
    const events = [{}];
    expect(eventArray(events, 'append')).toBe(events);
  });

  it('checkExpectedSequence: absent or an integer >= 0', () => {
    checkExpectedSequence(undefined);
    checkExpectedSequence(0);
    for (const bad of [-1, 1.5, '1', null])
      expect(thrown(() => checkExpectedSequence(bad))).toMatchObject({
        code: ErrorCodes.INVALID_EVENT,
        details: { field: 'expectedSequence' },
      });
  });

  it('listedVersions: appendBatch events and expectedVersions, each rule named; checkEveryStreamListed', () => {
    const empty = thrown(() => listedVersions([], []));
    expect(empty).toBeInstanceOf(V6InvalidStreamBatchError);
    expect(empty).toMatchObject({ code: ErrorCodes.INVALID_EVENT });
    expect(thrown(() => listedVersions([{ identifier: ' ' }], []))).toBeInstanceOf(V6InvalidIdentifierError);
    expect(thrown(() => listedVersions([{}], null as never))).toMatchObject({
      code: ErrorCodes.INVALID_ARGUMENT,
      details: { field: 'expectedVersions' },
    });
    expect(thrown(() => listedVersions([{}], [{ domain: 'd', expectedVersion: -1 }]))).toMatchObject({
      details: { field: 'expectedVersions[0].expectedVersion' },
    });
    expect(
      thrown(() =>
        listedVersions(
          [{}],
          [
            { domain: 'd', identifier: 'a', expectedVersion: 0 },
            { domain: 'd', identifier: 'a', expectedVersion: 1 },
          ],
        ),
      ),
    ).toMatchObject({ details: { field: 'expectedVersions[1]', rule: 'each stream at most once' } });
    const listed = listedVersions([{}], [{ domain: 'd', identifier: 'a', expectedVersion: 2 }]);
    expect([...listed.values()]).toEqual([expect.objectContaining({ domain: 'd', identifier: 'a', version: 2, key: 'd::a' })]);
    const written = validateEvents([{ id: 'e', domain: 'd', identifier: 'b', type: 't', payload: 1, created }]);
    expect(thrown(() => checkEveryStreamListed(written, listed))).toMatchObject({
      code: ErrorCodes.INVALID_ARGUMENT,
      details: { rule: 'every written stream listed', stream: 'd::b' },
    });
    checkEveryStreamListed(validateEvents([{ id: 'e', domain: 'd', identifier: 'a', type: 't', payload: 1, created }]), listed);
  });

  it('streamReferences and expectedSequenceList: references checked, well-formed, within the key limit, once each', () => {
    expect(thrown(() => streamReferences('x'))).toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT, details: { field: 'streams' } });
    expect(thrown(() => streamReferences([{ domain: '\uD800' }]))).toMatchObject({
      details: { field: 'streams[0].domain', rule: 'well-formed Unicode' },
    });
    expect(thrown(() => streamReferences([{ domain: 'd'.repeat(3_000) }]))).toMatchObject({ details: { rule: 'fits the partition key' } });
    expect(streamReferences([{ domain: 'd' }])).toEqual([expect.objectContaining({ domain: 'd', identifier: undefined, key: 'd::' })]);
    const first = { id: 'e', domain: 'd', identifier: 'a', type: 't', payload: 1, created };
    expect(thrown(() => expectedSequenceList([{ domain: 'd', identifier: 'a', expectedSequence: 2 }], first, 1))).toMatchObject({
      code: ErrorCodes.INVALID_ARGUMENT,
      details: { rule: 'agrees with expectedSequence' },
    });
    expect(expectedSequenceList(undefined, first, 1)).toEqual([]);
    expect(expectedSequenceList([{ domain: 'd', expectedSequence: 0 }], first, 1)).toEqual([
      { pk: expect.any(String), streamKey: 'd::', version: 0 },
    ]);
  });

  it('oneStream: appendToStream events, all of one stream with an identifier', () => {
    expect(thrown(() => oneStream([]))).toBeInstanceOf(V6InvalidStreamBatchError);
    expect(thrown(() => oneStream([{ domain: 'd', identifier: '', type: 't', payload: 1, created }]))).toBeInstanceOf(
      V6InvalidIdentifierError,
    );
    const spanning = thrown(() =>
      oneStream([
        { domain: 'd', identifier: 'a', type: 't', payload: 1, created },
        { domain: 'd', identifier: 'b', type: 't', payload: 1, created },
      ]),
    );
    expect(spanning).toBeInstanceOf(V6InvalidStreamBatchError);
    expect(spanning).toMatchObject({ code: ErrorCodes.INVALID_EVENT });
    const event = { domain: 'd', identifier: 'a', type: 't', payload: 1, created };
    expect(oneStream([event, { ...event }])).toBe(event);
  });
});
