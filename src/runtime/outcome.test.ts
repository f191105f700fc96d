import { describe, expect, it } from 'vitest';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { mayHaveLanded } from './outcome.js';

describe('mayHaveLanded', () => {
  it('reads details.mayHaveLanded on the error or any cause, whatever the code', () => {
    const throttled = new EventStoreAdapterError(ErrorCodes.THROTTLED, 'x', { details: { mayHaveLanded: true } });
    expect(mayHaveLanded(throttled)).toBe(true);
    expect(mayHaveLanded(new EventStoreAdapterError(ErrorCodes.RETRIES_EXHAUSTED, 'y', { cause: throttled }))).toBe(true);
    // From another copy of the package: read by shape.
    expect(mayHaveLanded(Object.assign(new Error('z'), { details: { mayHaveLanded: true } }))).toBe(true);
  });

  it('is false without the flag (a refusal stays a refusal), for false, and for non-errors', () => {
    expect(mayHaveLanded(new EventStoreAdapterError(ErrorCodes.THROTTLED, 'x'))).toBe(false);
    expect(mayHaveLanded(new EventStoreAdapterError(ErrorCodes.THROTTLED, 'x', { details: { mayHaveLanded: false } }))).toBe(false);
    expect(mayHaveLanded(undefined)).toBe(false);
    expect(mayHaveLanded('boom')).toBe(false);
  });

  it('stops on a cause cycle', () => {
    const a: { details: object; cause?: unknown } = { details: {} };
    a.cause = a;
    expect(mayHaveLanded(a)).toBe(false);
  });
});
