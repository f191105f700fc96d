/** The contract harness's own equality: `sameCanonical` (what `ensureEqual` decides by) agrees with `canonical`. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonical, ensureEqual, sameCanonical } from '../harness.js';

/** Attribute-like values: strings, numbers (NaN and -0 included), booleans, null, undefined, binary, lists, maps. */
const leaf = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('', '1', 'null', 'true', 'b64:AA==', 'undefined'),
  fc.double(),
  fc.integer({ min: -3, max: 3 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 4 }),
  fc.uint8Array({ maxLength: 4 }).map((bytes) => Buffer.from(bytes)),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__x'), tie('value'), { maxKeys: 3 }),
  ),
}));

/** A copy of `input` with members re-ordered and binary re-wrapped: canonically the same. */
function reshaped(input: unknown): unknown {
  if (input instanceof Uint8Array) return new Uint8Array(input);
  if (Array.isArray(input)) return input.map(reshaped);
  if (input !== null && typeof input === 'object')
    return Object.fromEntries(
      Object.entries(input)
        .reverse()
        .map(([name, member]) => [name, reshaped(member)]),
    );
  return input;
}

describe('contract harness equality', () => {
  it('sameCanonical(a, b) is exactly canonical(a) === canonical(b), on random pairs and on reshaped copies', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameCanonical(a, b)).toBe(canonical(a) === canonical(b));
        expect(sameCanonical(a, reshaped(a))).toBe(true);
        expect(canonical(reshaped(a))).toBe(canonical(a));
      }),
      { numRuns: 2_000 },
    );
  });

  it('tells apart what canonical tells apart: tags, members, bytes', () => {
    expect(sameCanonical('1', 1)).toBe(false);
    expect(sameCanonical([], {})).toBe(false);
    expect(sameCanonical(new Uint8Array([1]), 'AQ==')).toBe(false);
    expect(sameCanonical({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameCanonical({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameCanonical(Buffer.from([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(sameCanonical(new Uint8Array([1, 2]).subarray(1), new Uint8Array([2]))).toBe(true);
    expect(() => ensureEqual({ a: 'x' }, { a: 'y' }, 'the item')).toThrow(/the item: expected \{"a":"y"\}, got \{"a":"x"\}/);
  });
});
