/**
 * The suites prove their strength: every deliberately faulty driver (a decorator planting one bug around the
 * correct in-memory twin) is rejected by the checks named here. Runs use a fixed seed and no shrinking, so the
 * self-test is deterministic and fast; the catches were seen with every seed tried (1..8).
 */
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import {
  binaryRoundTripCheck,
  blobCopySemanticsCheck,
  listPagingCheck,
  type BlobCheck,
} from '../blob/index.js';
import { faultyBlobVariants, faultyKvVariants } from '../faulty/index.js';
import {
  conditionsCheck,
  copySemanticsCheck,
  gsiCheck,
  idempotencyCheck,
  itemSizeLimitCheck,
  modelBasedCheck,
  pageBytesCheck,
  queryPagingCheck,
  requestLimitsCheck,
  tableLifecycleCheck,
  type KvCheck,
} from '../kv/index.js';

/** Fixed seed of the self-test runs (any seed catches these; a fixed one keeps CI deterministic). */
const SEED = 1;

/** Which checks must catch each faulty KV variant. */
const KV_CATCHERS: Readonly<Record<string, readonly KvCheck[]>> = {
  'ignores-conditions': [modelBasedCheck, conditionsCheck],
  'partial-transaction': [modelBasedCheck, conditionsCheck, requestLimitsCheck],
  'blames-every-action': [modelBasedCheck, conditionsCheck],
  'drops-last-query-page': [queryPagingCheck, gsiCheck, pageBytesCheck],
  'misorders-page': [queryPagingCheck, gsiCheck, pageBytesCheck],
  'repeats-item-across-cursor': [modelBasedCheck, queryPagingCheck, gsiCheck, pageBytesCheck],
  'cursor-skips-item': [queryPagingCheck, gsiCheck, pageBytesCheck],
  'ignores-page-bytes': [pageBytesCheck],
  'loses-unprocessed-keys': [modelBasedCheck, requestLimitsCheck],
  'shares-references': [copySemanticsCheck],
  'accepts-oversize-items': [itemSizeLimitCheck],
  'ignores-token': [idempotencyCheck],
  'missing-table-reads-empty': [tableLifecycleCheck],
};

/** Which checks must catch each faulty blob variant. */
const BLOB_CATCHERS: Readonly<Record<string, readonly BlobCheck[]>> = {
  'list-loses-last-page': [listPagingCheck],
  'shares-bytes': [blobCopySemanticsCheck],
  'lists-in-utf16-order': [listPagingCheck],
};

describe('faulty KV drivers are caught', () => {
  it('every faulty KV variant has catchers', () => {
    expect(Object.keys(KV_CATCHERS).sort()).toEqual(faultyKvVariants.map((variant) => variant.name).sort());
  });
  for (const variant of faultyKvVariants) {
    for (const check of KV_CATCHERS[variant.name] ?? []) {
      it(`${variant.name} (${variant.bug}) is caught by "${check.name}"`, async () => {
        const factory = async () => ({ driver: variant.wrap(new MemoryKvDriver()), indexSettleMs: 0 });
        await expect(check.run(factory, { seed: SEED, shrink: false })).rejects.toThrow();
      });
    }
  }
  it('the same checks pass on the twin without a wrapper (the catches are the planted bugs)', async () => {
    const checks = new Set(Object.values(KV_CATCHERS).flat());
    for (const check of checks) {
      await check.run(async () => ({ driver: new MemoryKvDriver(), indexSettleMs: 0 }), { seed: SEED });
    }
    expect(checks.size).toBeGreaterThan(5);
  });
});

describe('faulty blob drivers are caught', () => {
  it('every faulty blob variant has catchers', () => {
    expect(Object.keys(BLOB_CATCHERS).sort()).toEqual(faultyBlobVariants.map((variant) => variant.name).sort());
  });
  for (const variant of faultyBlobVariants) {
    for (const check of BLOB_CATCHERS[variant.name] ?? []) {
      it(`${variant.name} (${variant.bug}) is caught by "${check.name}"`, async () => {
        const factory = async () => ({ driver: variant.wrap(new MemoryBlobDriver()) });
        await expect(check.run(factory, { seed: SEED, shrink: false })).rejects.toThrow();
      });
    }
  }
  it('the same checks pass on the twin without a wrapper', async () => {
    const checks = new Set([...Object.values(BLOB_CATCHERS).flat(), binaryRoundTripCheck]);
    for (const check of checks) await check.run(async () => ({ driver: new MemoryBlobDriver() }), { seed: SEED });
    expect(checks.size).toBe(3);
  });
});
