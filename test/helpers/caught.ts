import { expect } from 'vitest';
import { EventStoreAdapterError } from '../../src/errors/index.js';

/** Whatever `promise` rejects with (any value: the V6 tests check the framework's own classes); fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The typed error `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function caught(promise: Promise<unknown>): Promise<EventStoreAdapterError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(EventStoreAdapterError);
  return error as EventStoreAdapterError;
}
