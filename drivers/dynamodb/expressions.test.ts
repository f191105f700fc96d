import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/ports/kv-driver.js';
import { conditionExpression, ExpressionBuilder, keyConditionExpression, simplifyCondition } from './expressions.js';

const conditionArbitrary: fc.Arbitrary<Condition> = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Condition>({ kind: 'exists' }),
    fc.constant<Condition>({ kind: 'notExists' }),
    fc.record({
      kind: fc.constant('equals' as const),
      attribute: fc.constantFrom('a', 'b', 'pk'),
      value: fc.oneof(fc.string(), fc.integer(), fc.boolean()),
    }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), conditions: fc.array(tie('condition'), { maxLength: 3 }) }),
  ),
})).condition;

describe('condition expressions', () => {
  it('register exactly the placeholders the expression uses (DynamoDB rejects unused ones)', () => {
    fc.assert(
      fc.property(conditionArbitrary, (condition) => {
        const builder = new ExpressionBuilder();
        const expression = conditionExpression(condition, 'pk', builder) ?? '';
        const { ExpressionAttributeNames = {}, ExpressionAttributeValues = {} } = builder.attributes();
        for (const placeholder of [...Object.keys(ExpressionAttributeNames), ...Object.keys(ExpressionAttributeValues)]) {
          expect(expression).toMatch(new RegExp(`${placeholder}(?![0-9])`));
        }
        for (const used of expression.match(/[#:][nv][0-9]+/g) ?? []) {
          expect({ ...ExpressionAttributeNames, ...ExpressionAttributeValues }).toHaveProperty([used]);
        }
      }),
    );
  });

  it('folds constant branches: empty and is true, empty or is false, absorbing values win', () => {
    expect(simplifyCondition({ kind: 'and', conditions: [] })).toBe(true);
    expect(simplifyCondition({ kind: 'or', conditions: [] })).toBe(false);
    expect(simplifyCondition({ kind: 'or', conditions: [{ kind: 'exists' }, { kind: 'and', conditions: [] }] })).toBe(true);
    expect(simplifyCondition({ kind: 'and', conditions: [{ kind: 'exists' }, { kind: 'or', conditions: [] }] })).toBe(false);
    expect(simplifyCondition({ kind: 'and', conditions: [{ kind: 'exists' }, { kind: 'and', conditions: [] }] })).toEqual({
      kind: 'exists',
    });
    const builder = new ExpressionBuilder();
    expect(conditionExpression({ kind: 'and', conditions: [] }, 'pk', builder)).toBeUndefined();
    expect(builder.attributes()).toEqual({});
  });

  it('never interpolates names or values into the text', () => {
    const builder = new ExpressionBuilder();
    const expression = conditionExpression({ kind: 'equals', attribute: 'weird name) OR (x', value: "' OR 1=1" }, 'pk', builder);
    expect(expression).toBe('#n0 = :v0');
    expect(builder.attributes()).toEqual({
      ExpressionAttributeNames: { '#n0': 'weird name) OR (x' },
      ExpressionAttributeValues: { ':v0': "' OR 1=1" },
    });
  });

  it('builds key conditions for every range operator', () => {
    const render = (range: Parameters<typeof keyConditionExpression>[3]) =>
      keyConditionExpression('pk', 'p', 'sk', range, new ExpressionBuilder());
    expect(render(undefined)).toBe('#n0 = :v0');
    expect(render({ op: 'lte', value: 3 })).toBe('#n0 = :v0 AND #n1 <= :v1');
    expect(render({ op: 'between', low: 1, high: 2 })).toBe('#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2');
    expect(render({ op: 'beginsWith', prefix: 'a' })).toBe('#n0 = :v0 AND begins_with(#n1, :v1)');
    expect(() => keyConditionExpression('pk', 'p', undefined, { op: 'eq', value: 1 }, new ExpressionBuilder())).toThrow(
      expect.objectContaining({ code: 'DRIVER/VALIDATION' }),
    );
  });
});
