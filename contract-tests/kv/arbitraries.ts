/**
 * fast-check arbitraries shared by the KV checks: key values whose UTF-8 order differs from their UTF-16 order,
 * numbers, conditions, range conditions and nested attribute values.
 */
import fc from 'fast-check';
import type { AttributeValue, Condition, KeyValue, RangeCondition } from '../../src/ports/kv-driver.js';
import { compareKeyValues } from './model.js';

/**
 * Characters for string keys. '\uFFFF' sorts AFTER '\u{1F600}' in UTF-16 code units but BEFORE it in UTF-8
 * bytes; 'é' and '~' sit between ASCII and them; upper and lower case differ in order.
 */
export const KEY_CHARACTERS = ['a', 'b', 'B', '~', 'é', '\uFFFF', '\u{1F600}', '0'] as const;

/** A non-empty string key of 1..3 characters from {@link KEY_CHARACTERS}. */
export const stringKeyArb: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...KEY_CHARACTERS), { minLength: 1, maxLength: 3 })
  .map((characters) => characters.join(''));

/** A numeric key: integers and exact quarters, negative and positive (decimal-exact, so every backend agrees). */
export const numberKeyArb: fc.Arbitrary<number> = fc
  .integer({ min: -400, max: 400 })
  .map((quarters) => (quarters % 3 === 0 ? quarters / 4 : Math.trunc(quarters / 4)) + 0);

/** A range condition over keys drawn from `valueArb`, with `low <= high` for between; beginsWith only for strings. */
export function rangeArb(valueArb: fc.Arbitrary<KeyValue>, strings: boolean): fc.Arbitrary<RangeCondition> {
  const comparison = fc.record({
    op: fc.constantFrom('eq' as const, 'lt' as const, 'lte' as const, 'gt' as const, 'gte' as const),
    value: valueArb,
  });
  const between = fc.tuple(valueArb, valueArb).map(([a, b]): RangeCondition => {
    const [low, high] = compareKeyValues(a, b) <= 0 ? [a, b] : [b, a];
    return { op: 'between', low, high };
  });
  const options: fc.Arbitrary<RangeCondition>[] = [comparison, between];
  if (strings) options.push(stringKeyArb.map((prefix): RangeCondition => ({ op: 'beginsWith', prefix: [...prefix][0]! })));
  return fc.oneof(...options);
}

/** Values a condition's `equals` compares against (and that the condition checks store): small pools, so they match. */
export const SCALAR_POOL: readonly (KeyValue | boolean)[] = [0, 1, 2, 'x', 'y', true, false];

/** A condition tree of depth at most `depth` over attributes `names`, comparing against {@link SCALAR_POOL}. */
export function conditionArb(names: readonly string[], depth = 2): fc.Arbitrary<Condition> {
  const leaf: fc.Arbitrary<Condition> = fc.oneof(
    fc.constant<Condition>({ kind: 'notExists' }),
    fc.constant<Condition>({ kind: 'exists' }),
    fc.record({
      kind: fc.constant('equals' as const),
      attribute: fc.constantFrom(...names),
      value: fc.constantFrom(...SCALAR_POOL),
    }),
  );
  if (depth <= 0) return leaf;
  const inner = conditionArb(names, depth - 1);
  return fc.oneof(
    { arbitrary: leaf, weight: 3 },
    {
      arbitrary: fc.record({
        kind: fc.constantFrom('and' as const, 'or' as const),
        conditions: fc.array(inner, { minLength: 1, maxLength: 3 }),
      }),
      weight: 2,
    },
  );
}

/** Names used as map members in nested values: fixed, so no `__proto__`-like names and no empty names. */
const MEMBER_NAMES = ['a', 'b', 'c', 'nested', 'é'] as const;

/** A nested attribute value: strings (unicode), integers, booleans, null, binary (incl. empty), lists and maps. */
export const attributeValueArb: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 8 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...MEMBER_NAMES), tie('value'), { maxKeys: 3 }),
  ),
})).value;
