/**
 * The blob driver contract suite. A driver author runs it in a vitest file:
 *
 * ```ts
 * import { blobDriverContract } from 'event-store-adapter-dynamodb/contract-tests';
 * blobDriverContract({ name: 'my blobs', createDriver: async () => ({ driver: new MyBlobDriver() }) });
 * ```
 */
import type { BlobCapabilities } from '../../src/ports/blob-driver.js';
import { defineContract, type PropertyOptions } from '../harness.js';
import { binaryRoundTripCheck, blobCopySemanticsCheck } from './checks/bytes.js';
import { listPageLimitCheck } from './checks/list-page-limit.js';
import { lastModifiedCheck } from './checks/last-modified.js';
import { largeObjectsCheck } from './checks/large-objects.js';
import { containerCheck, deleteLimitCheck, objectSizeLimitCheck } from './checks/limits.js';
import { listPagingCheck } from './checks/list-paging.js';
import { blobModelBasedCheck } from './checks/model-based.js';
import type { BlobCheck, BlobDriverFactory, BlobFixture } from './fixture.js';

export type { BlobCheck, BlobDriverFactory, BlobFixture } from './fixture.js';
export { listAll } from './fixture.js';
export {
  binaryRoundTripCheck,
  blobCopySemanticsCheck,
  blobModelBasedCheck,
  containerCheck,
  deleteLimitCheck,
  largeObjectsCheck,
  lastModifiedCheck,
  listPageLimitCheck,
  listPagingCheck,
  objectSizeLimitCheck,
};

/** Every blob check, in the order the suite registers them. Each can also be run alone: `await check.run(factory)`. */
export const blobChecks: readonly BlobCheck[] = [
  blobModelBasedCheck,
  listPagingCheck,
  listPageLimitCheck,
  lastModifiedCheck,
  binaryRoundTripCheck,
  largeObjectsCheck,
  blobCopySemanticsCheck,
  deleteLimitCheck,
  objectSizeLimitCheck,
  containerCheck,
];

/** Options of {@link blobDriverContract}. */
export interface BlobDriverContractOptions extends PropertyOptions {
  /** Shown in the `describe` title. */
  readonly name: string;
  /** Returns a fresh driver (and optional key prefix and teardown); called once per check. */
  readonly createDriver: BlobDriverFactory;
  /** The checks to register (default {@link blobChecks}). */
  readonly checks?: readonly BlobCheck[];
  /** Per-test timeout in milliseconds (default 120 s). */
  readonly timeoutMs?: number;
}

/**
 * Register the blob contract as vitest tests under `describe('Blob driver contract: <name>')`. `numRuns`, `seed`
 * and `path` parameterise every property (env `CONTRACT_NUM_RUNS`, `CONTRACT_SEED`, `CONTRACT_PATH` otherwise).
 */
export function blobDriverContract(options: BlobDriverContractOptions): void {
  const { name, createDriver, checks = blobChecks, timeoutMs, ...property } = options;
  defineContract<BlobFixture, BlobCapabilities>({
    title: `Blob driver contract: ${name}`,
    checks,
    createFixture: createDriver,
    capabilitiesOf: (fixture) => fixture.driver.capabilities,
    options: property,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}
