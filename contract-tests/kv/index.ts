/**
 * The KV driver contract suite. A driver author runs it in a vitest file:
 *
 * ```ts
 * import { kvDriverContract } from 'event-store-adapter-dynamodb/contract-tests';
 * kvDriverContract({ name: 'my driver', createDriver: async () => ({ driver: new MyKvDriver() }) });
 * ```
 */
import { defineContract, type PropertyOptions } from '../harness.js';
import { attemptOutcomesCheck } from './checks/attempt-outcomes.js';
import { batchBoundariesCheck } from './checks/batch-boundaries.js';
import { conditionsCheck } from './checks/conditions.js';
import { copySemanticsCheck } from './checks/copy-semantics.js';
import { gsiCheck } from './checks/gsi.js';
import { idempotencyCheck } from './checks/idempotency.js';
import { itemSizeLimitCheck, requestLimitsCheck } from './checks/limits.js';
import { modelBasedCheck } from './checks/model-based.js';
import { pageBytesCheck } from './checks/page-bytes.js';
import { pageCutBoundaryCheck } from './checks/page-cut-boundary.js';
import { queryPagingCheck } from './checks/query-paging.js';
import { scanCheck } from './checks/scan.js';
import { tableLifecycleCheck } from './checks/tables.js';
import type { KvCheck, KvDriverFactory, KvFixture, KvSuiteCapabilities } from './fixture.js';

export type { KvCheck, KvDriverFactory, KvFixture, KvSuiteCapabilities, TableShape } from './fixture.js';
export { DEFAULT_INDEX_SETTLE_MS } from './fixture.js';
export { batchGetEvery, batchWriteEvery, queryAll } from './loops.js';
export { TableModel, compareKeyValues, evaluateCondition, matchesRange } from './model.js';
export { oracleItemSize, oracleValueSize, padItemTo } from './size-oracle.js';
export {
  attemptOutcomesCheck,
  batchBoundariesCheck,
  conditionsCheck,
  copySemanticsCheck,
  gsiCheck,
  idempotencyCheck,
  itemSizeLimitCheck,
  modelBasedCheck,
  pageBytesCheck,
  pageCutBoundaryCheck,
  queryPagingCheck,
  requestLimitsCheck,
  scanCheck,
  tableLifecycleCheck,
};

/** Every KV check, in the order the suite registers them. Each can also be run alone: `await check.run(factory)`. */
export const kvChecks: readonly KvCheck[] = [
  modelBasedCheck,
  queryPagingCheck,
  gsiCheck,
  pageBytesCheck,
  pageCutBoundaryCheck,
  itemSizeLimitCheck,
  requestLimitsCheck,
  batchBoundariesCheck,
  copySemanticsCheck,
  conditionsCheck,
  idempotencyCheck,
  tableLifecycleCheck,
  attemptOutcomesCheck,
  scanCheck,
];

/** Options of {@link kvDriverContract}. */
export interface KvDriverContractOptions extends PropertyOptions {
  /** Shown in the `describe` title. */
  readonly name: string;
  /** Returns a fresh, isolated driver (and optional table prefix and teardown); called once per check. */
  readonly createDriver: KvDriverFactory;
  /** The checks to register (default {@link kvChecks}). */
  readonly checks?: readonly KvCheck[];
  /** Per-test timeout in milliseconds (default 120 s). */
  readonly timeoutMs?: number;
}

/**
 * Register the KV contract as vitest tests under `describe('KV driver contract: <name>')`. Optional checks whose
 * `requires` is false for the driver's capabilities are not registered; one test lists them. `numRuns`, `seed`
 * and `path` parameterise every property (env `CONTRACT_NUM_RUNS`, `CONTRACT_SEED`, `CONTRACT_PATH` otherwise).
 */
export function kvDriverContract(options: KvDriverContractOptions): void {
  const { name, createDriver, checks = kvChecks, timeoutMs, ...property } = options;
  defineContract<KvFixture, KvSuiteCapabilities>({
    title: `KV driver contract: ${name}`,
    checks,
    createFixture: createDriver,
    capabilitiesOf: (fixture) => ({
      ...fixture.driver.capabilities,
      injectsLostAttempts: fixture.lostAttempts !== undefined,
      scans: typeof fixture.driver.scan === 'function',
    }),
    options: property,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}
