import { expect } from 'vitest';
import { EventStoreAdapterError } from '../../src/errors.js';

/** The typed error `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function caught(promise: Promise<unknown>): Promise<EventStoreAdapterError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EventStoreAdapterError);
    return error as EventStoreAdapterError;
  }
  throw new Error('expected a rejection');
}
