/**
 * The suite's item-size oracle against sizes worked out by hand from AWS's published rules (one of them the
 * developer guide's own example), and against the library's implementation on random items: two independent
 * implementations of one rule set must agree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemSize } from '../../src/layout/item-size.js';
import type { Item } from '../../src/ports/kv-driver.js';
import { attributeValueArb } from './arbitraries.js';
import { oracleItemSize, oracleValueSize, padItemTo, significantDigits, utf8Bytes } from './size-oracle.js';

describe('item-size oracle', () => {
  it("matches the developer guide's example: shirt-color R and shirt-size M is 23 bytes", () => {
    expect(oracleItemSize({ 'shirt-color': 'R', 'shirt-size': 'M' })).toBe(23);
  });

  it('counts strings and attribute names in UTF-8 bytes', () => {
    expect(utf8Bytes('é')).toBe(2);
    expect(utf8Bytes('✓')).toBe(3);
    expect(utf8Bytes('\u{1F600}')).toBe(4);
    expect(utf8Bytes('\uD800')).toBe(3);
    // name 'é✓' (5) + value '😀a' (5)
    expect(oracleItemSize({ 'é✓': '\u{1F600}a' })).toBe(10);
  });

  it.each([
    [0, 0, 1],
    [7, 1, 2],
    [-7, 1, 2],
    [123, 3, 3],
    [1200, 2, 2],
    [123.45, 5, 4],
    [0.0001, 1, 2],
    [1.5e-7, 2, 2],
    [1e21, 1, 2],
    [12_345_678_901_234_567_000, 17, 10],
  ])('number %d has %d significant digits and takes %d bytes', (value, digits, bytes) => {
    expect(significantDigits(value)).toBe(digits);
    expect(oracleValueSize(value)).toBe(bytes);
  });

  it('counts binary raw, booleans and null 1 byte', () => {
    expect(oracleValueSize(new Uint8Array(5))).toBe(5);
    expect(oracleValueSize(new Uint8Array(0))).toBe(0);
    expect(oracleValueSize(true)).toBe(1);
    expect(oracleValueSize(null)).toBe(1);
  });

  it('counts lists and maps 3 bytes plus 1 per element plus contents (and map member names)', () => {
    // 3 + (1 + 'a') + (1 + 7 as 2 bytes) + (1 + null)
    expect(oracleValueSize(['a', 7, null])).toBe(10);
    // 3 + (1 + 'ab' + 'xyz') + (1 + 'c' + true)
    expect(oracleValueSize({ ab: 'xyz', c: true })).toBe(12);
    // name 'l' (1) + outer list 3 + (1 + inner empty list 3)
    expect(oracleItemSize({ l: [[]] })).toBe(8);
    expect(oracleValueSize({})).toBe(3);
  });

  it('ignores undefined attributes and members', () => {
    const item = { a: 'x', b: undefined, m: { c: undefined, d: 1 } } as unknown as Item;
    // 'a' + 'x' = 2; 'm' + (3 + 1 + 'd' + 2) = 8
    expect(oracleItemSize(item)).toBe(10);
  });

  it('pads an item to an exact size, and refuses a size below the unpadded item', () => {
    const padded = padItemTo({ pk: 'p', sk: 1 }, 'blob', 1000);
    expect(oracleItemSize(padded)).toBe(1000);
    expect(padded.blob).toMatch(/^x+$/);
    expect(() => padItemTo({ pk: 'a long partition key' }, 'blob', 5)).toThrow(RangeError);
  });

  it('agrees with the library implementation on random items', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 4 }), attributeValueArb, { maxKeys: 5 }), (item) => {
        expect(oracleItemSize(item)).toBe(itemSize(item));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(oracleValueSize(value)).toBe(itemSize({ n: value }) - 1);
      }),
      { numRuns: 500 },
    );
  });
});
