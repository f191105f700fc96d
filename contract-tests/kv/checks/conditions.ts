/**
 * Conditions: for a random stored state (absent, or present with random attributes) and a random condition tree
 * (and/or over notExists/exists/equals), a transaction commits exactly when the model's evaluation says so, and
 * then applies every action; otherwise it writes nothing and reports the failing action with the stored item.
 */
import fc from 'fast-check';
import type { Condition, Item, KeyValue, TransactAction } from '../../../src/ports/kv-driver.js';
import { ensure, ensureEqual, propertyParameters, uniqueToken, withExamples } from '../../harness.js';
import { conditionArb, SCALAR_POOL } from '../arbitraries.js';
import { PK_SK_NUMBER, withTables, type KvCheck } from '../fixture.js';
import { batchWriteEvery } from '../loops.js';
import { TableModel } from '../model.js';

const ATTRIBUTES = ['a', 'b', 'c'] as const;

const storedArb = fc.option(fc.record({ a: fc.constantFrom(...SCALAR_POOL), b: fc.constantFrom(...SCALAR_POOL) }, { requiredKeys: [] }), {
  nil: undefined,
});

/**
 * Cases every run tries first, whatever the seed: a put on a stored item that must not exist (cancelled: reasons
 * `none`, then `conditionFailed` with the stored item), and a condition check that holds (committed).
 */
const TARGETED_CASES: readonly [Partial<Record<'a' | 'b', KeyValue | boolean>> | undefined, Condition, TransactAction['type']][] = [
  [{ a: 1, b: 'x' }, { kind: 'notExists' }, 'put'],
  [{ a: 1 }, { kind: 'and', conditions: [{ kind: 'exists' }, { kind: 'equals', attribute: 'a', value: 1 }] }, 'conditionCheck'],
];

/** Transaction outcome under random condition trees equals the model's evaluation. */
export const conditionsCheck: KvCheck = {
  name: 'conditions: random condition trees on random stored state commit exactly when the model says, all-or-nothing',
  group: 'transactions',
  run: (factory, options) =>
    withTables(factory, 'cond', [PK_SK_NUMBER], async (driver, [schema]) => {
      const table = schema!;
      await fc.assert(
        fc.asyncProperty(
          storedArb,
          conditionArb(ATTRIBUTES, 3),
          fc.constantFrom('put' as const, 'update' as const, 'delete' as const, 'conditionCheck' as const),
          async (stored, condition, type) => {
            const pk = uniqueToken();
            const target = { pk, sk: 1 };
            const bystander = { pk, sk: 2 };
            const model = new TableModel(table);
            if (stored !== undefined) {
              const item: Item = { ...target, ...stored };
              await batchWriteEvery(driver, table, [{ put: item }]);
              model.put(item);
            }
            const action: TransactAction =
              type === 'put'
                ? { type, item: { ...target, c: 'new' }, condition }
                : type === 'update'
                  ? { type, key: target, set: { c: 'set' }, condition }
                  : type === 'delete'
                    ? { type, key: target, condition }
                    : { type, key: target, condition };
            const actions: TransactAction[] = [{ type: 'put', item: { ...bystander, c: 'bystander' } }, action];
            const storedBefore = model.get(target);
            const expected = model.transact(actions);
            const result = await driver.transactWrite(table.name, actions);
            ensure(result.committed === expected.committed, () => `committed=${result.committed}, model evaluates ${expected.committed}`);
            if (!result.committed) {
              ensure(result.reasons.length === 2, () => `${result.reasons.length} reasons for 2 actions`);
              ensure(result.reasons[0]!.kind === 'none', () => `the unconditional action's reason is ${result.reasons[0]!.kind}`);
              const reason = result.reasons[1]!;
              ensure(reason.kind === 'conditionFailed', () => `the failing action's reason is ${reason.kind}`);
              if (reason.kind === 'conditionFailed') ensureEqual(reason.item, storedBefore, 'stored item in the conditionFailed reason');
            }
            ensureEqual(
              (await driver.get(table.name, target, { consistent: true })).item,
              model.get(target),
              'target after the transaction',
            );
            ensureEqual(
              (await driver.get(table.name, bystander, { consistent: true })).item,
              model.get(bystander),
              'other item of the transaction',
            );
          },
        ),
        withExamples(propertyParameters(options), TARGETED_CASES),
      );
    }),
};
