/**
 * The package root's public surface (docs/architecture.md lists it): what a user constructs, catches and types, and
 * nothing else at run time. Limits live on the driver subpaths; internals are not exported.
 */
import { describe, expect, it } from 'vitest';
import * as dynamodb from '../drivers/dynamodb/index.js';
import * as s3 from '../drivers/s3/index.js';
import * as root from './index.js';
import * as limits from './layout/limits.js';

/** The root's runtime exports, as docs/architecture.md lists them. */
const ROOT_RUNTIME_EXPORTS = [
  'AdapterCapabilityError',
  'ConcurrencyError',
  'DuplicateEventError',
  'DuplicateEventIdError',
  'ERASED_META',
  'ERASED_PAYLOAD',
  'ErrorCodes',
  'EventCursorNotFoundError',
  'EventStore',
  'EventStoreAdapterError',
  'EventStoreRepo',
  'InvalidIdentifierError',
  'InvalidStreamBatchError',
  'SnapshotError',
  'StreamConcurrencyError',
  'TransactionScopeError',
  'WarningCodes',
  'hasCode',
  'isErased',
  'localKeyProvider',
];

describe('the package root', () => {
  it('exports at run time exactly the store class, its deprecated alias, the errors, codes and warning codes, the local key provider and the erased-event markers', () => {
    expect(Object.keys(root).sort()).toEqual([...ROOT_RUNTIME_EXPORTS].sort());
    expect(Object.keys(root).length).toBeLessThanOrEqual(20);
  });

  it('keeps every documented name working: EventStore is EventStoreRepo (deprecated alias)', () => {
    expect(root.EventStore).toBe(root.EventStoreRepo);
    const store = new root.EventStore();
    expect(store).toBeInstanceOf(root.EventStoreRepo);
    expect(root.hasCode(new root.ConcurrencyError('a::b', 1, 2), root.ErrorCodes.CONCURRENCY)).toBe(true);
  });

  it('leaves internals out, and the service limits on the driver subpaths', () => {
    for (const internal of ['callSafely', 'makeWarn', 'CONTENTION_MAX_DOUBLINGS', 'itemSize', 'RETRYABLE_CODES', 'MAX_PAGE_SIZE'])
      expect(internal in root, internal).toBe(false);
    for (const [name, value] of Object.entries(limits)) {
      expect(name in root, name).toBe(false);
      if (name.startsWith('DYNAMODB_')) expect((dynamodb as Record<string, unknown>)[name], name).toBe(value);
      if (name.startsWith('S3_')) expect((s3 as Record<string, unknown>)[name], name).toBe(value);
    }
  });
});
