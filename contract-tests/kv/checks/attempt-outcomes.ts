/**
 * Attempt outcomes (only when the fixture can lose an attempt, `KvFixture.lostAttempts`): a failed write any of
 * whose attempts may have been applied reports `details.mayHaveLanded: true`, whatever its code. The AWS SDK
 * retries on its own and throws the LAST attempt's error: a write whose first attempt committed unanswered and
 * whose retries were throttled ends in `DRIVER/THROTTLED`, which the core would otherwise take for a refusal.
 */
import { EventStoreAdapterError } from '../../../src/errors/index.js';
import type { KvDriver } from '../../../src/ports/kv-driver.js';
import { ensure, uniqueToken } from '../../harness.js';
import { PK_SK_NUMBER, withTables, type KvCheck } from '../fixture.js';

const WRITES = ['transactWrite', 'batchWrite'] as const;

/** The write of one fresh item through `operation`; resolves or throws what the driver did. */
function write(driver: KvDriver, table: string, operation: (typeof WRITES)[number], key: { pk: string; sk: number }): Promise<unknown> {
  const item = { ...key, v: 1 };
  return operation === 'transactWrite' ? driver.transactWrite(table, [{ type: 'put', item }]) : driver.batchWrite(table, [{ put: item }]);
}

/** A write applied with its answer lost, then refused: success (truthful) or an error with `mayHaveLanded`. */
export const attemptOutcomesCheck: KvCheck = {
  name: 'a write applied unanswered, then refused, reports details.mayHaveLanded whatever its code',
  group: 'attempt outcomes',
  requires: (caps) => caps.injectsLostAttempts === true,
  run: (factory) =>
    withTables(factory, 'landed', [PK_SK_NUMBER], async (driver, [schema], fixture) => {
      const table = schema!.name;
      for (const operation of WRITES) {
        const key = { pk: uniqueToken(), sk: 1 };
        fixture.lostAttempts!(operation);
        let thrown: unknown;
        try {
          await write(driver, table, operation, key);
        } catch (error) {
          thrown = error;
        }
        const stored = (await driver.get(table, key, { consistent: true })).item;
        ensure(stored !== undefined, `${operation}: the fixture's lostAttempts hook did not apply the write, so nothing can be judged`);
        if (thrown === undefined) continue; // Reported as applied: the truth.
        const what = `${operation} applied unanswered, then refused`;
        ensure(thrown instanceof EventStoreAdapterError, () => `${what}: threw a non-adapter error ${String(thrown)}`);
        ensure(
          thrown.details.mayHaveLanded === true,
          `${what}: threw ${thrown.code} without details.mayHaveLanded: true (a refusal inferred from the last attempt only)`,
        );
      }
    }),
};
